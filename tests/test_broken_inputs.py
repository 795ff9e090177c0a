"""Broken input, through the real command line: each mistake is reported where it is, and nothing
else happens (no traceback, no partial site); hostile text comes out inert.

Each folder of tests/broken/ holds one kind of mistake: files laid over the tiny project of
conftest.py, and `expected.txt`, the exact lines `python build.py` prints (a folder without one
holds hostile but valid input). To add a case, add a folder, run
`PYTHONPATH=. python tests/test_broken_inputs.py CASE` to see what the build prints, check that
every line is right and helpful, and save the lines as the case's expected.txt.
"""

from __future__ import annotations

import ast
import html
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scorecard import content

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"
CASES = sorted(path.name for path in BROKEN.iterdir() if (path / "expected.txt").is_file())
HOSTILE = sorted(path.name for path in BROKEN.iterdir() if not (path / "expected.txt").exists())
KNOWN_GAPS: dict[str, str] = {}  # reported, not fixed yet: strict xfail, so a fix is noticed


def cases(kinds: list[str]) -> list:
    return [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case]))
        if case in KNOWN_GAPS
        else case
        for case in kinds
    ]


def lay_over(project_root: Path, case: str) -> None:
    for path in sorted((BROKEN / case).rglob("*")):
        relative = path.relative_to(BROKEN / case)
        if path.is_file() and relative.name != "expected.txt":
            target = project_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_there_is_a_case_for_every_kind_of_mistake():
    assert set(CASES) >= {
        "malformed-yaml", "tabs", "duplicate-key", "unknown-field", "wrong-types",
        "billion-laughs", "slug-traversal", "percent-150", "numerator-over-denominator",
        "unknown-locality", "date-that-does-not-exist", "yaml-1.1-booleans", "template-syntax",
        "template-undefined",
    }  # fmt: skip
    assert set(HOSTILE) >= {"markdown-xss", "script-in-chart-label", "yaml-1.1-text"}


@pytest.mark.parametrize("case", cases(CASES))
def test_each_mistake_is_reported_at_its_line_and_nothing_is_written(project, case):
    lay_over(project.root, case)
    result = run(project.root, "--out", "out")
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        *expected,
        f"{len(expected)} problem(s); nothing was written.",
    ]
    assert result.returncode == 1
    assert result.stdout == ""
    assert not (project.root / "out").exists()
    assert list(project.root.glob(".out-*")) == []  # no staging folder left behind


@pytest.mark.parametrize("case", ["malformed-yaml", "wrong-types", "unknown-locality"])
def test_check_reports_the_same_data_mistakes(project, case):
    lay_over(project.root, case)
    result = run(project.root, "check")
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.stderr.splitlines() == [*expected, f"{len(expected)} problem(s)."]
    assert result.returncode == 1


# Hostile text that is valid data: the build succeeds and the pages cannot run it.

_UNSAFE_URL = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._in_script: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._in_script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)


def elements(page: bytes) -> Elements:
    parser = Elements()
    parser.feed(page.decode("utf-8"))
    parser.close()
    return parser


def built_pages(project, case: str) -> dict[str, bytes]:
    lay_over(project.root, case)
    result = run(project.root, "--out", "out")
    assert result.returncode == 0, result.stderr
    out = project.root / "out"
    return {
        path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*.html"))
    }


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def browser_url(value: str) -> str:
    """A URL as a browser reads its scheme: surrounding spaces trimmed, tabs and newlines gone."""
    return re.sub(r"[\t\n\r]", "", value).strip(_C0_AND_SPACE)


def assert_inert(pages: dict[str, bytes]) -> None:
    """No element or attribute of any page can run script the site did not ship."""
    for path, page in pages.items():
        parsed = elements(page)
        for tag, attributes in parsed.tags:
            where = f"{path}: <{tag} {attributes}>"
            assert tag not in ("iframe", "object", "embed", "frame", "base", "style"), where
            assert not [name for name in attributes if name.startswith("on")], where
            assert "style" not in attributes and "srcdoc" not in attributes, where
            for name in _URL_ATTRIBUTES:
                assert not _UNSAFE_URL.match(browser_url(attributes.get(name, ""))), where
        for attributes, text in parsed.scripts:
            if "src" in attributes:
                assert text.strip() == "", f"{path}: a script with src has a body"
                assert not re.match(r"\w+:|//", attributes["src"]), f"{path}: {attributes}"
            else:
                assert attributes.get("type") in ("application/json", "application/ld+json"), path
                json.loads(text)  # a data block that a label closed early would not parse


