"""Stage 4, charts: the Vega-Lite spec of every chart on every page, from the scores. Pure.

Each chart type is built once per process with altair and turned into a dict without schema
validation (the tests validate it); the words of its tooltips are filled in once per language.
A page's chart is then that template with the page's rows, a description and a few parameters:
no altair object per page, so the cost does not grow with the number of localities.

Every chart comes with what a reader without the picture needs: a title, a summary of what a
sighted reader would take from it, and the same numbers as a table (`Chart.table`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import altair as alt
from babel.numbers import get_decimal_symbol, get_group_symbol

from . import i18n
from .model import LEVELS, Indicator, Locality, Observation, Site
from .score import Scores, status

# Status colours: safe for colour-blind readers (blue against orange, no red against green) and
# apart in lightness (CIELAB L* 33, 50, 70, 84, 100), so they stay distinct printed in greyscale.
# Status is never told by colour alone: every mark carries its icon or words too.
STATUS_COLOURS = {
    "met": "#1d4e89",
    "close": "#7fb1de",
    "behind": "#c75300",
    "no-target": "#d0d0d0",
    "no-data": "#ffffff",
}
INK, MUTED, TRACK, BAR = "#1a1a1a", "#555555", "#e8e8e8", "#3b6ea8"  # as in style.css
# Where the true value lies, as the source words it: ▶ above the bar's end, ◀ just under it.
QUALIFIER_SHAPES = {
    "over": "triangle-right",
    "at_least": "triangle-right",
    "nearly": "triangle-left",
    "about": "diamond",
}
MAX_ROWS = 100  # as many localities as a page lists (render.LIST_LIMIT)
ROW_STEP = 44  # px per row of a bar chart: a line of words, then the bar
BAR_OFFSET = 8  # px from the middle of a row down to the middle of its bar
FIGURE_MARGIN = 100  # px right of the bars, for each row's figure
CELL_STEP = 26  # px per cell of the overview's matrix
# vl-convert's time grows with the marks (about 10 rows cost what 1 does, 100 rows ten times as
# much): a longer ranking is not drawn at build time. Its page's table below shows each figure
# as a bar against the target in HTML, for readers without JavaScript.
STATIC_MOST_ROWS = 40
STATIC_WIDTH = 360  # px, for charts drawn at build time, not knowing the page's width: a phone's
FONT = "system-ui, sans-serif"  # short: Vega repeats it on every text of an SVG


@dataclass(frozen=True)
class Cell:
    """One cell of a chart's table: its text, an icon read before it, and maybe a link."""

    text: str
    href: str | None = None
    icon: str = ""
    hidden: str = ""  # words for screen readers only, e.g. the status an icon stands for


