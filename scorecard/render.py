"""Stage 5, render: every page of every language, as bytes by output path. Pure but for templates.

Links are relative ("../../indicators/x/"), so the site works under any base path and from a
checkout; only canonical, alternate and feed URLs are absolute, from `base_url`.
"""

from __future__ import annotations

import base64
import functools
import gc
import hashlib
import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from . import compare, i18n, opendata, previews, score, write
from .cores import WORKERS, Forked
from .fragments import FragmentCache, kept_in
from .model import LEVELS, Indicator, Locality, Observation, Site
from .score import Scores
from .templatecache import TemplateCache, new_environment

if TYPE_CHECKING:
    from .charts import Charts

# 'wasm-unsafe-eval' lets the search (Pagefind) compile its own WebAssembly, served from this
# site; it does not allow JavaScript eval() or new Function(), which stay blocked.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def integrity(assets: Mapping[str, bytes], path: str) -> str:
    """Subresource Integrity of static/<path>: EVERY <script src> must carry it, like this:

        <script src="{{ links.asset('x.js') }}" integrity="{{ integrity('x.js') }}" defer></script>

    so a tampered or stale file is refused by the browser. tests/test_built_site.py checks every
    script tag of every page against the bytes it loads.
    """
    return "sha384-" + base64.b64encode(hashlib.sha384(assets["assets/" + path]).digest()).decode()


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


def environment(templates: Path, assets: Mapping[str, bytes] | None = None) -> jinja2.Environment:
    """One environment per templates folder and process: `serve` keeps the compiled templates
    from one edit to the next, until a template's file changes."""
    env = _environments.get(templates)
    if env is None:
        env = _environments[templates] = new_environment(
            templates,
            bytecode_cache=TemplateCache(templates.parent / ".cache" / "templates"),
            extensions=[FragmentCache],
            auto_reload=False,  # rather than look at five template files' times for every page
        )
    elif not all(template.is_up_to_date for template in env.cache.values()):
        env.cache.clear()  # a template was edited since: each is compiled again when loaded
    env.globals.update(
        status=score.status,
        correction=opendata.correction,
        LEVELS=LEVELS,
        STATUSES=score.STATUSES,
        CSP=CSP,
    )  # what stays the same from one render to the next: imported macros keep the first's
    # Hashed once per build, not once per page: the charts' scripts weigh 840 kB. Read by the
    # pages' own templates only, which see the globals of their render.
    env.globals["integrity"] = functools.cache(functools.partial(integrity, assets or {}))
    return env


_environments: dict[Path, jinja2.Environment] = {}


def pages(site: Site, scores: Scores | None = None) -> Iterator[Page]:
    """Every page, in a fixed order; with `scores`, also the pages of long lists."""
    yield Page("", "overview.html", site.config.title)
    for locality in site.localities.values():
        yield _locality_page(locality)
    for indicator in site.indicators.values():
        yield _indicator_page(indicator)
    for name in TEXT_PAGES:
        yield _text_page(site, name)
    if scores is not None:
        yield from _list_pages(site, scores)
    for name in SINGLE_PAGES:
        yield Page(f"{name}/", f"{name}.html", {})


TEXT_PAGES = ("about", "methodology")
"""Pages written in content/pages/, shown with page.html."""
SINGLE_PAGES = ("sources", "compare", "search")
"""Pages shown with a template of their name."""


def page_at(site: Site, scores: Scores, path: str) -> Page:
    """The page of `pages(site, scores)` at `path` (one of theirs), made alone: `serve` renders
    the few pages an edit changes without listing 30,000."""
    match path.split("/")[:-1]:
        case []:
            return Page("", "overview.html", site.config.title)
        case ["localities", locality_id]:
            return _locality_page(site.localities[locality_id])
        case ["indicators", indicator_id]:
            return _indicator_page(site.indicators[indicator_id])
        case ["indicators", indicator_id, level, number]:
            rows = scores.ranking[indicator_id][level]
            return _ranking_page(site.indicators[indicator_id], level, int(number), rows)
        case ["provinces", province]:
            return _province_page(site, province, _units_by_province(site)[province])
        case [name] if name in TEXT_PAGES:
            return _text_page(site, name)
        case [name] if name in SINGLE_PAGES:
            return Page(f"{name}/", f"{name}.html", {})
    raise KeyError(f"no page at {path!r}")


def _locality_page(locality: Locality) -> Page:
    return Page(
        f"localities/{locality.id}/", "locality.html", locality.name, {"locality": locality}
    )


def _indicator_page(indicator: Indicator) -> Page:
    return Page(
        f"indicators/{indicator.id}/", "indicator.html", indicator.name, {"indicator": indicator}
    )


