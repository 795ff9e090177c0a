"""Atom feeds of data updates: one for the whole site and one per locality, in each language. Pure.

An update is a source: its entry lists the figures it brought (in the site's feed, those of
its first `ENTRY_MOST_UNITS` units, and how many other units it has figures of). Entries are
dated by the source's publication date or, when the source gives none, by the end of the
latest period its figures cover; never by the time of the build, so a rebuild changes no feed. A source with
neither (no date, no figure) cannot be dated and is left out. The site's feed lists the latest
updates only; each locality's feed lists all of its own.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from .i18n import Locale
from .model import Observation, Site, Source

ATOM = "http://www.w3.org/2005/Atom"
OFFSET = "+07:00"  # Vietnam's time zone: a date means that day in Vietnam
NO_UPDATE = date(1970, 1, 1)  # `updated` of a feed without entries: it has never changed
# A feed tells what is new: readers fetch it again and again, whole, and keep what they have
# seen. Every update of a country's worth of sources would weigh 16 MB a fetch; the older ones
# stay on the sources page and in each locality's own feed.
SITE_FEED_MOST = 50
# A province's report names hundreds of communes: its entry in the site's feed details the
# figures of the first few and counts the others, which it still links (`related`); each
# unit's own feed details all of its figures.
ENTRY_MOST_UNITS = 20


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
    """feed.xml of each language (the SITE_FEED_MOST latest updates), and
    localities/<id>/feed.xml of each locality with figures (all of its own)."""
    by_source: dict[str, list[Observation]] = defaultdict(list)
    for obs in site.observations:
        by_source[obs.source].append(obs)
    latest = _latest(site, by_source)
    files = {}
    for code, lang in locales.items():
        prefix = "" if code == site.default_language else f"{code}/"
        base = site.config.base_url + prefix
        entries = [
            _source_entry(site, lang, base, site.sources[source_id], by_source.get(source_id, []))
            for source_id in latest
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


def _latest(site: Site, by_source: dict[str, list[Observation]]) -> list[str]:
    """Ids of the SITE_FEED_MOST sources dated last (by date, then id, as the feed orders)."""
    dated = []
    for source_id, source in site.sources.items():
        day = _date_of(source, by_source.get(source_id, []))
        if day is not None:
            dated.append((day, source_id))
    return [source_id for _, source_id in sorted(dated, reverse=True)[:SITE_FEED_MOST]]


def _source_entry(
    site: Site, lang: Locale, base: str, source: Source, figures: list[Observation]
) -> Entry | None:
    day = _date_of(source, figures)
    if day is None:
        return None
    localities = _grouped(figures, lambda obs: obs.locality)
    detailed = list(localities.items())[:ENTRY_MOST_UNITS]
    content = "".join(
        f'<h2><a href="{html.escape(f"{base}localities/{locality_id}/")}">'
        f"{html.escape(lang.text(site.localities[locality_id].name))}</a></h2>"
        + _figures_html(site, lang, obs)
        for locality_id, obs in detailed
    )
    if len(localities) > len(detailed):
        others = lang.t("feed.other_units", count=lang.number(len(localities) - len(detailed)))
        content += f"<p>{html.escape(others)}</p>"
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
    figures = lang.t("feed.figures", count=lang.number(count))  # counts as numbers: 1.639
    counted = f" {html.escape(figures)}." if count else ""
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
    """The Atom document, written as text: through ElementTree, a country's 12,000 feeds took
    twice as long as making their entries."""
    dated = sorted(
        (entry for entry in entries if entry is not None),
        key=lambda entry: (entry.updated, entry.id),
        reverse=True,
    )
    config = site.config
    parts = [
        "<?xml version='1.0' encoding='utf-8'?>\n",
        f"<feed xmlns={quoteattr(ATOM)} xml:lang={quoteattr(lang.code)}>\n",
        _text("id", self_url),
        _text("title", title),
        _text("subtitle", lang.text(config.description)),
        _text("updated", _stamp(max((e.updated for e in dated), default=NO_UPDATE))),
        _link(self_url, "self", "application/atom+xml"),
        _link(page, "alternate", "text/html"),
        "  <author>\n",
        _text("name", lang.text(config.title), depth=2),
        _text("uri", config.base_url, depth=2),
        "  </author>\n",
        _text("rights", f"{config.licence.name} ({config.licence.url})"),
    ]
    for entry in dated:
        parts += [
            "  <entry>\n",
            _text("id", entry.id, depth=2),
            _text("title", entry.title, depth=2),
            _text("updated", _stamp(entry.updated), depth=2),
            _link(entry.link, "alternate", "text/html", depth=2),
            *(_link(related, "related", "text/html", depth=2) for related in entry.related),
            f'    <content type="html">{escape(entry.content)}</content>\n',
            "  </entry>\n",
        ]
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")


def _text(tag: str, text: str, depth: int = 1) -> str:
    return f"{'  ' * depth}<{tag}>{escape(text)}</{tag}>\n"


def _link(href: str, rel: str, kind: str, depth: int = 1) -> str:
    return f'{"  " * depth}<link href={quoteattr(href)} rel="{rel}" type="{kind}" />\n'


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00{OFFSET}"


def _by_locality(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    return _grouped(observations, lambda obs: obs.locality)


def _grouped(observations: Iterable[Observation], key) -> dict[str, list[Observation]]:
    groups: dict[str, list[Observation]] = defaultdict(list)
    for obs in observations:
        groups[key(obs)].append(obs)
    return dict(sorted(groups.items()))
