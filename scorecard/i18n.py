"""Languages: message catalogues, locale formatting (Babel) and Vietnamese collation.

Every interface string comes from `locales/<lang>.yaml`; a string missing in a language falls
back to the default language, and `missing_messages` lists it for `build.py check`.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.dates import format_date
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from .model import Period

_QUALIFIER_KEYS = {
    "over": "qualifier.over",
    "at_least": "qualifier.at_least",
    "nearly": "qualifier.nearly",
    "about": "qualifier.about",
}


def catalogues(trees: dict[str, dict], languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Each language's messages as flat keys like 'nav.overview'."""
    return {language: _flatten(trees.get(language, {})) for language in languages}


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def missing_messages(catalogues: dict[str, dict[str, str]], default: str) -> list[str]:
    """'en: nav.overview' for each key the default language has and another lacks."""
    return [
        f"{language}: {key}"
        for language, messages in catalogues.items()
        if language != default
        for key in sorted(catalogues[default].keys() - messages.keys())
    ]


@dataclass(frozen=True)
class Locale:
    """What a page needs to speak its language: messages and number/date formats."""

    code: str
    messages: dict[str, str]
    fallback: dict[str, str]

    def t(self, key: str, **values: object) -> str:
        """The message for `key`, with `{name}` placeholders filled in."""
        message = self.messages.get(key) or self.fallback.get(key)
        if message is None:
            raise KeyError(f"message '{key}' is in no catalogue: add it to locales/*.yaml")
        return message.format(**values) if values else message

    @functools.cached_property
    def words(self) -> dict[str, str]:
        """Every message without placeholders, for templates: `lang.words['nav.overview']`
        costs a page a lookup where `lang.t('nav.overview')` costs a call, hundreds a page."""
        return self.fallback | {key: message for key, message in self.messages.items() if message}

    def text(self, texts: dict[str, str] | None) -> str:
        """An editor's `{vi, en}` text in this language."""
        return "" if texts is None else texts[self.code]

    def number(self, value: float | None, decimals: int = 2) -> str:
        if value is None:
            return ""
        return _decimal(value, decimals, self.code)

    def value(self, value: float | None, unit: str) -> str:
        """A figure with its unit: '99,8%' in Vietnamese, '99.8%' in English."""
        if value is None:
            return ""
        if unit == "percent":
            return self.t("unit.percent", value=self.number(value))
        return self.number(value)

    def qualified(self, value: float | None, unit: str, qualifier: str) -> str:
        """A figure as published: 'trên 99%', 'nearly 88%'."""
        shown = self.value(value, unit)
        key = _QUALIFIER_KEYS.get(qualifier)
        return self.t(key, value=shown) if key else shown

    def date(self, day: date | None) -> str:
        return _date(day, self.t("format.date"), self.code) if day else ""

    def period(self, period: Period) -> str:
        """'2022', '10/2023', '1/2023 – 10/2023', 'tính đến 30/7/2024'."""
        if period.kind == "year":
            return period.text
        if period.kind == "month":
            return _date(period.start, self.t("format.month"), self.code)
        if period.kind == "day":
            return self.t("period.as_of", date=self.date(period.end))
        start, end = period.text.split("/")
        return f"{self._bound(start, period.start)} – {self._bound(end, period.end)}"

    def _bound(self, text: str, day: date) -> str:
        if len(text) == 4:
            return text
        pattern = self.t("format.month") if len(text) == 7 else self.t("format.date")
        return _date(day, pattern, self.code)


@functools.lru_cache(maxsize=1 << 16)  # pages repeat the same ones: ranks, counts, targets
def _decimal(value: float, decimals: int, language: str) -> str:
    """`value` as Babel's `format_decimal` writes it with the pattern '#,##0.##' (`decimals`
    digits at most), in a fifth of the time for a number that is neither negative nor too long:
    Babel takes 12 µs a number, and a country's pages hold 37,000 different ones."""
    try:
        exact = Decimal(str(value))
        if exact.is_signed() or not exact.is_finite():
            raise InvalidOperation
        # As Babel does: rounded half to even, then grouped by three and trailing zeros dropped.
        whole, _, fraction = f"{exact.normalize().quantize(_QUANTA[decimals]):f}".partition(".")
    except (InvalidOperation, IndexError, ValueError):
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=language)
    group, point = _separators(language)
    text = f"{int(whole):,}".replace(",", group)
    fraction = fraction.rstrip("0")
    return f"{text}{point}{fraction}" if fraction else text


_QUANTA = tuple(Decimal(1).scaleb(-digits) for digits in range(10))
"""The rounding step of 0 to 9 decimals, as Babel quantizes."""


@functools.cache
def _separators(language: str) -> tuple[str, str]:
    """The locale's thousands separator and decimal mark: '.' and ',' in Vietnamese."""
    return get_group_symbol(language), get_decimal_symbol(language)


@functools.lru_cache(maxsize=1 << 16)
def _date(day: date, pattern: str, language: str) -> str:
    """Babel takes about 0.1 ms a date (it parses the locale each time); periods recur."""
    return format_date(day, pattern, locale=language)


# Vietnamese alphabetical order: base letters (ă after a, đ after d…), then tone marks in the
# dictionary order ngang, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
           ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)  # names recur on many pages: each is decomposed once
def collation_key(text: str) -> tuple:
    """Sort key for Vietnamese: 'Dương' < 'Đakrông', 'Ba' < 'Bà' < 'Bạ' < 'Bạch'."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES and tones:
            tones[-1] = _TONES[char]
        elif letters and (letters[-1], char) in _SHAPED:
            letters[-1] = _SHAPED[letters[-1], char]
        else:
            letters.append(char)
            tones.append(0)
    ranks = tuple(
        _LETTER_RANK.get(letter, -1 if not letter.isalnum() else 100 + ord(letter))
        for letter in letters
    )
    return ranks, tuple(tones)
