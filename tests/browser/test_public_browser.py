"""The public site in Chromium: accessibility (axe-core), search, compare, language switch,
keyboard and print, in both languages and at phone and desktop widths."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT, WIDTHS, screenshot

from scorecard.build import check
from scorecard.render import pages
from scorecard.score import province_of, score

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One page of each type, and what shows it is ready (the compare and search pages fill in).
PAGES = {
    "overview.html": ("", "main h1"),
    "locality.html": ("localities/huyen-dakrong/", "main h1"),
    "indicator.html": ("indicators/households-fibre/", "main h1"),
    "page.html": ("methodology/", "main h1"),
    "sources.html": ("sources/", "main h1"),
    "compare.html": (
        "compare/?id=huyen-dakrong&id=huyen-do-luong&id=thi-xa-quang-tri",
        "#compare-result:not([hidden]) table",
    ),
    "search.html": ("search/?q=dakrong", "#search-results li"),
}


def test_every_page_type_is_checked():
    site = check(ROOT)
    assert {page.template for page in pages(site, score(site))} <= PAGES.keys()


@pytest.fixture
def axe_page(browser, site_url):
    """A page in a context that bypasses the CSP: axe-core is injected as a <script>, which the
    site's CSP rightly refuses. The other tests check the CSP; this one checks accessibility."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (scripts/check does it)")
    contexts = []

    def open_(path: str, ready: str, width: int):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(site_url + path, wait_until="networkidle")
        page.wait_for_selector(ready)
        page.add_script_tag(path=str(AXE))
        return page

    yield open_
    for context in contexts:
        context.close()


