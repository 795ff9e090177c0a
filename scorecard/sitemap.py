"""Discovery by search engines: sitemap.xml with each page's languages, and robots.txt. Pure.

The sitemap is made from the rendered pages themselves, so it lists every page there is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

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
    """sitemap.xml: every page in every language, each with its alternates (hreflang)."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    languages = site.config.languages
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    pages = page_paths(outputs, languages)
    for path in sorted(pages):
        present = [code for code in languages if code in pages[path]]
        for code in present:
            url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
            ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = _absolute(site, code, path)
            alternates = [(other, _absolute(site, other, path)) for other in present]
            if languages[0] in present:
                alternates.append(("x-default", _absolute(site, languages[0], path)))
            for hreflang, href in alternates:
                ET.SubElement(
                    url,
                    f"{{{XHTML_NS}}}link",
                    {"rel": "alternate", "hreflang": hreflang, "href": href},
                )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


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
