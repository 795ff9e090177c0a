"""The files beside the pages that make the site findable and reusable, gathered for `build`.

Per-locality CSVs and the data package (opendata), the compare page's data (compare), Atom
feeds (feeds), sitemap.xml and robots.txt (sitemap), and the preview images (previews).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from . import compare, export, feeds, opendata, previews, sitemap
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
    cache: Path | None = None,
    templates: Path = previews.TEMPLATES,
) -> Iterator[dict[str, bytes]]:
    """Every file of the public site that is not a page or a static asset, group by group:
    `build` writes each group as it comes (at country scale they are 0.22 GB, made while the
    pages render). `cache` is a folder where preview images are kept across builds, drawn
    from `templates`' preview.svg."""
    languages = locales(site, catalogues)
    # Drawn in this process: 0.04 GB more at country scale, where a drawing worker took 0.26 GB.
    yield previews.Previews(site, scores).images(languages, cache, templates)
    yield _open_data(site, scores)
    for code, lang in languages.items():
        prefix = "" if code == site.default_language else f"{code}/"
        data = compare.data(site, scores, lang, "../")
        yield {f"{prefix}compare/{path}": content for path, content in data.items()}
    yield feeds.feeds(site, languages)
    yield {"sitemap.xml": sitemap.sitemap(site, pages), "robots.txt": sitemap.robots(site)}


def _open_data(site: Site, scores: Scores) -> dict[str, bytes]:
    """Every figure as CSV and the whole scorecard as JSON, each locality's figures as CSV, and
    the data package describing them."""
    rows = export.csv_rows(site)
    files = {
        "data/observations.csv": export.observations_csv(site, rows),
        "data/scorecard.json": export.scorecard_json(site, scores),
    }
    files |= opendata.locality_csvs(site, rows)
    return files | opendata.datapackage(site, files)
