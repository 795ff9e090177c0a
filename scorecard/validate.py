"""Stage 2, validate: turn the loaded files into a consistent `Site`, or report every problem.

Types and required fields are checked by `fields.Reader`; this module checks what spans records
and files: unknown or duplicate ids, the reform's successors, fractions that disagree with their
percent, duplicate observations, missing narratives. The observation files are parsed and read
here, each on its own (on every core at country scale), and remembered by content hash.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any, TypeVar

from . import content, cores, yamlio
from .errors import BuildError, Problem
from .fields import Reader
from .load import LOCAL, RawSite, TextFile, YAMLFile
from .model import (
    LEVELS,
    SLUG,
    Indicator,
    Locality,
    Observation,
    ObservationFile,
    Site,
    SiteConfig,
    Source,
)
from .yamlio import Mapping, Sequence

T = TypeVar("T")
REQUIRED_PAGES = ("about", "methodology")


def validate(raw: RawSite) -> Site:
    """The validated site; raises `BuildError` with every problem found."""
    problems = list(raw.problems)
    config = _site_config(raw.site, problems)
    languages = config.languages if config else ("vi", "en")
    localities = _records(raw.localities, Locality, languages, problems)
    indicators = _records(raw.indicators, Indicator, languages, problems)
    sources = _records(raw.sources, Source, languages, problems)
    observations = _observations_of(raw.observations, languages, problems)
    # Ids as written, valid records or not: a mistake is reported where it is, not again at every
    # reference to it; a file that could not be read at all (None) hides no reference either.
    known_localities = _ids_written(raw.localities)
    known_indicators = _ids_written(raw.indicators)
    known_sources = _ids_written(raw.sources)
    problems += _check_localities(localities, known_sources, raw.localities)
    problems += _check_indicators(indicators, known_sources, config, raw.indicators)
    problems += _check_observations(
        observations, known_localities, known_indicators, known_sources, indicators
    )
    narratives = _documents(raw.narratives, languages, problems, known=localities)
    pages = _documents(raw.pages, languages, problems, known=None)
    _report_missing(problems, narratives, pages, observations, languages)
    if problems or config is None:
        raise BuildError(problems)
    return Site(
        config=config,
        localities=localities,
        indicators=indicators,
        sources=sources,
        observations=tuple(
            sorted(
                (_with_computed_value(obs, indicators) for obs in observations),
                key=_observation_order,
            )
        ),
        narratives=narratives,
        pages=pages,
    )


def revalidate(site: Site, raw: RawSite, localities: set[str]) -> Site:
    """`site` with the observations and narratives of `localities` validated again from `raw`.

    For `serve`, when only those files changed since `site` was validated: every other file,
    and so every id they may refer to, is as it was, so only these files are checked."""
    problems = list(raw.problems)
    languages = site.config.languages
    # Their files, by name rather than a PurePosixPath for each of 18,000 files at each edit:
    # 'data/observations/<id>.yaml' and 'content/localities/<id>.<language>.md'.
    paths = {LOCAL[0] + locality + ".yaml" for locality in localities}
    changed = _observations_of(
        [file for file in raw.observations if file.path in paths], languages, problems, False
    )
    known = (site.localities.keys(), site.indicators.keys(), site.sources.keys())
    problems += _check_observations(changed, *known, site.indicators)
    names = tuple(LOCAL[1] + locality + "." for locality in localities)
    texts = [file for file in raw.narratives if file.path.startswith(names)]
    narratives = dict(site.narratives)
    for locality in localities:
        for language in languages:
            narratives.pop((locality, language), None)
    narratives |= _documents(texts, languages, problems, known=site.localities)
    _report_missing(problems, narratives, site.pages, changed, languages)
    if problems:
        raise BuildError(problems)
    kept = list(site.observations)
    for locality in localities:  # its figures are together: they are sorted by locality first
        start = bisect.bisect_left(kept, locality, key=_locality_of)
        del kept[start : bisect.bisect_right(kept, locality, lo=start, key=_locality_of)]
    for obs in sorted(
        (_with_computed_value(obs, site.indicators) for obs in changed), key=_observation_order
    ):
        kept.insert(bisect.bisect_right(kept, _observation_order(obs), key=_observation_order), obs)
    return dataclasses.replace(site, observations=tuple(kept), narratives=narratives)


def _site_config(file: YAMLFile | None, problems: list[Problem]) -> SiteConfig | None:
    if file is None:
        return None
    data = file.data
    languages: tuple[str, ...] = ("vi", "en")
    if isinstance(data, Mapping) and isinstance(data.get("languages"), Sequence):
        languages = tuple(getattr(item, "text", "") for item in data["languages"]) or languages
    reader = Reader(file.path, languages)
    config = reader.record(SiteConfig, data, 1)
    problems += reader.problems
    if config and not config.base_url.endswith("/"):
        problems.append(
            Problem(file.path, data.key_lines["base_url"], "base_url must end with '/'. Add it.")
        )
    return config


def _records(file: YAMLFile | None, cls: type[T], languages, problems) -> dict[str, T]:
    """A list file's records by id, keeping the good ones so later checks still run."""
    if file is None:
        return {}
    if not isinstance(file.data, Sequence):
        problems.append(
            Problem(file.path, 1, "must be a list of entries, each starting with '- id: …'.")
        )
        return {}
    reader = Reader(file.path, languages)
    records: dict[str, T] = {}
    lines: dict[str, int] = {}
    for item in file.data:
        line = getattr(item, "line", file.data.line)
        record = reader.record(cls, item, line)
        if record is None:
            continue
        if record.id in records:
            reader.problem(
                line,
                f"duplicate id '{record.id}' (first at line {lines[record.id]}). Ids must be unique.",
            )
            continue
        records[record.id] = record
        lines[record.id] = line
    problems += reader.problems
    return records


