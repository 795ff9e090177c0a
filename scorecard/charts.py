"""Stage 4, charts: what each page charts, from the scores. Pure.

Each chart is a template of its type (charttypes.py: built once per process with altair) filled
with the page's rows: no altair object per page, so the cost does not grow with the number of
localities. Every chart comes with what a reader without the picture needs: a title, a summary
of what a sighted reader would take from it, its key, and the same numbers as a table.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import orjson

from . import i18n
from .charttypes import (
    QUALIFIER_SHAPES,
    ROW_STEP,
    STATUS_COLOURS,
    fill,
    page_part,
    published,
    template,
)
from .model import LEVELS, Indicator, Locality, Observation, Site
from .score import Scores, status

MAX_ROWS = 100  # as many localities as a page lists (render.LIST_LIMIT)
# vl-convert's time grows with the rows: about 80 ms for one, 130 ms for 10, 470 ms for 38. A
# longer ranking is not drawn at build time (at country scale, 40 indicators' rankings of 34
# provinces would take 25 s): its page's table shows each figure as a bar against the target
# in HTML, for readers without JavaScript.
STATIC_MOST_ROWS = 12
STATIC_WIDTH = 360  # px, for charts drawn at build time, not knowing the page's width: a phone's
# A matrix's SVG weighs about 430 bytes a cell: past this many cells (the country's 97 provinces
# by 24 indicators made 1 MB), readers without JavaScript get its table, not a picture.
STATIC_MOST_CELLS = 400
# A chart of the overview or an indicator page whose rows weigh more, as JSON, reads them from a
# file beside its page (`Chart.data_file`), fetched by static/chart.js: a few kilobytes cost less
# in the page than a request, but the country's matrix inlined 700 kB, and each indicator page
# 45 kB a level, that every reader loaded before the page's text, even without JavaScript.
INLINE_MOST_BYTES = 16_000


@dataclass(frozen=True)
class Cell:
    """One cell of a chart's table: its text, an icon read before it, and maybe a link. A row's
    first cell, its header, is a text or a link only."""

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
    data_file: str = ""
    """The file beside the page that holds the spec's rows, when they are too many to inline;
    empty when the page holds them."""

    @property
    def spec_json(self) -> str:
        """The page's part of the spec for a <script type="application/json"> block, which
        nothing can close; without its rows when they are in `data_file`."""
        spec = page_part(self.spec)  # the rest is in `template_file`
        return _script_safe({**spec, "data": {"name": "rows"}} if self.data_file else spec)

    @property
    def template_file(self) -> str:
        """The file under assets/ of the template the page's part of the spec fills."""
        return published(self.spec)[0]

    @property
    def rows_json(self) -> str:
        """The rows alone, as `data_file` holds them."""
        return _script_safe(self.spec["data"]["values"])


def _script_safe(data: Any) -> str:
    """`data` as compact JSON, keys sorted, that no `<script>` tag can close. Written by orjson:
    a country's 25,000 locality pages hold 140 MB of it, which Python's encoder took 2.9 s of
    CPU to write, orjson 1.1 s. The same bytes, but for numbers under 0.0001 or from 10^16
    (1e-5 for 1e-05) and a number that is not one (null, where Python writes NaN, which no
    browser reads), and Python's encoder for what orjson cannot write (an integer over 64 bits)."""
    try:
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
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
            result[language, ""] = _rows_apart(_overview(site, scores, lang))
        for locality in site.localities.values() if localities else ():
            if wanted(path := f"localities/{locality.id}/"):
                result[language, path] = _locality(site, scores, locality, lang)
        for indicator in site.indicators.values():
            if wanted(path := f"indicators/{indicator.id}/"):
                result[language, path] = _rows_apart(_indicator(site, scores, indicator, lang))
    return result


def _rows_apart(found: dict[str, Chart]) -> dict[str, Chart]:
    """The charts, those with more than INLINE_MOST_BYTES of rows set to read them from a file."""
    return {
        name: dataclasses.replace(chart, data_file=f"{chart.id}.json")
        if len(chart.rows_json.encode()) > INLINE_MOST_BYTES
        else chart
        for name, chart in found.items()
    }


def data_files(found: Charts, default_language: str) -> dict[str, bytes]:
    """The files of the charts that read their rows from one, by output path."""
    return {
        ("" if language == default_language else f"{language}/") + path + chart.data_file: (
            chart.rows_json.encode()
        )
        for (language, path), page in found.items()
        for chart in page.values()
        if chart.data_file
    }


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
    spec = fill(
        template("trend", lang),
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
    spec = fill(
        template("disclosure", lang),
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
        # The page lists MAX_ROWS, the others are on pages of their own: only those and the last
        # are charted and worded (1,600 communes' rows took `serve` 40 ms an edit).
        rows = [
            _ranking_row(site, indicator, lang, ranked, index)
            for index in range(min(len(ranked), MAX_ROWS))
        ]
        best, worst = rows[0], _ranking_row(site, indicator, lang, ranked, len(ranked) - 1)
        values = [obs.value for _, obs, _ in ranked]
        met = sum(status(obs, indicator) == "met" for _, obs, _ in ranked)
        level_name = lang.t(f"level.{level}.plural")
        if len(ranked) == 1:
            summary = lang.t(
                "chart.ranking.summary_one", name=best["name"], value=best["value_text"]
            )
        else:
            summary = lang.t(
                "chart.ranking.summary",
                count=lang.number(len(ranked)),  # 1.639 communes, in Vietnamese
                level=level_name,
                best=best["name"],
                best_value=best["value_text"],
                worst=worst["name"],
                worst_value=worst["value_text"],
            )
        if indicator.target:
            summary += " " + lang.t(
                "chart.ranking.summary_target",
                met=lang.number(met),
                count=lang.number(len(ranked)),
                target=best["target_text"],
            )
        found[f"ranking-{level}"] = _bar_chart(
            f"chart-ranking-{level}",
            lang.t("chart.ranking.title", level=level_name.capitalize()),
            summary,
            rows,
            lang.t("column.locality"),
            _axis_max(indicator, values),
            indicator.unit,
            lang,
            prerender=len(rows) <= STATIC_MOST_ROWS,
        )
    return found


def _ranking_row(site: Site, indicator: Indicator, lang, ranked, index: int) -> dict[str, Any]:
    locality_id, obs, rank = ranked[index]
    name = lang.text(site.localities[locality_id].name)
    return _bar_row(index, locality_id, name, obs, indicator, lang, rank.position)


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
            # No link without a figure: None would link to "null"
            href = f"localities/{locality.id}/#{indicator.id}" if obs else ""
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
    spec = fill(template("matrix", lang), rows, lang.t("chart.matrix.title", level=level_name))
    return Chart(
        id=f"chart-matrix-{level}",
        kind="matrix",
        title=lang.t("chart.matrix.title", level=level_name.capitalize()),
        summary=lang.t(
            "chart.matrix.summary",
            localities=lang.number(len(localities)),
            level=level_name,
            indicators=lang.number(len(indicators)),
            met=lang.number(counts["met"]),
            close=lang.number(counts["close"]),
            behind=lang.number(counts["behind"]),
            none=lang.number(counts["no-target"]),
            missing=lang.number(counts["no-data"]),
        ),
        spec=spec,
        table=Table(
            (lang.t("column.locality"),) + tuple(lang.text(i.name) for i in indicators),
            tuple(table_rows),
        ),
        legend=tuple(state for state in STATUS_COLOURS if counts[state]),
        prerender=len(rows) <= STATIC_MOST_CELLS,
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
    spec = fill(
        template("bars", lang),
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
