"""Atom feeds of data updates: one for the whole site and one per locality, in each language. Pure.

An update is a source: its entry lists the figures it brought. Entries are dated by the
source's publication date or, when the source gives none, by the end of the latest period its
figures cover; never by the time of the build, so a rebuild changes no feed. A source with
neither (no date, no figure) cannot be dated and is left out.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .i18n import Locale
from .model import Observation, Site, Source

ATOM = "http://www.w3.org/2005/Atom"
OFFSET = "+07:00"  # Vietnam's time zone: a date means that day in Vietnam
NO_UPDATE = date(1970, 1, 1)  # `updated` of a feed without entries: it has never changed


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: date
    link: str
    content: str
    """HTML."""
    related: tuple[str, ...] = ()


def feeds(site: Site, locales: dict[str, Locale]) -> dict[str, bytes]:
    """feed.xml of each language, and localities/<id>/feed.xml of each locality with figures."""
    by_source: dict[str, list[Observation]] = defaultdict(list)
    for obs in site.observations:
        by_source[obs.source].append(obs)
    files = {}
    for code, lang in locales.items():
        prefix = "" if code == site.default_language else f"{code}/"
        base = site.config.base_url + prefix
        entries = [
            _source_entry(site, lang, base, site.sources[source_id], by_source.get(source_id, []))
            for source_id in sorted(site.sources)
        ]
        title = lang.t("feed.title", site=lang.text(site.config.title))
        files[f"{prefix}feed.xml"] = _feed(site, lang, title, base + "feed.xml", base, entries)
        for locality_id, figures in _by_locality(site.observations).items():
            page = f"{base}localities/{locality_id}/"
            name = lang.text(site.localities[locality_id].name)
            entries = [
                _locality_entry(site, lang, page, site.sources[source_id], obs)
                for source_id, obs in _grouped(figures, lambda o: o.source).items()
            ]
            files[f"{prefix}localities/{locality_id}/feed.xml"] = _feed(
                site,
                lang,
                lang.t("feed.locality_title", name=name),
                page + "feed.xml",
                page,
                entries,
            )
    return files


def _source_entry(
    site: Site, lang: Locale, base: str, source: Source, figures: list[Observation]
) -> Entry | None:
    day = _date_of(source, figures)
    if day is None:
        return None
    localities = _grouped(figures, lambda obs: obs.locality)
    content = "".join(
        f'<h2><a href="{html.escape(f"{base}localities/{locality_id}/")}">'
        f"{html.escape(lang.text(site.localities[locality_id].name))}</a></h2>"
        + _figures_html(site, lang, obs)
        for locality_id, obs in localities.items()
    )
    return Entry(
        id=f"{base}sources/#{source.id}",
        title=source.title if figures else lang.t("feed.source_entry", title=source.title),
        updated=day,
        link=f"{base}sources/#{source.id}",
        content=_source_html(lang, source, len(figures)) + content,
        related=tuple(f"{base}localities/{locality_id}/" for locality_id in localities),
    )


def _locality_entry(
    site: Site, lang: Locale, page: str, source: Source, figures: list[Observation]
) -> Entry | None:
    day = _date_of(source, figures)
    if day is None:
        return None
    return Entry(
        id=f"{page}#source-{source.id}",
        title=source.title,
        updated=day,
        link=page,
        content=_source_html(lang, source, len(figures)) + _figures_html(site, lang, figures),
    )


def _date_of(source: Source, figures: list[Observation]) -> date | None:
    if source.published:
        return source.published
    return max((obs.period.end for obs in figures), default=None)


def _source_html(lang: Locale, source: Source, count: int) -> str:
    link = (
        f'<a href="{html.escape(source.url)}">{html.escape(source.title)}</a>'
        if source.url
        else html.escape(source.title)
    )
    counted = f" {html.escape(lang.t('feed.figures', count=count))}." if count else ""
    return f"<p>{html.escape(source.publisher)}: {link}.{counted}</p>"


def _figures_html(site: Site, lang: Locale, figures: Iterable[Observation]) -> str:
    items = []
    for obs in figures:
        indicator = site.indicators[obs.indicator]
        value = lang.qualified(obs.value, indicator.unit, obs.qualifier)
        if obs.kind == "target":
            value = f"{lang.t('column.goal')}: {value}"
        items.append(
            f"<li>{html.escape(lang.text(indicator.name))}: <strong>{html.escape(value)}</strong>"
            f" ({html.escape(lang.period(obs.period))})</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def _feed(
    site: Site, lang: Locale, title: str, self_url: str, page: str, entries: list[Entry | None]
) -> bytes:
    dated = sorted(
        (entry for entry in entries if entry is not None),
        key=lambda entry: (entry.updated, entry.id),
        reverse=True,
    )
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang.code})
    _text(feed, "id", self_url)
    _text(feed, "title", title)
    _text(feed, "subtitle", lang.text(site.config.description))
    _text(feed, "updated", _stamp(max((e.updated for e in dated), default=NO_UPDATE)))
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, page, "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", lang.text(site.config.title))
    _text(author, "uri", site.config.base_url)
    _text(feed, "rights", f"{site.config.licence.name} ({site.config.licence.url})")
    for entry in dated:
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", _stamp(entry.updated))
        _link(element, entry.link, "alternate", "text/html")
        for related in entry.related:
            _link(element, related, "related", "text/html")
        _text(element, "content", entry.content).set("type", "html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00{OFFSET}"


def _by_locality(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    return _grouped(observations, lambda obs: obs.locality)


def _grouped(observations: Iterable[Observation], key) -> dict[str, list[Observation]]:
    groups: dict[str, list[Observation]] = defaultdict(list)
    for obs in observations:
        groups[key(obs)].append(obs)
    return dict(sorted(groups.items()))