def _observations_of(
    files: list[TextFile], languages: tuple[str, ...], problems: list[Problem], every=True
) -> list[Observation]:
    """The figures of the files (`every` file of the site, or some), in order; each file's
    problems added to `problems`. A file read before with the same bytes is not read again:
    `serve` builds everything again after an edit of site.yaml or the localities."""
    global _read
    keys = [(file.path, file.digest, languages) for file in files]
    unread = [file for file, key in zip(files, keys, strict=True) if key not in _read]
    read = cores.map_forked(functools.partial(_observation_file, languages=languages), unread)
    known = {key: _read[key] for key in keys if key in _read}
    for file, result in zip(unread, read, strict=True):
        known[file.path, file.digest, languages] = result
    _read = known if every else _read | known  # the files a site no longer holds are forgotten
    observations = []
    for key in keys:
        figures, found = known[key]
        observations += figures
        problems += found
    return observations


_read: dict[tuple[str, str, tuple[str, ...]], tuple[list[Observation], list[Problem]]] = {}
"""Each observation file's figures and problems, by path, content hash and languages."""


def forget() -> None:
    """Let go of the observation files read, kept for `serve`."""
    global _read
    _read = {}


def _observation_file(
    file: TextFile, languages: tuple[str, ...]
) -> tuple[list[Observation], list[Problem]]:
    """One observation file parsed and read, in whichever process: only the figures and the
    problems come back, not its tree of located values."""
    try:
        data = yamlio.parse(file.text, file.path)
    except yamlio.ParseError as error:
        return [], [error.problem]
    problems: list[Problem] = []
    return _observations(YAMLFile(file.path, data, file.digest), languages, problems), problems


def _observations(file: YAMLFile, languages, problems: list[Problem]) -> list[Observation]:
    reader = Reader(file.path, languages)
    data = file.data
    stem = PurePosixPath(file.path).stem
    if not SLUG.fullmatch(stem):
        reader.problem(
            0, f"file name '{stem}' is not a locality id. Rename it to '<locality-id>.yaml'."
        )
    if not isinstance(data, Mapping) or not isinstance(data.get("observations"), Sequence):
        reader.problem(
            getattr(data, "line", 1), "expected 'locality: <id>' and a list 'observations:'."
        )
        problems += reader.problems
        return []
    head = Mapping({k: v for k, v in data.items() if k != "observations"})
    head.line, head.key_lines = data.line, data.key_lines
    header = reader.record(_Header, head, data.line)
    locality = header.locality if header else stem
    if header and header.locality != stem:
        reader.problem(
            data.key_lines["locality"],
            f"locality '{header.locality}' does not match the file name '{stem}.yaml'. "
            "Rename the file or fix the id.",
        )
    result = []
    for item in data["observations"]:
        line = getattr(item, "line", data.line)
        observation = reader.record(
            Observation, item, line, locality=locality, where=f"{file.path}:{line}"
        )
        if observation is not None:
            result.append(observation)
    problems += reader.problems
    return result


@dataclasses.dataclass(frozen=True)
class _Header:
    locality: str = dataclasses.field(
        metadata=ObservationFile.__dataclass_fields__["locality"].metadata
    )


