"""Strict checks of the real built site, as published: every page valid HTML, every link and
anchor resolves, every asset exists, a strict Content-Security-Policy first in every <head>, every
script pinned by its integrity hash, and two builds byte for byte the same.

(That the charts still draw under the CSP is checked in Chromium: tests/browser/.)
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scorecard.build import build

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".csv", ".xml", ".txt", ".svg", ".webmanifest"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "_site"
    build(ROOT, out)
    return out


@pytest.fixture(scope="module")
def base_url(site) -> str:
    canonical = re.search(
        r'<link rel="canonical" href="([^"]+)"', (site / "index.html").read_text()
    )
    assert canonical
    return canonical.group(1)


def html_pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


class Page(HTMLParser):
    """What the checks need from one page: its ids, its URLs, its <head>, its scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, URL)
        self.head: list[tuple[str, dict[str, str]]] = []  # elements of <head>, in order
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts: list[dict[str, str]] = []
        self._where = ""

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag in ("head", "body"):
            self._where = tag
        elif self._where == "head":
            self.head.append((tag, attributes))
        for name in ("id", "name") if tag == "a" else ("id",):
            if name in attributes:
                self.ids.add(attributes[name])
        for name in ("href", "src", "action", "poster", "data"):
            if name in attributes:
                self.urls.append((tag, name, attributes[name]))
        for candidate in attributes.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append((tag, "srcset", candidate.split()[0]))
        if tag == "meta" and attributes.get("content", "").startswith(("http://", "https://")):
            self.urls.append((tag, "content", attributes["content"]))
        if tag == "script" and "src" not in attributes:
            self.inline_scripts.append(attributes)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self._where = ""


@cache
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def resolve(site: Path, base_url: str, page: str, url: str) -> tuple[str, str] | None:
    """(file under the site, fragment) that a URL of `page` leads to; None if it leaves the site."""
    if url.startswith(base_url):
        url = "/" + urlsplit(base_url).path.strip("/") + "/" + url[len(base_url) :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    base_path = urlsplit(base_url).path  # the 404 page links from the site's root, at any depth
    if path.startswith("/"):
        assert path.startswith(base_path), f"{page}: '{url}' is outside the site's path"
        target = path[len(base_path) :]
    elif path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        target += "/" if path.endswith("/") and target != "." else ""
        target = "" if target in (".", "./") else target
    else:
        target = page
    assert not target.startswith("../"), f"{page}: '{url}' leaves the site"
    if target == "" or target.endswith("/") or (site / target).is_dir():
        target = posixpath.join(target, "index.html")
    return target, parts.fragment


def test_every_page_is_valid_html(site):
    """One run of the Nu Html Checker over every page, stylesheet and SVG."""
    if shutil.which("java") is None or not VNU.exists():
        pytest.fail("the Nu Html Checker needs Java and node_modules: run `bash scripts/check`")
    files = [str(site / page) for page in html_pages(site)]
    files += [str(path) for suffix in ("css", "svg") for path in sorted(site.rglob(f"*.{suffix}"))]
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--also-check-css",
            "--also-check-svg",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr)["messages"]
    problems = [
        f"{message['url'].split(str(site))[-1]}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if not _not_a_violation(message)
    ]
    assert problems == []
    assert len(files) > 20


def _not_a_violation(message: dict) -> bool:
    """Two CSP warnings of the checker that browsers do not share. It reads pages as file: URLs,
    where 'self' matches nothing, so the site's own stylesheet seems blocked; and it counts JSON
    data blocks as inline script, which browsers never run (test_no_inline_script… checks that
    every inline <script> is one)."""
    text = message["message"]
    if text.startswith("Inline script violates Content Security Policy (meta tag)"):
        return True
    own = re.search(r"blocked by “(style|script|img|font)-src” directive", text)
    return (
        message.get("subType") == "warning"
        and text.startswith("Resource violates Content Security Policy (meta tag)")
        and own is not None
        and not re.search(r"“(https?:)?//", text)
    )


