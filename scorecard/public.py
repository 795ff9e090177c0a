"""The files beside the pages that make the site findable and reusable, gathered for `build`.

Per-locality CSVs and the data package (opendata), the compare page's data (compare), Atom
feeds (feeds), sitemap.xml and robots.txt (sitemap), and the preview images (previews).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from . import compare, feeds, opendata, previews, sitemap
from .i18n import Locale
from .model import Site
from .score import Scores


def locales(site: Site, catalogues: dict[str, dict[str, str]]) -> dict[str, Locale]:
    default = catalogues[site.default_language]
    return {code: Locale(code, catalogues.get(code, {}), default) for code in site.config.languages}


def outputs(
    site: Site,
    scores: Scores,
    catalogues: dict[str, dict[str, str]],
    pages: Mapping[str, bytes],
    data: Mapping[str, bytes],
    cache: Path | None = None,
) -> dict[str, bytes]:
    """Every file of the public site that is not a page or a static asset; `cache` is a folder
    where preview images are kept across builds."""
    languages = locales(site, catalogues)
    # Drawn first, while this process waits: made beside the files below, the drawing worker's
    # memory would add to theirs (0.26 GB at country scale), at the build's peak.
    images = previews.Previews(site, scores).images(languages, cache)
    files = dict(data) | opendata.locality_csvs(site)
    files |= opendata.datapackage(site, files)
    for code, lang in languages.items():
        prefix = "" if code == site.default_language else f"{code}/"
        for path, content in compare.data(site, scores, lang, "../").items():
            files[f"{prefix}compare/{path}"] = content
    files |= feeds.feeds(site, languages)
    files["sitemap.xml"] = sitemap.sitemap(site, pages)
    files["robots.txt"] = sitemap.robots(site)
    files |= images
    return {path: content for path, content in files.items() if path not in data}