@dataclass(frozen=True)
class Table:
    """The numbers of a chart as a table; each row's first cell is its header."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Chart:
    id: str
    """DOM id of the chart's spec, unique on its page."""
    kind: str
    """bars, trend, disclosure or matrix."""
    title: str
    summary: str
    """What a sighted reader takes from the picture, in a sentence or two."""
    spec: dict[str, Any]
    """Vega-Lite, data inline: Vega's CSV parser and loader need what the CSP forbids."""
    table: Table
    legend: tuple[str, ...]
    """Keys of what the picture uses: statuses, 'target', qualifiers; explained beside it."""
    prerender: bool
    """Drawn to SVG at build time, for readers without JavaScript."""
    svg: str = ""
    """The SVG drawn at build time, if any."""

    @property
    def spec_json(self) -> str:
        """The spec for a <script type="application/json"> block, which nothing can close."""
        text = json.dumps(self.spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


Charts = dict[tuple[str, str], dict[str, Chart]]
"""(language, page path) → the page's charts by name, in page order."""


def charts(
    site: Site,
    scores: Scores,
    catalogues: dict[str, dict[str, str]],
    localities: bool = True,
    pages: Collection[str] | None = None,
) -> Charts:
    """Every page's charts; without `localities`, only the overview's and indicator pages' (the
    build draws those to SVG, and has each locality page's made where the page is rendered:
    made up front, 15,000 localities' charts take minutes and gigabytes). With `pages`, only
    the charts of those pages (language-neutral paths), for `serve` after an edit."""
    default = site.default_language
    result: Charts = {}
    wanted = (lambda path: True) if pages is None else pages.__contains__
    for language in site.config.languages:
        lang = i18n.Locale(language, catalogues.get(language, {}), catalogues[default])
        if wanted(""):
            result[language, ""] = _overview(site, scores, lang)
        for locality in site.localities.values() if localities else ():
            if wanted(path := f"localities/{locality.id}/"):
                result[language, path] = _locality(site, scores, locality, lang)
        for indicator in site.indicators.values():
            if wanted(path := f"indicators/{indicator.id}/"):
                result[language, path] = _indicator(site, scores, indicator, lang)
    return result


# --- Locality page --------------------------------------------------------------------------


def locality_charts(site: Site, scores: Scores, locality_id: str, lang: i18n.Locale):
    """One locality page's charts, by name."""
    return _locality(site, scores, site.localities[locality_id], lang)


def _locality(site: Site, scores: Scores, locality: Locality, lang: i18n.Locale):
    result = scores.localities[locality.id]
    if not result.latest:
        return {}
    found: dict[str, Chart] = {"disclosure": _disclosure(site, result.disclosure, lang)}
    for pillar in site.config.pillars:
        indicators = [
            indicator
            for indicator in site.indicators.values()
            if indicator.pillar == pillar.id
            and indicator.scored
            and indicator.unit == "percent"  # one axis for every row: a share out of 100
            and locality.level in indicator.levels
        ]
        if any(indicator.id in result.latest for indicator in indicators):
            found[f"pillar-{pillar.id}"] = _pillar_chart(
                pillar.id, lang.text(pillar.name), indicators, result.latest, lang
            )
    for indicator_id, history in result.history.items():
        indicator = site.indicators[indicator_id]
        if len(history) > 1 and indicator.unit != "rank":
            found[f"trend-{indicator_id}"] = _trend_chart(indicator, history, lang)
    return found


def _pillar_chart(pillar_id, pillar_name, indicators, latest, lang) -> Chart:
    """The published figures of a pillar; the table under the chart lists the others."""
    rows = [
        _bar_row(
            index, indicator.id, lang.text(indicator.name), latest[indicator.id], indicator, lang
        )
        for index, indicator in enumerate(indicators)
        if indicator.id in latest
    ]
    counts = _count_statuses(rows)
    summary = lang.t(
        "chart.pillar.summary",
        published=len(rows),
        total=len(indicators),
        met=counts["met"],
        close=counts["close"],
        behind=counts["behind"],
        none=counts["no-target"],
    )
    return _bar_chart(
        f"chart-pillar-{pillar_id}",
        lang.t("chart.pillar.title", pillar=pillar_name),
        summary,
        rows,
        lang.t("column.indicator"),
        100,
        "percent",
        lang,
    )


def _trend_chart(indicator: Indicator, history: tuple[Observation, ...], lang) -> Chart:
    target = indicator.target.value if indicator.target else None
    rows = [
        {
            "order": index,
            "period": lang.period(obs.period),
            "value": obs.value,
            "value_text": lang.qualified(obs.value, indicator.unit, obs.qualifier),
            "target": target,
            "aria": f"{lang.period(obs.period)}: "
            + lang.qualified(obs.value, indicator.unit, obs.qualifier),
        }
        for index, obs in enumerate(history)
    ]
    first, last = rows[0], rows[-1]
    spec = _fill(
        _template("trend", lang),
        rows,
        lang.t("chart.trend.title", indicator=lang.text(indicator.name)),
        y_max=_axis_max(indicator, [obs.value for obs in history]),
        suffix=_suffix(indicator.unit, lang),
    )
    table = Table(
        (lang.t("column.period"), lang.t("column.value")),
        tuple((Cell(row["period"]), Cell(row["value_text"])) for row in rows),
    )
    return Chart(
        id=f"chart-trend-{indicator.id}",
        kind="trend",
        title=lang.t("chart.trend.title", indicator=lang.text(indicator.name)),
        summary=lang.t(
            "chart.trend.summary",
            first=first["value_text"],
            first_period=first["period"],
            last=last["value_text"],
            last_period=last["period"],
            count=len(rows),
        ),
        spec=spec,
        table=table,
        legend=("target_line",) if target is not None else (),
        prerender=False,
    )


def _disclosure(site: Site, disclosure, lang) -> Chart:
    rows = []
    for index, pillar in enumerate(site.config.pillars):
        counted = disclosure[pillar.id]
        shown = lang.t("disclosure.count", published=counted.published, catalogue=counted.catalogue)
        rows.append(
            {
                "key": pillar.id,
                "order": index,
                "label": lang.text(pillar.name),
                "published": counted.published,
                "catalogue": counted.catalogue,
                "value_text": shown,
                "aria": f"{lang.text(pillar.name)}: {lang.t('disclosure.published')} {shown}",
            }
        )
    published = sum(row["published"] for row in rows)
    catalogue = sum(row["catalogue"] for row in rows)
    title = lang.t("chart.disclosure.title")
    spec = _fill(
        _template("disclosure", lang),
        rows,
        title,
        height=len(rows) * ROW_STEP,
        x_max=max([row["catalogue"] for row in rows] + [1]),
    )
    table = Table(
        (lang.t("pillar"), lang.t("disclosure.published")),
        tuple((Cell(row["label"]), Cell(row["value_text"])) for row in rows),
    )
    return Chart(
        id="chart-disclosure",
        kind="disclosure",
        title=title,
        summary=lang.t("chart.disclosure.summary", published=published, catalogue=catalogue),
        spec=spec,
        table=table,
        legend=("published", "unpublished"),
        prerender=False,
    )


# --- Indicator page -------------------------------------------------------------------------


def _indicator(site: Site, scores: Scores, indicator: Indicator, lang: i18n.Locale):
    if indicator.unit == "rank":  # a rank is not an amount: the table says it better
        return {}
    found = {}
    for level, ranked in scores.ranking[indicator.id].items():
        rows = [
            _bar_row(
                index,
                locality_id,
                lang.text(site.localities[locality_id].name),
                obs,
                indicator,
                lang,
                rank.position,
            )
            for index, (locality_id, obs, rank) in enumerate(ranked)
        ]
        values = [row["value"] for row in rows]
        best, worst = rows[0], rows[-1]
        shown = rows[:MAX_ROWS]  # the page lists as many; the others are on pages of their own
        counts = _count_statuses(rows)
        level_name = lang.t(f"level.{level}.plural")
        if len(rows) == 1:
            summary = lang.t(
                "chart.ranking.summary_one", name=best["name"], value=best["value_text"]
            )
        else:
            summary = lang.t(
                "chart.ranking.summary",
                count=len(rows),
                level=level_name,
                best=best["name"],
                best_value=best["value_text"],
                worst=worst["name"],
                worst_value=worst["value_text"],
            )
        if indicator.target:
            summary += " " + lang.t(
                "chart.ranking.summary_target",
                met=counts["met"],
                count=len(rows),
                target=rows[0]["target_text"],
            )
        found[f"ranking-{level}"] = _bar_chart(
            f"chart-ranking-{level}",
            lang.t("chart.ranking.title", level=level_name.capitalize()),
            summary,
            shown,
            lang.t("column.locality"),
            _axis_max(indicator, values),
            indicator.unit,
            lang,
            prerender=len(shown) <= STATIC_MOST_ROWS,
        )
    return found


# --- Overview -------------------------------------------------------------------------------


def _overview(site: Site, scores: Scores, lang: i18n.Locale) -> dict[str, Chart]:
    found = {}
    for level in LEVELS:
        localities = sorted(
            (loc for loc in site.localities.values() if loc.level == level),
            key=lambda loc: (i18n.collation_key(loc.name[lang.code]), loc.id),
        )
        indicators = [
            indicator
            for indicator in site.indicators.values()
            if indicator.scored and level in indicator.levels
        ]
        if localities and indicators and len(localities) <= MAX_ROWS:
            found[f"matrix-{level}"] = _matrix(site, scores, level, localities, indicators, lang)
    return found


def _matrix(site, scores, level, localities, indicators, lang) -> Chart:
    rows, table_rows = [], []
    counts = dict.fromkeys(STATUS_COLOURS, 0)
    for row_order, locality in enumerate(localities):
        latest = scores.localities[locality.id].latest
        cells = [Cell(lang.text(locality.name), href=f"localities/{locality.id}/")]
        for column_order, indicator in enumerate(indicators):
            obs = latest.get(indicator.id)
            state = status(obs, indicator) if obs else "no-data"
            counts[state] += 1
            value = lang.qualified(obs.value, indicator.unit, obs.qualifier) if obs else ""
            href = f"localities/{locality.id}/#{indicator.id}" if obs else None
            rows.append(
                {
                    "row": lang.text(locality.name),
                    "row_order": row_order,
                    "column": lang.text(indicator.name),
                    "column_order": column_order,
                    "status": state,
                    "status_text": lang.t(f"status.{state}"),
                    "icon": lang.t(f"status.{state}.icon"),
                    "value_text": value,
                    "period": lang.period(obs.period) if obs else "",
                    "href": href,
                    "aria": f"{lang.text(locality.name)}, {lang.text(indicator.name)}: "
                    + ", ".join(part for part in (lang.t(f"status.{state}"), value) if part),
                }
            )
            cells.append(
                Cell(value, href, lang.t(f"status.{state}.icon"), lang.t(f"status.{state}"))
            )
        table_rows.append(tuple(cells))
    level_name = lang.t(f"level.{level}.plural")
    spec = _fill(_template("matrix", lang), rows, lang.t("chart.matrix.title", level=level_name))
    return Chart(
        id=f"chart-matrix-{level}",
        kind="matrix",
        title=lang.t("chart.matrix.title", level=level_name.capitalize()),
        summary=lang.t(
            "chart.matrix.summary",
            localities=len(localities),
            level=level_name,
            indicators=len(indicators),
            met=counts["met"],
            close=counts["close"],
            behind=counts["behind"],
            none=counts["no-target"],
            missing=counts["no-data"],
        ),
        spec=spec,
        table=Table(
            (lang.t("column.locality"),) + tuple(lang.text(i.name) for i in indicators),
            tuple(table_rows),
        ),
        legend=tuple(state for state in STATUS_COLOURS if counts[state]),
        prerender=True,
    )


# --- Shared by the bar charts ---------------------------------------------------------------


def _bar_row(order, key, name, obs, indicator, lang, rank: int | None = None) -> dict[str, Any]:
    """One row of a bar chart: the words above the bar, the bar, the target's tick."""
    title = f"{rank}. {name}" if rank else name
    target = indicator.target
    state = status(obs, indicator)
    period = lang.period(obs.period)
    shown = lang.qualified(obs.value, indicator.unit, obs.qualifier)
    target_text = (
        lang.qualified(
            target.value, indicator.unit, "over" if target.qualifier == "over" else "exact"
        )
        if target
        else ""
    )
    spoken = [f"{title}: {shown}", period, lang.t(f"status.{state}")]
    if target:
        spoken.append(f"{lang.t('chart.tooltip.target')}: {target_text}")
    return {
        "key": key,
        "order": order,
        "name": name,
        "title": title,
        "label": f"{title} · {period}",
        "value": obs.value,
        "value_text": shown,
        "shown": f"{lang.t(f'status.{state}.icon')} {shown}",
        "period": period,
        "status": state,
        "status_text": lang.t(f"status.{state}"),
        "qualifier": QUALIFIER_SHAPES.get(obs.qualifier),
        "target": target.value if target else None,
        "target_text": target_text,
        "aria": "; ".join(spoken),
    }


def _bar_chart(chart_id, title, summary, rows, first_column, x_max, unit, lang, prerender=False):
    spec = _fill(
        _template("bars", lang),
        rows,
        title,
        height=len(rows) * ROW_STEP,
        x_max=x_max,
        suffix=_suffix(unit, lang),
    )
    table = Table(
        (first_column, lang.t("column.value"), lang.t("column.period"), lang.t("column.status"))
        + ((lang.t("column.goal"),) if any(row["target_text"] for row in rows) else ()),
        tuple(
            (
                Cell(row["title"]),
                Cell(row["value_text"]),
                Cell(row["period"]),
                Cell(row["status_text"], icon=lang.t(f"status.{row['status']}.icon")),
            )
            + ((Cell(row["target_text"]),) if any(r["target_text"] for r in rows) else ())
            for row in rows
        ),
    )
    states = {row["status"] for row in rows}
    legend = tuple(state for state in STATUS_COLOURS if state in states)
    if any(row["target"] is not None for row in rows):
        legend += ("target",)
    for qualifier in ("over", "nearly", "about"):
        if any(row["qualifier"] == QUALIFIER_SHAPES[qualifier] for row in rows):
            legend += (qualifier,)
    return Chart(chart_id, "bars", title, summary, spec, table, legend, prerender)


def _count_statuses(rows) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_COLOURS, 0)
    for row in rows:
        counts[row["status"]] += 1
    return counts


