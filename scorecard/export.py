"""Open data: the observations as CSV and everything as JSON, byte-identical for the same input."""

from __future__ import annotations

import csv
import dataclasses
import io
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
    """Everything: settings, localities, indicators, sources, figures with status, disclosure."""
    data = {
        "site": _plain(site.config),
        "localities": [_plain(locality) for locality in site.localities.values()],
        "indicators": [_plain(indicator) for indicator in site.indicators.values()],
        "sources": [_plain(source) for source in site.sources.values()],
        "observations": [
            {
                **_plain(obs),
                "status": status(obs, site.indicators[obs.indicator])
                if obs.kind == "actual"
                else None,
            }
            for obs in site.observations
        ],
        "disclosure": {
            locality_id: {pillar: dataclasses.asdict(d) for pillar, d in result.disclosure.items()}
            for locality_id, result in scores.localities.items()
        },
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _plain(record: Any) -> Any:
    """A dataclass as JSON-ready data, without the internal bookkeeping fields."""
    if dataclasses.is_dataclass(record):
        return {
            f.name: _plain(getattr(record, f.name))
            for f in dataclasses.fields(record)
            if f.name != "where"  # a file:line of the repository, not data
        }
    if isinstance(record, tuple | list):
        return [_plain(item) for item in record]
    if isinstance(record, dict):
        return {key: _plain(value) for key, value in record.items()}
    if isinstance(record, date):
        return record.isoformat()
    return record


def _number(value: float | None) -> str:
    """12002 rather than 12002.0; empty when missing (never 0)."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)
