"""Open data: the observations as CSV and everything as JSON, byte-identical for the same input."""

from __future__ import annotations

import csv
import dataclasses
import functools
import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any

import orjson

from .model import Period, Site
from .score import Scores, status

CSV_COLUMNS = (
    "locality_id", "locality_name_vi", "level", "indicator_id", "indicator_name_vi", "kind",
    "qualifier", "value", "unit", "numerator", "denominator", "period", "source_id",
    "source_title", "source_publisher", "source_url", "quote",
)  # fmt: skip
CSV_HEADER = ",".join(CSV_COLUMNS) + "\n"


def observations_csv(site: Site, rows: Iterable[str] | None = None) -> bytes:
    """The figures, one row each, with names and sources spelled out for spreadsheet users;
    `rows`, when given, are some of `csv_rows`: a locality's CSV is made of its own."""
    return (CSV_HEADER + "".join(csv_rows(site) if rows is None else rows)).encode("utf-8")


def csv_rows(site: Site) -> list[str]:
    """Each figure's CSV line, in the order of `site.observations`: made once for the CSV of
    every figure and those of each locality (100,000 lines at country scale)."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\n")
    for obs in site.observations:
        locality = site.localities[obs.locality]
        indicator = site.indicators[obs.indicator]
        source = site.sources[obs.source]
        writer.writerow((
            locality.id, locality.name["vi"], locality.level, indicator.id, indicator.name["vi"],
            obs.kind, obs.qualifier, _number(obs.value), indicator.unit, _number(obs.numerator),
            _number(obs.denominator), obs.period.text, source.id, source.title, source.publisher,
            source.url or "", obs.quote,
        ))  # fmt: skip
    return lines


class _Lines(list):
    """What a csv.writer writes into: one line per row."""

    write = list.append


def scorecard_json(site: Site, scores: Scores) -> bytes:
    """Everything: settings, localities, indicators, sources, figures with status, disclosure.

    Compact, and encoded a thousand records at a time by json's C encoder: at country scale
    (100,000 figures), the whole document made as Python objects, then indented (which json
    encodes in pure Python), took 4 s and raised the build's peak memory by 480 MB."""
    sections: dict[str, Any] = {
        "site": site.config,
        "localities": site.localities.values(),
        "indicators": site.indicators.values(),
        "sources": site.sources.values(),
        "observations": (
            {
                **_fields(obs),
                "period": _period(obs.period),
                "status": status(obs, site.indicators[obs.indicator])
                if obs.kind == "actual"
                else None,
            }
            for obs in site.observations
        ),
        "disclosure": {
            locality_id: result.disclosure for locality_id, result in scores.localities.items()
        },
    }
    chunks = []
    for index, name in enumerate(sorted(sections)):
        chunks.append((b"{" if index == 0 else b",") + _encode(name) + b":")
        value = sections[name]
        if isinstance(value, dict) or dataclasses.is_dataclass(value):
            chunks.append(_encode(value))
            continue
        items, separator = iter(value), b"["
        while batch := list(itertools.islice(items, BATCH)):  # a thousand records at a time
            chunks.append(separator + _encode(batch)[1:-1])
            separator = b","
        chunks.append(b"]" if separator == b"," else b"[]")
    chunks.append(b"}\n")
    return b"".join(chunks)


BATCH = 1000  # records encoded at once: each call of the encoder costs as much as 20 records


def _fields(record: Any) -> dict[str, Any]:
    """A dataclass's fields, without the internal bookkeeping ones; the encoder does the rest."""
    return {name: getattr(record, name) for name in _names(type(record))}


@functools.cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.name != "where")  # a file:line


@functools.lru_cache(maxsize=1 << 12)
def _period(period: Period) -> dict[str, str]:
    """A period's fields, made once for the thousands of figures of the same period."""
    fields = _fields(period).items()
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in fields}


def _json_ready(value: Any) -> Any:
    """What the encoder cannot write itself: dataclasses (as their fields) and dates."""
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return _fields(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _encode(value: Any) -> bytes:
    """Compact UTF-8 JSON, keys sorted, as Python's encoder writes it (but for the numbers that
    `charts._script_safe` names), by orjson: a country's 100,000 figures in 0.55 s, not 1.2 s."""
    return orjson.dumps(value, default=_json_ready, option=_OPTIONS)


_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
"""Records and dates handed to `_json_ready`, as Python's encoder does."""


def _number(value: float | None) -> str:
    """12002 rather than 12002.0; empty when missing (never 0)."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)
