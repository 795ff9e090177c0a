"""Chart specs: valid Vega-Lite, the marks their data calls for, each language's numbers, safe to
inline, drawn at build time at a cost that does not grow with the number of localities."""

from __future__ import annotations

import html.parser
import json
import multiprocessing
import re
import sys
from pathlib import Path

import altair as alt
import jsonschema
import pytest
from chart_marks import expected_marks, expected_texts, marks_in_svg, texts_in_svg
from hypothesis import given
from hypothesis import strategies as st

from scorecard import charts, charttypes, drawing, i18n, prerender, render
from scorecard.build import generate
from scorecard.cli import main
from scorecard.load import load
from scorecard.score import score
from scorecard.validate import validate

ROOT = Path(__file__).resolve().parent.parent


def charts_of(root: Path) -> charts.Charts:
    raw = load(root)
    site = validate(raw)
    catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
    return charts.charts(site, score(site), catalogues)


def every(found: charts.Charts):
    for (language, path), page in found.items():
        for name, chart in page.items():
            yield language, path, name, chart


@pytest.fixture(scope="module")
def real_charts() -> charts.Charts:
    return charts_of(ROOT)


@pytest.fixture(scope="module")
def real_drawn(real_charts) -> charts.Charts:
    """The real site's charts with their SVGs, from the build's own caches (memory and disk),
    so they are drawn at most once per machine."""
    return prerender.prerender(real_charts, prerender.cache_folder()).charts


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    """An empty SVG cache, on disk and in memory."""
    monkeypatch.setattr(prerender, "_memory", {})
    return tmp_path / "svg-cache"


def grow(project, communes: int, first: int = 0) -> None:
    """Add `communes` commune-level units of the province, each with a fibre figure and the
    narratives a unit with figures needs."""
    units = "".join(
        f"- id: xa-moi-{n}\n"
        f"  name: {{vi: Xã Mới {n}, en: Mới {n} Commune}}\n"
        "  level: commune\n"
        "  parent: tinh-a\n"
        for n in range(first, first + communes)
    )
    project.write("data/localities.yaml", project.read("data/localities.yaml") + units)
    for n in range(first, first + communes):
        for language in ("vi", "en"):
            project.write(
                f"content/localities/xa-moi-{n}.{language}.md", "---\nsummary: S\n---\nT.\n"
            )
        project.write(
            f"data/observations/xa-moi-{n}.yaml",
            f"""\
            locality: xa-moi-{n}
            observations:
              - indicator: fibre
                value: {40 + n % 50}
                period: 2023
                source: bao-1
                quote: "{40 + n % 50}%"
            """,
        )


# --- The specs ------------------------------------------------------------------------------


