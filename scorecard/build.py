"""The whole pipeline in one place: load → validate → score → render → write.

Everything is gathered and rendered in memory before anything is written, so a problem at any
stage leaves the previous site untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from . import charttypes, i18n, prerender, previews, public, render, search, write
from .charts import Charts, charts, data_files
from .cores import Forked, Stopped
from .errors import BuildError, Problem
from .load import RawSite, load
from .load import forget as forget_parsed_files
from .load import reload as load_again
from .model import Site
from .score import Scores, rescore, score
from .validate import forget as forget_read_figures
from .validate import revalidate, validate


@dataclass(frozen=True)
class Basis:
    """What a build was made from, kept by `serve` to redo only what an edit changes."""

    raw: RawSite
    charts: Charts
    """The overview's and indicator pages' charts, drawn."""
    context: dict[str, Any]
    """What every page may use (`render.shared_context`): an edit's is made from it."""


@dataclass(frozen=True)
class Built:
    site: Site
    scores: Scores
    catalogues: dict[str, dict[str, str]]
    """The interface's messages, by language."""
    files: dict[str, bytes]
    notices: tuple[str, ...] = ()
    """What the build could not do but did without, for the CLI to say."""
    basis: Basis | None = None
    pages: frozenset[str] = frozenset()
    """Output paths of every page (`files` may hold only some, after `regenerate`)."""
    pending: frozenset[tuple[str, str]] = frozenset()
    """(language, path) of the pages an edit changes that `regenerate` left to `catch_up`."""


def check(root: Path) -> Site:
    """Validate only; raises `BuildError` with every problem."""
    return validate(load(root))


def generate(
    root: Path,
    base_url: str | None = None,
    into: Path | None = None,
    keep_search_records: bool = False,
) -> Built:
    """Every output file's bytes, from the project at `root` (published at `base_url`, if given).

    With `into`, a folder being built (`write.staging`), every file is written there as it is
    made, and maps to b"" in `files`: at country scale, the pages and the files beside them
    would take over a gigabyte in memory. Nothing is kept for `serve` then (`basis` is None).
    With `keep_search_records`, the search records are kept in the project's
    `search.DOCUMENTS` for `search.index` (30,000 files at country scale) by a forked process,
    while this one scores and makes the charts with one core."""
    with no_collection():
        raw = load(root)
        site = validate(raw)
        if base_url:  # where the deploy publishes it, over site.yaml's
            config = dataclasses.replace(site.config, base_url=base_url)
            site = dataclasses.replace(site, config=config)
        catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
        keeping = None  # the search records, kept by a process of their own meanwhile
        if keep_search_records:
            documents = root / search.DOCUMENTS
            keeping = Forked(lambda: search.keep(search.records(site, catalogues), documents))
        scores = score(site)
        common = render.shared_context(site, scores)
    assets = raw.assets
    if into is not None:  # a build, which nothing builds again from: see `_let_go_of_input`
        raw = None
        _let_go_of_input()
    drawn = prerender.prerender(
        charts(site, scores, catalogues, localities=False), prerender.cache_folder()
    )
    paths = list(render.output_paths(site, scores))
    if keeping is not None:  # ended before the render workers start: it holds a copy of the site
        keeping.result()
    beside: dict[str, bytes] = {}  # the files beside the pages, made while the pages render
    try:
        pages = render.render(
            site, scores, root / "templates", catalogues, assets, charts=drawn.charts,
            into=into, common=common,
            meanwhile=lambda: beside.update(gather(site, scores, catalogues, root, paths, into)),
        )  # fmt: skip
    except (jinja2.TemplateError, KeyError) as error:
        raise BuildError([_template_problem(error, root)]) from None
    rows = data_files(drawn.charts, site.default_language)  # the charts' that are not inline
    rest = write.merge(assets, rows, _chart_templates(site, catalogues))
    files = write.merge(pages, beside, rest)
    if into is not None:
        write.write_files(rest, into)
        files = dict.fromkeys(files, b"")
    basis = None if raw is None else Basis(raw, drawn.charts, common)
    notices = drawn.notices + previews.notices()
    return Built(site, scores, catalogues, files, notices, basis, frozenset(pages))


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """No garbage collection while the site is read and scored: it makes few reference cycles,
    and each collection looked again at every object made so far (at country scale, half of
    reading and scoring 100,000 figures; 12 of the 60 ms an edit took in `serve`)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _let_go_of_input() -> None:
    """The parsed input, which only `serve` reads again, let go before the pages render, and its
    memory handed back to the system: each forked worker would hold it too (0.07 GB at country
    scale). The C library keeps the memory of freed small blocks unless asked for it."""
    forget_parsed_files()
    forget_read_figures()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # a C library without malloc_trim
        ctypes.CDLL(None).malloc_trim(0)


def gather(
    site: Site,
    scores: Scores,
    catalogues,
    root: Path,
    pages: Iterable[str],
    into: Path | None = None,
) -> dict[str, bytes]:
    """The files beside the pages (data files, feeds, sitemap, previews), for every page path.
    With `into`, a folder being built, each group of them is written there as it is made and
    maps to b"" here: only one group is in memory at a time."""
    made = []
    listed = dict.fromkeys(pages, b"")
    cache, templates = root / ".cache" / "previews", root / "templates"
    for group in public.outputs(site, scores, catalogues, listed, cache, templates):
        if into is not None:
            write.write_files(group, into)
            group = dict.fromkeys(group, b"")  # the bytes are let go before the next group
        made.append(group)
    return write.merge(*made)


def regenerate(previous: Built, changed: set[str], own_first: bool = False) -> Built | None:
    """After an edit of observation files or narratives only (paths in `changed`): the pages
    that depend on them (`render.stale`), rendered again, in `files`. None when other files
    changed: then only `generate` can tell. The outputs that gather every locality are left to
    `gather`, and chart SVGs not drawn before to `redraw`: `serve` runs both after the reload.

    With `own_first`, only the edited localities' own pages are rendered; the others wait in
    `pending` for `catch_up`: `serve` shows the page being edited first, then the rankings and
    the other units' pages it moved (tens of pages at country scale)."""
    assert previous.basis is not None
    raw = load_again(previous.basis.raw, changed)
    if raw is None:
        return None
    before, after = _digests(previous.basis.raw, changed), _digests(raw, changed)
    edited = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    if not edited and not raw.problems:  # saved as it was: by its content, nothing changed
        return dataclasses.replace(previous, files={})
    localities = {PurePosixPath(path).name.split(".")[0] for path in edited}
    site = revalidate(previous.site, raw, localities)
    scores = rescore(previous.scores, site, localities)
    stale = render.stale(previous.site, site, previous.scores, scores, localities)
    common = render.shared_context_after(previous.basis.context, site, scores, localities)
    every_page = (  # the list of 30,000 pages made again only when a ranking has more or fewer
        previous.pages
        if render.paged_alike(previous.scores, scores)
        else frozenset(render.output_paths(site, scores))
    )
    default = site.default_language
    stale_pages = {(language, path) for language in site.config.languages for path in stale}
    wanted = {  # with the last edit's pages still pending; a page of a shorter ranking may be gone
        (language, path)
        for language, path in stale_pages | previous.pending
        if ("" if language == default else f"{language}/") + path + "index.html" in every_page
    }
    basis = Basis(raw, previous.basis.charts, common)
    built = Built(site, scores, previous.catalogues, {}, (), basis, every_page, frozenset(wanted))
    own = {f"localities/{locality}/" for locality in localities}
    first = {page for page in wanted if page[1] in own} if own_first else wanted
    return _render_pending(built, first)


