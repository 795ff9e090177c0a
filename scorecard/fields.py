"""Read located YAML values into the model's dataclasses, field by field, collecting problems.

The type of each value comes from the dataclass annotation (see `model`), so `NO` in a text field
stays "NO" and `1.10` in a code stays "1.10". Every message says what is wrong and how to fix it.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from datetime import date
from typing import Any

from . import model
from .errors import Problem
from .yamlio import Mapping, Scalar, Sequence, Value

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_INTEGER = re.compile(r"[-+]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERIOD_PART = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


class Invalid(Exception):
    """A value does not fit its field; `line` is where, when known better than the field's."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


@functools.cache
def editor_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if not f.metadata.get("internal"))


class Reader:
    """Converts one file's values; problems accumulate in `problems` with this file's path."""

    def __init__(self, path: str, languages: tuple[str, ...]):
        self.path = path
        self.languages = languages
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def record(self, cls: type, value: Value, line: int, **extra: Any) -> Any:
        """A dataclass instance from a mapping, or None after reporting what is wrong."""
        if not isinstance(value, Mapping):
            self.problem(line, f"expected fields ({_field_list(cls)}), found {_describe(value)}.")
            return None
        known = _fields_by_name(cls)
        for key in value:
            if key not in known:
                hint = difflib.get_close_matches(key, known, n=1)
                fix = f"Did you mean '{hint[0]}'?" if hint else f"Known fields: {_field_list(cls)}."
                self.problem(value.key_lines[key], f"unknown field '{key}'. {fix}")
        arguments: dict[str, Any] = dict(extra)
        conversions = _conversions(cls)
        ok = True
        for name, spec in known.items():
            item = value.get(name)
            item_line = value.key_lines.get(name, value.line)
            if item is None:
                if spec.default is dataclasses.MISSING:
                    self.problem(
                        value.line, f"missing field '{name}' ({spec.metadata['doc']}). Add it."
                    )
                    ok = False
                continue
            try:
                arguments[name] = self.convert(conversions[name], item, item_line, name)
            except _Reported:
                ok = False
            except Invalid as error:
                self.problem(error.line or item_line, f"{name}: {error.message}")
                ok = False
        return cls(**arguments) if ok else None

    def convert(self, conversion: tuple[str, Any], value: Value, line: int, name: str) -> Any:
        """The value read as `conversion` says (`_conversion`)."""
        kind, detail = conversion
        if kind == "list":
            if not isinstance(value, Sequence):
                raise Invalid(f"expected a list like [a, b], found {_describe(value)}.")
            return self.items(detail, value, line, name)
        if kind == "record":
            result = self.record(detail, value, line)
            if result is None:
                raise _Reported()
            return result
        if kind == "text":
            return self.text(value, line)
        return detail(_scalar(value), self)

    def items(self, inner: Any, values: Sequence, line: int, name: str) -> tuple:
        """Every item of a list, reporting each bad one, so one mistake hides no other."""
        converted, failed = [], False
        conversion = _conversion(inner)
        for item in values:
            item_line = _line(item, line)
            try:
                converted.append(self.convert(conversion, item, item_line, name))
            except _Reported:
                failed = True
            except Invalid as error:
                self.problem(error.line or item_line, f"{name}: {error.message}")
                failed = True
        if failed:
            raise _Reported()
        return tuple(converted)

    def text(self, value: Value, line: int) -> dict[str, str]:
        if isinstance(value, Scalar):
            raise Invalid(
                f"expected text in every language ({', '.join(f'{lang}: …' for lang in self.languages)})."
            )
        if not isinstance(value, Mapping):
            raise Invalid(f"expected text in every language, found {_describe(value)}.")
        texts = {}
        for language in value:
            if language not in self.languages:
                raise Invalid(
                    f"'{language}' is not a language of the site ({', '.join(self.languages)}). "
                    "Remove it or add the language to site.yaml.",
                    value.key_lines[language],
                )
        for language in self.languages:
            item = value.get(language)
            if not isinstance(item, Scalar) or not item.text.strip():
                raise Invalid(f"the '{language}' text is missing. Add {language}: …", value.line)
            texts[language] = item.text.strip()
        return texts


class _Reported(Invalid):
    """A nested record already reported its own problems."""

    def __init__(self) -> None:
        super().__init__("")


def _scalar(value: Value) -> Scalar:
    if not isinstance(value, Scalar):
        raise Invalid(f"expected a single value, found {_describe(value)}.")
    return value


@functools.cache
def _fields_by_name(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in editor_fields(cls)}


# Validation runs once per field of every record (a million times at country scale): what an
# annotation means is worked out once.
@functools.cache
def _conversion(annotation: Any) -> tuple[str, Any]:
    """How a value of `annotation` is read: ('list', item annotation), ('record', dataclass),
    ('text', None) or ('scalar', converter); an optional one as what it is when given."""
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        return _conversion(_optional_of(annotation))
    if origin is tuple:
        return "list", typing.get_args(annotation)[0]
    if dataclasses.is_dataclass(annotation) and annotation is not model.Period:
        return "record", annotation
    if annotation is model.Text:
        return "text", None
    return "scalar", _scalar_converter(annotation)