def broken_links(site: Path, base_url: str) -> tuple[list[str], int]:
    """Every URL of every page that leads nowhere inside the site, and how many were checked."""
    broken, checked = [], 0
    for page in html_pages(site):
        for tag, attribute, url in parse(site / page).urls:
            resolved = (
                None if url.startswith(("mailto:", "tel:")) else resolve(site, base_url, page, url)
            )
            if resolved is None:
                continue
            target, fragment = resolved
            checked += 1
            if not (site / target).is_file():
                broken.append(f"{page}: <{tag} {attribute}='{url}'> → {target} does not exist")
            elif fragment and target.endswith(".html") and fragment not in parse(site / target).ids:
                broken.append(
                    f"{page}: <{tag} {attribute}='{url}'> → no id '{fragment}' in {target}"
                )
    return broken, checked


def test_every_link_anchor_and_asset_resolves(site, base_url):
    broken, checked = broken_links(site, base_url)
    assert broken == []
    assert checked > 1000


def test_the_link_check_finds_what_is_broken(tmp_path):
    (tmp_path / "en" / "about").mkdir(parents=True)
    (tmp_path / "index.html").write_text(
        '<a href="en/about/#team">ok</a> <a href="en/about/#nobody">anchor</a> '
        '<a href="sources/">page</a> <img src="assets/logo.png" alt=""> '
        '<a href="https://other.example/">elsewhere</a> <a href="/s/en/about/">root</a>'
    )
    (tmp_path / "en" / "about" / "index.html").write_text(
        '<h2 id="team">Team</h2><a href="../../">home</a>'
    )
    broken, checked = broken_links(tmp_path, "https://example.org/s/")
    assert broken == [
        "index.html: <a href='en/about/#nobody'> → no id 'nobody' in en/about/index.html",
        "index.html: <a href='sources/'> → sources/index.html does not exist",
        "index.html: <img src='assets/logo.png'> → assets/logo.png does not exist",
    ]
    assert checked == 6


def test_every_file_a_stylesheet_uses_exists(site):
    missing = []
    for sheet in sorted(site.rglob("*.css")):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if not url.startswith(("data:", "#")):
                target = (sheet.parent / url.split("?")[0].split("#")[0]).resolve()
                if not target.is_file() or site.resolve() not in target.parents:
                    missing.append(f"{sheet.relative_to(site)}: {url}")
    assert missing == []


def policy(content: str) -> dict[str, list[str]]:
    directives = [part.split() for part in content.split(";") if part.strip()]
    return {name.lower(): sources for name, *sources in directives}


def test_csp_meta_is_first_in_every_head_and_strict(site):
    policies = set()
    for page in html_pages(site):
        head = parse(site / page).head
        assert head, f"{page} has no <head>"
        tag, attributes = head[0]
        assert (tag, attributes.get("http-equiv")) == ("meta", "Content-Security-Policy"), (
            f"{page}: the CSP <meta> must come first in <head>, before anything it governs"
        )
        policies.add(attributes["content"])
        others = [
            a for t, a in head[1:] if a.get("http-equiv", "").lower() == "content-security-policy"
        ]
        assert others == [], f"{page}: one CSP only"
    assert len(policies) == 1, "every page has the same policy"
    check_policy(policy(policies.pop()))


def check_policy(directives: dict[str, list[str]]) -> None:
    assert directives["default-src"] in (["'self'"], ["'none'"])
    # no inline script, no eval; Pagefind's WebAssembly may compile ('wasm-unsafe-eval' only)
    assert "'self'" in directives["script-src"]
    assert set(directives["script-src"]) <= {"'self'", "'wasm-unsafe-eval'"}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] in (["'none'"], ["'self'"])
    assert "style-src" not in directives or set(directives["style-src"]) == {"'self'"}
    for name, sources in directives.items():
        for source in sources:
            # no third-party origin, no wildcard, no scheme-wide source but images' data:
            allowed = {"'self'", "'none'", "'wasm-unsafe-eval'"} | (
                {"data:"} if name == "img-src" else set()
            )
            assert source in allowed, f"{name} allows {source}"


