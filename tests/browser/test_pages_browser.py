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


# The rows of the overview's tables, each a list of its cells: the column's heading, the label
# shown before the cell, and where the cell sits on the screen.
_OVERVIEW_ROWS = """() => [...document.querySelectorAll('table.overview')].flatMap(table => {
  const headings = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  return [...table.querySelectorAll('tbody tr')].map(row => [...row.cells].map((cell, i) => {
    const box = cell.getBoundingClientRect();
    return {heading: headings[i], label: getComputedStyle(cell, '::before').content,
            data: cell.tagName === 'TD', numeric: cell.classList.contains('num'),
            top: Math.round(box.top), left: box.left, right: box.right, width: box.width};
  }));
})"""


@pytest.mark.parametrize("language", ["", "en/"])
def test_on_a_phone_every_overview_figure_is_on_screen_and_labelled(open_page, language):
    """At 375 px the overview's tables become one card per locality, as a locality's scorecard
    does: no pillar column is squeezed to a sliver or pushed off-screen, and every figure says
    which column it belongs to, since the heading row is hidden."""
    visit = open_page(language, width=WIDTHS["phone"])
    cells = [cell for row in visit.page.evaluate(_OVERVIEW_ROWS) for cell in row if cell["data"]]
    assert cells
    width = visit.page.evaluate("innerWidth")
    for cell in cells:
        assert cell["label"] == f'"{cell["heading"]}: "', cell
        assert 0 <= cell["left"] and cell["right"] <= width, cell
        assert cell["width"] >= 160 or not cell["numeric"], cell  # label and figure on one line
    for selector, role in [("table.overview", "table"), ("table.overview tbody th", "rowheader"),
                           ("table.overview td.num", "cell")]:  # fmt: skip
        assert chromium_role(visit.page, selector) == role, selector


def test_on_a_desktop_the_overview_stays_a_table(open_page):
    visit = open_page("en/", width=WIDTHS["desktop"])
    rows = visit.page.evaluate(_OVERVIEW_ROWS)
    assert rows and visit.page.locator("table.overview thead").first.is_visible()
    for row in rows:
        assert len({cell["top"] for cell in row}) == 1, row  # side by side, under their headings
        assert {cell["label"] for cell in row} == {"none"}, row


def chromium_role(page, selector: str) -> str:
    """The role Chromium itself gives the first element matching `selector`: a table laid out
    as cards must still be read as a table."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    cdp.detach()
    return tree["nodes"][0]["role"]["value"]


def test_language_switcher_keeps_the_page(open_page, site_url):
    visit = open_page("localities/huyen-dakrong/")
    visit.page.get_by_role("link", name="English").click()
    assert visit.page.url == site_url + "en/localities/huyen-dakrong/"
    assert visit.page.locator("html").get_attribute("lang") == "en"
