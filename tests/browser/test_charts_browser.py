"""Every chart, drawn in Chromium under the site's CSP, with the marks its data calls for.

An SVG alone proves nothing (a chart whose data failed to load still draws its axes, and
vega-embed's promise still resolves), so each chart's marks are counted against the rows of its
own spec, read from the page. Without JavaScript, each chart's SVG drawn at build time, or its
table, must still say the same.
"""

from __future__ import annotations

import json
import re

import pytest
from chart_marks import expected_marks, expected_texts
from conftest import WIDTHS, screenshot

PAGES = {
    "overview": "",
    "locality": "localities/tinh-quang-ngai/",  # over, nearly and about; four pillars
    "locality-trend": "localities/thi-xa-quang-tri/",  # a figure for two periods
    "indicator": "indicators/records-online-district/",  # a target, two provinces
    "indicator-count": "indicators/mobile-subscribers/",  # thousands on the axis
}
LANGUAGES = {"vi": "", "en": "en/"}


_READ_CHARTS = """async () => Promise.all([...document.querySelectorAll('[data-vega-spec]')].map(async container => {
  const svg = container.querySelector('svg');
  const marks = {}, texts = {};
  if (svg) for (const group of svg.querySelectorAll('g.role-mark')) {
    const name = [...group.classList].find(c => c.endsWith('_marks'));
    if (!name) continue;
    const layer = name.slice(0, -'_marks'.length);
    marks[layer] = (marks[layer] || 0) + group.children.length;
    texts[layer] = [...group.querySelectorAll('text')].map(t => t.textContent);
  }
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const spec = JSON.parse(document.getElementById(container.getAttribute('data-vega-spec')).textContent);
  const rows = container.getAttribute('data-vega-rows');  // too many to inline: in their file
  if (rows) spec.data = {values: await (await fetch(new URL(rows, document.baseURI))).json()};
  return {
    id: container.getAttribute('data-vega-spec'),
    kind: container.getAttribute('data-chart-kind'),
    rows_file: rows,
    spec,
    ready: container.classList.contains('chart-ready'),
    failed: container.classList.contains('chart-failed'),
    marks, texts, width: box.width, height: box.height,
    legend: container.parentElement.querySelectorAll('.chart-legend').length > 0,
    legend_shown: [...container.parentElement.querySelectorAll('.chart-legend')]
      .some(legend => legend.offsetParent !== null),
    table: [...container.parentElement.querySelectorAll('details.chart-data tbody tr')]
      .map(row => row.textContent.replace(/\\s+/g, ' ').trim()),
  };
}))"""


def read_charts(visit) -> list[dict]:
    return visit.page.evaluate(_READ_CHARTS)


def wait_for_charts(visit) -> None:
    # A function, not an expression: Playwright would poll an expression through eval(), which
    # the site's CSP refuses once a chart takes a while (its rows are fetched).
    visit.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-vega-spec]')]"
        ".every(c => c.classList.contains('chart-ready') || c.classList.contains('chart-failed'))",
        timeout=20000,
    )


def check_marks(chart: dict) -> None:
    rows = chart["spec"]["data"]["values"]
    assert rows, f"{chart['id']}: a chart with no rows"
    expected = expected_marks(chart["kind"], rows)
    drawn = {layer: chart["marks"].get(layer, 0) for layer in expected}
    assert drawn == expected, f"{chart['id']}: marks drawn {drawn}, the data calls for {expected}"
    layer, words = expected_texts(chart["kind"], rows)
    assert sorted(chart["texts"][layer]) == words, f"{chart['id']}: {layer} texts"
    assert chart["width"] > 100 and chart["height"] > 30, f"{chart['id']}: drawn too small"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_every_chart_is_drawn_with_its_marks(open_page, site_url, kind, width, language):
    visit = open_page(LANGUAGES[language] + PAGES[kind], width=WIDTHS[width])
    wait_for_charts(visit)
    charts = read_charts(visit)
    assert charts, "the page should have charts"
    for chart in charts:
        assert chart["ready"] and not chart["failed"], chart["id"]
        check_marks(chart)
        assert chart["legend_shown"] == chart["legend"], f"{chart['id']}: its key, if any, shows"
    assert visit.problems(site_url) == []
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    screenshot(visit, f"charts-{kind}-{language}-{width}")


