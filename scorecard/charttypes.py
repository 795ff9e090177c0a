"""Chart types: how each kind of chart looks, built with altair once, then kept in the cache.

Each type is an altair chart turned into a Vega-Lite dict without schema validation (the tests
validate it), with '@key' strings where its tooltips need words; `template` fills those in once
per language, and `fill` makes a page's chart of it: the page's rows, a description and a few
parameters. Layers are named (`_named`) so each kind of mark has its own class in the SVG.

Importing altair takes half a second, longer than the rest of the real site's build, so the
built types are kept as JSON in the chart cache (`prerender.cache_folder`), under a hash of this
file and altair's version, and altair is imported only when that file is missing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from babel.numbers import get_decimal_symbol, get_group_symbol

from . import diskcache, i18n


def _lazy_import(name: str) -> ModuleType:
    """The module, imported at the first use of one of its attributes (importlib's recipe)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, f"{name} is not installed"
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    import altair as alt
else:
    alt = _lazy_import("altair")

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
ROW_STEP = 44  # px per row of a bar chart: a line of words, then the bar
BAR_OFFSET = 8  # px from the middle of a row down to the middle of its bar
FIGURE_MARGIN = 100  # px right of the bars, for each row's figure
CELL_STEP = 26  # px per cell of the overview's matrix
FONT = "system-ui, sans-serif"  # short: Vega repeats it on every text of an SVG


def number_locale(language: str) -> dict[str, Any]:
    """Vega's number format for a language, from the same Babel data as the page's text."""
    return {
        "decimal": get_decimal_symbol(language),
        "thousands": get_group_symbol(language),
        "grouping": [3],
        "currency": ["", ""],
    }


class Spec(dict):
    """A page's chart spec, which knows the `template` it was filled from (`base`)."""

    base: dict


def fill(
    spec: dict, rows: list[dict], description: str, height: int | None = None, **params: Any
) -> Spec:
    """A page's chart: a `template` with this page's rows, description and parameters."""
    filled = Spec(
        spec,
        **({"height": height} if height else {}),
        data={"values": rows},
        description=description,
        params=[{"name": name, "value": value} for name, value in sorted(params.items())],
    )
    filled.base = spec
    return filled


def page_part(spec: dict) -> dict:
    """What a page's chart holds beside its template's file (`published`): the keys it filled."""
    base = getattr(spec, "base", None)
    if base is None:
        return spec
    return {key: value for key, value in spec.items() if base.get(key) is not value}


def published(spec: dict) -> tuple[str, bytes]:
    """The file of the template a chart was filled from, shared by every page's chart of its
    type and language, and named by its content so that a browser's copy is never stale: path
    under assets/, bytes. static/chart.js adds the page's part to it."""
    base = spec.base if isinstance(spec, Spec) else spec
    found = _published.get(id(base))
    if found is None:
        content = json.dumps(base, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(content.encode()).hexdigest()[:16]
        found = _published[id(base)] = (base, f"charts/{digest}.json", content.encode())
    return found[1], found[2]


_published: dict[int, tuple[dict, str, bytes]] = {}
"""By the id of a template (one object per type and language), kept with it."""


def template_files(languages: list[i18n.Locale]) -> dict[str, bytes]:
    """Every chart type's template in every language, by output path."""
    return dict(published(template(kind, lang)) for lang in languages for kind in TYPES)


@functools.cache
def chart_type(kind: str) -> dict:
    """The chart type's spec, with '@key' for its words: from the cache, else built with altair
    (once per process) and cached."""
    from .prerender import cache_folder  # prerender imports this module (through charts)

    path = cache_folder() / f"type-{kind}-{_fingerprint()}.json"
    try:
        cached = json.loads(diskcache.read(path) or b"null")
    except ValueError:  # damaged
        cached = None
    if isinstance(cached, dict):
        return cached
    spec = TYPES[kind]()
    diskcache.write(path, json.dumps(spec, ensure_ascii=False).encode())  # in its order
    return spec


@functools.cache
def _fingerprint() -> str:
    """What the built types depend on: this file's code and altair's version. So the
    builders below use nothing from another module: a change there would not be seen."""
    code = Path(__file__).read_bytes()
    version = importlib.metadata.version("altair")
    return hashlib.sha256(code + b"\naltair " + version.encode()).hexdigest()[:32]


def template(kind: str, lang: i18n.Locale) -> dict:
    """The chart type's spec in the page's language."""
    words = tuple((key, lang.t(key)) for key in _placeholders(kind))
    return localized(kind, lang.code, words)


@functools.cache
def _placeholders(kind: str) -> tuple[str, ...]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str) and node.startswith("@"):
            found.add(node[1:])
        elif isinstance(node, dict | list):
            for value in node.values() if isinstance(node, dict) else node:
                walk(value)

    walk(chart_type(kind))
    return tuple(sorted(found))


@functools.cache
def localized(kind: str, language: str, words: tuple[tuple[str, str], ...]) -> dict:
    """'@key' strings replaced by their messages, and the language's number format."""
    spec = _words(chart_type(kind), dict(words))
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
    "autosize": {"type": "fit-x", "contains": "padding"},  # a dict: altair is not loaded yet
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


def _row_x(field: str, **axis: Any) -> alt.X:
    """The value axis of a bar chart, from 0 to `x_max`; the figures fill its right margin.
    A layer that leaves `axis` undefined shares the others' (None would hide it for all)."""
    return alt.X(
        field,
        scale=alt.Scale(
            domain=[0, {"expr": "x_max"}],
            range=[0, {"expr": f"width - {FIGURE_MARGIN}"}],
            nice=False,
        ),
        **axis,
    )


def _bars() -> dict:
    """Bars against a target: the figure's bar coloured by status, the target a black tick."""
    base = alt.Chart(alt.Data(name="rows"))
    x = _row_x(
        "value:Q",
        axis=alt.Axis(
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
    ).encode(x=_row_x("catalogue:Q", axis=None), y=_row_y(), tooltip=tooltip)
    published = base.mark_bar(height=14, yOffset=BAR_OFFSET, color=BAR, aria=False).encode(
        x=_row_x("published:Q", axis=None), y=_row_y(), tooltip=tooltip
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


TYPES: dict[str, Callable[[], dict]] = {
    "bars": _bars,
    "disclosure": _disclosure_type,
    "trend": _trend,
    "matrix": _matrix_type,
}