def test_hostile_markdown_comes_out_inert(project):
    hostile = (BROKEN / "markdown-xss" / "content" / "localities" / "huyen-b.en.md").read_text()
    sanitized = elements(content.to_html(hostile).encode())
    dangerous = {"script", "svg", "img", "iframe", "object", "embed", "form", "button", "base"}
    assert {tag for tag, _ in sanitized.tags} & (dangerous | {"math", "style"}) == set()
    links = [attributes["href"] for tag, attributes in sanitized.tags if "href" in attributes]
    assert links == ["https://example.org/ok", "java   script:alert(21)"]  # the second is a path
    pages = built_pages(project, "markdown-xss")
    assert_inert(pages)
    page = pages["en/localities/huyen-b/index.html"].decode()
    assert '<a href="https://example.org/ok" rel="noopener noreferrer">safe link</a>' in page
    assert "<svg onload" not in page and "<script>alert" not in page


def test_a_script_end_tag_in_a_label_cannot_close_a_data_block(project):
    pages = built_pages(project, "script-in-chart-label")
    assert_inert(pages)
    label = "</script><script>alert(1)</script>"
    blocks = [
        json.dumps(json.loads(text), ensure_ascii=False)
        for page in pages.values()
        for attributes, text in elements(page).scripts
        if attributes.get("type") == "application/json"
    ]
    # the label reaches the charts' data whole, as text, and the page's HTML escapes it
    assert any(json.dumps(label)[1:-1] in block for block in blocks)
    locality = pages["en/localities/huyen-b/index.html"].decode()
    assert html.escape(label, quote=False) in locality


def test_yaml_1_1_surprises_stay_as_written(project):
    pages = built_pages(project, "yaml-1.1-text")
    sources = pages["en/sources/index.html"].decode()
    assert '<span lang="vi">NO</span>' in sources  # a title `NO` is not false
    data = json.loads((project.root / "out" / "data" / "scorecard.json").read_text())
    assert '"1.10"' in json.dumps(data)  # a code `1.10` is not 1.1
    assert "2024-07-30" in sources or "30/07/2024" in sources or "30 July 2024" in sources


def test_a_billion_laughs_is_refused_before_it_grows(project):
    """Nine nested aliases would be 9⁸ sources if expanded: refused at the first alias, fast."""
    lay_over(project.root, "billion-laughs")
    result = run(project.root, "check")
    assert result.returncode == 1
    assert "anchors and aliases" in result.stderr


# Every message an editor can get is explained in docs/editing.md.

MESSAGE_MODULES = ("validate", "fields", "yamlio", "load", "content", "build")
MESSAGE_CALLS = {"Problem", "Invalid", "_NodeProblem", "problem"}


def message_templates() -> set[str]:
    """Messages as written in the code, each `{…}` part shown as '…'."""
    found: set[str] = set()
    for module in MESSAGE_MODULES:
        tree = ast.parse((ROOT / "scorecard" / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in MESSAGE_CALLS:
                candidates = node.args[-1:] if _name(node.func) != "Invalid" else node.args[:1]
            elif isinstance(node, ast.Yield | ast.Assign | ast.Return) and node.value is not None:
                candidates = [node.value]
            else:
                continue
            for candidate in candidates:
                for text in _strings(candidate):
                    if _is_message(text):
                        found.add(text)
    return found


def _name(function: ast.expr) -> str:
    return getattr(function, "id", None) or getattr(function, "attr", "")


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(_template_part(part) for part in node.values)]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.BinOp):
        return _strings(node.left) + _strings(node.right)
    if isinstance(node, ast.Call) and _name(node.func) == "problem" or isinstance(node, ast.Tuple):
        return [
            text
            for item in getattr(node, "args", getattr(node, "elts", []))
            for text in _strings(item)
        ]
    return []


def _template_part(part: ast.expr) -> str:
    if isinstance(part, ast.Constant):
        return str(part.value)
    return "…"


def _is_message(text: str) -> bool:
    """A sentence for an editor, not a fragment such as a path or a separator."""
    words = re.findall(r"[a-zA-Z]{3,}", text)
    return len(words) >= 2 and text.rstrip().endswith((".", "?", ")", "…"))


