"""The whole pipeline in one place: load → validate → score → render → write.

Everything is gathered and rendered in memory before anything is written, so a problem at any
stage leaves the previous site untouched.
"""

from __future__ import annotations

import dataclasses
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2

from . import export, i18n, prerender, public, render, search, write
from .charts import Charts, charts
from .errors import BuildError, Problem
from .load import RawSite, load
from .load import reload as load_again
from .model import Site
from .score import Scores, rescore, score
from .validate import revalidate, validate


@dataclass(frozen=True)
class Basis:
    """What a build was made from, kept by `serve` to redo only what an edit changes."""

    raw: RawSite
    catalogues: dict[str, dict[str, str]]
    charts: Charts
    """The overview's and indicator pages' charts, drawn."""


@dataclass(frozen=True)
class Built:
    site: Site
    scores: Scores
    files: dict[str, bytes]
    notices: tuple[str, ...] = ()
    """What the build could not do but did without, for the CLI to say."""
    basis: Basis | None = None
    pages: frozenset[str] = frozenset()
    """Output paths of every page (`files` may hold only some, after `regenerate`)."""


def check(root: Path) -> Site:
    """Validate only; raises `BuildError` with every problem."""
    return validate(load(root))


def generate(root: Path, base_url: str | None = None, into: Path | None = None) -> Built:
    """Every output file's bytes, from the project at `root` (published at `base_url`, if given).

    With `into`, a folder being built (`write.staging`), the pages are written there as they
    are rendered, and `files` holds only the other files."""
    raw = load(root)
    site = validate(raw)
    if base_url:  # where the deploy publishes it, over site.yaml's
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=base_url))
    scores = score(site)
    catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
    drawn = prerender.prerender(
        charts(site, scores, catalogues, localities=False), prerender.cache_folder()
    )
    try:
        pages = render.render(
            site, scores, root / "templates", catalogues, raw.assets, charts=drawn.charts,
            into=into,
        )  # fmt: skip
    except (jinja2.TemplateError, KeyError) as error:
        raise BuildError([_template_problem(error, root)]) from None
    files = write.merge(pages, raw.assets, gather(site, scores, catalogues, root, pages))
    if into is not None:
        files = {path: data for path, data in files.items() if path not in pages}
    basis = Basis(raw, catalogues, drawn.charts)
    return Built(site, scores, files, drawn.notices, basis, frozenset(pages))


def gather(
    site: Site, scores: Scores, catalogues, root: Path, pages: Iterable[str]
) -> dict[str, bytes]:
    """The files beside the pages (data files, feeds, sitemap, previews), for every page path."""
    data = {
        "data/observations.csv": export.observations_csv(site),
        "data/scorecard.json": export.scorecard_json(site, scores),
    }
    public_files = public.outputs(
        site, scores, catalogues, dict.fromkeys(pages, b""), data,
        cache=root / ".cache" / "previews",
    )  # fmt: skip
    return write.merge(data, public_files)


def regenerate(previous: Built, changed: set[str]) -> Built | None:
    """After an edit of observation files or narratives only (paths in `changed`): the pages
    that depend on them (`render.stale`), rendered again, in `files`. None when other files
    changed: then only `generate` can tell. The outputs that gather every locality are left to
    `gather`, and chart SVGs not drawn before to `redraw`: `serve` runs both after the reload."""
    assert previous.basis is not None
    raw = load_again(previous.basis.raw, changed)
    if raw is None:
        return None
    before, after = _digests(previous.basis.raw), _digests(raw)
    edited = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    if not edited and not raw.problems:  # saved as it was: by its content, nothing changed
        return dataclasses.replace(previous, files={})
    localities = {PurePosixPath(path).name.split(".")[0] for path in edited}
    site = revalidate(previous.site, raw, localities)
    scores = rescore(previous.scores, site, localities)
    stale = render.stale(previous.site, site, previous.scores, scores, localities)
    catalogues = previous.basis.catalogues
    drawn = prerender.prerender(  # the SVGs drawn before, if any: `redraw` draws the others
        charts(site, scores, catalogues, localities=False, pages=stale),
        prerender.cache_folder(),
        draw=False,
    )
    drawn_charts = previous.basis.charts | drawn.charts
    default = site.default_language
    wanted = {
        ("" if language == default else f"{language}/") + path + "index.html"
        for language in site.config.languages
        for path in stale
    }
    try:
        pages = render.render(
            site, scores, raw.root / "templates", catalogues, raw.assets,
            only=wanted.__contains__, charts=drawn_charts,
        )  # fmt: skip
    except (jinja2.TemplateError, KeyError) as error:
        raise BuildError([_template_problem(error, raw.root)]) from None
    basis = Basis(raw, catalogues, drawn_charts)
    every_page = frozenset(render.output_paths(site, scores))
    return Built(site, scores, pages, drawn.notices, basis, every_page)


def build(root: Path, out: Path, base_url: str | None = None) -> Built:
    """Build into a folder beside `out` and swap it in once everything succeeded."""
    with write.staging(out, finish=search.index) as folder:
        built = generate(root, base_url, into=folder)
        write.write_files(built.files, folder)
    return built


def redraw(built: Built) -> Built | None:
    """The pages that `regenerate` rendered without some build-time SVG, rendered again with it
    (for `serve`, after the reload); None when no SVG is missing."""
    assert built.basis is not None
    basis, site = built.basis, built.site
    undrawn = {
        key: found
        for key, found in basis.charts.items()
        if any(chart.prerender and not chart.svg for chart in found.values())
    }
    if not undrawn:
        return None
    drawn = basis.charts | prerender.prerender(undrawn, prerender.cache_folder()).charts
    wanted = {
        ("" if language == site.default_language else f"{language}/") + path + "index.html"
        for language, path in undrawn
    }
    pages = render.render(
        site, built.scores, basis.raw.root / "templates", basis.catalogues, basis.raw.assets,
        only=wanted.__contains__, charts=drawn,
    )  # fmt: skip
    return dataclasses.replace(built, files=pages, basis=dataclasses.replace(basis, charts=drawn))


def _digests(raw: RawSite) -> dict[str, str]:
    return {file.path: file.digest for file in (*raw.observations, *raw.narratives)}


def _template_problem(error: Exception, root: Path) -> Problem:
    """templates/x.html:12: what went wrong, from the template's own frame."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(
            f"templates/{error.name or error.filename}",
            error.lineno,
            f"template syntax error: {(error.message or '').rstrip('.')}. Fix the template.",
        )
    templates = str(root / "templates")
    frames = [
        frame
        for frame in traceback.extract_tb(sys.exc_info()[2] or error.__traceback__)
        if frame.filename.startswith(templates)
    ]
    where = frames[-1] if frames else None
    path = Path(where.filename).relative_to(root).as_posix() if where else "templates"
    return Problem(
        path,
        where.lineno if where else 0,
        f"template error: {error}. Fix the template or the data it uses.",
    )