def test_the_policy_check_refuses_what_it_must():
    for weak in (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'",
        "default-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'none'",
        "default-src 'self'; script-src 'self' https://cdn.example; object-src 'none'; base-uri 'none'",
        "default-src *; script-src 'self'; object-src 'none'; base-uri 'none'",
        "default-src 'self'; script-src 'self'; img-src https:; object-src 'none'; base-uri 'none'",
    ):
        with pytest.raises(AssertionError):
            check_policy(policy(weak))


def test_no_inline_script_style_or_event_handler(site):
    for page in html_pages(site):
        parsed = parse(site / page)
        for attributes in parsed.inline_scripts:
            # data blocks are not run; anything else inline would be refused by the CSP anyway
            assert attributes.get("type") in ("application/json", "application/ld+json"), page
        for tag, attributes in parsed.tags:
            assert tag != "style", f"{page}: <style> is refused by the CSP"
            assert "style" not in attributes, f"{page}: style attribute on <{tag}>"
            handlers = [name for name in attributes if name.startswith("on")]
            assert handlers == [], f"{page}: <{tag}> has {handlers}"
            assert not attributes.get("href", "").lower().startswith("javascript:"), page


def test_every_script_carries_the_integrity_of_what_it_loads(site, base_url):
    scripts = 0
    for page in html_pages(site):
        for tag, attributes in parse(site / page).tags:
            if tag != "script" or "src" not in attributes:
                continue
            scripts += 1
            resolved = resolve(site, base_url, page, attributes["src"])
            assert resolved is not None, f"{page}: a script from another origin"
            digest = hashlib.sha384((site / resolved[0]).read_bytes()).digest()
            expected = "sha384-" + base64.b64encode(digest).decode()
            assert attributes.get("integrity") == expected, f"{page}: {attributes['src']}"
    assert scripts > 0


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_in_a_process(out: Path, **env: str) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, "build.py", "--out", str(out)],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


def test_two_builds_are_byte_identical(tmp_path):
    """Other hash seeds, time zone and locale, another process: the same bytes."""
    build_in_a_process(
        tmp_path / "one", PYTHONHASHSEED="1", TZ="Asia/Ho_Chi_Minh", LC_ALL="C.UTF-8"
    )
    build_in_a_process(tmp_path / "two", PYTHONHASHSEED="2", TZ="America/Los_Angeles", LC_ALL="C")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert differences(one, two) == []
    build(ROOT, tmp_path / "three")  # in this process, after other builds filled its caches
    assert differences(one, tree(tmp_path / "three")) == []


def differences(one: dict[str, bytes], two: dict[str, bytes]) -> list[str]:
    """The files that differ, the first with the lines that differ."""
    paths = sorted(path for path in one.keys() | two.keys() if one.get(path) != two.get(path))
    if paths and paths[0] in one and paths[0] in two:
        lines = difflib.unified_diff(
            one[paths[0]].decode(errors="replace").splitlines(),
            two[paths[0]].decode(errors="replace").splitlines(),
            lineterm="",
            n=0,
        )
        paths[0] += "\n" + "\n".join(list(lines)[:20])
    return paths


def test_no_page_shows_the_day_it_was_built(site):
    """A date on a page comes from the data (or SOURCE_DATE_EPOCH), never from the clock."""
    today = datetime.now(UTC).date()
    forms = {
        today.isoformat(),
        f"{today.day}/{today.month}/{today.year}",
        f"{today.day:02}/{today.month:02}/{today.year}",
        f"{today.day} {today:%B %Y}",
        f"ngày {today.day} tháng {today.month} năm {today.year}",
    }
    shown = [
        f"{path}: {form}"
        for path, content in tree(site).items()
        if Path(path).suffix in TEXT_SUFFIXES
        for form in forms
        if form in content.decode("utf-8", errors="replace")
    ]
    assert shown == []
