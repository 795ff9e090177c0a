"""Stage 3, score: statuses against national targets, disclosure, and peer ranks. Pure.

The rules are the ones the methodology page states:
- status: a figure *meets* a target it reaches, is *close* within 10% of it, else *behind*;
  "nearly X" counts as just under X, and a target to exceed X needs more than X.
- disclosure: per locality and pillar, how many scored indicators open to its level have a
  published actual figure, out of how many.
- ranks: only among units of the same level, on each one's latest actual figure.
No composite score is computed: the pages give each count it would rest on.
"""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .model import LEVELS, Indicator, Locality, Observation, Site

Status = Literal["met", "close", "behind", "no-target"]
STATUSES: tuple[str, ...] = ("met", "close", "behind", "no-target", "no-data")
CLOSE_SHARE = 0.9  # within 10% of the target is "close"


def status(obs: Observation, indicator: Indicator) -> Status:
    """Where an actual figure stands against its indicator's national target."""
    target = indicator.target
    if target is None or obs.value is None:
        return "no-target"
    value, goal = obs.value, target.value
    if indicator.direction == "lower":
        value, goal = -value, -goal
    strict = target.qualifier == "over" or obs.qualifier == "nearly"
    reached = value > goal or (value == goal and not strict)
    if obs.qualifier == "over" and value == goal:
        reached = True  # "trên 80%" exceeds a target of 80% or of over 80%
    if reached:
        return "met"
    if indicator.direction == "higher" and obs.value >= CLOSE_SHARE * target.value:
        return "close"
    if indicator.direction == "lower" and obs.value <= target.value / CLOSE_SHARE:
        return "close"
    return "behind"


@dataclass(frozen=True, slots=True)
class Rank:
    """A locality's place among units of the same level for one indicator."""

    position: int
    of: int


@dataclass(frozen=True, slots=True)
class Disclosure:
    published: int
    catalogue: int


@dataclass(frozen=True, slots=True)
class LocalityScore:
    latest: dict[str, Observation]
    """Latest actual figure per indicator."""
    history: dict[str, tuple[Observation, ...]]
    """Every actual figure per indicator, oldest first."""
    targets: tuple[Observation, ...]
    """Targets the locality set itself."""
    disclosure: dict[str, Disclosure]
    """Per pillar id."""
    statuses: dict[str, int]
    """How many latest scored figures are met / close / behind / no-target."""


@dataclass(frozen=True)
class Scores:
    localities: dict[str, LocalityScore]
    ranking: dict[str, dict[str, list[tuple[str, Observation, Rank]]]]
    """indicator id → level → [(locality id, latest figure, rank)], best first."""
    ranks: dict[tuple[str, str], Rank]
    """(locality id, indicator id) → rank among its level."""
    province_ranks: dict[tuple[str, str], Rank]
    """(locality id, indicator id) → rank among its level within its province."""


def score(site: Site) -> Scores:
    by_locality: dict[str, list[Observation]] = defaultdict(list)
    for obs in site.observations:
        by_locality[obs.locality].append(obs)
    catalogues = level_catalogues(site)
    localities = {
        locality.id: _locality_score(
            locality, by_locality.get(locality.id, []), site, catalogues[locality.level]
        )
        for locality in site.localities.values()
    }
    ranking = _ranking(site, localities, site.indicators)
    return Scores(localities, ranking, _ranks(ranking), _province_ranks(site, ranking))