def _axis_max(indicator: Indicator, values) -> float:
    """The end of the value axis: 100 for a share, else a round number above every figure."""
    if indicator.unit == "percent":
        return 100
    top = max(
        [v for v in values if v is not None]
        + [indicator.target.value if indicator.target else 0, 1]
    )
    power = 10 ** math.floor(math.log10(top))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= top)


def _suffix(unit: str, lang: i18n.Locale) -> str:
    """What follows a number on the axis: '%' for a share ('{value}%' in both languages)."""
    return lang.t("unit.percent", value="") if unit == "percent" else ""


# --- Templates: one altair chart per type, words filled once per language --------------------


def number_locale(language: str) -> dict[str, Any]:
    """Vega's number format for a language, from the same Babel data as the page's text."""
    return {
        "decimal": get_decimal_symbol(language),
        "thousands": get_group_symbol(language),
        "grouping": [3],
        "currency": ["", ""],
    }


def _fill(
    template: dict, rows: list[dict], description: str, height: int | None = None, **params: Any
) -> dict:
    """A page's chart: the shared template with this page's rows, description and parameters."""
    return {
        **template,
        **({"height": height} if height else {}),
        "data": {"values": rows},
        "description": description,
        "params": [{"name": name, "value": value} for name, value in sorted(params.items())],
    }


