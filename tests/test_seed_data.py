"""The real data: the seed articles' figures, recorded as the articles word them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scorecard.build import check

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def site():
    return check(ROOT)


def find(site, locality, indicator, kind="actual"):
    matches = [
        obs
        for obs in site.observations
        if (obs.locality, obs.indicator, obs.kind) == (locality, indicator, kind)
    ]
    assert len(matches) >= 1, f"no {kind} {indicator} for {locality}"
    return matches


@pytest.mark.parametrize(
    ("locality", "indicator", "value", "qualifier", "period"),
    [
        ("huyen-dakrong", "households-smartphone", 79, "exact", "2023"),
        ("huyen-dakrong", "working-age-smartphone", 78, "exact", "2023"),
        ("huyen-dakrong", "households-fibre", 35.4, "exact", "2023"),
        ("huyen-dakrong", "villages-4g", 94.87, "exact", "2023"),
        ("huyen-dakrong", "dossiers-on-time", 98.16, "exact", "2023-01/2023-10"),
        ("thi-xa-quang-tri", "dossiers-on-time", 99.8, "exact", "2022"),
        ("thi-xa-quang-tri", "dossiers-on-time", 99.9, "exact", "2023-01/2023-10"),
        ("tinh-quang-ngai", "records-online-province", 99, "over", "2024"),
        ("tinh-quang-ngai", "records-online-district", 88, "nearly", "2024"),
        ("tinh-quang-ngai", "ecommerce-retail-share", 9, "about", "2024"),
        ("tinh-quang-binh", "records-online-commune", 80, "exact", None),
        ("tinh-quang-binh", "dossiers-paid-online", 58.77, "exact", None),
    ],
)
def test_seed_figures(site, locality, indicator, value, qualifier, period):
    matches = find(site, locality, indicator)
    chosen = [obs for obs in matches if period is None or obs.period.text == period]
    assert chosen, [obs.period.text for obs in matches]
    assert (chosen[0].value, chosen[0].qualifier) == (value, qualifier)


def test_fractions_are_kept_as_published(site):
    (smartphones,) = find(site, "huyen-dakrong", "households-smartphone")
    assert (smartphones.numerator, smartphones.denominator) == (9489, 12002)
    (fixed,) = find(site, "huyen-dakrong", "villages-fixed-broadband")
    assert (fixed.numerator, fixed.denominator, fixed.computed) == (72, 78, True)


def test_goals_are_targets_not_achievements(site):
    targets = find(site, "huyen-do-luong", "dossiers-online", kind="target")
    assert targets[0].value == 80 and targets[0].qualifier == "at_least"
    assert all(obs.kind == "target" for obs in targets)
    assert not [
        obs
        for obs in site.observations
        if obs.locality == "huyen-do-luong"
        and obs.indicator == "dossiers-online"
        and obs.kind == "actual"
    ]


def test_reform_is_recorded(site):
    dakrong = site.localities["huyen-dakrong"]
    assert str(dakrong.dissolved) == "2025-07-01"
    assert len(dakrong.successor) == 5
    assert site.localities["tinh-quang-binh"].successor == ("tinh-quang-tri-2025",)
    assert site.localities["tinh-nghe-an"].dissolved is None


@pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the seed articles are beside the repository in ../shared"
)
def test_every_quote_is_verbatim(site):
    articles = [
        re.sub(r"\s+", " ", path.read_text(encoding="utf-8")) for path in SEEDS.glob("*.txt")
    ]
    for obs in site.observations:
        quote = re.sub(r"\s+", " ", obs.quote)
        assert any(quote in article for article in articles), (
            f"{obs.where}: quote not found in the seeds"
        )