@functools.cache
def _conversions(cls: type) -> dict[str, tuple[str, Any]]:
    """Each editor field's conversion (`_conversion`), looked up by the class alone: a typing
    annotation such as `float | None` is slow to hash."""
    return {name: _conversion(hints(cls)[name]) for name in _fields_by_name(cls)}


@functools.cache
def _optional_of(annotation: Any) -> Any:
    (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
    return inner


@functools.cache
def _scalar_converter(annotation: Any):
    if typing.get_origin(annotation) is typing.Literal:
        return functools.partial(_choice, typing.get_args(annotation))
    converters = {
        str: _str, model.Slug: _slug, model.Url: _url, float: _float, int: _int, bool: _bool,
        date: _date, model.Period: _period,
    }  # fmt: skip
    return converters[annotation]


def _str(value: Scalar, _: Reader) -> str:
    if not value.text.strip():
        raise Invalid("is empty. Write the text, or leave the field out.")
    return value.text.strip()


def _slug(value: Scalar, _: Reader) -> str:
    if not model.SLUG.fullmatch(value.text):
        raise Invalid(
            f"'{value.text}' is not a valid id. Use lowercase ASCII letters, digits and single "
            "hyphens, like 'huyen-dakrong'."
        )
    return value.text


def _url(value: Scalar, _: Reader) -> str:
    if not re.fullmatch(r"https?://[^\s<>\"]+", value.text):
        raise Invalid(
            f"'{value.text}' is not a link. Write the full address, starting with https://."
        )
    return value.text


def _float(value: Scalar, _: Reader) -> float:
    text = value.text.strip()
    if not value.plain:
        raise Invalid(f"'{text}' is in quotes. Write the number without quotes.")
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        raise Invalid(
            f"'{text}' uses a decimal comma. Write it with a dot: {text.replace(',', '.')}."
        )
    if not _NUMBER.fullmatch(text):
        raise Invalid(f"'{text}' is not a number. Write digits only, with a dot for decimals.")
    return float(text)


def _int(value: Scalar, _: Reader) -> int:
    if not value.plain or not _INTEGER.fullmatch(value.text):
        raise Invalid(f"'{value.text}' is not a whole number. Write digits only, without quotes.")
    return int(value.text)


def _bool(value: Scalar, _: Reader) -> bool:
    if value.plain and value.text in ("true", "false"):
        return value.text == "true"
    raise Invalid(f"'{value.text}' is not true or false. Write true or false.")


def _date(value: Scalar, _: Reader) -> date:
    if not _DATE.fullmatch(value.text):
        raise Invalid(f"'{value.text}' is not a date. Write it as YYYY-MM-DD, e.g. 2024-07-30.")
    try:
        return date.fromisoformat(value.text)
    except ValueError:
        raise Invalid(f"{value.text} is not a date that exists. Check the day and month.") from None


def _period(value: Scalar, _: Reader) -> model.Period:
    text = value.text.strip()
    parts = text.split("/")
    if len(parts) > 2 or not all(_PERIOD_PART.fullmatch(part) for part in parts):
        raise Invalid(
            f"'{text}' is not a period. Write a year (2022), a month (2023-10), a date "
            "(2024-07-30) or a range (2023-01/2023-10)."
        )
    try:
        start, _ = _bounds(parts[0])
        _, end = _bounds(parts[-1])
    except ValueError:
        raise Invalid(
            f"'{text}' holds a date that does not exist. Check the day and month."
        ) from None
    if end < start:
        raise Invalid(f"'{text}' ends before it starts. Put the earlier date first.")
    return model.Period(end=end, start=start, text=text)


def _bounds(part: str) -> tuple[date, date]:
    """First and last day covered by '2023', '2023-10' or '2023-10-05'."""
    numbers = [int(piece) for piece in part.split("-")]
    if len(numbers) == 3:
        day = date(*numbers)
        return day, day
    if len(numbers) == 2:
        year, month = numbers
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return date(numbers[0], 1, 1), date(numbers[0], 12, 31)


def _choice(options: tuple[str, ...], value: Scalar, _: Reader) -> str:
    if value.text not in options:
        hint = difflib.get_close_matches(value.text, options, n=1)
        fix = f"Did you mean '{hint[0]}'?" if hint else "Use one of them."
        raise Invalid(f"'{value.text}' is not one of {', '.join(options)}. {fix}")
    return value.text


def _line(value: Value, default: int) -> int:
    return getattr(value, "line", 0) or default


def _describe(value: Value) -> str:
    if isinstance(value, Mapping):
        return "fields"
    if isinstance(value, Sequence):
        return "a list"
    if isinstance(value, Scalar):
        return f"'{value.text}'"
    return "nothing"


def _field_list(cls: type) -> str:
    return ", ".join(f.name for f in editor_fields(cls))