def test_every_kind_of_spec_is_valid_vega_lite(real_charts, project):
    """A spec differs from its kind's template only in rows, description, height and parameters,
    and the schema leaves rows free, so one chart per kind, page and language stands for all
    (validating each of the ~200 would take ~8 s)."""
    schema = alt.vegalite.v6.schema.load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    sample = {}
    for language, path, _, chart in [*every(real_charts), *every(charts_of(project.root))]:
        sample.setdefault((chart.kind, path.split("/")[0], language), chart)
    assert {kind for kind, _, _ in sample} == {"bars", "disclosure", "trend", "matrix"}
    for chart in sample.values():
        errors = [error.message for error in validator.iter_errors(chart.spec)]
        assert errors == [], chart.id


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # tags, &, quotes, control characters
_CHART_NUMBERS = st.integers(-(2**63), 2**64 - 1) | st.floats(1e-4, 1e15) | st.floats(-1e15, -1e-4)
_SPECS = st.recursive(
    st.none() | st.booleans() | _CHART_NUMBERS | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@given(_SPECS)
def test_a_spec_is_written_as_pythons_encoder_writes_it(spec):
    """orjson writes the specs; the pages' bytes stay those of Python's encoder."""
    expected = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    expected = expected.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert charts._script_safe(spec) == expected


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_any_number_in_a_spec_reads_back_the_same(number):
    assert json.loads(charts._script_safe({"value": number})) == {"value": number}


def test_a_spec_cannot_close_its_script_block(project):
    evil = "</script><script>alert(1)</script><!-- & >"
    project.replace(
        "data/localities.yaml",
        "{vi: Huyện Bà, en: Bà District}",
        f"{{vi: 'Huyện {evil}', en: 'District {evil}'}}",
    )
    built = generate(project.root)
    for language, overview in (("vi", "index.html"), ("en", "en/index.html")):
        page = ScriptBlocks.of(built.files[overview].decode())
        assert page.code == [], "no script runs from the page itself"
        specs = [json.loads(block) for block in page.data]
        names = {row["row"] for spec in specs for row in spec["data"]["values"]}
        assert f"{'Huyện' if language == 'vi' else 'District'} {evil}" in names
    svg_page = built.files["index.html"].decode()
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in svg_page  # the SVG drawn at build time


class ScriptBlocks(html.parser.HTMLParser):
    """The page's <script> elements as a browser parses them: data blocks and code."""

    def __init__(self):
        super().__init__()
        self.data, self.code, self._current = [], [], None

    @classmethod
    def of(cls, text: str) -> ScriptBlocks:
        parser = cls()
        parser.feed(text)
        return parser

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            attrs = dict(attrs)
            self._current = "data" if attrs.get("type") == "application/json" else None
            if self._current is None and not attrs.get("src"):
                self._current = "code"
            self._text = ""

    def handle_data(self, data):
        if self._current:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "script" and self._current:
            getattr(self, self._current).append(self._text)
            self._current = None


def test_numbers_follow_the_page_language(project, fresh_cache):
    project.replace("data/observations/huyen-b.yaml", "value: 12\n", "value: 12002\n")
    found = prerender.prerender(charts_of(project.root), fresh_cache).charts
    posts = {lang: found[lang, "indicators/posts/"]["ranking-district"] for lang in ("vi", "en")}
    fibre = {lang: found[lang, "indicators/fibre/"]["ranking-district"] for lang in ("vi", "en")}
    assert posts["vi"].spec["config"]["locale"]["number"]["decimal"] == ","
    assert posts["en"].spec["config"]["locale"]["number"]["decimal"] == "."
    # Vega's own formatting: the axis, in the SVG drawn at build time.
    axis = {lang: re.findall(r"role-axis-label.*", chart.svg) for lang, chart in posts.items()}
    assert "10.000<" in axis["vi"][0] and "10,000<" not in axis["vi"][0]
    assert "10,000<" in axis["en"][0] and "10.000<" not in axis["en"][0]
    # The figures, formatted as on the rest of the page.
    assert texts_in_svg(posts["vi"].svg, "figure") == ["– 12.002"]
    assert texts_in_svg(posts["en"].svg, "figure") == ["– 12,002"]
    assert texts_in_svg(fibre["vi"].svg, "figure") == ["✗ 35,4%"]
    assert texts_in_svg(fibre["en"].svg, "figure") == ["✗ 35.4%"]


# --- What each chart shows ------------------------------------------------------------------


def test_svgs_drawn_at_build_time_have_the_marks_of_their_data(real_drawn):
    checked = 0
    for _, _, _, chart in every(real_drawn):
        if not chart.prerender:
            assert chart.svg == ""
            continue
        rows = chart.spec["data"]["values"]
        marks = marks_in_svg(chart.svg)
        expected = expected_marks(chart.kind, rows)
        assert {layer: marks.get(layer, 0) for layer in expected} == expected, chart.id
        layer, words = expected_texts(chart.kind, rows)
        assert texts_in_svg(chart.svg, layer) == words, chart.id
        checked += 1
    assert checked > 50


def test_charts_drawn_in_the_page_have_the_marks_of_their_data(real_charts):
    """Those charts are drawn by vega-embed in the browser (tests/browser); the same spec drawn
    by vl-convert must give the same marks."""
    vl_convert = pytest.importorskip("vl_convert")
    seen = set()
    for _, _, _, chart in every(real_charts):
        if (
            chart.prerender
            or (chart.kind, chart.spec["config"]["locale"]["number"]["decimal"]) in seen
        ):
            continue
        seen.add((chart.kind, chart.spec["config"]["locale"]["number"]["decimal"]))
        svg = vl_convert.vegalite_to_svg({**chart.spec, "width": 400}, vl_version="6.4")
        rows = chart.spec["data"]["values"]
        expected = expected_marks(chart.kind, rows)
        assert {k: marks_in_svg(svg).get(k, 0) for k in expected} == expected, chart.id
    assert {kind for kind, _ in seen} == {"bars", "disclosure", "trend"}


def test_every_chart_has_a_title_a_summary_and_its_numbers_as_a_table(real_charts):
    for _, _, _, chart in every(real_charts):
        rows = chart.spec["data"]["values"]
        assert chart.title and chart.summary, chart.id
        assert chart.spec["description"], chart.id
        expected_rows = len({row["row"] for row in rows}) if chart.kind == "matrix" else len(rows)
        assert len(chart.table.rows) == expected_rows, chart.id
        cells = {cell.text for row in chart.table.rows for cell in row}
        assert {row["value_text"] for row in rows if row["value_text"]} <= cells, chart.id


def test_charts_follow_the_scores(project):
    found = charts_of(project.root)
    ranking = found["en", "indicators/fibre/"]["ranking-district"]
    (row,) = ranking.spec["data"]["values"]
    assert (row["value"], row["target"], row["status"], row["period"]) == (
        35.4,
        80,
        "behind",
        "January 2023 – October 2023",
    )
    assert ranking.summary == (
        "Only Bà District has published a figure: 35.4%. 0 of 1 meet the national target (80%)."
    )
    pillar = found["vi", "localities/huyen-b/"]["pillar-infrastructure"]
    assert [r["value_text"] for r in pillar.spec["data"]["values"]] == ["35,4%"]  # posts unscored
    matrix = found["en", ""]["matrix-commune"]
    assert [(r["row"], r["status"], r["href"]) for r in matrix.spec["data"]["values"]] == [
        ("Cê Commune", "no-data", "")  # no link: Vega-Lite would make None "null"
    ]
    assert found["en", "localities/xa-c/"] == {}  # no figures, no charts


def test_trend_where_a_figure_has_two_periods(project):
    project.write(
        "data/observations/huyen-b.yaml",
        project.read("data/observations/huyen-b.yaml")
        + "  - {indicator: fibre, value: 20, period: 2021, source: bao-1, quote: '20%'}\n",
    )
    trend = charts_of(project.root)["vi", "localities/huyen-b/"]["trend-fibre"]
    assert [(r["period"], r["value_text"]) for r in trend.spec["data"]["values"]] == [
        ("2021", "20%"),
        ("1/2023 – 10/2023", "35,4%"),
    ]


# --- Cost: built once, drawn once, independent of the number of localities -----------------


@pytest.fixture
def altair_charts(monkeypatch) -> list[int]:
    """One item per altair chart made from now on, with chart types not yet built in this
    process."""
    created: list[int] = []
    original = alt.Chart.__init__

    def counting(self, *args, **kwargs):
        created.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(alt.Chart, "__init__", counting)
    forget_chart_types()
    yield created
    forget_chart_types()


def forget_chart_types() -> None:
    """As in a new process: chart types neither built nor read from the cache yet."""
    charttypes.chart_type.cache_clear()
    charttypes.localized.cache_clear()
    charttypes._fingerprint.cache_clear()


def test_chart_types_are_built_with_altair_once_not_per_page(
    project, altair_charts, monkeypatch, tmp_path
):
    monkeypatch.setenv("SCORECARD_CACHE", str(tmp_path / "empty"))
    charts_of(project.root)
    per_process = len(altair_charts)
    assert per_process > 0
    grow(project, 30)
    charts_of(project.root)
    assert len(altair_charts) == per_process, "a new site built no new altair chart"
    monkeypatch.setenv("SCORECARD_CACHE", str(tmp_path / "another"))
    forget_chart_types()
    altair_charts.clear()
    charts_of(project.root)
    assert len(altair_charts) == per_process, "as many charts for 33 localities as for 3"


def test_chart_types_are_read_from_the_cache_while_altair_and_their_code_stay(
    project, altair_charts, monkeypatch, tmp_path
):
    monkeypatch.setenv("SCORECARD_CACHE", str(tmp_path))
    built = charts_of(project.root)
    assert altair_charts
    forget_chart_types()
    altair_charts.clear()
    assert charts_of(project.root) == built
    assert not altair_charts, "the next process reads the chart types from the cache"
    for entry in tmp_path.glob("type-*.json"):
        entry.write_text('["cut short')
    forget_chart_types()
    assert charts_of(project.root) == built
    assert altair_charts, "a damaged cache is not used"
    forget_chart_types()
    altair_charts.clear()
    monkeypatch.setattr(charttypes.importlib.metadata, "version", lambda name: "0.0.1")
    assert charts_of(project.root) == built
    assert altair_charts, "a cache made with another altair is not used"


def test_number_of_svgs_does_not_grow_with_localities(project, fresh_cache):
    grow(project, 3)
    few = prerender.prerender(charts_of(project.root), fresh_cache)
    grow(project, 20, first=3)
    many = prerender.prerender(charts_of(project.root), fresh_cache / "other")
    count = sum(chart.prerender for _, _, _, chart in every(few.charts))
    # at most as many: rankings grown past STATIC_MOST_ROWS are left to their tables' HTML bars
    assert 0 < sum(chart.prerender for _, _, _, chart in every(many.charts)) <= count
    assert 0 < many.drawn <= count


def test_a_ranking_of_thousands_counts_them_in_the_page_language(project):
    grow(project, 1000)
    found = charts_of(project.root)
    summary = {
        lang: found[lang, "indicators/fibre/"]["ranking-commune"].summary for lang in ("vi", "en")
    }
    assert re.search(r"\b1\.0\d\d\b", summary["vi"]) and not re.search(r"\b10\d\d\b", summary["vi"])
    assert re.search(r"\b1,0\d\d\b", summary["en"]) and not re.search(r"\b10\d\d\b", summary["en"])


def test_a_long_ranking_is_left_to_the_html_bars_of_its_table(project):
    """vl-convert's time grows with the rows: past STATIC_MOST_ROWS, no SVG at build time; the
    ranking table's own HTML bars show each figure to readers without JavaScript."""
    grow(project, charts.STATIC_MOST_ROWS + 1)
    ranking = charts_of(project.root)["vi", "indicators/fibre/"]["ranking-commune"]
    assert not ranking.prerender
    page = generate(project.root).files["indicators/fibre/index.html"].decode()
    table = page[page.index('<table class="ranking">', page.index('id="level-commune"')) :]
    table = table[: table.index("</table>")]
    assert table.count('<svg class="bar"') == charts.STATIC_MOST_ROWS + 1


def test_svgs_are_cached_in_memory_and_on_disk(project, fresh_cache, monkeypatch):
    found = charts_of(project.root)
    first = prerender.prerender(found, fresh_cache)
    assert first.drawn > 0 and len(list(fresh_cache.glob("*.svg"))) == first.drawn
    assert prerender.prerender(found, fresh_cache).drawn == 0  # memory
    monkeypatch.setattr(prerender, "_memory", {})
    again = prerender.prerender(found, fresh_cache)  # disk
    assert again.drawn == 0
    assert again.charts == first.charts
    # One figure changes: only the charts that show it are drawn again.
    project.replace("data/observations/huyen-b.yaml", "2023-01/2023-10", "2023-01/2023-11")
    changed = prerender.prerender(charts_of(project.root), fresh_cache)
    before = {chart.spec_json for _, _, _, chart in every(first.charts) if chart.prerender}
    new = [c for _, _, _, c in every(changed.charts) if c.prerender and c.spec_json not in before]
    assert changed.drawn == len({chart.spec_json for chart in new}) > 0
    assert {chart.id for chart in new} == {"chart-ranking-district", "chart-matrix-district"}


def test_without_vl_convert_the_site_builds_and_says_so(project, monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # import fails
    monkeypatch.setattr(prerender, "_memory", {})
    built = generate(project.root)
    assert any("vl-convert is not installed" in notice for notice in built.notices)
    overview = built.files["index.html"].decode()
    assert re.search(r'data-chart-kind="matrix"[^>]*></div>', overview)  # no picture, but…
    assert 'class="chart-data"' in overview  # …its table
    assert main(["--out", str(tmp_path / "out")], root=project.root) == 0
    assert "Notice: vl-convert is not installed" in capsys.readouterr().err


def test_svgs_drawn_at_build_time_link_only_inside_the_site(real_drawn):
    for _, _, _, chart in every(real_drawn):
        links = re.findall(r'href="([^"]*)"', chart.svg)
        assert all("://" not in link and link != "null" for link in links), chart.id
        assert " id=" not in chart.svg, "ids would clash between the SVGs of a page"


def test_rows_too_many_to_inline_are_read_from_a_file_beside_the_page(real_charts, real_build):
    seen = set()
    for language, path, _, chart in every(real_charts):
        if path.startswith("localities/"):
            continue  # made with their page, always small: rows inline
        prefix = "" if language == "vi" else f"{language}/"
        page = real_build.files[prefix + path + "index.html"].decode()
        block = page[page.index(f'id="{chart.id}-spec">') :]
        part = json.loads(block[block.index(">") + 1 : block.index("</script>")])
        assert f'assets/{chart.template_file}" data-chart-kind="{chart.kind}"' in page
        spec = json.loads(real_build.files["assets/" + chart.template_file]) | part
        assert len(part) < len(spec), "the page holds only what its chart fills in"
        apart = len(chart.rows_json.encode()) > charts.INLINE_MOST_BYTES
        seen.add(apart)
        if apart:
            assert chart.data_file == f"{chart.id}.json", chart.id
            assert f'data-vega-rows="{chart.data_file}"' in page
            assert spec["data"] == {"name": "rows"}
            rows = json.loads(real_build.files[prefix + path + chart.data_file])
            assert rows == chart.spec["data"]["values"]
        else:
            assert chart.data_file == "" and spec == chart.spec, chart.id
    assert seen == {True, False}, "the real site has charts of both kinds"


def test_a_matrix_of_too_many_cells_gives_its_table_without_javascript(project, monkeypatch):
    """The SVG of a matrix weighs about 430 bytes a cell: a bigger one is drawn in the page."""
    grow(project, 3)
    monkeypatch.setattr(charts, "STATIC_MOST_CELLS", 3)
    found = charts_of(project.root)["vi", ""]
    assert found["matrix-district"].prerender  # one unit, one scored indicator: one cell
    assert not found["matrix-commune"].prerender  # four units
    page = generate(project.root).files["index.html"].decode()
    start = page.index('<figure class="chart-figure chart-matrix"', page.index('id="commune"'))
    figure = page[start : page.index("</figure>", start)]
    assert re.search(r'data-chart-kind="matrix"[^>]*></div>', figure)  # no picture, but…
    assert figure.count("<tr>") == 1 + 4  # …its table: a heading row, a row a unit


def test_pages_list_as_many_localities_as_charts_show():
    assert charts.MAX_ROWS == render.LIST_LIMIT


# --- Colours --------------------------------------------------------------------------------


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(linear: list[float]) -> tuple[float, float, float]:
    r, g, b = linear
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


# Machado, Oliveira & Fernandes (2009), full severity, on linear RGB.
_COLOUR_BLINDNESS = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}  # fmt: skip


def test_status_colours_stay_apart_in_greyscale():
    lightness = sorted(_lab(_linear(colour))[0] for colour in charttypes.STATUS_COLOURS.values())
    gaps = [b - a for a, b in zip(lightness, lightness[1:], strict=False)]
    assert min(gaps) >= 10, f"CIELAB L* of the statuses: {lightness}"


@pytest.mark.parametrize("vision", _COLOUR_BLINDNESS)
def test_status_colours_stay_apart_for_colour_blind_readers(vision):
    matrix = _COLOUR_BLINDNESS[vision]
    seen = {
        state: _lab(
            [
                max(0.0, min(1.0, sum(m * c for m, c in zip(row, _linear(colour), strict=True))))
                for row in matrix
            ]
        )
        for state, colour in charttypes.STATUS_COLOURS.items()
    }
    for first in seen:
        for second in seen:
            if first < second:
                distance = (
                    sum((a - b) ** 2 for a, b in zip(seen[first], seen[second], strict=True)) ** 0.5
                )
                assert distance >= 15, (
                    f"{first} and {second} look alike with {vision}: ΔE {distance:.1f}"
                )


def test_the_key_beside_a_chart_uses_the_charts_colours():
    css = (ROOT / "static" / "charts.css").read_text(encoding="utf-8")
    for state, colour in charttypes.STATUS_COLOURS.items():
        assert re.search(rf"\.swatch-{state} {{ background: {colour};", css), state


def test_a_fork_of_a_process_that_drew_charts_draws_too():
    """`build` makes the site in a forked process: where vl-convert's engine started before the
    fork (a test session, or any long-lived process), the fork has none of the engine's threads,
    and a chart drawn there in-process would wait for them forever."""
    spec = {"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a"}}}
    drawing.draw([("svg", spec)])  # the engine starts in this process
    child = multiprocessing.get_context("fork").Process(
        target=lambda: drawing.draw([("svg", spec)])
    )
    child.start()
    child.join(timeout=60)
    stuck = child.is_alive()
    child.kill()
    assert not stuck, "the forked process waited for an engine it does not have"
    assert child.exitcode == 0