@pytest.mark.parametrize("kind", PAGES)
def test_without_javascript_every_chart_still_says_its_numbers(open_page, site_url, kind):
    visit = open_page(PAGES[kind], width=WIDTHS["phone"], javascript=False)
    charts = read_charts(visit)
    assert charts
    for chart in charts:
        rows = chart["spec"]["data"]["values"]
        if chart["kind"] in ("matrix",) or chart["id"].startswith("chart-ranking"):
            check_marks(chart)  # drawn at build time, with the same marks
        else:
            assert chart["marks"] == {}, f"{chart['id']}: not drawn at build time"
            assert not chart["legend_shown"], f"{chart['id']}: a key to no picture"
        # And the same numbers as a table, for every reader.
        table_rows = len({row["row"] for row in rows}) if chart["kind"] == "matrix" else len(rows)
        assert len(chart["table"]) == table_rows
        words = [row["value_text"] for row in rows if row.get("value_text")]
        page_text = " ".join(chart["table"])
        missing = [word for word in words if word not in page_text]
        assert missing == [], f"{chart['id']}: the table lacks {missing}"
    assert visit.problems(site_url) == []
    screenshot(visit, f"charts-{kind}-nojs-phone")


def test_numbers_on_the_axis_follow_the_page_language(open_page):
    def axis_labels(path: str) -> list[str]:
        visit = open_page(path)
        wait_for_charts(visit)
        return visit.page.eval_on_selector_all(
            "[data-vega-spec] g.role-axis-label text", "nodes => nodes.map(n => n.textContent)"
        )

    vietnamese = axis_labels(PAGES["indicator-count"])
    english = axis_labels("en/" + PAGES["indicator-count"])
    assert "10.000" in vietnamese and "10,000" not in vietnamese, vietnamese
    assert "10,000" in english and "10.000" not in english, english


def test_a_tooltip_gives_the_figure(open_page):
    visit = open_page("en/" + PAGES["indicator"])
    wait_for_charts(visit)
    chart = read_charts(visit)[0]
    first = next(row for row in chart["spec"]["data"]["values"] if row["value"] is not None)
    visit.page.locator(f"[data-vega-spec='{chart['id']}'] g.bar_marks > path").first.hover()
    tooltip = visit.page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=5000)
    assert first["value_text"] in tooltip.inner_text()
    assert tooltip.evaluate("t => getComputedStyle(t).position") == "fixed"  # charts.css applies


def test_a_cell_of_the_matrix_leads_to_its_figure(open_page, site_url):
    visit = open_page("en/")
    wait_for_charts(visit)
    matrix = next(chart for chart in read_charts(visit) if chart["kind"] == "matrix")
    linked = [row for row in matrix["spec"]["data"]["values"] if row["href"]]
    index = next(i for i, row in enumerate(matrix["spec"]["data"]["values"]) if row["href"])
    assert linked
    # A click on the icon, which lies over the cell, reaches the cell.
    cells = visit.page.locator(f"[data-vega-spec='{matrix['id']}'] g.icon_marks > *")
    icon = cells.nth(index)
    icon.scroll_into_view_if_needed()
    box = icon.bounding_box()
    with visit.page.expect_navigation():
        visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert visit.page.url == site_url + "en/" + linked[0]["href"]


def test_specs_on_the_page_are_the_charts_json(built_site):
    """The spec block parses as JSON whatever the labels hold (see tests/test_charts.py); the
    rows of a chart too big to inline them are in a JSON file beside the page."""
    html = (built_site / "index.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="chart-matrix-')
    block = html[html.index(">", start) + 1 : html.index("</script>", start)]
    spec = json.loads(block)
    assert "values" not in spec["data"]  # the real site's matrices are too big to inline
    chart_id = html[html.index('id="', start) + 4 : html.index('"', html.index('id="', start) + 4)]
    rows = re.search(rf'data-vega-spec="{chart_id}"[^>]* data-vega-rows="([^"]+)"', html)[1]
    assert json.loads((built_site / rows).read_text(encoding="utf-8"))


def test_a_chart_reads_its_rows_from_their_file_under_the_csp(open_page, site_url):
    visit = open_page("en/")
    wait_for_charts(visit)
    fetched = [url for url in visit.requests if url.endswith(".json")]  # by chart.js
    apart = [chart for chart in read_charts(visit) if chart["rows_file"]]
    assert apart, "the overview's matrices read their rows from a file"
    for chart in apart:
        assert chart["ready"] and not chart["failed"], chart["id"]
        check_marks(chart)  # with the rows of the file
    assert {site_url + "en/" + chart["rows_file"] for chart in apart} <= set(fetched)
    assert visit.problems(site_url) == []