@functools.cache
def _chart_type(kind: str) -> dict:
    """The chart type's spec, built with altair once per process, with '@key' for its words."""
    return _TYPES[kind]()


def _template(kind: str, lang: i18n.Locale) -> dict:
    """The chart type's spec in the page's language."""
    words = tuple((key, lang.t(key)) for key in _placeholders(kind))
    return _localized(kind, lang.code, words)


@functools.cache
def _placeholders(kind: str) -> tuple[str, ...]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str) and node.startswith("@"):
            found.add(node[1:])
        elif isinstance(node, dict | list):
            for value in node.values() if isinstance(node, dict) else node:
                walk(value)

    walk(_chart_type(kind))
    return tuple(sorted(found))


@functools.cache
def _localized(kind: str, language: str, words: tuple[tuple[str, str], ...]) -> dict:
    """'@key' strings replaced by their messages, and the language's number format."""
    spec = _words(_chart_type(kind), dict(words))
    del spec["$schema"]  # the page names its mode; no third-party URL on the page
    return {**spec, "config": _config(language)}


def _words(node: Any, messages: dict[str, str]) -> Any:
    if isinstance(node, str) and node.startswith("@"):
        return messages[node[1:]]
    if isinstance(node, dict):
        return {key: _words(value, messages) for key, value in node.items()}
    if isinstance(node, list):
        return [_words(value, messages) for value in node]
    return node


