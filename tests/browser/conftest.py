"""The built site in Debian's Chromium, driven by Playwright, served on 127.0.0.1.

Every page a test opens records its console messages, CSP violations and requests, so a test can
assert that the page is clean: no errors or warnings, no violation, nothing fetched elsewhere.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot import serve  # noqa: E402

from scorecard.build import build  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"
WIDTHS = {"desktop": 1280, "phone": 375}

# Listens before any page script runs; Playwright's init scripts are not subject to the CSP.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@dataclass
class Visit:
    """What happened while a page was open."""

    page: object
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def problems(self, origin: str) -> list[str]:
        """Console errors/warnings, CSP violations, failed or off-site requests."""
        outside = [
            url
            for url in self.requests
            if not url.startswith(origin) and not url.startswith("data:")
        ]
        return (
            self.console
            + [f"CSP: {v}" for v in self.csp_violations()]
            + [f"off-site: {u}" for u in outside]
            + self.failed
        )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "_site"
    build(ROOT, out)
    return out


@pytest.fixture(scope="session")
def site_url(built_site):
    server = serve(built_site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_page(browser, site_url):
    """open_page(path, width=1280, javascript=True, site=None) → Visit, with everything
    recorded; `site` is the address of another built site than the real one."""
    contexts = []

    def open_(
        path: str, width: int = WIDTHS["desktop"], javascript: bool = True, site: str | None = None
    ) -> Visit:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(_WATCH_CSP)
        visit = Visit(page)
        page.on(
            "console",
            lambda m: (
                visit.console.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: visit.console.append(f"pageerror: {e}"))
        page.on("request", lambda r: visit.requests.append(r.url))
        page.on("requestfailed", lambda r: visit.failed.append(f"failed: {r.url}"))
        page.on(
            "response",
            lambda r: visit.failed.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
        )
        page.goto((site or site_url) + path, wait_until="networkidle")
        return visit

    yield open_
    for context in contexts:
        context.close()


def screenshot(visit: Visit, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    visit.page.screenshot(path=str(path), full_page=True)
    return path
