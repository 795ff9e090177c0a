"""The box that finds a unit by name in a long list (static/filter.js), in Chromium: on the real
site's overview (its 13 communes) and on a province page of a small synthetic country
(benchmarks/generate.py at scale 0.01: 3 districts, 45 communes), at phone and desktop widths.

Lists of more than FILTER_ABOVE units get a box; shorter ones are read at a glance. Without
JavaScript every list is whole and there is no box."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, WIDTHS, screenshot

from scorecard import build
from scorecard.render import FILTER_ABOVE
from scorecard.validate import validate

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import generate  # noqa: E402
from screenshot import serve  # noqa: E402

# Each overview table of the page: its section's heading, whether a filter box is above it, and
# each row's unit name and whether the row takes up any room on the screen.
_LISTS = """() => [...document.querySelectorAll('table.overview')].map(table => {
  const section = table.closest('section');
  return {
    heading: section.querySelector('h2').id,
    box: section.querySelectorAll('.list-filter input').length,
    rows: [...table.tBodies[0].rows].map(row => ({
      name: row.cells[0].textContent.trim(), shown: row.getBoundingClientRect().height > 0,
    })),
  };
})"""

STATUS = {"": "{shown}/{total} đơn vị", "en/": "{shown} of {total} units"}


def plain(text: str) -> str:
    """What a name is matched as, folded here independently of the script under test."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[\W_]+", " ", text).strip()


def lists(visit) -> dict[str, dict]:
    return {found["heading"]: found for found in visit.page.evaluate(_LISTS)}


def shown(found: dict) -> list[str]:
    return [row["name"] for row in found["rows"] if row["shown"]]


def type_and_wait(visit, section: str, query: str) -> str:
    """Type `query` in the box of the list under heading `section`; the count it announces."""
    box = visit.page.locator(f"section:has(h2#{section}) .list-filter input")
    box.fill(query)
    status = visit.page.locator(f"section:has(h2#{section}) .list-filter [role=status]")
    if query:
        visit.page.wait_for_function("s => s.textContent !== ''", arg=status.element_handle())
    else:
        visit.page.wait_for_function("s => s.textContent === ''", arg=status.element_handle())
    return status.inner_text()


def boxes_only_on_long_lists(found: dict[str, dict]) -> None:
    for heading, table in found.items():
        assert table["box"] == (1 if len(table["rows"]) > FILTER_ABOVE else 0), heading


# --- The real site's overview -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "width", "query", "one_of_them"),
    [
        ("", "phone", "dak", "Xã Đakrông"),
        ("", "desktop", "quang tri", "Phường Quảng Trị"),
        ("en/", "phone", "DAKRONG", "Đakrông Commune"),
        ("en/", "desktop", "luong", "Đô Lương Commune"),
    ],
)
def test_typing_without_marks_keeps_the_rows_whose_name_holds_it(
    open_page, site_url, language, width, query, one_of_them
):
    visit = open_page(language, width=WIDTHS[width])
    before = lists(visit)
    boxes_only_on_long_lists(before)
    communes = [row["name"] for row in before["commune"]["rows"]]
    assert len(communes) > FILTER_ABOVE and shown(before["commune"]) == communes

    status = type_and_wait(visit, "commune", query)
    expected = [name for name in communes if plain(query) in plain(name)]
    assert one_of_them in expected and len(expected) < len(communes)
    assert shown(lists(visit)["commune"]) == expected
    assert status == STATUS[language].format(shown=len(expected), total=len(communes))

    assert type_and_wait(visit, "commune", "") == ""
    assert shown(lists(visit)["commune"]) == communes
    assert visit.problems(site_url) == []


def test_the_box_is_labelled_and_its_count_is_announced_politely(open_page):
    visit = open_page("", width=WIDTHS["phone"])
    box = visit.page.get_by_role("searchbox", name="Lọc theo tên Đơn vị cấp xã")
    assert box.count() == 1 and visit.page.get_by_text("Lọc theo tên").is_visible()
    status = visit.page.locator(".list-filter [role=status]")
    assert status.get_attribute("aria-live") == "polite"
    box.fill("dak")
    box.press("Enter")  # puts a phone's keyboard away
    assert not box.evaluate("input => input === document.activeElement")


