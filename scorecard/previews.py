"""Preview images for links shared on social networks and chat apps (OpenGraph, Twitter cards).

A locality with percentage figures gets a PNG of its scorecard: its latest figures as bars, with
the national target marked. Every other page shares one site-wide image per language. Images
are rendered at build time by vl-convert from Vega-Lite specs and cached by the spec's hash, so
a rebuild only renders what changed. Only localities with figures get their own image: at
country scale most of the 15,000 units have none, and one PNG each would dominate the build.
"""

from __future__ import annotations

import copy
import hashlib
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vl_convert

from . import diskcache, drawing
from .i18n import Locale
from .model import Site
from .score import Scores

WIDTH, HEIGHT = 1200, 630  # the size OpenGraph and Twitter's large card display
MOST_BARS = 8
MOST_IMAGES = 200
"""Most units with an image each: vl-convert takes about 0.2 s per PNG, so one for each of the
6,000 units with figures at country scale (both languages) would take the build 40 minutes."""
FONT = "DejaVu Sans"  # Debian's fonts-dejavu-core: has every Vietnamese letter
INK, MUTED, BAR, TRACK = "#1a1a1a", "#555555", "#3b6ea8", "#e8e8e8"


@dataclass(frozen=True)
class Preview:
    path: str
    """Under the site root: 'previews/huyen-dakrong.vi.png'."""
    alt: str
    width: int = WIDTH
    height: int = HEIGHT


class Previews:
    """Which image each page shares, and the images themselves."""

    def __init__(self, site: Site, scores: Scores):
        self.site = site
        self.scores = scores
        self.with_bars = sum(map(self._has_bars, site.localities))
        self.every_unit = self.with_bars <= MOST_IMAGES

    def after(self, site: Site, scores: Scores, localities: set[str]) -> Previews:
        """The same once the figures of `localities` changed to `scores` (for `serve`): only
        theirs are looked at again, not every unit's."""
        updated = copy.copy(self)
        updated.site, updated.scores = site, scores
        updated.with_bars += sum(map(updated._has_bars, localities))
        updated.with_bars -= sum(map(self._has_bars, localities))
        updated.every_unit = updated.with_bars <= MOST_IMAGES
        return updated

    def has_image(self, locality_id: str) -> bool:
        """Its own image: a unit with percentages, while few units have them; beyond that, a
        province of today (the pages most shared)."""
        locality = self.site.localities[locality_id]
        if not (self.every_unit or (locality.level == "province" and locality.exists)):
            return False
        return self._has_bars(locality_id)

    def _has_bars(self, locality_id: str) -> bool:
        latest = self.scores.localities[locality_id].latest
        return any(self.site.indicators[ind].unit == "percent" for ind in latest)

    def of(self, page: Any, lang: Locale) -> Preview:
        """The image a page shares; `page` is a render.Page."""
        locality = page.context.get("locality") if page.template == "locality.html" else None
        if locality is not None and self.has_image(locality.id):
            return Preview(
                f"previews/{locality.id}.{lang.code}.png",
                lang.t("preview.locality", name=lang.text(locality.name)),
            )
        return Preview(f"previews/site.{lang.code}.png", lang.text(self.site.config.title))

    def images(self, locales: dict[str, Locale], cache: Path | None = None) -> dict[str, bytes]:
        """Every preview PNG by output path; `cache` keeps them on disk across builds."""
        specs = {}
        for code, lang in locales.items():
            specs[f"previews/site.{code}.png"] = self.site_spec(lang)
            for locality_id in self.site.localities:
                if self.has_image(locality_id):
                    specs[f"previews/{locality_id}.{code}.png"] = self.locality_spec(
                        locality_id, lang
                    )
        return draw(specs, cache)

    def locality_spec(self, locality_id: str, lang: Locale) -> dict:
        site, result = self.site, self.scores.localities[locality_id]
        rows = []
        for indicator in site.indicators.values():  # catalogue order: pillar by pillar
            obs = result.latest.get(indicator.id)
            if obs is None or indicator.unit != "percent" or obs.value is None:
                continue
            rows.append(
                {
                    "label": lang.text(indicator.name),
                    "value": obs.value,
                    "text": lang.qualified(obs.value, "percent", obs.qualifier),
                    "target": indicator.target.value if indicator.target else None,
                }
            )
        more = len(rows) - MOST_BARS
        subtitle = [lang.text(site.config.title)]
        if more > 0:
            subtitle.append(lang.t("preview.more", count=lang.number(more)))
        return _chart(lang.text(site.localities[locality_id].name), subtitle, rows[:MOST_BARS])

    def site_spec(self, lang: Locale) -> dict:
        site = self.site
        lines = textwrap.wrap(lang.text(site.config.description), 72)
        counts = [
            (len(site.localities), "preview.localities"),
            (len(site.observations), "preview.figures"),
            (len(site.sources), "preview.sources"),
        ]
        rows = [
            {"x": index, "number": lang.number(count), "label": lang.t(key)}
            for index, (count, key) in enumerate(counts)
        ]
        x = {"field": "x", "type": "quantitative", "scale": {"domain": [0, 3]}, "axis": None}
        y = {"type": "quantitative", "scale": {"domain": [0, 10]}, "axis": None}
        return {
            **_frame(lang.text(site.config.title), lines),
            "data": {"values": rows},
            "encoding": {"x": x},
            "layer": [
                {
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "baseline": "bottom",
                        "fontSize": 120,
                        "fontWeight": "bold",
                        "color": BAR,
                    },
                    "encoding": {"y": {**y, "datum": 3}, "text": {"field": "number"}},
                },
                {
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "baseline": "top",
                        "fontSize": 32,
                        "color": INK,
                    },
                    "encoding": {"y": {**y, "datum": 2.5}, "text": {"field": "label"}},
                },
            ],  # fmt: skip
        }