def _check_localities(
    localities: dict[str, Locality], sources, file: YAMLFile | None
) -> Iterable[Problem]:
    where = _lines_by_id(file)
    for locality in localities.values():
        problem = _problem_at(file, where.get(locality.id, 0))
        if locality.parent is not None:
            parent = localities.get(locality.parent)
            if parent is None:
                yield problem(
                    f"parent '{locality.parent}' is not a locality. Add it or fix the id."
                )
            elif LEVELS.index(parent.level) >= LEVELS.index(locality.level):
                yield problem(
                    f"parent '{parent.id}' is a {parent.level}, not above a {locality.level}. Fix the parent or the level."
                )
        elif locality.level != "province":
            yield problem(f"a {locality.level} needs a parent. Add 'parent: <id>'.")
        for successor in locality.successor:
            if successor not in localities:
                yield problem(f"successor '{successor}' is not a locality. Add it or fix the id.")
            elif successor == locality.id:
                yield problem("a unit cannot be its own successor. Fix 'successor'.")
        if locality.dissolved and not locality.successor:
            yield problem(
                "a dissolved unit needs 'successor: [<id>, …]'. Add the unit(s) it became."
            )
        if locality.successor and not locality.dissolved:
            yield problem(
                "'successor' is set but 'dissolved' is not. Add the date it was dissolved."
            )
        if (locality.dissolved or locality.established) and not locality.reform_source:
            yield problem(
                "a unit that was established or dissolved needs 'reform_source: <source id>'."
            )
        if locality.reform_source and _unknown(sources, locality.reform_source):
            yield problem(
                f"reform_source '{locality.reform_source}' is not a source. Add it to data/sources.yaml."
            )
        if (
            locality.established
            and locality.dissolved
            and locality.dissolved <= locality.established
        ):
            yield problem("'dissolved' is not after 'established'. Check the dates.")


def _check_indicators(indicators: dict[str, Indicator], sources, config, file) -> Iterable[Problem]:
    where = _lines_by_id(file)
    pillars = {pillar.id for pillar in config.pillars} if config else set()
    for indicator in indicators.values():
        problem = _problem_at(file, where.get(indicator.id, 0))
        if config and indicator.pillar not in pillars:
            yield problem(
                f"pillar '{indicator.pillar}' is not in site.yaml. Use one of: {', '.join(sorted(pillars))}."
            )
        target = indicator.target
        if target is None:
            continue
        if _unknown(sources, target.source):
            yield problem(
                f"target source '{target.source}' is not a source. Add it to data/sources.yaml."
            )
        if indicator.unit == "percent" and not 0 <= target.value <= 100:
            yield problem(
                f"target {target.value:g} is not a percent between 0 and 100. Fix the value."
            )


def _check_observations(
    observations, localities, indicators, sources, indicators_read
) -> Iterable[Problem]:
    seen: dict[tuple, str] = {}
    for obs in observations:
        path, line = obs.where.rsplit(":", 1)

        def problem(message: str, line: int = int(line), path: str = path) -> Problem:
            return Problem(path, line, message)

        if _unknown(localities, obs.locality):
            yield problem(
                f"locality '{obs.locality}' is not in data/localities.yaml. Add it or fix the id."
            )
        if _unknown(sources, obs.source):
            yield problem(
                f"source '{obs.source}' is not in data/sources.yaml. Add it or fix the id."
            )
        indicator = indicators_read.get(obs.indicator)
        if _unknown(indicators, obs.indicator):
            yield problem(
                f"indicator '{obs.indicator}' is not in data/indicators.yaml. Add it or fix the id."
            )
        key = (obs.locality, obs.indicator, obs.kind, obs.period.text)
        if key in seen:
            kind = "an actual" if obs.kind == "actual" else "a target"
            yield problem(
                f"{kind} figure for '{obs.indicator}' in {obs.period.text} is already at "
                f"{seen[key]}. Keep one, or fix the period."
            )
        seen.setdefault(key, obs.where)
        if indicator is not None:
            yield from (problem(message) for message in _value_problems(obs, indicator))