def catch_up(built: Built, fork: bool = True) -> Built:
    """The pages `regenerate` left pending, rendered, in `files` (in this process only, without
    `fork`: `serve` catches up in a thread)."""
    return _render_pending(built, built.pending, fork)


def _render_pending(built: Built, wanted: set[tuple[str, str]], fork: bool = True) -> Built:
    """`built` with the `wanted` pages of its pending ones rendered in `files`, with their charts
    (the SVGs drawn before, if any: `redraw` draws the others)."""
    assert built.basis is not None
    site, scores, basis = built.site, built.scores, built.basis
    drawn = prerender.prerender(
        charts(site, scores, built.catalogues, localities=False, pages={p for _, p in wanted}),
        prerender.cache_folder(),
        draw=False,
    )
    drawn_charts = basis.charts | drawn.charts
    try:
        pages = render.render(
            site, scores, basis.raw.root / "templates", built.catalogues, basis.raw.assets,
            wanted=wanted, charts=drawn_charts, common=basis.context, fork=fork,
        )  # fmt: skip
    except (jinja2.TemplateError, KeyError) as error:
        raise BuildError([_template_problem(error, basis.raw.root)]) from None
    return dataclasses.replace(
        built,
        files=pages | data_files(drawn.charts, site.default_language),
        notices=drawn.notices,
        basis=dataclasses.replace(basis, charts=drawn_charts),
        pending=built.pending - wanted,
    )


@dataclass(frozen=True)
class Published:
    """What `build` wrote, for the command line to tell."""

    paths: frozenset[str]
    notices: tuple[str, ...]


def build(root: Path, out: Path, base_url: str | None = None) -> Published:
    """Build into a folder beside `out` and swap it in once everything succeeded.

    The site is made and written by a forked process, and indexed for search here once that
    process has ended: at country scale, Pagefind takes 0.8 GB, and the process that made the
    pages would have held 0.55 GB beside it (Python keeps most of the memory it frees)."""
    with write.staging(out) as folder:
        try:
            published, languages = Forked(lambda: _make(root, base_url, folder)).result()
        except Stopped as stopped:
            message = (
                f"the process making the site {stopped}, perhaps for want of memory. "
                "The previous site is untouched: build again."
            )
            raise BuildError([Problem("build.py", 0, message)]) from None
        search.index(folder, root / search.DOCUMENTS, languages)
    return published


def _make(root: Path, base_url: str | None, folder: Path) -> tuple[Published, tuple[str, ...]]:
    """The site, written into `folder`, its search records kept; its languages."""
    built = generate(root, base_url, into=folder, keep_search_records=True)
    return Published(frozenset(built.files), built.notices), built.site.config.languages


def redraw(built: Built) -> Built | None:
    """The pages that `regenerate` rendered without some build-time SVG, rendered again with it
    (for `serve`, after the reload, in a thread: in this process); None when no SVG is missing."""
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
    pages = render.render(
        site, built.scores, basis.raw.root / "templates", built.catalogues, basis.raw.assets,
        wanted=undrawn.keys(), charts=drawn, common=basis.context, fork=False,
    )  # fmt: skip
    return dataclasses.replace(built, files=pages, basis=dataclasses.replace(basis, charts=drawn))


def _chart_templates(site: Site, catalogues) -> dict[str, bytes]:
    """The chart types' templates that every page's charts fill (`charttypes.published`)."""
    languages = public.locales(site, catalogues).values()
    return {f"assets/{path}": data for path, data in charttypes.template_files(languages).items()}


def _digests(raw: RawSite, paths: set[str]) -> dict[str, str]:
    return {
        file.path: file.digest
        for files in (raw.observations, raw.narratives)
        for file in files
        if file.path in paths
    }


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
