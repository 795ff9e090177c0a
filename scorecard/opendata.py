"""Open data and reuse: the Frictionless data package, one CSV per locality, and the links each
page offers to cite, download, correct and edit its data. Pure.

`data/datapackage.json` describes every file under `data/`: its fields and types, the unit of
each figure, the licence and the sources, with each file's size and SHA-256 so a download can be
checked. Every CSV shares one Table Schema, `data/observations.schema.json`, which each resource
names by its path: written out in each of 6,000 localities' resources, it made the package
26 MB. The tests validate it with the `frictionless` package.
"""

from __future__ import annotations

import bisect
import copy
import functools
import hashlib
import json
from collections import defaultdict
from datetime import date
from urllib.parse import quote_plus

from .export import CSV_COLUMNS, observations_csv
from .i18n import Locale
from .model import Observation, Site
from .score import figures_of

LOCALITY_CSV = "localities/{id}.csv"
"""Per-locality CSV, under data/."""
CSV_SCHEMA = "observations.schema.json"
"""The Table Schema of every CSV, under data/."""

_LEVELS = ["province", "district", "commune"]
_FIELDS: dict[str, dict] = {
    "locality_id": {"description": "Id of the locality, as in scorecard.json and the page URL /localities/<id>/."},
    "locality_name_vi": {"description": "Official name of the locality in Vietnamese, with its unit type."},
    "level": {"description": "Administrative level of the locality.", "constraints": {"enum": _LEVELS}},
    "indicator_id": {"description": "Id of the indicator, as in scorecard.json and the page URL /indicators/<id>/."},
    "indicator_name_vi": {"description": "Short name of the indicator in Vietnamese."},
    "kind": {"description": "actual: a figure achieved; target: a goal the locality set itself.", "constraints": {"enum": ["actual", "target"]}},
    "qualifier": {"description": "How the source words the figure: exact, over (trên), at_least (ít nhất), nearly (gần), about (khoảng).", "constraints": {"enum": ["exact", "over", "at_least", "nearly", "about"]}},
    "value": {"type": "number", "description": "The figure, in the unit given in the column unit: percent 0-100, count, ratio, or rank (1 is best). Empty when not published."},
    "unit": {"description": "Unit of value: percent (0-100), count, ratio, or rank (1 is best, denominator = units ranked).", "constraints": {"enum": ["percent", "count", "ratio", "rank"]}},
    "numerator": {"type": "number", "description": "Numerator of the fraction as published (74 in '74/78'); empty when none."},
    "denominator": {"type": "number", "description": "Denominator of the fraction as published (78 in '74/78'); empty when none."},
    "period": {"description": "What the figure covers, ISO 8601: a year (2022), a month (2023-10), a range (2023-01/2023-10) or a date for 'as of' (2024-07-30).", "constraints": {"pattern": r"\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?"}},
    "source_id": {"description": "Id of the source, as in scorecard.json sources."},
    "source_title": {"description": "Title of the source as published."},
    "source_publisher": {"description": "Who published the source."},
    "source_url": {"format": "uri", "description": "Link to the source; empty when the source gives none."},
    "quote": {"description": "The exact phrase of the source that holds the figure, in the source's language."},
}  # fmt: skip
_REQUIRED = {"locality_id", "level", "indicator_id", "kind", "period", "source_id", "quote"}


def csv_schema() -> dict:
    """Table Schema of observations.csv and of every per-locality CSV."""
    fields = []
    for name in CSV_COLUMNS:
        spec = {"name": name, "type": "string", **_FIELDS[name]}
        if name in _REQUIRED:
            spec.setdefault("constraints", {})["required"] = True
        fields.append(spec)
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["locality_id", "indicator_id", "kind", "period"],
    }


def locality_csvs(site: Site, rows: list[str]) -> dict[str, bytes]:
    """data/localities/<id>.csv for every locality with figures (actual or target), from the
    CSV line of each figure (`export.csv_rows`)."""
    by_locality: dict[str, list[str]] = defaultdict(list)
    for obs, row in zip(site.observations, rows, strict=True):
        by_locality[obs.locality].append(row)
    return {
        "data/" + LOCALITY_CSV.format(id=locality_id): observations_csv(site, own)
        for locality_id, own in sorted(by_locality.items())
    }


def datapackage(site: Site, data: dict[str, bytes]) -> dict[str, bytes]:
    """data/datapackage.json describing `data` (output path → bytes of every file under data/),
    and the Table Schema its CSV resources point to."""
    config = site.config
    resources = [
        _resource(path.removeprefix("data/"), content, site)
        for path, content in sorted(data.items())
    ]
    package = {
        "profile": "data-package",
        "name": "vietnam-local-digital-transformation-scorecard",
        "title": config.title["en"] if "en" in config.title else config.title[site.default_language],
        "description": " / ".join(config.description[code] for code in config.languages),
        "homepage": config.base_url,
        "keywords": ["Vietnam", "digital transformation", "chuyển đổi số", "local government"],
        "licenses": [{"name": config.licence.id, "path": config.licence.url, "title": config.licence.name}],
        "sources": [_source(source) for source in sorted(site.sources.values(), key=lambda s: s.id)],
        "resources": resources,
    }  # fmt: skip
    return {
        "data/datapackage.json": _json(package),
        "data/" + CSV_SCHEMA: _json(csv_schema()),
    }


