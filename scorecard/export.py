"""Open data: the observations as CSV and everything as JSON, byte-identical for the same input."""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import itertools
import json
from datetime import date
from typing import Any

from .model import Observation, Site
from .score import Scores, status

CSV_COLUMNS = (
    "locality_id", "locality_name_vi", "level", "indicator_id", "indicator_name_vi", "kind",
    "qualifier", "value", "unit", "numerator", "denominator", "period", "source_id",
    "source_title", "source_publisher", "source_url", "quote",
)  # fmt: skip


def observations_csv(site: Site, observations: tuple[Observation, ...] | None = None) -> bytes:
    """The figures, one row each, with names and sources spelled out for spreadsheet users."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for obs in site.observations if observations is None else observations:
        locality = site.localities[obs.locality]
        indicator = site.indicators[obs.indicator]
        source = site.sources[obs.source]
        writer.writerow((
            locality.id, locality.name["vi"], locality.level, indicator.id, indicator.name["vi"],
            obs.kind, obs.qualifier, _number(obs.value), indicator.unit, _number(obs.numerator),
            _number(obs.denominator), obs.period.text, source.id, source.title, source.publisher,
            source.url or "", obs.quote,
        ))  # fmt: skip
    return buffer.getvalue().encode("utf-8")


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
        chunks.append((("{" if index == 0 else ",") + _encode(name) + ":").encode())
        value = sections[name]
        if isinstance(value, dict) or dataclasses.is_dataclass(value):
            chunks.append(_encode(value).encode())
            continue
        items, separator = iter(value), b"["
        while batch := list(itertools.islice(items, BATCH)):  # a thousand records at a time
            chunks.append(separator + _encode(batch)[1:-1].encode())  # UTF-8: half a str's size
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


def _json_ready(value: Any) -> Any:
    """What the encoder cannot write itself: dataclasses (as their fields) and dates."""
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return _fields(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encode = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_ready
).encode


def _number(value: float | None) -> str:
    """12002 rather than 12002.0; empty when missing (never 0)."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)