def _text_page(site: Site, name: str) -> Page:
    titles = {language: site.pages[name, language].title for language in site.config.languages}
    return Page(f"{name}/", "page.html", titles, {"name": name})


LIST_LIMIT = 100
"""Most rows a list shows on one page: longer rankings are paged, longer lists go by province."""


FILTER_ABOVE = 10
"""A list of more units than this gets a box to find a unit by name (static/filter.js): on a
phone, 10 units are already 2,500 px of cards; a shorter list is read at a glance."""


def pages_of(rows: int) -> int:
    return -(-rows // LIST_LIMIT)


def _list_pages(site: Site, scores: Scores) -> Iterator[Page]:
    """Pages 2… of each long ranking, and per province the units of a level too long to list."""
    for indicator in site.indicators.values():
        for level, rows in scores.ranking[indicator.id].items():
            for number in range(2, pages_of(len(rows)) + 1):
                yield _ranking_page(indicator, level, number, rows)
    if all(len(units) <= LIST_LIMIT for units in _by_level(site).values()):
        return
    for province, units in _units_by_province(site).items():
        yield _province_page(site, province, units)


def _ranking_page(indicator: Indicator, level: str, number: int, rows: list) -> Page:
    """Page `number` of the ranking of a level (`rows`, every one) for an indicator."""
    return Page(
        f"indicators/{indicator.id}/{level}/{number}/",
        "ranking.html",
        indicator.name,
        {
            "indicator": indicator,
            "level": level,
            "number": number,
            "count": pages_of(len(rows)),
            "rows": rows[(number - 1) * LIST_LIMIT : number * LIST_LIMIT],
        },
    )


def _province_page(site: Site, province: str, units: dict[str, list[Locality]]) -> Page:
    return Page(
        f"provinces/{province}/",
        "province.html",
        site.localities[province].name,
        {"province": site.localities[province], "units_by_level": units},
    )


def paged_alike(before: Scores, after: Scores) -> bool:
    """Whether two scorings of the same site have the same pages: their rankings are cut into
    as many pages (the other pages depend on what an edit of figures leaves alone)."""
    return _paged(before) == _paged(after)


def _paged(scores: Scores) -> dict[tuple[str, str], int]:
    return {
        (indicator, level): pages_of(len(rows))
        for indicator, levels in scores.ranking.items()
        for level, rows in levels.items()
        if len(rows) > LIST_LIMIT
    }


def _of_site(make: Callable[[Site], Any]) -> Callable[[Site], Any]:
    """`make(site)`, of the site's localities only, remembered for the last localities it was
    asked about: the page list and the shared context ask several times per build, and the
    edits `serve` rebuilds keep the localities."""
    last: list = [None, None]

    def remembered(site: Site) -> Any:
        localities, made = last  # one read: `serve` renders in a thread too
        if localities is not site.localities:
            made = make(site)
            last[:] = [site.localities, made]
        return made

    return remembered


@_of_site
def _by_level(site: Site) -> dict[str, list[Locality]]:
    return {
        level: [loc for loc in site.localities.values() if loc.level == level] for level in LEVELS
    }


@_of_site
def _units_by_province(site: Site) -> dict[str, dict[str, list[Locality]]]:
    """Province id → level → the district- and commune-level units under it, in data order."""
    units: dict[str, dict[str, list[Locality]]] = defaultdict(lambda: defaultdict(list))
    provinces = score.provinces(site)
    for locality in site.localities.values():
        if locality.level != "province":
            province = provinces[locality.id]
            if province is not None:
                units[province][locality.level].append(locality)
    return {province: dict(levels) for province, levels in units.items()}


def render(
    site: Site,
    scores: Scores,
    templates: Path,
    catalogues: dict[str, dict[str, str]],
    assets: Mapping[str, bytes] | None = None,
    wanted: Collection[tuple[str, str]] | None = None,
    charts: Charts | None = None,
    into: Path | None = None,
    common: dict[str, Any] | None = None,
    meanwhile: Callable[[], None] | None = None,
    fork: bool = True,
) -> dict[str, bytes]:
    """Every page (or the `wanted` ones: (language, path) of pages of `pages`), rendered on
    every core, with the `charts` of the overview and indicator pages (a locality's are made
    with its page) and the `common` context of the site, if already made (`shared_context`).

    With `into` (a folder being built, see `write.staging`), each page is written there by the
    process that rendered it and maps to b"" here: at country scale the pages' bytes, gathered
    in one process, would take over a gigabyte.

    `meanwhile` is called in this process while the workers render: the files made beside the
    pages use a core that would otherwise wait. Without `fork`, pages are rendered here only:
    a thread must not fork while others run (a worker could inherit a lock held forever)."""
    renderer = _Renderer(
        site, scores, environment(templates, assets), catalogues, charts or {}, common
    )
    renderer.into = into
    jobs = renderer.jobs(wanted)
    if len(jobs) < PARALLEL_FROM or WORKERS < 2 or not fork:
        rendered = dict(renderer.emit(job) for job in jobs)
        if meanwhile is not None:
            meanwhile()
        return rendered
    return _render_in_parallel(renderer, jobs, meanwhile)


def output_paths(site: Site, scores: Scores) -> Iterator[str]:
    """The output path of every page of every language, without rendering any."""
    default = site.default_language
    for language in site.config.languages:
        prefix = "" if language == default else f"{language}/"
        for page in _page_list(site, scores):
            yield prefix + page.path + "index.html"
    yield "404.html"


def _page_list(site: Site, scores: Scores) -> list[Page]:
    """`pages`, listed once for a site and its scores: `serve` asks twice after an edit."""
    if _listed[0] is not site or _listed[1] is not scores:
        _listed[:] = [site, scores, list(pages(site, scores))]
    return _listed[2]


_listed: list = [None, None, None]


PARALLEL_FROM = 100
"""Below this many pages, forking workers costs about what it saves: from a country-scale
process, two workers rendered 12 to 96 pages in the time one process took, with 40 to 100% more
CPU (forking, and each worker's first pages)."""


class _Renderer:
    """Everything a page needs, built once; forked worker processes inherit it without copying."""

    def __init__(
        self, site: Site, scores: Scores, env: jinja2.Environment, catalogues, charts, common=None
    ):
        self.site = site
        self.charts = charts
        self.env = env
        default = site.default_language
        self.locales = {
            language: i18n.Locale(language, catalogues.get(language, {}), catalogues[default])
            for language in site.config.languages
        }
        self.scores = scores
        self.common = shared_context(site, scores) if common is None else common
        self.fragments: dict = {}  # `{% cache %}`'s, for the pages of this render only
        self.into: Path | None = None

    def jobs(
        self, wanted: Collection[tuple[str, str]] | None = None
    ) -> list[tuple[str, str, Page]]:
        """(output path, language, page) for every page of every language, then the 404 page;
        or for the `wanted` (language, path) only."""
        default = self.site.default_language
        prefixes = {
            language: "" if language == default else f"{language}/" for language in self.locales
        }
        if wanted is not None:
            return [
                (
                    prefixes[language] + path + "index.html",
                    language,
                    page_at(self.site, self.scores, path),
                )
                for language, path in sorted(wanted)
            ]
        jobs = [
            (prefixes[language] + page.path + "index.html", language, page)
            for page in _page_list(self.site, self.scores)
            for language in self.locales
        ]
        jobs.append(("404.html", default, Page("404.html", "404.html", {})))
        return jobs

    def render(self, job: tuple[str, str, Page]) -> tuple[str, bytes]:
        output, language, page = job
        if page.template == "404.html":
            links = Links(_root_path(self.site), "", self.site.config.base_url)
        else:
            prefix = "" if language == self.site.default_language else f"{language}/"
            links = Links("../" * output.count("/"), prefix, self.site.config.base_url)
        with kept_in(self.fragments):
            html = self.env.get_template(page.template).render(
                self.common,
                **page.context,
                page=page,
                lang=self.locales[language],
                links=links,
                locales=self.locales,
                charts=self.page_charts(language, page),
            )
        return output, html.encode()

    def emit(self, job: tuple[str, str, Page]) -> tuple[str, bytes]:
        """The page's bytes, or b"" once written into the folder `into`."""
        output, html = self.render(job)
        if self.into is None:
            return output, html
        write.write_files({output: html}, self.into)
        return output, b""

    def page_charts(self, language: str, page: Page) -> dict[str, Any]:
        """The page's charts: given (overview, indicators), or made here for a locality."""
        given = self.charts.get((language, page.path))
        if given is None and page.template == "locality.html":
            from .charts import locality_charts  # altair loads only when charts are made

            locality = page.context["locality"].id
            return locality_charts(self.site, self.scores, locality, self.locales[language])
        return given or {}


def _render_chunk(
    renderer: _Renderer, jobs: list[tuple[str, str, Page]]
) -> list[tuple[str, bytes]] | int:
    """Pages rendered; on an error, the index of the failing job instead."""
    rendered = []
    for index, job in enumerate(jobs):
        try:
            rendered.append(renderer.emit(job))
        except Exception:
            return index
    return rendered


def _render_in_parallel(
    renderer: _Renderer, jobs: list, meanwhile: Callable[[], None] | None = None
) -> dict[str, bytes]:
    """Chunks of pages rendered on every core: by this process (after `meanwhile`) and by
    forked workers, each taking the next chunk as it is free. This process renders too, rather
    than wait for a worker of its own: each worker holds a copy of what it reads of the site
    (reference counts are written to), 0.5 GB at country scale. A template error is raised
    again here, by rendering the failing page in this process, so it keeps its traceback."""
    size = max(1, min(50, len(jobs) // (WORKERS * 4)))  # small enough to share out evenly
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    fork = multiprocessing.get_context("fork")
    taken = fork.Value("i", 0)  # how many chunks were taken

    def work() -> dict[int, list[tuple[str, bytes]] | int]:
        rendered = {}
        while True:
            with taken.get_lock():
                index, taken.value = taken.value, taken.value + 1
            if index >= len(chunks):
                return rendered
            rendered[index] = _render_chunk(renderer, chunks[index])

    from .charttypes import TYPES, chart_type

    for kind in TYPES:  # built with altair once, here, rather than once in each worker
        chart_type(kind)
    gc.freeze()  # the workers share the site with this process: collecting would copy it
    workers: list[Forked] = []
    try:
        for _ in range(WORKERS - 1):
            workers.append(Forked(work))
        if meanwhile is not None:
            meanwhile()
        done = work()
        for worker in workers:
            done |= worker.result()
    except BaseException:
        for worker in workers:  # or it would go on writing the pages of a failed build
            worker.kill()
        raise
    finally:
        gc.unfreeze()
    output: dict[str, bytes] = {}
    for index, chunk in enumerate(chunks):
        result = done[index]
        if isinstance(result, int):
            renderer.render(chunk[result])  # raises with the template's traceback
            raise RuntimeError(f"{chunk[result][0]} failed only in a worker process")
        output.update(result)
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
    by_level = _by_level(site)
    by_province = _units_by_province(site)
    provinces = sorted_by_name([site.localities[p] for p in by_province], site.default_language)
    figures_by_source: dict[str, int] = defaultdict(int)
    for obs in site.observations:
        figures_by_source[obs.source] += 1
    shown = previews.Previews(site, scores)
    return {
        "site": site,
        "scores": scores,
        "relations": Relations.of(site),
        "by_level": by_level,
        "missing_by_indicator": _missing(site, scores),
        "unscored": {
            indicator.id for indicator in site.indicators.values() if not indicator.scored
        },
        "pillar_names": {pillar.id: pillar.name for pillar in site.config.pillars},
        "level_catalogues": score.level_catalogues(site),  # the rows of a unit's scorecard
        "sources_sorted": sorted(
            site.sources.values(), key=lambda source: (source.type, source.id)
        ),
        "figures_by_source": dict(figures_by_source),
        "sorted_by_name": sorted_by_name,
        "LIST_LIMIT": LIST_LIMIT,
        "FILTER_ABOVE": FILTER_ABOVE,
        "pages_of": pages_of,
        "provinces_by_level": {  # level → [(province, how many units of the level it holds)]
            level: [
                (p, len(by_province[p.id][level])) for p in provinces if level in by_province[p.id]
            ]
            for level in LEVELS
        },
        "previews": shown,
        "preview_of": shown.of,
        "peers": compare.Peers(site, scores),
        "reuse": opendata.Reuse(site),
    }


def shared_context_after(
    common: dict[str, Any], site: Site, scores: Scores, localities: set[str]
) -> dict[str, Any]:
    """`shared_context(site, scores)` made from `common`, the context before the figures of
    `localities` changed (for `serve`): what depends on the localities, indicators and sources
    is kept; what counts figures is counted again for `localities` only, not for 15,000."""
    site_before, before = common["site"], common["scores"]
    frame = ("config", "localities", "indicators", "sources", "pages")
    if any(getattr(site, name) is not getattr(site_before, name) for name in frame):
        return shared_context(site, scores)
    figures_by_source = dict(common["figures_by_source"])
    for locality in localities:
        for obs in score.figures_of(site_before, locality):
            figures_by_source[obs.source] -= 1
        for obs in score.figures_of(site, locality):
            figures_by_source[obs.source] = figures_by_source.get(obs.source, 0) + 1
    shown = common["previews"].after(site, scores, localities)
    peers = common["peers"]  # units with figures: a unit that got its first or lost its last
    if _flipped(before, scores, localities):  # changes them
        peers = compare.Peers(site, scores)
    return common | {
        "site": site,
        "scores": scores,
        "missing_by_indicator": _missing(site, scores),
        "figures_by_source": {source: n for source, n in figures_by_source.items() if n},
        "previews": shown,
        "preview_of": shown.of,
        "peers": peers,
        "reuse": common["reuse"].after(site, localities),
    }


def _missing(site: Site, scores: Scores) -> dict[str, list[Locality]]:
    """Indicator id → the units open to it without a figure, made when its page is (15,000
    units × 40 indicators up front)."""
    by_level = _by_level(site)
    return _Lazy(
        lambda indicator_id: [
            locality
            for level in site.indicators[indicator_id].levels
            for locality in by_level[level]
            if indicator_id not in scores.localities[locality.id].latest
        ]
    )


class _Lazy(dict):
    """A mapping whose values are made on first use."""

    def __init__(self, make: Callable[[str], Any]):
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.make(key)
        return value


def sorted_by_name(localities: list[Locality], language: str) -> list[Locality]:
    """Vietnamese alphabetical order, whatever the page's language."""
    return sorted(
        localities,
        key=lambda locality: (i18n.collation_key(locality.name[language]), locality.id),
    )


def stale(
    site_before: Site, site: Site, before: Scores, after: Scores, localities: set[str]
) -> set[str]:
    """The pages (language-neutral paths) that may read differently once the figures of
    `localities` changed (from `site_before`, `before` to `site`, `after`), for `serve`: those
    localities' pages, the parts of the rankings they are in that moved, the pages of units whose
    rank moved, and the summaries whose numbers moved."""
    paths = {f"localities/{locality}/" for locality in localities}
    by_level = _by_level(site)
    listed = {level for level, units in by_level.items() if len(units) <= LIST_LIMIT}
    if len(site.observations) != len(site_before.observations) or any(
        site.localities[locality].level in listed for locality in localities
    ):
        paths.add("")  # its counts, or its table (and matrix) of the changed units' level
    figures_before, figures = _figures_of(site_before, localities), _figures_of(site, localities)
    if sorted(obs.source for obs in figures_before) != sorted(obs.source for obs in figures):
        paths.add("sources/")
    dated = {(obs.indicator, obs.source, obs.period) for obs in figures_before} ^ {
        (obs.indicator, obs.source, obs.period) for obs in figures
    }
    paths |= {f"indicators/{indicator}/" for indicator, _, _ in dated}  # "data of …" dates
    flipped = _flipped(before, after, localities)
    if flipped:  # (the compare page's choices are in compare/data.json, made by `gather`)
        peers = compare.Peers(site, after)  # each unit's page links to peers with figures
        groups = {peers.group(loc) for loc in flipped}
        paths |= {
            f"localities/{loc}/"
            for loc in site.localities
            if after.localities[loc].latest and peers.group(loc) in groups
        }
    for locality in localities:
        old, new = before.localities[locality], after.localities[locality]
        if (old.disclosure, old.statuses, bool(old.latest)) != (
            new.disclosure,
            new.statuses,
            bool(new.latest),
        ):
            paths.add(f"provinces/{score.province_of(site, locality)}/")
    indicators = set().union(
        *(
            before.localities[loc].latest.keys() | after.localities[loc].latest.keys()
            for loc in localities
        )
    )
    for indicator in indicators:
        old, new = before.ranking.get(indicator, {}), after.ranking.get(indicator, {})
        for level in LEVELS:
            rows_before, rows_after = old.get(level, []), new.get(level, [])
            if rows_before == rows_after:
                continue
            paths.add(f"indicators/{indicator}/")
            for number in range(2, max(pages_of(len(rows_before)), pages_of(len(rows_after))) + 1):
                part = slice((number - 1) * LIST_LIMIT, number * LIST_LIMIT)
                if rows_before[part] != rows_after[part]:
                    paths.add(f"indicators/{indicator}/{level}/{number}/")
            for locality_id, _, rank in rows_after:
                key = (locality_id, indicator)
                if before.ranks.get(key) != rank or before.province_ranks.get(
                    key
                ) != after.province_ranks.get(key):
                    paths.add(f"localities/{locality_id}/")
    return paths


def _flipped(before: Scores, after: Scores, localities: set[str]) -> set[str]:
    """Those of `localities` that got their first figure, or lost their last."""
    return {
        loc
        for loc in localities
        if bool(before.localities[loc].latest) != bool(after.localities[loc].latest)
    }


def _figures_of(site: Site, localities: set[str]) -> list[Observation]:
    return [obs for locality in localities for obs in score.figures_of(site, locality)]
