"""Locale formatting and Vietnamese order."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import yaml
from babel.numbers import format_decimal

from scorecard import i18n
from scorecard.fields import _bounds
from scorecard.i18n import Locale, catalogues, collation_key, missing_messages
from scorecard.model import Period

MESSAGES = {
    "unit.percent": "{value}%", "format.date": "d/M/y", "format.month": "M/y",
    "period.as_of": "tính đến {date}", "qualifier.over": "trên {value}",
}  # fmt: skip
ENGLISH = {
    **MESSAGES, "format.date": "d MMMM y", "format.month": "MMMM y", "period.as_of": "as of {date}",
    "qualifier.over": "over {value}",
}  # fmt: skip


def period(text):
    start, _ = _bounds(text.split("/")[0])
    _, end = _bounds(text.split("/")[-1])
    return Period(end=end, start=start, text=text)


def test_numbers_follow_the_locale():
    vi, en = Locale("vi", MESSAGES, MESSAGES), Locale("en", ENGLISH, MESSAGES)
    assert vi.number(12002) == "12.002" and en.number(12002) == "12,002"
    assert vi.value(99.8, "percent") == "99,8%" and en.value(99.8, "percent") == "99.8%"
    assert (
        vi.qualified(99, "percent", "over") == "trên 99%"
        and en.qualified(99, "percent", "over") == "over 99%"
    )


def test_numbers_are_written_as_babel_writes_them():
    """`_decimal` writes most numbers without Babel: it must write every one as Babel does."""
    draw = random.Random(7)
    values = [0, 0.0, -0.0, 1, 999, 1000, 0.005, 0.015, 0.025, 2.675, 1e-7, 1e21, 123456789.125,
              -1234.5, -0.001, float("inf"), float("nan"), 10**24, 0.1 + 0.2]  # fmt: skip
    values += [
        round(draw.uniform(0, 10 ** draw.randint(0, 9)), draw.randint(0, 4)) for _ in range(3000)
    ]
    values += [draw.randint(0, 10**12) for _ in range(500)]
    written = i18n._decimal.__wrapped__  # uncached: the cache takes -0.0 for 0, as 0 == -0.0
    for language in ("vi", "en"):
        for decimals in (0, 1, 2, 3):
            pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
            for value in values:
                expected = format_decimal(value, format=pattern, locale=language)
                assert written(value, decimals, language) == expected, (value, decimals)


def test_dates_and_periods():
    vi, en = Locale("vi", MESSAGES, MESSAGES), Locale("en", ENGLISH, MESSAGES)
    assert vi.date(date(2024, 7, 30)) == "30/7/2024"
    assert en.date(date(2024, 7, 30)) == "30 July 2024"
    assert vi.period(period("2023-01/2023-10")) == "1/2023 – 10/2023"
    assert en.period(period("2024-07-30")) == "as of 30 July 2024"
    assert vi.period(period("2022")) == "2022"


def test_missing_message_falls_back_and_is_listed():
    vi, en = {"a": "A", "b": "B"}, {"a": "A"}
    assert Locale("en", en, vi).t("b") == "B"
    assert missing_messages({"vi": vi, "en": en}, "vi") == ["en: b"]


def test_vietnamese_collation():
    names = ["Đô Lương", "Dương", "Đakrông", "Bạch Hà", "Ba Lòng", "Bà", "An", "Ăn", "Ân"]
    assert sorted(names, key=collation_key) == [
        "An",
        "Ăn",
        "Ân",
        "Bà",
        "Ba Lòng",
        "Bạch Hà",
        "Dương",
        "Đakrông",
        "Đô Lương",
    ]


def test_real_catalogues_are_complete():
    root = Path(__file__).resolve().parent.parent
    trees = {
        lang: yaml.safe_load((root / "locales" / f"{lang}.yaml").read_text(encoding="utf-8"))
        for lang in ("vi", "en")
    }
    assert missing_messages(catalogues(trees, ("vi", "en")), "vi") == []
