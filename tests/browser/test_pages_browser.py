"""Every page type opens cleanly in Chromium at phone and desktop widths, in both languages."""

from __future__ import annotations

import pytest
from conftest import WIDTHS, screenshot

PAGES = {
    "overview": "",
    "locality": "localities/huyen-dakrong/",
    "indicator": "indicators/households-fibre/",
    "methodology": "methodology/",
    "sources": "sources/",
}


@pytest.mark.parametrize("language", ["", "en/"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_page_is_clean(open_page, site_url, kind, width, language):
    visit = open_page(language + PAGES[kind], width=WIDTHS[width])
    assert visit.page.locator("h1").count() == 1
    assert visit.problems(site_url) == []
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    screenshot(visit, f"{kind}-{(language or 'vi/').strip('/')}-{width}")


def test_language_switcher_keeps_the_page(open_page, site_url):
    visit = open_page("localities/huyen-dakrong/")
    visit.page.get_by_role("link", name="English").click()
    assert visit.page.url == site_url + "en/localities/huyen-dakrong/"
    assert visit.page.locator("html").get_attribute("lang") == "en"
