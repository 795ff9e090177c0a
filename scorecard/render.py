"""Stage 5, render: every page of every language, as bytes by output path. Pure but for templates.

Links are relative ("../../indicators/x/"), so the site works under any base path and from a
checkout; only canonical, alternate and feed URLs are absolute, from `base_url`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import i18n, score
from .model import LEVELS, Locality, Site
from .score import Scores

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class Page:
    """One page to render: its language-neutral path ('' or 'localities/x/'), template, context."""

    path: str
    template: str
    title: dict[str, str]
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Links:
    """URLs from one page: relative to it, or absolute for canonical and alternates."""

    root: str  # '../' repeated up to the site root, or '' at the root
    prefix: str  # 'en/' for English pages, '' for the default language
    base_url: str

    def to(self, path: str = "") -> str:
        return self.root + self.prefix + path or "./"

    def locality(self, locality_id: str) -> str:
        return self.to(f"localities/{locality_id}/")

    def indicator(self, indicator_id: str) -> str:
        return self.to(f"indicators/{indicator_id}/")

    def asset(self, path: str) -> str:
        return self.root + "assets/" + path

    def data(self, path: str) -> str:
        return self.root + "data/" + path

    def absolute(self, path: str, prefix: str | None = None) -> str:
        return self.base_url + (self.prefix if prefix is None else prefix) + path


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(status=score.status, LEVELS=LEVELS, STATUSES=score.STATUSES, CSP=CSP)
    return env


def pages(site: Site) -> Iterator[Page]:
    """Every page, in a fixed order."""
    title = site.config.title
    yield Page("", "overview.html", title)
    for locality in site.localities.values():
        yield Page(
            f"localities/{locality.id}/", "locality.html", locality.name, {"locality": locality}
        )
    for indicator in site.indicators.values():
        yield Page(
            f"indicators/{indicator.id}/",
            "indicator.html",
            indicator.name,
            {"indicator": indicator},
        )
    for name in ("about", "methodology"):
        titles = {language: site.pages[name, language].title for language in site.config.languages}
        yield Page(f"{name}/", "page.html", titles, {"name": name})
    yield Page("sources/", "sources.html", {})


def render(
    site: Site, scores: Scores, templates: Path, catalogues: dict[str, dict[str, str]]
) -> dict[str, bytes]:
    env = environment(templates)
    default = site.default_language
    locales = {
        language: i18n.Locale(language, catalogues.get(language, {}), catalogues[default])
        for language in site.config.languages
    }
    common = shared_context(site, scores)
    output: dict[str, bytes] = {}
    for language, locale in locales.items():
        prefix = "" if language == default else f"{language}/"
        for page in pages(site):
            depth = (prefix + page.path).count("/")
            links = Links("../" * depth, prefix, site.config.base_url)
            html = env.get_template(page.template).render(
                common, **page.context, page=page, lang=locale, links=links, locales=locales
            )
            output[prefix + page.path + "index.html"] = html.encode()
    not_found = Links(_root_path(site), "", site.config.base_url)
    html = env.get_template("404.html").render(
        common,
        page=Page("404.html", "404.html", {}),
        lang=locales[default],
        links=not_found,
        locales=locales,
    )
    output["404.html"] = html.encode()
    return output


def _root_path(site: Site) -> str:
    """'/scorecard/' for https://host/scorecard/: the 404 page is served at any depth."""
    return "/" + site.config.base_url.split("://", 1)[-1].partition("/")[2]


@dataclass(frozen=True)
class Relations:
    """Who contains whom, and what became what: computed once for every page."""

    localities: dict[str, Locality]
    children: dict[str, list[Locality]]
    predecessors: dict[str, list[Locality]]

    @classmethod
    def of(cls, site: Site) -> Relations:
        children: dict[str, list[Locality]] = defaultdict(list)
        predecessors: dict[str, list[Locality]] = defaultdict(list)
        for locality in site.localities.values():
            if locality.parent:
                children[locality.parent].append(locality)
            for successor in locality.successor:
                predecessors[successor].append(locality)
        return cls(site.localities, dict(children), dict(predecessors))

    def ancestors(self, locality_id: str) -> list[Locality]:
        chain = []
        parent = self.localities[locality_id].parent
        while parent:
            chain.append(self.localities[parent])
            parent = self.localities[parent].parent
        return chain[::-1]


def shared_context(site: Site, scores: Scores) -> dict[str, Any]:
    """What every page may use, computed once per build rather than once per page."""
    by_level = {
        level: [loc for loc in site.localities.values() if loc.level == level] for level in LEVELS
    }
    missing = {
        indicator.id: [
            locality
            for level in indicator.levels
            for locality in by_level[level]
            if indicator.id not in scores.localities[locality.id].latest
        ]
        for indicator in site.indicators.values()
    }
    figures_by_source: dict[str, int] = defaultdict(int)
    for obs in site.observations:
        figures_by_source[obs.source] += 1
    return {
        "site": site,
        "scores": scores,
        "relations": Relations.of(site),
        "by_level": by_level,
        "missing_by_indicator": missing,
        "unscored": {
            indicator.id for indicator in site.indicators.values() if not indicator.scored
        },
        "pillar_names": {pillar.id: pillar.name for pillar in site.config.pillars},
        "sources_sorted": sorted(
            site.sources.values(), key=lambda source: (source.type, source.id)
        ),
        "figures_by_source": dict(figures_by_source),
        "sorted_by_name": sorted_by_name,
    }


def sorted_by_name(localities: list[Locality], language: str) -> list[Locality]:
    """Vietnamese alphabetical order, whatever the page's language."""
    return sorted(
        localities, key=lambda locality: (i18n.collation_key(locality.name[language]), locality.id)
    )