def test_every_message_is_explained_in_the_editing_guide():
    guide = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    templates = message_templates()
    assert len(templates) > 40  # the extraction finds the messages
    missing = sorted(text for text in templates if text not in guide)
    assert missing == [], "add these to docs/editing.md, with how to fix them:\n" + "\n".join(
        missing
    )


# Faults: a build that fails at any stage, or is killed, leaves the previous site as it was.

STAGES = (
    "load", "validate", "score", "charts", "prerender.prerender", "render.render",
    "export.scorecard_json", "public.outputs", "write.merge", "search.index",
)  # fmt: skip


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("stage", STAGES)
def test_a_failure_at_any_stage_leaves_the_previous_site(project, stage, monkeypatch):
    from scorecard import build as pipeline

    out = project.root / "_site"
    pipeline.build(project.root, out)
    before = tree(out)
    project.replace("data/observations/huyen-b.yaml", "value: 12", "value: 13")

    def fail(*args, **kwargs):
        raise OSError(f"{stage} failed")

    owner, _, name = stage.rpartition(".")
    module = importlib.import_module(f"scorecard.{owner}") if owner else pipeline
    monkeypatch.setattr(module, name, fail)
    with pytest.raises(OSError, match=f"{stage} failed"):
        pipeline.build(project.root, out)
    assert tree(out) == before
    assert list(project.root.glob("._site-*")) == []  # no staging folder left


# Run in a child process that kills itself (SIGKILL: no cleanup, as a power cut or an OOM kill)
# right after the n-th file written into the staging folder, or the n-th step of the swap.
KILLER = """
import os, shutil, signal, sys
from scorecard import cli, search, write

kind, _, number = os.environ["KILL_AT"].partition(":")
counts = {"write": 0, "swap": 0, "finish": 0}
swapping = False


def die_after(kind_, function, always=False):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        if always or kind_ == "write" or swapping:
            counts[kind_] += 1
            if kind_ == kind and counts[kind_] == int(number or 1):
                os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper


def swap(*args, original=write._swap):
    global swapping
    swapping = True
    return original(*args)


write._swap = swap
write.Path.write_bytes = die_after("write", write.Path.write_bytes)
for module, name in ((os, "rename"), (os, "replace"), (os, "rmdir"), (shutil, "rmtree")):
    setattr(module, name, die_after("swap", getattr(module, name)))
if hasattr(write, "_exchange"):
    write._exchange = die_after("swap", write._exchange)
search.index = die_after("finish", search.index, always=True)
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("kill_at", ["write:1", "write:10", "finish", "swap:1", "swap:2", "swap:3"])
def test_a_killed_build_leaves_the_previous_site_or_the_new_one(project, tmp_path, kill_at):
    out = project.root / "_site"
    assert run(project.root).returncode == 0
    old = tree(out)
    project.replace("data/observations/huyen-b.yaml", "value: 12", "value: 13")
    assert run(project.root, "--out", str(tmp_path / "new")).returncode == 0
    new = tree(tmp_path / "new")
    assert new != old
    result = subprocess.run(
        [sys.executable, "-c", KILLER],
        cwd=project.root,
        env={**os.environ, "KILL_AT": kill_at, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in result.stderr
    if kill_at.startswith("write"):  # the forked process that makes the site: the build says so
        assert result.returncode == 1
        assert "build.py: the process making the site was killed by signal 9" in result.stderr
        assert tree(out) == old
        assert list(project.root.glob("._site-*")) == []  # its staging folder removed
    elif kill_at == "finish":  # the build's own process, indexing: killed before the swap
        assert result.returncode == -9
        assert tree(out) == old
    else:  # killed while swapping: either site, whole, never none or a mix
        assert result.returncode in (-9, 0)
        assert tree(out) in (old, new), f"killed at {kill_at}: {sorted(out.parent.iterdir())}"


if __name__ == "__main__":  # show what a case prints, to write its expected.txt
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import TINY, Project

    for case in sys.argv[1:] or CASES:
        with tempfile.TemporaryDirectory() as folder:
            for name in ("templates", "locales", "static"):
                shutil.copytree(ROOT / name, Path(folder) / name)
            for relative, text in TINY.items():
                Project(Path(folder)).write(relative, text)
            lay_over(Path(folder), case)
            print(f"== {case}\n{run(Path(folder), '--out', 'out').stderr}")