def _frame(title: str, subtitle: list[str]) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": HEIGHT,
        "autosize": {"type": "fit", "contains": "padding"},
        "padding": 48,
        "background": "#ffffff",
        "config": {"font": FONT, "view": {"stroke": None}},
        "title": {
            "text": title,
            "subtitle": subtitle,
            "anchor": "start",
            "fontSize": 48,
            "subtitleFontSize": 24,
            "subtitleColor": MUTED,
            "color": INK,
            "offset": 24,
            "limit": WIDTH - 96,
            "subtitleLineHeight": 34,
        },
        "data": {"values": [{}]},
    }


def _chart(title: str, subtitle: list[str], rows: list[dict]) -> dict:
    y = {
        "field": "label",
        "type": "nominal",
        "sort": None,
        "axis": {
            "title": None,
            "labelFontSize": 20,
            "labelLimit": 470,
            "labelColor": INK,
            "ticks": False,
            "domain": False,
            "labelPadding": 12,
        },
    }
    x = {"type": "quantitative", "scale": {"domain": [0, 125]}, "axis": None}
    return {
        **_frame(title, subtitle),
        "data": {"values": rows},
        "encoding": {"y": y},
        "layer": [
            {"mark": {"type": "bar", "color": TRACK}, "encoding": {"x": {**x, "datum": 100}}},
            {"mark": {"type": "bar", "color": BAR}, "encoding": {"x": {**x, "field": "value"}}},
            {
                "mark": {"type": "tick", "color": INK, "thickness": 4},
                "encoding": {"x": {**x, "field": "target"}},
            },
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 10,
                    "fontSize": 20,
                    "color": INK,
                    "fontWeight": "bold",
                },
                "encoding": {"x": {**x, "datum": 100}, "text": {"field": "text"}},
            },
        ],  # fmt: skip
    }


_drawn: dict[str, bytes] = {}
"""PNG by spec hash, for `serve`: a rebuild draws only the images whose data changed."""


def draw(specs: dict[str, dict], cache: Path | None) -> dict[str, bytes]:
    """PNG of each spec, from memory, the disk cache, or vl-convert (about 0.2 s each)."""
    engine = f"vl-convert {vl_convert.__version__}"
    keys = {path: _key(spec, engine) for path, spec in specs.items()}
    missing = {}
    for path, key in keys.items():
        if key in _drawn:
            continue
        if cache is not None and (cached := diskcache.read(cache / f"{key}.png")) is not None:
            _drawn[key] = cached
        else:
            missing[key] = specs[path]
    # a worker fewer than cores: the pages render on the others meanwhile (`build.generate`);
    # at country scale, cold, a worker on each core made the build's peak (1.41 GB summed)
    drawings = [("png", spec) for spec in missing.values()]
    for key, png in zip(missing, drawing.draw(drawings, max(1, drawing.WORKERS - 1)), strict=True):
        _drawn[key] = png
        if cache is not None:
            diskcache.write(cache / f"{key}.png", png)
    return {path: _drawn[key] for path, key in keys.items()}


def _key(spec: dict, engine: str) -> str:
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{engine}\n{text}".encode()).hexdigest()