def _json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def _resource(path: str, content: bytes, site: Site) -> dict:
    common = {
        "path": path,
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "encoding": "utf-8",
    }
    if path.endswith(".json"):
        return {
            **common,
            "name": path.removesuffix(".json").replace("/", "-"),
            "profile": "data-resource",
            "format": "json",
            "mediatype": "application/json",
            "title": "Everything: settings, localities, indicators, sources, figures with status",
            "description": "The whole scorecard as one JSON document: localities (with the 2025 reorganisation), indicators with national targets, sources, every figure with its status against the target, and disclosure counts per pillar.",
        }  # fmt: skip
    locality_id = path.removeprefix("localities/").removesuffix(".csv")
    single = path.startswith("localities/")
    return {
        **common,
        "name": ("locality-" + locality_id) if single else path.removesuffix(".csv"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "title": f"Figures of {site.localities[locality_id].name['vi']}" if single else "Every figure",
        "description": "One row per published figure, with its period, source and the source's exact quote.",
        "schema": CSV_SCHEMA,
    }  # fmt: skip


def _source(source) -> dict:
    entry = {"title": f"{source.publisher}: {source.title}"}
    if source.url:
        entry["path"] = source.url
    return entry


class Reuse:
    """What a locality or indicator page offers to cite, download, correct and edit its data."""

    def __init__(self, site: Site):
        self.site = site
        self._by_locality: dict[str, list[Observation]] = defaultdict(list)
        self._by_indicator: dict[str, list[Observation]] = defaultdict(list)
        for obs in site.observations:
            self._by_locality[obs.locality].append(obs)
            self._by_indicator[obs.indicator].append(obs)

    def after(self, site: Site, localities: set[str]) -> Reuse:
        """The same once the figures of `localities` changed to those of `site` (for `serve`):
        only their lists are made again, not those of every figure of the site."""
        updated = copy.copy(self)
        updated.site = site
        updated._by_locality = dict(self._by_locality)
        updated._by_indicator = dict(self._by_indicator)
        figures = {locality: figures_of(site, locality) for locality in localities}
        touched = {
            obs.indicator
            for locality in localities
            for obs in (*self._by_locality.get(locality, ()), *figures[locality])
        }
        for locality in localities:
            updated._by_locality.pop(locality, None)
            if figures[locality]:
                updated._by_locality[locality] = list(figures[locality])
        for indicator in touched:
            kept = [
                obs
                for obs in self._by_indicator.get(indicator, ())
                if obs.locality not in localities
            ]
            for locality in localities:  # where the full list has them: it follows the site's order
                at = bisect.bisect_left(kept, locality, key=lambda obs: obs.locality)
                kept[at:at] = [obs for obs in figures[locality] if obs.indicator == indicator]
            updated._by_indicator.pop(indicator, None)
            if kept:
                updated._by_indicator[indicator] = kept
        return updated

    def locality_csv(self, locality_id: str) -> str | None:
        """Path under data/ of the locality's CSV, if it has figures."""
        return LOCALITY_CSV.format(id=locality_id) if self._by_locality.get(locality_id) else None

    def has_figures(self, locality_id: str) -> bool:
        return bool(self._by_locality.get(locality_id))

    def data_date(self, locality_id: str = "", indicator_id: str = "") -> date | None:
        """The date of the data: its latest source publication, or period end when undated."""
        figures = (
            self._by_locality.get(locality_id, [])
            if locality_id
            else self._by_indicator.get(indicator_id, [])
        )
        days = [self.site.sources[obs.source].published or obs.period.end for obs in figures]
        return max(days, default=None)

    def citation(self, lang: Locale, title: str, url: str, day: date | None) -> str:
        site = self.site.config
        values = {
            "site": lang.text(site.title),
            "title": title,
            "url": url,
            "licence": site.licence.id.replace("-", " "),
        }
        if day is None:
            return lang.t("reuse.cite_text_undated", **values)
        return lang.t("reuse.cite_text", date=lang.date(day), **values)

    def edit(self, path: str) -> str:
        """The repository's editor for one file of the project."""
        config = self.site.config
        return f"{config.repository}/edit/{config.branch}/{path}"

    def locality_file(self, locality_id: str) -> str:
        """The YAML file that holds the locality's figures, or the list of localities."""
        figures = self._by_locality.get(locality_id)
        if figures and figures[0].where:
            return figures[0].where.rpartition(":")[0]  # 'data/observations/x.yaml:12'
        return "data/localities.yaml"


def correction(
    site: Site,
    lang: Locale,
    page_url: str,
    locality_id: str = "",
    indicator_id: str = "",
    period: str = "",
) -> str:
    """A new issue in the repository, on the correction form, with what is known filled in.
    Its parts are quoted once each (`_quoted`): every figure on a page has this link."""
    names = []
    if locality_id:
        names.append(lang.text(site.localities[locality_id].name))
    if indicator_id:
        names.append(lang.text(site.indicators[indicator_id].name))
    title = _quoted(f"{lang.t('reuse.correct')}: ") + _quoted(" · ").join(map(_quoted, names))
    query = {
        "template": "correction.yml",
        "title": title,
        "locality": _quoted(locality_id),
        "indicator": _quoted(indicator_id),
        "period": _quoted(period),
        "page": _quoted(page_url),
    }
    return f"{site.config.repository}/issues/new?" + "&".join(
        f"{key}={value}" for key, value in query.items() if value
    )


@functools.cache
def _quoted(text: str) -> str:
    """`text` as a part of a URL's query, quoted as `urlencode` does: quoting is character by
    character, so the quoted parts of a text joined are the quoted text."""
    return quote_plus(text)