def _value_problems(obs: Observation, indicator: Indicator) -> Iterable[str]:
    """What is wrong with a figure's value and fraction, for its indicator's unit."""
    numerator, denominator, value = obs.numerator, obs.denominator, obs.value
    if indicator.unit == "count" and (numerator is not None or denominator is not None):
        yield "a count has no fraction: write the number in 'value' and leave out numerator and denominator."
        return
    if indicator.unit == "rank" and numerator is not None:
        yield "a rank has no numerator: write 'value: 1' and 'denominator: 63' for '1/63'."
        return
    if indicator.unit != "rank" and (numerator is None) != (denominator is None):
        yield "give both 'numerator' and 'denominator', or neither."
        return
    if value is None and numerator is None:
        yield "missing field 'value'. Add the figure, or its numerator and denominator."
        return
    if denominator is not None and denominator <= 0:
        yield f"denominator {denominator:g} must be more than 0. Fix it."
        return
    if indicator.unit == "percent":
        if value is not None and not 0 <= value <= 100:
            yield f"value {value:g} is not a percent between 0 and 100. Fix the value."
        if numerator is not None and numerator > denominator:
            yield f"numerator {numerator:g} is larger than denominator {denominator:g}. Check the fraction."
        elif numerator is not None and value is not None:
            computed = 100 * numerator / denominator
            if abs(computed - value) > _half_unit(value) + 1e-9:
                yield (
                    f"value {value:g}% disagrees with {numerator:g}/{denominator:g} = "
                    f"{computed:.2f}%. Check the value and the fraction."
                )
    elif indicator.unit == "count" and value is not None and value != int(value):
        yield (
            f"value {value:g} is not a whole number, but '{indicator.id}' counts things. "
            "In Vietnamese '9.489' means 9489: write it without the dot."
        )
    elif indicator.unit == "rank" and value is not None:
        if value < 1 or value != int(value):
            yield f"rank {value:g} must be a whole number from 1. Fix the value."
        elif denominator is not None and value > denominator:
            yield f"rank {value:g} is beyond the {denominator:g} units ranked. Check the figure."


def _half_unit(value: float) -> float:
    """Half a unit of the last decimal written: 79 allows ±0.5, 35.4 allows ±0.05."""
    text = repr(value)
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0
    return 0.5 * 10**-decimals


def _documents(files: list[TextFile], languages, problems, known) -> dict[tuple[str, str], Any]:
    documents = {}
    for file in files:
        name = PurePosixPath(file.path).name
        stem, _, language = name.removesuffix(".md").rpartition(".")
        if language not in languages or not stem:
            problems.append(
                Problem(
                    file.path,
                    0,
                    f"name it '<id>.<language>.md' with a language of the site ({', '.join(languages)}).",
                )
            )
            continue
        if known is not None and stem not in known:
            problems.append(
                Problem(
                    file.path,
                    0,
                    f"'{stem}' is not a locality. Rename the file or add the locality.",
                )
            )
            continue
        document = content.parse_document(file.path, file.text, problems)
        if known is None and not document.title:
            problems.append(
                Problem(
                    file.path,
                    1,
                    "a page needs a title. Add front matter: '---', 'title: …', '---'.",
                )
            )
        documents[stem, language] = document
    return documents


def _report_missing(problems: list[Problem], narratives, pages, observations, languages) -> None:
    """Add the missing narratives and pages, except files already reported (unreadable ones)."""
    reported = {problem.path for problem in problems}
    missing = _missing_documents(narratives, pages, observations, languages)
    problems += (problem for problem in missing if problem.path not in reported)


def _missing_documents(narratives, pages, observations, languages) -> Iterable[Problem]:
    with_figures = sorted({obs.locality for obs in observations})
    for language in languages:
        for locality in with_figures:
            if (locality, language) not in narratives:
                path = f"content/localities/{locality}.{language}.md"
                yield Problem(
                    path,
                    0,
                    f"narrative is missing: '{locality}' has figures. Write it in '{language}'.",
                )
        for page in REQUIRED_PAGES:
            if (page, language) not in pages:
                yield Problem(
                    f"content/pages/{page}.{language}.md",
                    0,
                    f"page is missing. Write the '{page}' page in '{language}'.",
                )


def _ids_written(file: YAMLFile | None) -> set[str] | None:
    return set(_lines_by_id(file)) if file is not None else None


def _unknown(known: set[str] | None, key: str) -> bool:
    """True when `key` is missing from a collection that was read (None: could not be read)."""
    return known is not None and key not in known


def _lines_by_id(file: YAMLFile | None) -> dict[str, int]:
    if file is None or not isinstance(file.data, Sequence):
        return {}
    return {
        item["id"].text: item.line
        for item in file.data
        if isinstance(item, Mapping) and hasattr(item.get("id"), "text")
    }


def _problem_at(file: YAMLFile | None, line: int):
    path = file.path if file else "?"
    return lambda message: Problem(path, line, message)


def _locality_of(obs: Observation) -> str:
    return obs.locality


def _observation_order(obs: Observation) -> tuple:
    return (obs.locality, obs.indicator, obs.kind, obs.period.end, obs.period.start)


def _with_computed_value(obs: Observation, indicators: dict[str, Indicator]) -> Observation:
    """Fill in the value of a figure published only as a fraction (72/78 → 92.31%)."""
    if obs.value is not None or obs.numerator is None or not obs.denominator:
        return obs
    unit = indicators[obs.indicator].unit
    scale = 100 if unit == "percent" else 1
    return dataclasses.replace(
        obs, value=round(scale * obs.numerator / obs.denominator, 2), computed=True
    )