def _config(language: str) -> dict[str, Any]:
    return {
        "locale": {"number": number_locale(language)},
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": 12,
            "labelColor": MUTED,
            "domainColor": MUTED,
            "tickColor": MUTED,
        },
        "text": {"fontSize": 13, "color": INK},
    }


def _status_colour() -> alt.Color:
    return alt.Color(
        "status:N",
        scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
        legend=None,
    )


def _row_y() -> alt.Y:
    return alt.Y(
        "key:N",
        sort=alt.EncodingSortField("order", op="max"),
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
        axis=None,
        title=None,
    )


# As wide as the page allows. A bar chart's height is set per page, ROW_STEP px a row: a
# discrete height ({"step": …}) would make Vega-Lite warn that it drops fitting the height.
_FIT_WIDTH: dict[str, Any] = {
    "width": "container",
    "autosize": alt.AutoSizeParams(type="fit-x", contains="padding"),
}


def _named(**layers: alt.Chart) -> list[alt.Chart]:
    """Layers named, so each kind of mark has its own class in the SVG ('<name>_marks')."""
    return [layer.properties(name=name) for name, layer in layers.items()]


def _row_words(base: alt.Chart) -> dict[str, alt.Chart]:
    """Each row's name on a line of its own, above the bar; its figure right of the bar.

    The name carries the row's whole description for screen readers, every row having one;
    the other marks of the row are hidden from them (`aria=False`) so nothing is read twice.
    """
    name = base.mark_text(align="left", baseline="bottom", dy=-3, limit={"expr": "width"}).encode(
        x=alt.value(0), y=_row_y(), text="label:N", description="aria:N"
    )
    figure = base.mark_text(
        align="right", baseline="middle", dy=BAR_OFFSET, fontWeight="bold", aria=False
    ).encode(x=alt.value("width"), y=_row_y(), text="shown:N")
    return {"label": name, "figure": figure}