def test_a_name_nothing_holds_leaves_no_row_and_says_so(open_page, site_url):
    visit = open_page("en/", width=WIDTHS["phone"])
    total = len(lists(visit)["commune"]["rows"])
    assert type_and_wait(visit, "commune", "zzz") == f"0 of {total} units"
    assert shown(lists(visit)["commune"]) == []
    assert visit.problems(site_url) == []


def test_without_javascript_every_list_is_whole_and_there_is_no_box(open_page):
    visit = open_page("", width=WIDTHS["phone"], javascript=False)
    assert visit.page.locator(".list-filter").count() == 0
    found = lists(visit)
    site = validate(build.load(ROOT))
    communes = [unit for unit in site.localities.values() if unit.level == "commune"]
    assert len(shown(found["commune"])) == len(found["commune"]["rows"]) == len(communes)


# --- A province page of a small country ---------------------------------------------------------


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    """(address, folder) of a small synthetic country's site: lists long enough to go by
    province, so it has province pages."""
    root = tmp_path_factory.mktemp("country")
    generate.generate(root / "tree", generate.Options(scale=0.01))
    build.build(root / "tree", root / "site")
    server = serve(root / "site")
    yield f"http://127.0.0.1:{server.server_port}/", root / "site"
    server.shutdown()
    server.server_close()


def a_province_with_two_lists(folder: Path) -> str:
    for page in sorted((folder / "provinces").glob("*/index.html")):
        if page.read_text().count('<section aria-labelledby="') > 1:
            return page.parent.relative_to(folder).as_posix() + "/"
    raise AssertionError("no province page lists two levels")


@pytest.mark.parametrize("width", WIDTHS)
def test_on_a_province_page_links_lead_past_the_districts_and_the_communes_filter(
    open_page, country, width
):
    address, folder = country
    path = a_province_with_two_lists(folder)
    visit = open_page(path, width=WIDTHS[width], site=address)
    page = visit.page
    headings = page.locator("main section h2").all()
    jumps = page.locator("main nav.levels a")
    assert jumps.evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        "#" + heading.get_attribute("id") for heading in headings
    ]
    assert jumps.all_inner_texts() == [heading.inner_text() for heading in headings]
    jumps.last.click()
    top = headings[-1].bounding_box()["y"]
    assert 0 <= top < 100, top  # the last list's heading is at the top of the screen

    found = lists(visit)
    boxes_only_on_long_lists(found)
    communes = [row["name"] for row in found["commune"]["rows"]]
    # A word of a name in the middle of the list, typed without its marks.
    query = plain(communes[len(communes) // 2]).split()[-1]
    status = type_and_wait(visit, "commune", query)
    expected = [name for name in communes if query in plain(name)]
    assert shown(lists(visit)["commune"]) == expected
    assert status == f"{len(expected)}/{len(communes)} đơn vị"

    box = page.locator("section:has(h2#commune) .list-filter input").bounding_box()
    table = page.locator("section:has(h2#commune) table").bounding_box()
    assert box["height"] >= 44  # a finger's height
    if width == "phone":
        assert abs(box["width"] - table["width"]) <= 1  # the whole width
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert visit.problems(address) == []
    page.locator("section:has(h2#commune) .list-filter").scroll_into_view_if_needed()
    screenshot(visit, f"province-filter-vi-{width}")


def test_only_pages_with_a_long_list_load_the_filter(country):
    _, folder = country
    for page in folder.rglob("*.html"):
        html = page.read_text()
        assert ("filter.js" in html) == ("data-filter" in html), page
    assert "filter.js" in (folder / a_province_with_two_lists(folder) / "index.html").read_text()