def rescore(scores: Scores, site: Site, changed: set[str]) -> Scores:
    """`scores` after the figures of the `changed` localities changed (for `serve`): their own
    scores again, and the rankings they are or were in (nationally, and in their province)
    with them moved, without touching the others."""
    catalogues = level_catalogues(site)
    localities = dict(scores.localities)
    moved: set[tuple[str, str]] = set()  # (indicator, level) of rankings to redo
    for locality_id in changed:
        locality = site.localities[locality_id]
        before = localities[locality_id].latest.keys()
        localities[locality_id] = _locality_score(
            locality, list(figures_of(site, locality_id)), site, catalogues[locality.level]
        )
        moved |= {(ind, locality.level) for ind in before | localities[locality_id].latest.keys()}
    ranking = {indicator: dict(levels) for indicator, levels in scores.ranking.items()}
    ranks, province_ranks = dict(scores.ranks), dict(scores.province_ranks)
    where = provinces(site)
    changed_provinces = {where[locality_id] for locality_id in changed}
    for indicator_id, level in moved:
        old = ranking[indicator_id].get(level, [])
        gone = [(loc, indicator_id) for loc in changed if site.localities[loc].level == level]
        for key in gone:  # the other units of the ranking stay in it, ranked again below
            ranks.pop(key, None)
            province_ranks.pop(key, None)
        added = [
            (loc, localities[loc].latest[indicator_id])
            for loc in changed
            if site.localities[loc].level == level and indicator_id in localities[loc].latest
        ]
        new, ranked_again = _reranked(old, changed, added, site.indicators[indicator_id])
        levels = ranking[indicator_id] | {level: new}
        ranking[indicator_id] = {lv: levels[lv] for lv in LEVELS if levels.get(lv)}
        ranks.update(((loc, indicator_id), rank) for loc, _, rank in ranked_again)
        if level == "province":
            continue
        for province in changed_provinces:  # ranks within a province move in it only
            group = [(loc, obs) for loc, obs, _ in new if where[loc] == province]
            province_ranks |= {(loc, indicator_id): rank for loc, _, rank in _ranked(group)}
    return Scores(localities, ranking, ranks, province_ranks)


def _reranked(old: list, changed: set[str], added: list, indicator: Indicator) -> tuple[list, list]:
    """The ranking `old` with the rows of `changed` units taken out and `added` put in place,
    ranked; and its rows whose rank is new. The rank of a row depends on how many rows are
    better: when a figure moves among 1,600 communes, the rows between its old and new place
    are ranked again, not the 1,600."""
    order = _best_first(indicator)
    moved = [index for index, row in enumerate(old) if row[0] in changed]
    rows = [row for row in old if row[0] not in changed]
    for locality_id, obs in added:
        bisect.insort(rows, (locality_id, obs, None), key=order)
    moved += [index for index, row in enumerate(rows) if row[0] in changed]
    if len(rows) != len(old):  # every rank is out of a new count
        rows = _ranked([(locality_id, obs) for locality_id, obs, _ in rows])
        return rows, rows
    if not moved:
        return rows, []
    start, last = min(moved), max(moved)  # beyond `last`, each index holds the row it held
    position = rows[start - 1][2].position if start else 1
    ranked_again = []
    for index in range(start, len(rows)):
        locality_id, obs, rank = rows[index]
        if index and obs.value != rows[index - 1][1].value:
            position = index + 1
        if index > last and rank == _rank(position, len(rows)):
            break  # so do the rows after it: ranks follow from the row before and the values
        rows[index] = (locality_id, obs, _rank(position, len(rows)))
        ranked_again.append(rows[index])
    return rows, ranked_again


def _sorted_and_ranked(indicator: Indicator, rows: list[tuple[str, Observation]]):
    rows.sort(key=_best_first(indicator))
    return _ranked(rows)


def _best_first(indicator: Indicator) -> Callable[[tuple[str, Observation]], tuple]:
    """The order of a ranking's rows (locality id, figure): the best figure first, then by id."""
    better_first = -1 if indicator.direction == "higher" else 1
    return lambda row: (better_first * row[1].value, row[0])


_rank = functools.cache(Rank)
"""Ranks are values: one object for each place and count, not one per row of every ranking."""


def _ranks(ranking) -> dict[tuple[str, str], Rank]:
    return {
        (locality_id, indicator_id): rank
        for indicator_id, levels in ranking.items()
        for rows in levels.values()
        for locality_id, _, rank in rows
    }


def level_catalogues(site: Site) -> dict[str, dict[str, list[Indicator]]]:
    """Level → pillar id → the scored indicators open to that level: the same for every unit
    of a level, so worked out once rather than once per locality."""
    return {
        level: {
            pillar.id: [
                indicator
                for indicator in site.indicators.values()
                if indicator.pillar == pillar.id and indicator.scored and level in indicator.levels
            ]
            for pillar in site.config.pillars
        }
        for level in LEVELS
    }