def _row_x(field: str, axis: Any = alt.Undefined) -> alt.X:
    """The value axis of a bar chart, from 0 to `x_max`; the figures fill its right margin.
    A layer that leaves `axis` undefined shares the others' (None would hide it for all)."""
    return alt.X(
        field,
        scale=alt.Scale(
            domain=[0, {"expr": "x_max"}],
            range=[0, {"expr": f"width - {FIGURE_MARGIN}"}],
            nice=False,
        ),
        axis=axis,
    )


def _bars() -> dict:
    """Bars against a target: the figure's bar coloured by status, the target a black tick."""
    base = alt.Chart(alt.Data(name="rows"))
    x = _row_x(
        "value:Q",
        alt.Axis(
            title=None,
            tickCount={"expr": f"max(2, floor((width - {FIGURE_MARGIN}) / 90))"},
            labelOverlap=True,
            labelExpr="datum.label + suffix",
            labelFlush=True,
            grid=True,
        ),
    )
    tooltip = [
        alt.Tooltip("name:N", title="@chart.tooltip.name"),
        alt.Tooltip("value_text:N", title="@chart.tooltip.value"),
        alt.Tooltip("period:N", title="@chart.tooltip.period"),
        alt.Tooltip("status_text:N", title="@chart.tooltip.status"),
        alt.Tooltip("target_text:N", title="@chart.tooltip.target"),
    ]
    bar = base.mark_bar(
        height=14, yOffset=BAR_OFFSET, stroke=MUTED, strokeWidth=0.5, aria=False
    ).encode(x=x, y=_row_y(), color=_status_colour(), tooltip=tooltip)
    target = (
        base.mark_tick(thickness=3, size=24, yOffset=BAR_OFFSET, color=INK, aria=False)
        .encode(x=_row_x("target:Q"), y=_row_y(), tooltip=tooltip)
        .transform_filter("isValid(datum.target)")
    )
    qualifier = (
        base.mark_point(
            filled=True,
            size=90,
            yOffset=BAR_OFFSET,
            color=INK,
            stroke="white",
            strokeWidth=1,
            aria=False,
        )
        .encode(
            x=_row_x("value:Q"),
            y=_row_y(),
            shape=alt.Shape("qualifier:N", scale=None),
            tooltip=tooltip,
        )
        .transform_filter("isValid(datum.qualifier)")
    )
    chart = alt.layer(
        *_named(bar=bar, target=target, qualifier=qualifier, **_row_words(base))
    ).properties(**_FIT_WIDTH, height=ROW_STEP)
    return chart.to_dict(validate=False)


