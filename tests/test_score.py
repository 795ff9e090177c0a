"""Scoring rules as the methodology page states them."""

from __future__ import annotations

from datetime import date

import pytest

from scorecard.build import check
from scorecard.model import Indicator, Observation, Period, Target
from scorecard.score import score, status

PERIOD = Period(end=date(2023, 12, 31), start=date(2023, 1, 1), text="2023")


def indicator(target=80.0, qualifier="exact", direction="higher"):
    return Indicator(
        id="x", pillar="p", name={}, description={}, unit="percent", direction=direction,
        target=Target(value=target, year=2025, source="s", qualifier=qualifier) if target is not None else None,
    )  # fmt: skip


def figure(value, qualifier="exact"):
    return Observation(
        indicator="x", period=PERIOD, source="s", quote="q", value=value, qualifier=qualifier
    )


@pytest.mark.parametrize(
    ("value", "qualifier", "target_qualifier", "expected"),
    [
        (80, "exact", "exact", "met"),
        (80, "exact", "over", "close"),  # "over 80%" needs more than 80
        (80, "over", "over", "met"),  # "trên 80%" exceeds 80
        (80, "nearly", "exact", "close"),  # "gần 80%" is just under 80
        (88, "nearly", "exact", "met"),
        (72, "exact", "exact", "close"),  # within 10% of the target
        (71.9, "exact", "exact", "behind"),
        (35.4, "exact", "exact", "behind"),
    ],
)
def test_status_against_target(value, qualifier, target_qualifier, expected):
    assert status(figure(value, qualifier), indicator(qualifier=target_qualifier)) == expected


def test_no_target():
    assert status(figure(50), indicator(target=None)) == "no-target"


def test_lower_is_better():
    assert status(figure(5), indicator(target=10, direction="lower")) == "met"
    assert status(figure(11), indicator(target=10, direction="lower")) == "close"
    assert status(figure(20), indicator(target=10, direction="lower")) == "behind"


def test_disclosure_counts_only_published_scored_indicators(project):
    site = check(project.root)
    result = score(site)
    assert result.localities["huyen-b"].disclosure["infrastructure"].published == 1
    assert (
        result.localities["huyen-b"].disclosure["infrastructure"].catalogue == 1
    )  # 'posts' is not scored
    assert (
        result.localities["xa-c"].disclosure["infrastructure"].published == 0
    )  # missing is not zero


def test_ranks_only_within_a_level(real_build):
    ranking = real_build.scores.ranking["dossiers-on-time"]
    for level, rows in ranking.items():
        assert {real_build.site.localities[locality_id].level for locality_id, _, _ in rows} == {
            level
        }
        values = [obs.value for _, obs, _ in rows]
        assert values == sorted(values, reverse=True)


def test_latest_figure_is_the_most_recent_period(real_build):
    history = real_build.scores.localities["thi-xa-quang-tri"].history["dossiers-on-time"]
    assert [obs.period.text for obs in history] == ["2022", "2023-01/2023-10"]
    assert real_build.scores.localities["thi-xa-quang-tri"].latest["dossiers-on-time"].value == 99.9
