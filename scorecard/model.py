"""The scorecard's model: what editors write, typed. Each field's `doc` is what it means to them.

`validate` reads YAML into these classes field by field, and `schema` turns the same fields into
JSON Schemas, so the documentation, the validator and the editor's autocompletion cannot drift.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NewType

Slug = NewType("Slug", str)
"""A lowercase ASCII id: letters, digits and single hyphens."""
Url = NewType("Url", str)
"""An absolute http(s) URL."""
Text = NewType("Text", dict)
"""Text in every language of the site: `{vi: …, en: …}`."""

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
Level = Literal["province", "district", "commune"]
LEVELS: tuple[Level, ...] = ("province", "district", "commune")
Unit = Literal["percent", "count", "ratio", "rank"]
Qualifier = Literal["exact", "over", "at_least", "nearly", "about"]
Kind = Literal["actual", "target"]


def field(doc: str, default: Any = dataclasses.MISSING, internal: bool = False) -> Any:
    """A dataclass field documented for editors; `internal` fields are not read from YAML."""
    if isinstance(default, list | dict):
        raise TypeError("use a tuple for a default sequence")
    return dataclasses.field(default=default, metadata={"doc": doc, "internal": internal})


@dataclass(frozen=True)
class Licence:
    id: str = field("SPDX id of the data licence, e.g. CC-BY-4.0.")
    name: str = field("Name of the licence as shown to readers.")
    url: Url = field("Link to the licence text.")


@dataclass(frozen=True)
class Pillar:
    id: Slug = field("Short id that indicators refer to.")
    name: Text = field("Name of the pillar in every language.")
    description: Text | None = field("What the pillar covers, in every language.", None)


@dataclass(frozen=True)
class SiteConfig:
    title: Text = field("Title of the site in every language.")
    description: Text = field("One-sentence description of the site in every language.")
    base_url: Url = field("Absolute URL where the site is published, ending with '/'.")
    languages: tuple[str, ...] = field("Language codes; the first is the default, served at '/'.")
    repository: Url = field("URL of the source repository (edit links, correction form).")
    licence: Licence = field("Licence of the data.")
    pillars: tuple[Pillar, ...] = field("The pillars of digital transformation, in page order.")
    branch: str = field(
        "The repository's branch that the site is published from (edit links).", "main"
    )


@dataclass(frozen=True)
class Locality:
    id: Slug = field("Unique id, by convention unit type and name: 'huyen-dakrong'.")
    name: Text = field("Official name with its unit type, with diacritics in every language.")
    level: Level = field(
        "province, district (huyện, thị xã, thành phố) or commune (xã, phường, thị trấn)."
    )
    parent: Slug | None = field("Id of the unit this one belonged to; empty for a province.", None)
    code: str | None = field("Official administrative code, as text.", None)
    established: date | None = field("Date the unit came into being, if recent.", None)
    dissolved: date | None = field("Date the unit ceased to exist.", None)
    successor: tuple[Slug, ...] = field("Ids of the units that took over its territory.", ())
    reform_source: Slug | None = field("Source id for its establishment or dissolution.", None)
    note: Text | None = field("Short note shown on its page, in every language.", None)

    @property
    def exists(self) -> bool:
        return self.dissolved is None


@dataclass(frozen=True)
class Target:
    value: float = field("The national target value.")
    year: int = field("Year by which the target is to be reached.")
    source: Slug = field("Source id of the decision that sets it.")
    qualifier: Literal["exact", "over"] = field(
        "'over' when the target is to exceed the value.", "exact"
    )
    quote: str | None = field("The decision's exact phrase that sets the target.", None)


@dataclass(frozen=True)
class Indicator:
    id: Slug = field("Unique id.")
    pillar: Slug = field("Pillar id from site.yaml.")
    name: Text = field("Short name in every language.")
    description: Text = field("What is measured, over what base, in every language.")
    unit: Unit = field("percent (0–100), count, ratio, or rank (1 is best).")
    direction: Literal["higher", "lower"] = field("Which way is better.")
    scored: bool = field(
        "Part of the scorecard catalogue (disclosure is computed over these).", True
    )
    levels: tuple[Level, ...] = field("Levels of unit that can publish it; default all.", LEVELS)
    target: Target | None = field("National target from an official decision.", None)


@dataclass(frozen=True)
class Source:
    id: Slug = field("Unique id.")
    title: str = field("Title as published.")
    publisher: str = field("Who published it.")
    type: Literal["press", "official", "statistics"] = field("press, official or statistics.")
    short: str | None = field("Short name for citations in tables, e.g. 'QĐ 749/QĐ-TTg'.", None)
    author: str | None = field("Author, if named.", None)
    url: Url | None = field("Link; leave empty when the source gives none. Never invent one.", None)
    published: date | None = field("Publication date; leave empty when not given.", None)
    language: str = field("Language code of the source.", "vi")
    note: Text | None = field("How a date was inferred, what the source covers.", None)


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """What a figure covers: a year, a month, a range, or a day ("as of")."""

    end: date
    start: date
    text: str

    @property
    def kind(self) -> str:
        if "/" in self.text:
            return "range"
        return {4: "year", 7: "month"}.get(len(self.text), "day")


@dataclass(frozen=True, slots=True)
class Observation:
    indicator: Slug = field("Indicator id.")
    period: Period = field("What the figure covers: 2022, 2023-10, 2023-01/2023-10 or 2024-07-30.")
    source: Slug = field("Source id.")
    quote: str = field("The exact phrase of the source that holds the figure.")
    value: float | None = field(
        "The figure as published; computed when only a fraction is given.", None
    )
    kind: Kind = field("actual (achieved) or target (a goal the locality set itself).", "actual")
    qualifier: Qualifier = field(
        "exact, over, at_least, nearly or about, as the source words it.", "exact"
    )
    numerator: float | None = field("Numerator of the fraction as published (74 in '74/78').", None)
    denominator: float | None = field(
        "Denominator of the fraction as published (78 in '74/78').", None
    )
    note: Text | None = field(
        "Base differences, how a period was inferred, in every language.", None
    )
    locality: Slug = field("Locality id (from the file).", Slug(""), internal=True)
    computed: bool = field("The value was computed from the fraction.", False, internal=True)
    where: str = field("file:line of the observation, for messages.", "", internal=True)


@dataclass(frozen=True)
class ObservationFile:
    locality: Slug = field(
        "Id of the locality these figures are about; the file is named after it."
    )
    observations: tuple[Observation, ...] = field("The figures.")


@dataclass(frozen=True)
class Document:
    """A Markdown narrative or page, shown as sanitized HTML."""

    title: str
    summary: str
    markdown: str
    path: str

    @functools.cached_property
    def html(self) -> str:
        """Made when a page first shows it: in the worker that renders the page, since 12,000
        narratives take seconds to convert at country scale."""
        from .content import to_html  # content reads the model

        return to_html(self.markdown)


@dataclass(frozen=True)
class Site:
    """Everything the pages are made from, validated and consistent."""

    config: SiteConfig
    localities: dict[str, Locality]
    indicators: dict[str, Indicator]
    sources: dict[str, Source]
    observations: tuple[Observation, ...]
    narratives: dict[tuple[str, str], Document]
    pages: dict[tuple[str, str], Document]

    @property
    def default_language(self) -> str:
        return self.config.languages[0]
