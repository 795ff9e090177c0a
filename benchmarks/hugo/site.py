"""The same site for Hugo: content files and data files from the same synthetic tree.

Hugo gets the validated and scored data (our `load` → `validate` → `score`), so it does no
validation or scoring of its own: what it is timed on is turning data into the same pages.
Each page is a content file with JSON front matter (its rows, ranks, period labels) and, for a
locality, its narrative as Markdown; the names of localities, indicators and sources, the
interface messages and the summaries behind the overview tables are data files that every page
looks up, as the Jinja templates look them up in the shared context. The layouts in `layouts/`
mirror our templates: the same pages (locality, indicator, ranking pages 2…, province lists,
overview, sources, about, methodology, in both languages), the same tables, and the same charts
(spec JSON, build-time SVG and data table), copied from the pages of our build, inline.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from scorecard import render
from scorecard.i18n import Locale
from scorecard.model import Observation, Site
from scorecard.score import Scores, status

LAYOUTS = Path(__file__).resolve().parent / "layouts"
_CHART = re.compile(rb'<figure class="chart-figure.*?</figure>', re.S)
"""A chart as our page shows it: title, SVG drawn at build time, spec JSON, table."""


def write_site(
    site: Site, scores: Scores, catalogues: dict[str, dict[str, str]], ours: Path, out: Path
) -> int:
    """Write the Hugo project into `out`; `ours` is our built site (for chart specs and data
    files). Returns the number of content files."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(LAYOUTS, out / "layouts")
    shutil.copytree(ours / "assets", out / "static" / "assets")
    shutil.copytree(ours / "data", out / "static" / "data")
    for rows in ours.glob("**/chart-*.json"):  # rows of charts too big to inline them
        target = out / "static" / rows.relative_to(ours)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(rows, target)
    languages = site.config.languages
    (out / "hugo.toml").write_text(_config(site), encoding="utf-8")
    locales = {
        code: Locale(code, catalogues.get(code, {}), catalogues[languages[0]]) for code in languages
    }
    _data(out / "data", site, scores, catalogues)
    count = 0
    for code, lang in locales.items():
        prefix = "" if code == languages[0] else f"{code}/"
        writer = _Writer(out / "content" / code, ours, prefix)
        for page in render.pages(site, scores):
            writer.page(page.path, _front(page, site, scores, lang), _body(page, site, code))
            count += 1
    return count


class _Writer:
    def __init__(self, content: Path, ours: Path, prefix: str):
        self.content, self.ours, self.prefix = content, ours, prefix

    def page(self, path: str, front: dict[str, Any], body: str) -> None:
        html = self.ours / (self.prefix + path) / "index.html"
        if html.is_file():
            front["charts"] = [figure.decode() for figure in _CHART.findall(html.read_bytes())]
        target = self.content / ("_index.md" if not path else path.rstrip("/") + ".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(front, ensure_ascii=False) + "\n\n" + body
        target.write_text(text, encoding="utf-8")


def _config(site: Site) -> str:
    vi, en = site.config.languages
    return f"""baseURL = "{site.config.base_url}"
defaultContentLanguage = "{vi}"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "section", "404"]
[languages.{vi}]
  weight = 1
  contentDir = "content/{vi}"
  languageName = "Tiếng Việt"
[languages.{en}]
  weight = 2
  contentDir = "content/{en}"
  languageName = "English"
[markup.goldmark.renderer]
  unsafe = false
"""


def _data(folder: Path, site: Site, scores: Scores, catalogues) -> None:
    folder.mkdir(parents=True)
    data = {
        "site": {
            "title": site.config.title,
            "description": site.config.description,
            "pillars": [{"id": p.id, "name": p.name} for p in site.config.pillars],
        },
        "pillars": {p.id: p.name for p in site.config.pillars},
        "i18n": catalogues,
        "localities": {
            loc.id: {
                "name": loc.name,
                "level": loc.level,
                "parent": loc.parent or "",
                "code": loc.code or "",
                "dissolved": loc.dissolved.isoformat() if loc.dissolved else "",
                "established": loc.established.isoformat() if loc.established else "",
                "successor": list(loc.successor),
                "reform_source": loc.reform_source or "",
            }
            for loc in site.localities.values()
        },
        "indicators": {
            i.id: {
                "name": i.name,
                "description": i.description,
                "pillar": i.pillar,
                "unit": i.unit,
                "direction": i.direction,
                "target": {"value": i.target.value, "year": i.target.year} if i.target else None,
            }
            for i in site.indicators.values()
        },
        "indicator_order": list(site.indicators),
        "sources": {
            s.id: {"title": s.title, "publisher": s.publisher, "url": s.url or "", "type": s.type}
            for s in site.sources.values()
        },
        "source_order": [s.id for s in sorted(site.sources.values(), key=lambda s: (s.type, s.id))],
        "summaries": {
            loc_id: {
                "disclosure": [[d.published, d.catalogue] for d in result.disclosure.values()],
                "figures": bool(result.latest),
                **{key: result.statuses[key] for key in ("met", "close", "behind")},
            }
            for loc_id, result in scores.localities.items()
        },
    }
    for name, value in data.items():
        (folder / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False), "utf-8")


