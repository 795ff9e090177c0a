"""Comparing localities: the data file the compare page reads, and each locality's peers. Pure.

The compare page (`static/compare.js`) builds its choices from `compare/data.json` and its table
and chart from the files of figures it points to, one per province (`compare/figures/<id>.json`):
at country scale every figure in one file weighed 13 MB, for a reader who compares two communes.
There is a set of files per language, with every figure already formatted for that language
(Babel), so the script formats nothing itself. Only localities with figures are in them: the rest
have nothing to compare.
"""

from __future__ import annotations

from collections import defaultdict

import orjson

from . import score
from .i18n import Locale, collation_key
from .model import LEVELS, Site
from .score import Scores

MOST_PEERS = 3  # with the locality itself, the page's limit of four


def has_figures(scores: Scores, locality_id: str) -> bool:
    return bool(scores.localities[locality_id].latest)


def peers(site: Site, scores: Scores, locality_id: str) -> list[str]:
    """Up to three units of the same level and province with figures, by Vietnamese name."""
    return Peers(site, scores)(locality_id)


class Peers:
    """`peers` for every page of a build, from one index of the units with figures by level and
    province: scanning every unit for each page would cost a country-scale build minutes."""

    def __init__(self, site: Site, scores: Scores):
        self.site = site
        self.groups: dict[tuple[str, str | None], list] = defaultdict(list)
        for other in site.localities.values():
            if has_figures(scores, other.id):
                self.groups[self.group(other.id)].append(other)
        for group in self.groups.values():
            group.sort(key=lambda other: (collation_key(other.name["vi"]), other.id))

    def group(self, locality_id: str) -> tuple[str, str | None]:
        """Units are peers when they share a level and (below it) a province."""
        level = self.site.localities[locality_id].level
        return level, None if level == "province" else score.province_of(self.site, locality_id)

    def __call__(self, locality_id: str) -> list[str]:
        same = self.groups.get(self.group(locality_id), [])
        return [other.id for other in same if other.id != locality_id][:MOST_PEERS]


def data(site: Site, scores: Scores, lang: Locale, root: str) -> dict[str, bytes]:
    """data.json and figures/<province>.json, by path under compare/, for one language; `root`
    leads from compare/ to the language's home."""
    indicators = [
        {
            "id": indicator.id,
            "name": lang.text(indicator.name),
            "pillar": indicator.pillar,
            "unit": indicator.unit,
            "levels": list(indicator.levels),
            "url": f"{root}indicators/{indicator.id}/",
            "target": indicator.target.value if indicator.target else None,
            "target_text": lang.t(
                "target.national",
                value=lang.qualified(
                    indicator.target.value, indicator.unit, indicator.target.qualifier
                ),
                year=indicator.target.year,
            )
            if indicator.target
            else lang.t("target.none"),
        }
        for indicator in site.indicators.values()
        if indicator.scored
    ]
    compared = [loc for loc in site.localities.values() if has_figures(scores, loc.id)]
    parts: dict[str, dict[str, dict]] = defaultdict(dict)  # file → locality → its figures
    localities = {}
    for locality in compared:
        province = score.province_of(site, locality.id)
        part = f"figures/{province or locality.id}.json"
        parts[part][locality.id] = {
            indicator_id: _figure(site, scores, lang, locality.id, indicator_id)
            for indicator_id in scores.localities[locality.id].latest
        }
        localities[locality.id] = {
            "name": lang.text(locality.name),
            "level": locality.level,
            "level_name": lang.t(f"level.{locality.level}"),
            "url": f"{root}localities/{locality.id}/",
            "province": province,
            "figures": part,
        }
    by_name = sorted(compared, key=lambda loc: (collation_key(loc.name[lang.code]), loc.id))
    document = {
        "pillars": [
            {"id": pillar.id, "name": lang.text(pillar.name)} for pillar in site.config.pillars
        ],
        "indicators": indicators,
        "levels": [  # the choices, in the order of the page's lists
            {
                "id": level,
                "name": lang.t(f"level.{level}.plural").capitalize(),
                "localities": [loc.id for loc in by_name if loc.level == level],
            }
            for level in LEVELS
            if any(loc.level == level for loc in compared)
        ],
        "localities": localities,
        "provinces": [  # to narrow the choices down to one province's units
            {"id": loc.id, "name": lang.text(loc.name), "former": loc.dissolved is not None}
            for loc in sorted(
                (site.localities[p] for p in {e["province"] for e in localities.values()} if p),
                key=lambda loc: (collation_key(loc.name[lang.code]), loc.id),
            )
        ],
    }
    return {"data.json": _json(document)} | {path: _json(part) for path, part in parts.items()}


def _json(document: dict) -> bytes:
    """Compact, keys sorted: 7% less for a reader to fetch than with Python's spaces (a
    country's comparison files: 13 MB a language)."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def _figure(site: Site, scores: Scores, lang: Locale, locality_id: str, indicator_id: str) -> dict:
    obs = scores.localities[locality_id].latest[indicator_id]
    indicator = site.indicators[indicator_id]
    state = score.status(obs, indicator)
    rank = scores.ranks.get((locality_id, indicator_id))
    level = site.localities[locality_id].level
    return {
        "value": obs.value,
        "text": _text(obs, indicator.unit, lang),
        "period": lang.period(obs.period),
        "status": state,
        "status_text": lang.t(f"status.{state}"),
        "status_icon": lang.t(f"status.{state}.icon"),
        "rank": lang.t(
            "rank.level",
            position=rank.position,
            of=rank.of,
            level=lang.t(f"level.{level}.plural"),
        )
        if rank and rank.of > 1
        else "",
    }


def _text(obs, unit: str, lang: Locale) -> str:
    """As the locality page shows it: 'trên 99%', 'hạng 12/63'."""
    if unit == "rank":
        of = lang.number(obs.denominator) if obs.denominator else "?"
        return lang.t("figure.rank", position=lang.number(obs.value), of=of)
    return lang.qualified(obs.value, unit, obs.qualifier)