def _disclosure_type() -> dict:
    """Per pillar, a track as long as the catalogue and, over it, the published indicators."""
    base = alt.Chart(alt.Data(name="rows"))
    tooltip = [
        alt.Tooltip("label:N", title="@chart.tooltip.pillar"),
        alt.Tooltip("value_text:N", title="@chart.tooltip.published"),
    ]
    track = base.mark_bar(
        height=14, yOffset=BAR_OFFSET, color=TRACK, stroke=MUTED, strokeWidth=0.5, aria=False
    ).encode(x=_row_x("catalogue:Q", None), y=_row_y(), tooltip=tooltip)
    published = base.mark_bar(height=14, yOffset=BAR_OFFSET, color=BAR, aria=False).encode(
        x=_row_x("published:Q", None), y=_row_y(), tooltip=tooltip
    )
    words = _row_words(base)
    name, figure = words["label"], words["figure"].encode(text="value_text:N")
    chart = alt.layer(
        *_named(track=track, published=published, label=name, figure=figure)
    ).properties(**_FIT_WIDTH, height=ROW_STEP)
    return chart.to_dict(validate=False)


def _trend() -> dict:
    """A figure over its periods, in order, with the national target as a dashed rule."""
    base = alt.Chart(alt.Data(name="rows"))
    x = alt.X(
        "period:N",
        sort=alt.EncodingSortField("order", op="max"),
        axis=alt.Axis(title=None, labelAngle=0, labelLimit=140),
    )
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[0, {"expr": "y_max"}], nice=False),
        axis=alt.Axis(title=None, tickCount=4, labelExpr="datum.label + suffix"),
    )
    tooltip = [
        alt.Tooltip("period:N", title="@chart.tooltip.period"),
        alt.Tooltip("value_text:N", title="@chart.tooltip.value"),
    ]
    line = base.mark_line(color=BAR, strokeWidth=2, aria=False).encode(x=x, y=y)
    points = base.mark_point(filled=True, size=60, color=BAR).encode(
        x=x, y=y, tooltip=tooltip, description="aria:N"
    )
    labels = base.mark_text(dy=-10, fontWeight="bold", aria=False).encode(
        x=x, y=y, text="value_text:N"
    )
    target = (
        base.mark_rule(color=INK, strokeDash=[6, 4], strokeWidth=2, aria=False)
        .encode(y=alt.Y("max(target):Q"))
        .transform_filter("isValid(datum.target)")
    )
    chart = alt.layer(*_named(target=target, line=line, point=points, value=labels)).properties(
        **_FIT_WIDTH, height=180
    )
    return chart.to_dict(validate=False)


def _matrix_type() -> dict:
    """Localities by indicators, each cell coloured by status and marked with its icon."""
    base = alt.Chart(alt.Data(name="rows"))
    x = alt.X(
        "column:N",
        sort=alt.EncodingSortField("column_order", op="max"),
        axis=alt.Axis(title=None, orient="top", labelAngle=-50, labelLimit=260, labelAlign="left"),
    )
    y = alt.Y(
        "row:N",
        sort=alt.EncodingSortField("row_order", op="max"),
        axis=alt.Axis(title=None, labelLimit=200),
    )
    tooltip = [
        alt.Tooltip("row:N", title="@chart.tooltip.locality"),
        alt.Tooltip("column:N", title="@chart.tooltip.indicator"),
        alt.Tooltip("status_text:N", title="@chart.tooltip.status"),
        alt.Tooltip("value_text:N", title="@chart.tooltip.value"),
        alt.Tooltip("period:N", title="@chart.tooltip.period"),
    ]
    cells = base.mark_rect(stroke=MUTED, strokeWidth=0.5).encode(
        x=x, y=y, color=_status_colour(), href="href:N", tooltip=tooltip, description="aria:N"
    )
    # charts.css lets clicks and hovers through the icons to their cells (pointer-events).
    icons = base.mark_text(fontSize=13, fontWeight="bold", aria=False).encode(
        x=x,
        y=y,
        text="icon:N",
        color=alt.condition("datum.status == 'met'", alt.value("white"), alt.value(INK)),
    )
    chart = alt.layer(*_named(cell=cells, icon=icons)).properties(
        width=alt.Step(CELL_STEP), height=alt.Step(CELL_STEP)
    )
    return chart.to_dict(validate=False)


_TYPES: dict[str, Callable[[], dict]] = {
    "bars": _bars,
    "disclosure": _disclosure_type,
    "trend": _trend,
    "matrix": _matrix_type,
}