def _row(obs: Observation, site: Site, lang: Locale) -> dict[str, Any]:
    indicator = site.indicators[obs.indicator]
    return {
        "indicator": obs.indicator,
        "observed": True,
        "value": obs.value,
        "unit": indicator.unit,
        "qualifier": None if obs.qualifier == "exact" else obs.qualifier,
        "numerator": obs.numerator,
        "denominator": obs.denominator,
        "computed": obs.computed,
        "target": indicator.target.value if indicator.target else None,
        "period": lang.period(obs.period),
        "status": status(obs, indicator) if obs.kind == "actual" else "no-target",
        "source": obs.source,
        "quote": obs.quote,
    }


def _front(page: render.Page, site: Site, scores: Scores, lang: Locale) -> dict[str, Any]:
    title = lang.text(page.title) if page.title else lang.t("nav.sources")
    front: dict[str, Any] = {"title": title, "type": page.template.removesuffix(".html")}
    context = page.context
    if page.template == "locality.html":
        locality = context["locality"]
        front.update(_locality(locality.id, site, scores, lang))
    elif page.template == "indicator.html":
        front.update(_indicator(context["indicator"].id, site, scores, lang))
    elif page.template == "ranking.html":
        indicator = context["indicator"]
        front.update(indicator=indicator.id, rows=_ranked(context["rows"], site, lang))
        front["pages"] = _pager(indicator.id, context["level"], context["count"])
    elif page.template == "province.html":
        front.update(province=context["province"].id, type="province")
        front["levels"] = [
            {"level": level, "ids": [u.id for u in render.sorted_by_name(units, lang.code)]}
            for level, units in context["units_by_level"].items()
        ]
    elif page.template == "overview.html":
        front.update(type="overview", counts=len(site.observations), levels=_overview(site, lang))
    elif page.template == "sources.html":
        figures: dict[str, int] = {}
        for obs in site.observations:
            figures[obs.source] = figures.get(obs.source, 0) + 1
        front.update(figures=figures)
    else:
        front["type"] = "page"
    return front


def _body(page: render.Page, site: Site, language: str) -> str:
    if page.template == "locality.html":
        document = site.narratives.get((page.context["locality"].id, language))
        return _markdown(document)
    if page.template == "page.html":
        return _markdown(site.pages[page.context["name"], language])
    return ""


def _markdown(document) -> str:
    """The narrative's Markdown: our model keeps the HTML, so Hugo gets it back as Markdown
    paragraphs of the same text (headings, paragraphs), for goldmark to render."""
    if document is None:
        return ""
    text = re.sub(r"<h2[^>]*>(.*?)</h2>", r"\n## \1\n", document.html)
    text = re.sub(r"</?p>", "\n", text)
    return re.sub(r"<[^>]+>", "", text)


