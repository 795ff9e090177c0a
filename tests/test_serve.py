"""`python build.py serve` survives a broken edit, shows the mistake in the browser, and recovers
as soon as the file is fixed: the real command, in a child process, on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:  # its connection closes with it
            return error.code, error.read().decode("utf-8")


def wait_for(url: str, check, seconds: float = 60) -> tuple[int, str]:
    """Poll `url` until `check(status, body)` holds; fail after `seconds`, saying what was seen."""
    deadline = time.monotonic() + seconds
    seen: tuple[int, str] | str = "nothing"
    while time.monotonic() < deadline:
        try:
            seen = fetch(url)
            if check(*seen):
                return seen
        except (ConnectionError, urllib.error.URLError, TimeoutError) as error:
            seen = repr(error)
        time.sleep(0.3)
    pytest.fail(f"gave up after {seconds} s waiting on {url}; last seen: {str(seen)[:500]}")


@pytest.fixture
def server(project):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own group: the watcher's children end with it
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stdout.close()


def test_serve_shows_a_broken_edit_and_recovers_when_it_is_fixed(project, server):
    page = server + "en/about/"
    status, body = wait_for(page, lambda status, body: status == 200 and "<h1>About</h1>" in body)

    good = project.read("data/sources.yaml")
    project.write(
        "data/sources.yaml",
        good.replace("  title: Bài báo\n", "  title: Bài báo\n  title: Hai\n", 1),
    )
    status, body = wait_for(page, lambda status, body: "The build failed" in body)
    assert status == 500
    assert (
        "data/sources.yaml:3: duplicate key &#x27;title&#x27; (first at line 2). Keep one." in body
    )

    project.write("data/sources.yaml", good)
    project.replace("content/pages/about.en.md", "About.", "About this scorecard.")
    status, body = wait_for(
        page, lambda status, body: status == 200 and "About this scorecard." in body
    )
    assert "The build failed" not in body


def test_serve_survives_a_template_error(project, server):
    page = server + "en/about/"
    wait_for(page, lambda status, body: status == 200)
    template = project.read("templates/page.html")
    project.write(
        "templates/page.html", template.replace("{{ document.title }}", "{{ document.titel }}")
    )
    status, body = wait_for(page, lambda status, body: "The build failed" in body)
    assert "templates/page.html" in body and "titel" in body
    project.write("templates/page.html", template)
    wait_for(page, lambda status, body: status == 200 and "<h1>About</h1>" in body)


def test_serve_shows_an_edit_of_figures_and_the_pages_it_changes(project, server):
    """Only what the edit changes is rendered again: the unit's page first, then the pages
    that rank or list its figure."""
    locality, indicator = server + "en/localities/huyen-b/", server + "en/indicators/posts/"
    for page in (locality, indicator):
        wait_for(page, lambda status, body: status == 200 and "4,711" not in body)
    project.replace("data/observations/huyen-b.yaml", "value: 12\n", "value: 4711\n")
    project.replace("data/observations/huyen-b.yaml", '"12 điểm"', '"4.711 điểm"')
    for page in (locality, indicator):
        wait_for(page, lambda status, body: status == 200 and "4,711" in body)


def test_serve_indexes_the_search_again_after_an_edit_of_what_it_finds(project, server):
    entry = server + "pagefind/pagefind-entry.json"
    _, before = wait_for(entry, lambda status, body: status == 200)
    project.replace("content/localities/huyen-b.en.md", "Summary", "Summary about fibre")
    _, after = wait_for(entry, lambda status, body: status == 200 and body != before)
    indexed = {name: json.loads(body)["languages"] for name, body in (("b", before), ("a", after))}
    assert indexed["a"]["vi"] == indexed["b"]["vi"]  # the English narrative only
    assert indexed["a"]["en"]["hash"] != indexed["b"]["en"]["hash"]


class Tab:
    """A page of the dev server open in Chromium: how many times it loaded, how many times
    livereload.js connected (its 'info' message, which names the page, comes once connected),
    and its errors (a script the CSP refuses, a file whose integrity does not match)."""

    def __init__(self, context, url: str):
        self.page = context.new_page()
        self.loads = self.connections = 0
        self.errors: list[str] = []
        self.page.on("load", lambda _: self._count_load())
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("websocket", lambda socket: socket.on("framesent", self._sent))
        self.page.goto(url)

    def _count_load(self) -> None:
        self.loads += 1

    def _sent(self, payload: str | bytes) -> None:
        if json.loads(payload).get("command") == "info":
            self.connections += 1

    def heading(self) -> str:
        return self.page.locator("h1").inner_text()


def keep_browsing(tabs: list[Tab], check, seconds: float = 30) -> None:
    """Let Chromium run until `check()` holds: Playwright delivers events only while it waits."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s; loads: {[tab.loads for tab in tabs]}")
        tabs[0].page.wait_for_timeout(50)


@pytest.fixture
def tabs(browser, server):
    """open(path) → a Tab on the dev server, once it has built the site."""
    wait_for(server, lambda status, body: status == 200)
    context = browser.new_context()
    yield lambda path: Tab(context, server + path)
    context.close()


def test_serve_reloads_only_the_browsers_showing_a_page_the_edit_changed(project, tabs):
    """The edited unit's page reloads once (its own pages are written first), the ranking the
    background pass rewrites reloads once, a page the edit leaves alone does not reload."""
    edited = tabs("en/localities/huyen-b/?from=test#figures")
    ranking = tabs("en/indicators/posts/index.html")
    unrelated = tabs("en/about/")
    everyone = [edited, ranking, unrelated]
    keep_browsing(everyone, lambda: all(tab.connections == 1 for tab in everyone))

    project.replace("data/observations/huyen-b.yaml", "value: 12\n", "value: 4711\n")
    keep_browsing(everyone, lambda: ranking.connections == 2)
    edited.page.wait_for_timeout(1000)  # time for a reload sent to any other page to show
    assert [tab.loads for tab in everyone] == [2, 2, 1]
    assert "4,711" in edited.page.content() and "4,711" in ranking.page.content()
    assert [tab.errors for tab in everyone] == [[], [], []]


def test_serve_reloads_every_browser_when_the_build_fails_is_fixed_or_a_stylesheet_changes(
    project, tabs
):
    """The error page shows in every browser, and every page again once fixed, although its
    file did not change; a stylesheet keeps its address, so a page using it does not change."""
    locality, about = tabs("en/localities/xa-c/"), tabs("en/about/")
    everyone = [locality, about]
    keep_browsing(everyone, lambda: all(tab.connections == 1 for tab in everyone))
    headings = [tab.heading() for tab in everyone]

    good = project.read("data/sources.yaml")
    project.write("data/sources.yaml", good.replace("  title: Bài báo\n", "  title: [\n", 1))
    keep_browsing(everyone, lambda: all(tab.connections == 2 for tab in everyone))
    assert [tab.heading() for tab in everyone] == ["The build failed"] * 2

    project.write("data/sources.yaml", good)  # the site's files are as they were: none changed
    keep_browsing(everyone, lambda: all(tab.connections == 3 for tab in everyone))
    assert [tab.heading() for tab in everyone] == headings

    project.replace("static/style.css", "}", "}\n.edited { color: red; }")
    keep_browsing(everyone, lambda: all(tab.connections == 4 for tab in everyone))
