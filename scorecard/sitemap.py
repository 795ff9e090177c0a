"""Discovery by search engines: sitemap.xml with each page's languages, and robots.txt. Pure.

The sitemap is made from the rendered pages themselves, so it lists every page there is.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from .model import Site

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NOT_LISTED = {"404.html"}


def page_paths(outputs: Iterable[str], languages: tuple[str, ...]) -> dict[str, set[str]]:
    """Language-neutral page path ('' or 'localities/x/') → languages it exists in."""
    prefixes = {f"{code}/": code for code in languages[1:]}
    pages: dict[str, set[str]] = {}
    for output in outputs:
        if not output.endswith("index.html") or output in NOT_LISTED:
            continue
        path = output.removesuffix("index.html")
        language = languages[0]
        first = path.split("/", 1)[0] + "/"
        if first in prefixes:
            language, path = prefixes[first], path.removeprefix(first)
        pages.setdefault(path, set()).add(language)
    return pages


def sitemap(site: Site, outputs: Iterable[str]) -> bytes:
    """sitemap.xml: every page in every language, each with its alternates (hreflang).

    Written out line by line: ElementTree took 0.9 s to serialise 30,000 pages' entries."""
    languages = site.config.languages
    lines = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    pages = page_paths(outputs, languages)
    for path in sorted(pages):
        present = [code for code in languages if code in pages[path]]
        alternates = [(other, _absolute(site, other, path)) for other in present]
        if languages[0] in present:
            alternates.append(("x-default", _absolute(site, languages[0], path)))
        links = [
            f'    <xhtml:link rel="alternate" hreflang="{_attribute(hreflang)}"'
            f' href="{_attribute(href)}" />'
            for hreflang, href in alternates
        ]
        for code in present:
            lines += ["  <url>", f"    <loc>{escape(_absolute(site, code, path))}</loc>", *links]
            lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def robots(site: Site) -> bytes:
    """robots.txt: everything may be crawled; where the sitemap is."""
    return (
        "# Crawlers read robots.txt only at the root of a host: when the site is published under\n"
        "# a path, the host's own robots.txt applies and this file only points to the sitemap.\n"
        "User-agent: *\n"
        "Allow: /\n"
        f"Sitemap: {site.config.base_url}sitemap.xml\n"
    ).encode()


def _absolute(site: Site, language: str, path: str) -> str:
    prefix = "" if language == site.config.languages[0] else f"{language}/"
    return site.config.base_url + prefix + path