def _locality(locality_id: str, site: Site, scores: Scores, lang: Locale) -> dict[str, Any]:
    locality, result = site.localities[locality_id], scores.localities[locality_id]
    pillars = []
    if result.latest:
        for pillar in site.config.pillars:
            rows = []
            for indicator in site.indicators.values():
                if not (
                    indicator.pillar == pillar.id
                    and indicator.scored
                    and locality.level in indicator.levels
                ):
                    continue
                obs = result.latest.get(indicator.id)
                if obs is None:
                    rows.append({"indicator": indicator.id, "observed": False})
                    continue
                row = _row(obs, site, lang)
                rank = scores.ranks.get((locality_id, indicator.id))
                row["rank"] = [rank.position, rank.of] if rank and rank.of > 1 else None
                row["history"] = [
                    [earlier.value, lang.period(earlier.period)]
                    for earlier in result.history[indicator.id][:-1]
                ]
                rows.append(row)
            disclosure = result.disclosure[pillar.id]
            pillars.append(
                {
                    "id": pillar.id,
                    "published": disclosure.published,
                    "catalogue": disclosure.catalogue,
                    "rows": rows,
                }
            )
    return {
        "locality": locality_id,
        "ancestors": _ancestors(locality_id, site),
        "predecessors": _predecessors(site).get(locality_id, []),
        "children": _children(site).get(locality_id, []),
        "pillars": pillars,
        "targets": [_row(obs, site, lang) for obs in result.targets],
    }


_cache: dict[str, Any] = {}


def _children(site: Site) -> dict[str, list[str]]:
    if "children" not in _cache:
        children: dict[str, list[str]] = {}
        predecessors: dict[str, list[str]] = {}
        for loc in site.localities.values():
            if loc.parent:
                children.setdefault(loc.parent, []).append(loc.id)
            for successor in loc.successor:
                predecessors.setdefault(successor, []).append(loc.id)
        _cache["children"], _cache["predecessors"] = children, predecessors
    return _cache["children"]


def _predecessors(site: Site) -> dict[str, list[str]]:
    _children(site)
    return _cache["predecessors"]


def _ancestors(locality_id: str, site: Site) -> list[str]:
    chain, parent = [], site.localities[locality_id].parent
    while parent:
        chain.append(parent)
        parent = site.localities[parent].parent
    return chain[::-1]


def _ranked(rows, site: Site, lang: Locale) -> list[dict[str, Any]]:
    return [
        {**_row(obs, site, lang), "locality": locality_id, "rank": rank.position}
        for locality_id, obs, rank in rows
    ]


def _pager(indicator_id: str, level: str, count: int) -> list[dict[str, Any]]:
    return [
        {
            "number": n,
            "href": f"indicators/{indicator_id}/" + (f"{level}/{n}/" if n > 1 else ""),
        }
        for n in range(1, count + 1)
    ]


def _indicator(indicator_id: str, site: Site, scores: Scores, lang: Locale) -> dict[str, Any]:
    levels = []
    for level, rows in scores.ranking[indicator_id].items():
        count = render.pages_of(len(rows))
        levels.append(
            {
                "level": level,
                "rows": _ranked(rows[: render.LIST_LIMIT], site, lang),
                "pages": _pager(indicator_id, level, count) if count > 1 else [],
            }
        )
    indicator = site.indicators[indicator_id]
    missing = [
        loc
        for loc in site.localities.values()
        if loc.level in indicator.levels and indicator_id not in scores.localities[loc.id].latest
    ]
    front: dict[str, Any] = {"indicator": indicator_id, "levels": levels}
    if len(missing) <= render.LIST_LIMIT:
        front["missing"] = [loc.id for loc in render.sorted_by_name(missing, lang.code)]
    else:
        front["missing_count"] = lang.t("paging.not_published_count", count=len(missing))
    return front


def _overview(site: Site, lang: Locale) -> list[dict[str, Any]]:
    levels = []
    by_level = render._by_level(site)
    by_province = render._units_by_province(site)
    provinces = render.sorted_by_name([site.localities[p] for p in by_province], "vi")
    for level, units in by_level.items():
        if not units:
            continue
        if len(units) <= render.LIST_LIMIT:
            ids = [u.id for u in render.sorted_by_name(units, lang.code)]
            levels.append({"level": level, "ids": ids})
        else:
            listed = [
                [p.id, len(by_province[p.id][level])]
                for p in provinces
                if level in by_province[p.id]
            ]
            levels.append({"level": level, "provinces": listed})
    return levels
