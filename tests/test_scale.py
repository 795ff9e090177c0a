"""Country scale, in small: the synthetic tree of benchmarks/generate.py at scale 0.01 (about 150
localities) builds into a sound site with its long lists paged, and an edit re-renders exactly the
pages whose bytes change. The whole country is measured by benchmarks/run.py, not here.

Lists are cut at 10 rows here instead of 100, so that paging happens at this size.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from test_built_site import (
    VNU,
    _not_a_violation,
    broken_links,
    check_policy,
    html_pages,
    parse,
    policy,
)

from scorecard import build, charts, cores, prerender, previews, render, score
from scorecard import validate as validate_module
from scorecard.errors import BuildError, Problem
from scorecard.validate import _observation_order, validate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import generate  # noqa: E402

LIMIT = 10


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("country") / "tree"
    generate.generate(root, generate.Options(scale=0.01))
    return root


@pytest.fixture(scope="module")
def small_lists():
    """Lists cut at LIMIT rows; no preview image per locality, no build-time SVG (the real site's tests draw
    those): what is checked here is what grows with the number of localities."""
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "LIST_LIMIT", LIMIT)
    patch.setattr(charts, "MAX_ROWS", LIMIT)
    patch.setattr(previews.Previews, "has_image", lambda self, locality_id: False)
    patch.setattr(
        prerender, "prerender", lambda found, cache, draw=True: prerender.Drawn(found, (), 0)
    )
    yield
    patch.undo()


@pytest.fixture(scope="module")
def site(tree, small_lists, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "_site"
    build.build(tree, out)
    return out


def test_the_tree_is_valid_and_shaped_like_the_reform(tree):
    site = validate(build.load(tree))
    levels = {level: [loc for loc in site.localities.values() if loc.level == level]
              for level in ("province", "district", "commune")}  # fmt: skip
    assert all(loc.dissolved for loc in levels["district"])
    assert {loc.established is not None for loc in levels["province"]} == {True, False}
    former = [loc for loc in levels["commune"] if loc.dissolved]
    assert former and all(site.localities[s].established for loc in former for s in loc.successor)
    with_figures = {obs.locality for obs in site.observations}
    assert len(with_figures) < len(site.localities)  # not every unit publishes
    assert all((loc, lang) in site.narratives for loc in with_figures for lang in ("vi", "en"))
    assert len(site.indicators) == 40
    assert len({obs.indicator for obs in site.observations}) > 30


def test_figures_read_on_every_core_are_those_read_in_one_process(tree, monkeypatch):
    raw = build.load(tree)
    (first, second), rest = raw.observations[:2], raw.observations[2:]
    broken = dataclasses.replace(first, text=first.text.replace("period:", "period: [", 1))
    mistaken = dataclasses.replace(second, text=second.text.replace("source:", "source: nowhere #"))
    raw.observations = [broken, mistaken, *rest]

    def read(forked: bool) -> list[str]:
        monkeypatch.setattr(validate_module, "_read", {})  # nothing remembered
        monkeypatch.setattr(cores, "IN_PARALLEL_FROM", 2 if forked else len(rest) + 3)
        with pytest.raises(BuildError) as error:
            validate(raw)
        return [str(problem) for problem in error.value.problems]

    problems = read(forked=False)
    assert any(p.startswith(broken.path) for p in problems)
    assert any(p.startswith(mistaken.path) and "nowhere" in p for p in problems)
    assert read(forked=True) == problems
    raw.observations = rest
    remembered = validate(raw)  # from the forked reading
    monkeypatch.setattr(validate_module, "_read", {})
    monkeypatch.setattr(cores, "IN_PARALLEL_FROM", len(rest) + 1)
    assert validate(raw) == remembered


def test_long_lists_are_paged_and_every_link_resolves(site):
    rankings = sorted(site.glob("indicators/*/*/*/index.html"))
    assert rankings, "no ranking was long enough to be paged"
    for page in rankings[:5]:
        rows = re.findall(r'<tr id="[a-z0-9-]+">', page.read_text(encoding="utf-8"))
        assert 0 < len(rows) <= LIMIT
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="provinces/' in overview  # communes are listed by province
    assert len(re.findall(r"<tr>", overview)) <= 3 * LIMIT
    assert sorted(site.glob("provinces/*/index.html"))
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', overview)
    broken, checked = broken_links(site, canonical.group(1))
    assert broken == []
    assert checked > 10_000


def test_a_sample_of_pages_is_valid_html_under_a_strict_policy(site):
    pages = [page for page in html_pages(site) if "pagefind" not in page]
    sample = pages[:: max(1, len(pages) // 40)]
    for page in sample:
        tag, attributes = parse(site / page).head[0]
        assert attributes.get("http-equiv") == "Content-Security-Policy", page
        check_policy(policy(attributes["content"]))
    if shutil.which("java") is None or not VNU.exists():
        pytest.fail("the Nu Html Checker needs Java and node_modules: run `bash scripts/check`")
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", *(str(site / page) for page in sample)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(run.stderr)["messages"]
    assert [m["message"] for m in messages if not _not_a_violation(m)] == []


# --- serve: an edit re-renders the pages that depend on it --------------------------------------


def _edit(tree: Path, change) -> str:
    """Apply `change(text) → text` to the first commune's file it changes (observations, or
    narrative for a change named after one); its path under the tree."""
    folder, pattern = (
        ("content/localities", "xa-*.en.md")
        if "narrative" in change.__name__
        else ("data/observations", "xa-*.yaml")
    )
    for path in sorted((tree / folder).glob(pattern)):
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        if changed != text:
            path.write_text(changed, encoding="utf-8")
            return path.relative_to(tree).as_posix()
    raise AssertionError("no file to edit")


def _nudge_latest_value(text: str) -> str:
    """The last plain percentage of the file (a latest figure) nudged by 0.1, quote to match."""
    found = list(
        re.finditer(r"value: (\d+)\.(\d)\n((?:    .*\n)*?)    quote: \"(.*?)(\d+),(\d)%", text)
    )
    if not found:
        return text
    match = found[-1]
    tenth = (int(match.group(2)) + 1) % 10
    new = (f"value: {match.group(1)}.{tenth}\n{match.group(3)}    quote: \"{match.group(4)}"
           f"{match.group(5)},{tenth}%")  # fmt: skip
    return text[: match.start()] + new + text[match.end() :]


def _add_a_figure(text: str) -> str:
    if "indicator: society-01\n" in text:
        return text
    return text + (
        "  - indicator: society-01\n    value: 12\n    period: 2024\n"
        '    source: qd-411-2022\n    quote: "12%"\n'
    )


def _reword_narrative(text: str) -> str:
    return text.replace("## Limits", "## What is missing", 1)


@pytest.mark.parametrize(
    "change",
    [_nudge_latest_value, _add_a_figure, _reword_narrative],
    ids=["value nudged", "figure added", "narrative reworded"],
)
def test_an_edit_rerenders_exactly_the_pages_whose_bytes_change(
    tree, small_lists, change, tmp_path
):
    project = tmp_path / "tree"
    shutil.copytree(tree, project, symlinks=True)
    before = build.generate(project)
    edited = _edit(project, change)
    again = build.regenerate(before, {edited})
    after = build.generate(project)
    pages = {path: data for path, data in after.files.items() if path in after.pages}
    differ = {path for path, data in pages.items() if before.files.get(path) != data}
    assert differ, "the edit changed no page"
    assert again is not None and differ <= again.files.keys()
    assert {path: after.files[path] for path in again.files} == again.files
    assert again.pages == after.pages
    assert again.scores == after.scores  # ranks moved as a full scoring moves them
    assert len(again.files) < len(pages) / 4  # only what depends on the edit
    # As `serve` does it: the edited unit's pages first, the others it changed after.
    first = build.regenerate(before, {edited}, own_first=True)
    unit = PurePosixPath(edited).name.split(".")[0]
    assert {path for path in first.files if path.endswith(".html")} == {
        f"localities/{unit}/index.html",
        f"en/localities/{unit}/index.html",
    }
    rest = build.catch_up(first)
    assert {**first.files, **rest.files} == again.files
    assert not rest.pending and rest.pages == again.pages
    assert rest.basis.charts == again.basis.charts


def test_a_unit_publishing_its_first_figure_rerenders_its_peers_pages(tree, small_lists, tmp_path):
    project = tmp_path / "tree"
    shutil.copytree(tree, project, symlinks=True)
    before = build.generate(project)
    silent = next(
        loc for loc, result in before.scores.localities.items()
        if not result.latest and loc.startswith("xa-") and before.site.localities[loc].exists
    )  # fmt: skip
    edited = {
        f"data/observations/{silent}.yaml": f"locality: {silent}\nobservations:\n"
        "  - indicator: society-01\n    value: 55\n    period: 2026-03\n"
        '    source: qd-411-2022\n    quote: "55%"\n',
        f"content/localities/{silent}.vi.md": "Văn bản.\n",
        f"content/localities/{silent}.en.md": "Text.\n",
    }
    for path, text in edited.items():
        (project / path).write_text(text, encoding="utf-8")
    again = build.regenerate(before, set(edited))
    after = build.generate(project)
    differ = {path for path in after.pages if before.files.get(path) != after.files[path]}
    assert f"localities/{silent}/index.html" in differ
    assert again is not None and differ <= again.files.keys()
    assert {path: after.files[path] for path in again.files} == again.files


def test_rescoring_an_edit_ranks_as_scoring_everything_again(tree):
    """`score.rescore` ranks again only the rows an edit can move: after random edits (figures
    nudged, tied with another unit's, taken out, added; one unit or several at once), its
    scores are those of scoring the whole site again."""
    site = validate(build.load(tree))
    scores = score.score(site)
    pick = random.Random(6)
    with_figures = sorted({obs.locality for obs in site.observations})
    for _ in range(60):
        units = set(pick.sample(with_figures, pick.choice((1, 1, 1, 2, 3))))
        observations = [obs for obs in site.observations if obs.locality not in units]
        for unit in units:
            observations += _edited_figures(pick, site, unit)
        edited = dataclasses.replace(
            site, observations=tuple(sorted(observations, key=_observation_order))
        )
        again = score.rescore(scores, edited, units)
        assert again == score.score(edited)
        site, scores = edited, again


def _edited_figures(pick: random.Random, site, unit: str) -> list:
    figures = [obs for obs in site.observations if obs.locality == unit]
    level = site.localities[unit].level
    others = [
        obs
        for obs in site.observations
        if obs.kind == "actual" and site.localities[obs.locality].level == level
    ]
    actual = [index for index, obs in enumerate(figures) if obs.kind == "actual"]
    change = pick.choice(("nudge", "tie", "remove", "add"))
    if change == "add" or not actual:
        new = pick.choice(others)
        if all(obs.indicator != new.indicator for obs in figures):
            figures.append(dataclasses.replace(new, locality=unit))
        return figures
    index = pick.choice(actual)
    if change == "remove":
        return figures[:index] + figures[index + 1 :]
    obs = figures[index]
    if change == "nudge":
        value = round(obs.value + pick.choice((-10, -0.1, 0.1, 10)), 1)
    else:  # the same figure as another unit's: a tie to rank
        value = pick.choice([o.value for o in others if o.indicator == obs.indicator])
    figures[index] = dataclasses.replace(obs, value=value)
    return figures


def test_a_template_error_on_one_page_of_many_is_located(tree, small_lists, tmp_path):
    """Pages are rendered in parallel here: the error of the one failing page, whichever process
    rendered it, is reported at its template line."""
    copy = tmp_path / "tree"
    shutil.copytree(tree, copy, ignore=shutil.ignore_patterns(".cache"))
    last = list(validate(build.load(copy)).localities)[-1]
    template = copy / "templates" / "locality.html"
    text = template.read_text()
    line = text.count("\n", 0, text.index("<h1>")) + 1
    template.write_text(
        text.replace(
            "<h1>", f"{{% if locality.id == '{last}' %}}{{{{ no_such_name }}}}{{% endif %}}<h1>"
        )
    )
    with pytest.raises(BuildError) as error:
        build.generate(copy, into=tmp_path / "out")
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("templates/locality.html", line)
    assert "no_such_name" in problem.message


def test_a_failure_while_pages_render_stops_the_workers(tree, small_lists, tmp_path, monkeypatch):
    """The files beside the pages are made while forked workers render the pages: when that
    fails, the workers stop rather than go on writing a failed build, and the previous site
    stays."""
    import multiprocessing

    out = tmp_path / "_site"
    out.mkdir()
    (out / "index.html").write_text("the previous site")
    rendered = []
    original = render._render_chunk

    def rendering(renderer, jobs):
        rendered.append(len(jobs))  # in a worker: this process's list stays empty
        return original(renderer, jobs)

    def failing(*args):
        raise BuildError([Problem("feed.xml", 0, "writing the feed failed: no more memory.")])

    monkeypatch.setattr(render, "_render_chunk", rendering)
    monkeypatch.setattr(build, "gather", failing)
    with pytest.raises(BuildError, match="no more memory"):
        build.build(tree, out)
    assert rendered == []  # it failed before this process rendered a page: a worker did
    assert multiprocessing.active_children() == []
    assert [path.name for path in tmp_path.iterdir()] == ["_site"]
    assert (out / "index.html").read_text() == "the previous site"


def test_a_killed_render_worker_fails_the_build_rather_than_hang(
    tree, small_lists, tmp_path, monkeypatch
):
    """A worker killed while it renders (out of memory, say) ends the build with a message: the
    process waiting for its pages is told, rather than wait forever."""
    parent = os.getpid()
    original = render._render_chunk

    def dying(renderer, jobs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(renderer, jobs)

    def stuck(*args):
        raise TimeoutError("the build waited for a killed worker")

    monkeypatch.setattr(render, "_render_chunk", dying)
    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(120)
    try:
        with pytest.raises(cores.Stopped, match=r"killed by signal 9"):
            build.generate(tree, into=tmp_path / "out")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_unchanged_save_rerenders_nothing(tree, small_lists):
    before = build.generate(tree)
    path = sorted((tree / "data" / "observations").glob("*.yaml"))[0]
    path.write_bytes(path.read_bytes())
    again = build.regenerate(before, {path.relative_to(tree).as_posix()})
    assert again is not None and again.files == {}
    assert build.regenerate(before, {"data/sources.yaml"}) is None  # everything may depend on it


# --- Chromium: the charts of long lists draw, on a phone too ------------------------------------

_CHARTS = """async () => Promise.all([...document.querySelectorAll('[data-vega-spec]')].map(
  async c => {
    const file = c.getAttribute('data-vega-rows');  // rows too many to inline: in their file
    const values = file
      ? await (await fetch(new URL(file, document.baseURI))).json()
      : JSON.parse(document.getElementById(c.getAttribute('data-vega-spec')).textContent).data.values;
    return {
      id: c.getAttribute('data-vega-spec'),
      ready: c.classList.contains('chart-ready'),
      rows: values.length,
      units: new Set(values.map(v => v.row ?? v.key ?? v.name)).size,
      marks: c.querySelectorAll('g.role-mark > *').length,
    };
  }))"""


def test_charts_draw_in_chromium_on_a_sample_of_pages(site, browser):
    from screenshot import serve

    ranking = sorted(site.glob("indicators/*/*/2/index.html"))[0].parent.relative_to(site)
    indicator = ranking.parent.parent
    locality = max(
        (path.parent for path in site.glob("localities/*/index.html")),
        key=lambda folder: (folder / "index.html").stat().st_size,
    ).relative_to(site)
    province = sorted(site.glob("provinces/*/index.html"))[0].parent.relative_to(site)
    server = serve(site)
    origin = f"http://127.0.0.1:{server.server_port}/"
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    drawn = 0
    try:
        for path in ("", f"{indicator}/", f"{ranking}/", f"{locality}/", f"en/{province}/"):
            page.goto(origin + path, wait_until="networkidle")
            page.wait_for_function(  # a function: an expression is polled through eval()
                "() => [...document.querySelectorAll('[data-vega-spec]')].every(c =>"
                " c.classList.contains('chart-ready') || c.classList.contains('chart-failed'))",
                timeout=20000,
            )
            for chart in page.evaluate(_CHARTS):
                assert chart["ready"] and chart["marks"] >= chart["rows"] > 0, (path, chart)
                assert chart["units"] <= LIMIT, (path, chart)  # a page's worth, not all
                drawn += 1
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    assert errors == []
    assert drawn >= 3


def test_refresh_writes_only_the_files_whose_bytes_changed(tmp_path):
    from scorecard import write

    written: dict[str, str] = {}
    assert write.refresh({"a/index.html": b"A", "b.csv": b"B"}, tmp_path, written) == [
        "a/index.html",
        "b.csv",
    ]
    before = (tmp_path / "b.csv").stat().st_mtime_ns
    changed = write.refresh({"a/index.html": b"A2", "b.csv": b"B"}, tmp_path, written, ["gone"])
    assert changed == ["a/index.html", "gone"]
    assert (tmp_path / "a/index.html").read_bytes() == b"A2"
    assert (tmp_path / "b.csv").stat().st_mtime_ns == before  # same bytes: not touched
    assert written == {"a/index.html": write.digest(b"A2"), "b.csv": write.digest(b"B")}