def violations(page) -> list[str]:
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                        resultTypes: ['violations']})""",
        WCAG_21_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["", "en/"])
@pytest.mark.parametrize("template", PAGES)
def test_no_wcag_21_aa_violations(axe_page, template, language, width):
    path, ready = PAGES[template]
    page = axe_page(language + path, ready, WIDTHS[width])
    assert violations(page) == []


def test_the_404_page_has_no_wcag_21_aa_violations(axe_page):
    page = axe_page("404.html", "main h1", WIDTHS["desktop"])
    assert page.locator("h1").first.inner_text() == "Không tìm thấy trang"
    assert violations(page) == []


# --- Search -----------------------------------------------------------------------------------


def results(visit) -> list[str]:
    visit.page.wait_for_selector("#search-results li")
    return visit.page.locator("#search-results .result-title").all_inner_texts()


@pytest.mark.parametrize(
    ("language", "query", "first"),
    [
        ("", "dakrong", {"Huyện Đakrông", "Xã Đakrông"}),
        ("en/", "dakrong", {"Đakrông District", "Đakrông Commune"}),
        ("", "do luong", {"Huyện Đô Lương", "Xã Đô Lương"}),
        ("en/", "do luong", {"Đô Lương District", "Đô Lương Commune"}),
        ("", "Đakrông", {"Huyện Đakrông", "Xã Đakrông"}),
        (
            "",
            "quang tri",
            {"Tỉnh Quảng Trị", "Tỉnh Quảng Trị (mới)", "Thị xã Quảng Trị", "Phường Quảng Trị"},
        ),
    ],
)
def test_search_without_diacritics_finds_the_locality(open_page, site_url, language, query, first):
    visit = open_page(f"{language}search/?q={query}")
    found = results(visit)
    assert set(found[: len(first)]) == first
    assert visit.problems(site_url) == []  # offline: the index comes from the site itself


def test_search_finds_sources_and_links_to_each(open_page, site_url):
    visit = open_page("search/?q=báo quảng trị")
    results(visit)
    types = visit.page.locator("#search-results .result-type").all_text_contents()
    assert "Nguồn" in types
    anchors = visit.page.locator("#search-results .result-sections a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert anchors and all(re.search(r"/sources/#[a-z0-9-]+$", href) for href in anchors)


def test_the_header_search_box_leads_to_results_in_the_same_language(open_page, site_url):
    visit = open_page("en/localities/huyen-dakrong/", width=WIDTHS["phone"])
    visit.page.get_by_role("searchbox", name="Search the site").fill("dakrong")
    visit.page.get_by_role("searchbox", name="Search the site").press("Enter")
    visit.page.wait_for_url(re.compile(r"/en/search/\?q=dakrong$"))
    assert "Đakrông District" in results(visit)
    visit.page.get_by_role("link", name="Tiếng Việt").click()
    visit.page.wait_for_url(site_url + "search/?q=dakrong")
    assert "Huyện Đakrông" in results(visit)
    screenshot(visit, "search-vi-phone")


def test_search_without_javascript_says_so(open_page):
    visit = open_page("search/?q=dakrong", javascript=False)
    notice = visit.page.locator("main .notice")
    assert notice.is_visible()
    assert "JavaScript" in notice.inner_text()
    assert visit.page.locator("#search-results li").count() == 0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["", "en/"])
def test_search_page_screenshots(open_page, site_url, language, width):
    visit = open_page(f"{language}search/?q=do luong", width=WIDTHS[width])
    results(visit)
    assert visit.problems(site_url) == []
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(visit, f"search-{(language or 'vi/').strip('/')}-{width}")


# --- Compare ----------------------------------------------------------------------------------


def test_compare_shows_the_chosen_localities_and_keeps_the_choice_in_the_address(
    open_page, site_url
):
    visit = open_page("en/compare/?id=huyen-dakrong&id=huyen-do-luong")
    page = visit.page
    page.wait_for_selector("#compare-result:not([hidden]) table")
    headers = page.locator("#compare-table thead th").all_inner_texts()
    assert [h.split("\n")[0] for h in headers[1:]] == ["Đakrông District", "Đô Lương District"]
    assert page.locator("#compare-table td", has_text="35.4%").count() == 1
    assert page.locator("#compare-chart .compare-group").count() > 0
    page.get_by_label("Locality 3").select_option("thi-xa-quang-tri")
    page.wait_for_function("document.querySelectorAll('#compare-table thead th').length === 4")
    query = parse_qs(urlsplit(page.url).query)
    assert query["id"] == ["huyen-dakrong", "huyen-do-luong", "thi-xa-quang-tri"]
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_selector("#compare-result:not([hidden]) table")
    assert "Thị xã Quảng Trị" in page.locator("#compare-table thead").inner_text()
    assert visit.problems(site_url) == []


def test_the_province_filter_narrows_the_choices_to_its_units(open_page, site_url, real_build):
    site = real_build.site
    visit = open_page("en/compare/")
    page = visit.page
    page.wait_for_selector("#compare-province option:nth-child(2)", state="attached")
    every = page.locator("#compare-1 option").count()
    province = page.locator("#compare-province option").nth(1).get_attribute("value")
    page.get_by_label("Province").select_option(province)
    page.wait_for_function(f"() => document.querySelectorAll('#compare-1 option').length < {every}")
    values = page.locator("#compare-1 option").evaluate_all("options => options.map(o => o.value)")
    listed = [value for value in values if value]  # after "— choose —"
    assert listed
    for locality in listed:
        unit = site.localities[locality]
        assert unit.level == "province" or province_of(site, locality) == province, locality
    assert visit.problems(site_url) == []


def test_compare_asks_for_two_localities(open_page):
    visit = open_page("compare/?id=huyen-dakrong")
    status = visit.page.locator("#compare-status")
    status.wait_for()
    assert status.inner_text() == "Hãy chọn ít nhất hai địa phương để so sánh."
    assert visit.page.locator("#compare-result").is_hidden()


def test_compare_without_javascript_lists_every_locality(open_page, real_build):
    visit = open_page("compare/", javascript=False)
    assert visit.page.locator("#compare-form").is_hidden()
    assert "JavaScript" in visit.page.locator("main .notice").inner_text()
    links = visit.page.locator("main section a[href*='localities/']")
    assert links.count() == len(real_build.site.localities)


def test_a_locality_page_links_to_a_comparison_with_its_peers(open_page):
    visit = open_page("localities/huyen-dakrong/")
    visit.page.get_by_role("link", name="So sánh với các địa phương khác").click()
    visit.page.wait_for_selector("#compare-result:not([hidden]) table")
    assert "Huyện Đakrông" in visit.page.locator("#compare-table thead").inner_text()
    assert parse_qs(urlsplit(visit.page.url).query)["id"][0] == "huyen-dakrong"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["", "en/"])
def test_compare_page_screenshots(open_page, site_url, language, width):
    visit = open_page(
        f"{language}compare/?id=huyen-dakrong&id=huyen-do-luong&id=thi-xa-quang-tri",
        width=WIDTHS[width],
    )
    visit.page.wait_for_selector("#compare-result:not([hidden]) table")
    assert visit.problems(site_url) == []
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(visit, f"compare-{(language or 'vi/').strip('/')}-{width}")


# --- Everyone: keyboard, print ------------------------------------------------------------------


def test_the_first_tab_shows_the_skip_link_and_it_moves_focus_to_the_content(open_page):
    visit = open_page("localities/huyen-dakrong/", width=WIDTHS["phone"])
    page = visit.page
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("a => a === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    outline = skip.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_link_and_control_shows_where_keyboard_focus_is(open_page):
    visit = open_page("compare/?id=huyen-dakrong&id=huyen-do-luong")
    page = visit.page
    page.wait_for_selector("#compare-result:not([hidden]) table")
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                      return [e.tagName, s.outlineStyle, s.outlineWidth]; }"""
        )
        seen.add(focused[0])
        assert focused[1] != "none" and focused[2] != "0px", focused
    assert {"A", "INPUT", "BUTTON", "SELECT"} <= seen


def test_a_locality_scorecard_prints_without_the_site_chrome(open_page, tmp_path):
    visit = open_page("localities/huyen-dakrong/")
    page = visit.page
    page.emulate_media(media="print")
    for hidden in (".site-header nav", ".site-search", ".languages", ".reuse-links"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator(".citation").is_visible()
    assert page.locator("details.quote blockquote").first.is_visible()
    # on paper: no control a reader cannot press, and the page's whole width for the tables
    for control in ("details.quote summary", "details.chart-data"):
        assert page.locator(control).first.is_hidden(), control
    widths = page.evaluate(
        "[document.querySelector('main').getBoundingClientRect().width, document.body.clientWidth]"
    )
    assert widths[0] == widths[1]
    pdf = Path(tmp_path / "scorecard.pdf")
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
