"""The JSON Schemas editors' tools read: generated from the model, committed, and true to the data."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest

from scorecard import schema, yamlio
from scorecard.fields import Reader
from scorecard.load import load

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted(
    [
        ROOT / "site.yaml",
        *(ROOT / "data").glob("*.yaml"),
        *(ROOT / "data/observations").glob("*.yaml"),
    ]
)
_INTEGER = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(\.\d+|\d+(\.\d*)?)([eE][-+]?\d+)?")


def as_editor_reads(value: yamlio.Value):
    """A parsed file as the YAML language server sees it (YAML 1.2 core schema): `2023` is a
    number, `2024-07-30` and `NO` are text, a quoted value is always text."""
    if isinstance(value, yamlio.Mapping):
        return {key: as_editor_reads(item) for key, item in value.items()}
    if isinstance(value, yamlio.Sequence):
        return [as_editor_reads(item) for item in value]
    if value is None or not value.plain:
        return value and value.text
    if value.text in ("true", "false"):
        return value.text == "true"
    if _INTEGER.fullmatch(value.text):
        return int(value.text)
    if _FLOAT.fullmatch(value.text):
        return float(value.text)
    return value.text


def validator(name: str) -> jsonschema.Draft7Validator:
    document = schema.document(name, schema.languages(load(ROOT).site))
    return jsonschema.Draft7Validator(document, format_checker=jsonschema.FormatChecker())


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_committed_schemas_are_the_generated_ones(tmp_path):
    """Run `python build.py schemas` after changing scorecard/model.py, and commit the result."""
    generated = schema.schemas(schema.languages(load(ROOT).site))
    committed = {path.name: path.read_bytes() for path in (ROOT / "schemas").glob("*.json")}
    assert committed == generated


def test_every_schema_is_a_valid_draft7_schema():
    for name in schema.FILES:
        jsonschema.Draft7Validator.check_schema(validator(name).schema)


@pytest.mark.parametrize("path", DATA_FILES, ids=relative)
def test_every_data_file_names_its_schema_and_passes_it(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == schema.schema_line(relative(path)), (
        f"{relative(path)} must start with: {schema.schema_line(relative(path))}"
    )
    named = text.splitlines()[0].partition("$schema=")[2]
    assert (
        path.parent / named
    ).resolve() == ROOT / "schemas" / f"{schema.schema_name(relative(path))}.schema.json"
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema.schema_name(relative(path))).iter_errors(
            as_editor_reads(yamlio.parse(text, relative(path)))
        )
    ]
    assert errors == []


def test_schema_documents_each_field_and_its_choices():
    localities = validator("localities").schema["definitions"]["Locality"]
    assert localities["properties"]["level"]["enum"] == ["province", "district", "commune"]
    assert localities["properties"]["id"]["description"].startswith("Unique id")
    assert set(localities["required"]) == {"id", "name", "level"}
    name = localities["properties"]["name"]
    assert name["required"] == ["vi", "en"] and name["additionalProperties"] is False


# Each is one mistake the validator reports; the schema must flag it too, while the editor types.
FIELD_MISTAKES = {
    "unknown field": ("sources", "- {id: a, title: T, publisher: P, type: press, colour: red}"),
    "missing field": ("sources", "- {id: a, title: T, type: press}"),
    "slug with ../": ("sources", "- {id: ../a, title: T, publisher: P, type: press}"),
    "unknown choice": ("sources", "- {id: a, title: T, publisher: P, type: blog}"),
    "date that does not exist": (
        "sources",
        "- {id: a, title: T, publisher: P, type: press, published: 2023-02-30}",
    ),
    "date with a slash": (
        "sources",
        "- {id: a, title: T, publisher: P, type: press, published: 30/07/2024}",
    ),
    "link without https": (
        "sources",
        "- {id: a, title: T, publisher: P, type: press, url: www.example.org}",
    ),
    "quoted number": (
        "observations",
        "locality: x\nobservations:\n- {indicator: i, value: '79', period: 2023, source: s, quote: q}",
    ),
    "decimal comma": (
        "observations",
        "locality: x\nobservations:\n- {indicator: i, value: 35,4, period: 2023, source: s, quote: q}",
    ),
    "period that is not one": (
        "observations",
        "locality: x\nobservations:\n- {indicator: i, value: 1, period: Q3 2023, source: s, quote: q}",
    ),
    "text in one language only": (
        "localities",
        "- {id: a, name: {vi: Xã A}, level: commune}",
    ),
    "text in a language the site lacks": (
        "localities",
        "- {id: a, name: {vi: Xã A, en: A, fr: A}, level: commune}",
    ),
    "yes for a boolean": (
        "indicators",
        "- {id: a, pillar: p, name: {vi: A, en: A}, description: {vi: A, en: A}, unit: count,"
        " direction: higher, scored: yes}",
    ),
}


def reader_problems(name: str, text: str) -> list:
    """What the validator's field reader says about a file of one schema's kind."""
    _, cls, is_list = schema.FILES[name]
    reader = Reader("x.yaml", ("vi", "en"))
    value = yamlio.parse(text, "x.yaml")
    for item in value if is_list else [value]:
        reader.record(cls, item, 1)
    return reader.problems


@pytest.mark.parametrize("mistake", FIELD_MISTAKES)
def test_the_schema_flags_what_the_validator_refuses(mistake):
    name, text = FIELD_MISTAKES[mistake]
    assert reader_problems(name, text) != []
    data = as_editor_reads(yamlio.parse(text, "x.yaml"))
    assert list(validator(name).iter_errors(data)) != []
    fixed = {  # the same file, corrected, passes: the mistake is what the schema caught
        "unknown field": text.replace(", colour: red", ""),
        "missing field": text.replace("title: T,", "title: T, publisher: P,"),
    }.get(mistake)
    if fixed:
        assert reader_problems(name, fixed) == []
        assert list(validator(name).iter_errors(as_editor_reads(yamlio.parse(fixed, "x")))) == []