def _locality_score(
    locality: Locality,
    observations: list[Observation],
    site: Site,
    catalogues: dict[str, list[Indicator]],
) -> LocalityScore:
    history: dict[str, list[Observation]] = defaultdict(list)
    for obs in observations:  # already sorted by indicator, kind, period
        if obs.kind == "actual":
            history[obs.indicator].append(obs)
    latest = {indicator: figures[-1] for indicator, figures in history.items()}
    disclosure = {}
    for pillar in site.config.pillars:
        catalogue = catalogues[pillar.id]
        published = sum(1 for indicator in catalogue if indicator.id in latest)
        disclosure[pillar.id] = Disclosure(published, len(catalogue))
    statuses = dict.fromkeys(STATUSES[:4], 0)
    for indicator_id, obs in latest.items():
        indicator = site.indicators[indicator_id]
        if indicator.scored:
            statuses[status(obs, indicator)] += 1
    return LocalityScore(
        latest=latest,
        history={indicator: tuple(figures) for indicator, figures in history.items()},
        targets=tuple(obs for obs in observations if obs.kind == "target"),
        disclosure=disclosure,
        statuses=statuses,
    )


def _ranking(site: Site, localities: dict[str, LocalityScore], indicators):
    """The rankings of `indicators` (ids), by level."""
    rows: dict[tuple[str, str], list[tuple[str, Observation]]] = defaultdict(list)
    for locality in site.localities.values():  # one pass: each unit's latest figures
        for indicator_id, obs in localities[locality.id].latest.items():
            if indicator_id in indicators:
                rows[indicator_id, locality.level].append((locality.id, obs))
    ranking: dict[str, dict[str, list]] = {indicator: {} for indicator in indicators}
    for indicator in map(site.indicators.get, indicators):
        for level in LEVELS:
            found = rows.get((indicator.id, level))
            if found:
                ranking[indicator.id][level] = _sorted_and_ranked(indicator, found)
    return ranking


def _ranked(rows: list[tuple[str, Observation]]) -> list[tuple[str, Observation, Rank]]:
    """Competition ranking: equal values share a place (1, 2, 2, 4)."""
    ranked, position = [], 0
    for index, (locality_id, obs) in enumerate(rows):
        if index == 0 or obs.value != rows[index - 1][1].value:
            position = index + 1
        ranked.append((locality_id, obs, _rank(position, len(rows))))
    return ranked


def _province_ranks(site: Site, ranking) -> dict[tuple[str, str], Rank]:
    where = provinces(site)
    ranks = {}
    for indicator_id, levels in ranking.items():
        for level, rows in levels.items():
            if level == "province":
                continue
            groups: dict[str | None, list] = defaultdict(list)
            for locality_id, obs, _ in rows:
                groups[where[locality_id]].append((locality_id, obs))
            for group in groups.values():
                for locality_id, _, rank in _ranked(group):
                    ranks[locality_id, indicator_id] = rank
    return ranks


def province_of(site: Site, locality_id: str) -> str | None:
    """The province a unit belongs (or belonged) to."""
    locality = site.localities[locality_id]
    while locality.level != "province":
        if locality.parent is None:
            return None
        locality = site.localities[locality.parent]
    return locality.id


def provinces(site: Site) -> dict[str, str | None]:
    """`province_of` every unit, worked out once for a site's localities: the edits `serve`
    rebuilds keep them (an edit of other files builds everything again)."""
    localities, found = _provinces
    if localities is not site.localities:
        found = {locality_id: province_of(site, locality_id) for locality_id in site.localities}
        _provinces[:] = [site.localities, found]
    return found


_provinces: list = [None, {}]


def figures_of(site: Site, locality_id: str) -> tuple[Observation, ...]:
    """A unit's observations, found by halving: `validate` sorts them by locality first."""
    observations = site.observations
    start = bisect.bisect_left(observations, locality_id, key=_locality)
    end = bisect.bisect_right(observations, locality_id, lo=start, key=_locality)
    return observations[start:end]


def _locality(obs: Observation) -> str:
    return obs.locality
