"""Property-based tests: whatever YAML an editor writes, loading and validating it gives either a
valid site or a list of problems, each with its file and line; never a traceback.

Hypothesis writes the YAML: raw text built from YAML's punctuation, and records shaped like the
real ones with their values swapped for awkward ones (`NO`, `1.10`, `2023-02-30`, `../x`, …).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tempfile
import typing
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scorecard import model, yamlio
from scorecard.errors import BuildError
from scorecard.load import RawSite, TextFile, YAMLFile, load
from scorecard.score import score
from scorecard.validate import validate

FILES = {
    "site.yaml": model.SiteConfig,
    "data/localities.yaml": model.Locality,
    "data/indicators.yaml": model.Indicator,
    "data/sources.yaml": model.Source,
    "data/observations/huyen-b.yaml": model.ObservationFile,
}

# Values that have surprised YAML readers, validators or templates before.
AWKWARD = [
    "NO", "no", "yes", "on", "off", "true", "True", "false", "~", "null", "", " ",
    "1.10", "010", "0x1F", "1e400", "-0", ".5", "1_000", "9.489", "35,4", "150", "-1", "0", "2022",
    "2023-02-30", "2023-13", "2023-10/2023-01", "2024-07-30", "30/07/2024", "2023-01/2023-10",
    "../x", "x/../../y", "huyen-b", "tinh-a", "xa-c", "fibre", "posts", "bao-1", "qd-411", "nq-1",
    "percent", "count", "rank", "ratio", "province", "district", "commune", "actual", "target",
    "<script>alert(1)</script>", "</script>", "javascript:alert(1)", "https://example.org/x",
    "\u202eevil", "Xã Tràng Sơn", "🙂", "a" * 300,
]  # fmt: skip
FIELD_NAMES = sorted(
    {f.name for cls in FILES.values() for f in dataclasses.fields(cls)}
    | {
        f.name
        for cls in (model.Licence, model.Pillar, model.Target, model.Observation)
        for f in dataclasses.fields(cls)
    }
    | {"vi", "en", "fr", "colour", "<<"}
)

scalars = st.one_of(
    st.sampled_from(AWKWARD),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=6),
    ),
    max_leaves=8,
)


class Tiny:
    """The tiny project of conftest.py: its files' texts, and how `load` read them."""

    def __init__(self, root: Path, texts: dict[str, str], raw: RawSite):
        self.root, self.texts, self.raw = root, texts, raw

    def __repr__(self) -> str:  # hypothesis shows it with a failing example: keep it short
        return f"Tiny({self.root})"


@pytest.fixture
def tiny(project) -> Tiny:
    texts = {relative: project.read(relative) for relative in FILES}
    raw = load(project.root)
    assert raw.problems == []
    return Tiny(project.root, texts, raw)


@st.composite
def mutated(draw, texts: dict[str, str]) -> tuple[str, str]:
    """One data file of the tiny project, with fields removed, added or given awkward values."""
    relative = draw(st.sampled_from(sorted(FILES)))
    data = yaml.safe_load(texts[relative])
    records = data if isinstance(data, list) else data.get("observations", [data]) or [data]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        record = draw(st.sampled_from(records))
        key = draw(st.sampled_from(sorted(record) + FIELD_NAMES))
        if draw(st.booleans()) and key in record:
            del record[key]
        else:
            record[key] = draw(values)
    flow = draw(st.sampled_from([False, True, None]))
    return relative, yaml.safe_dump(
        data, allow_unicode=True, default_flow_style=flow, sort_keys=False
    )


yaml_text = st.lists(
    st.sampled_from(
        ["- ", ": ", "\n", "  ", "\t", "#", "&a ", "*a", "!!str ", "!x ", "<<: ", "[", "]", "{", "}",
         ",", "'", '"', "|", ">", "? ", "---\n", "...\n", "%YAML 1.1\n", "id", "value", "vi", "en",
         "NO", "1.10", "2023-02-30", "huyen-b", "\\", "\x00", "\ufeff", "é"]
    )
    | st.text(max_size=5),
    max_size=40,
).map("".join)  # fmt: skip


def validate_with(tiny: Tiny, relative: str, text: str):
    """Validate the tiny project with one file replaced by `text`, as `load` would read it."""
    raw = dataclasses.replace(tiny.raw)
    if relative.startswith("data/observations/"):  # read as text, parsed by `validate`
        raw.observations = [TextFile(relative, text, hashlib.blake2b(text.encode()).hexdigest())]
        return validate(raw)
    problems = []
    try:
        data = yamlio.parse(text, relative)
    except yamlio.ParseError as error:
        problems.append(error.problem)
        data = None
    file = None if problems else YAMLFile(relative, data)
    raw.problems = problems
    setattr(raw, {"site.yaml": "site"}.get(relative, relative[5:-5]), file)
    return validate(raw)


def assert_located(error: BuildError, relative: str, text: str) -> None:
    assert error.problems, "a BuildError always says what is wrong"
    for problem in error.problems:
        assert isinstance(problem.line, int) and problem.line >= 0
        if problem.path == relative:  # YAML also breaks lines at \r, NEL, LS and PS
            assert problem.line <= len(re.split("\r\n|[\n\r\x85\u2028\u2029]", text)) + 1, problem
        else:  # another file, untouched: a reference to what the changed file lost
            assert problem.path.startswith(("site.yaml", "data/", "content/")), problem
        assert problem.message.strip() and problem.message == problem.message.strip(), problem
        assert problem.message[-1] in ".?)…", f"a message is a sentence: {problem}"


NOT_SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]  # `tiny` is only read
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=NOT_SLOW)


@SETTINGS
@given(relative=st.sampled_from(sorted(FILES)), text=yaml_text)
def test_any_text_gives_a_site_or_located_problems(tiny, relative, text):
    try:
        validate_with(tiny, relative, text)
    except BuildError as error:
        assert_located(error, relative, text)
        event("unreadable" if error.problems[0].path == relative else "readable, invalid")


@SETTINGS
@given(data=st.data())
def test_any_mutated_record_gives_a_site_or_located_problems(tiny, data):
    relative, text = data.draw(mutated(tiny.texts))
    try:
        site = validate_with(tiny, relative, text)
    except BuildError as error:
        assert_located(error, relative, text)
        event(f"problems in {relative}")
        return
    event("a valid site")
    # what validation lets through holds what the pages rely on
    score(site)
    for obs in site.observations:
        unit = site.indicators[obs.indicator].unit
        assert obs.value is not None
        if unit == "percent":
            assert 0 <= obs.value <= 100
            assert obs.numerator is None or obs.numerator <= obs.denominator
        assert obs.locality in site.localities and obs.source in site.sources
    for locality in site.localities.values():
        assert model.SLUG.fullmatch(locality.id)


periods = st.one_of(
    st.integers(2015, 2026).map(str),
    st.tuples(st.integers(2015, 2026), st.integers(1, 13)).map(lambda p: f"{p[0]}-{p[1]:02}"),
    st.dates().map(lambda day: day.isoformat()),
    st.tuples(st.integers(2020, 2024), st.integers(1, 12), st.integers(1, 12)).map(
        lambda p: f"{p[0]}-{min(p[1:]):02}/{p[0]}-{max(p[1:]):02}"
    ),
)


@st.composite
def figures(draw) -> dict:
    """A figure as an editor might write it: a value, a fraction, or both, agreeing or not."""
    figure = {
        "indicator": draw(st.sampled_from(["fibre", "posts", "unknown"])),
        "period": draw(periods),
        "source": draw(st.sampled_from(["bao-1", "qd-411", "nq-1"])),
        "quote": draw(st.sampled_from(["chiếm 79%", "12 điểm", "9.489/12.002 hộ", "gần 100%"])),
    }
    denominator = draw(st.integers(-1, 20000))
    numerator = draw(st.integers(0, 20000))
    value = draw(
        st.one_of(
            st.floats(-10, 150, allow_nan=False).map(lambda x: round(x, draw(st.integers(0, 2)))),
            st.just(round(100 * numerator / denominator, 1) if denominator > 0 else 0),
        )
    )
    shape = draw(st.sampled_from(["value", "fraction", "both"]))
    if shape != "fraction":
        figure["value"] = value
    if shape != "value":
        figure.update(numerator=numerator, denominator=denominator)
    for field, choices in (("kind", model.Kind), ("qualifier", model.Qualifier)):
        if draw(st.booleans()):
            figure[field] = draw(st.sampled_from(typing.get_args(choices)))
    return figure


@SETTINGS
@given(records=st.lists(figures(), min_size=1, max_size=4))
def test_any_figures_give_sound_values_or_located_problems(tiny, records):
    """Plausible figures: what validation accepts is a percent within 0–100 whose fraction agrees
    with it, or a whole count; everything else is a located problem."""
    text = yaml.safe_dump({"locality": "huyen-b", "observations": records}, allow_unicode=True)
    relative = "data/observations/huyen-b.yaml"
    try:
        site = validate_with(tiny, relative, text)
    except BuildError as error:
        assert_located(error, relative, text)
        event("problems")
        return
    event("a valid site")
    score(site)
    for obs in site.observations:
        if site.indicators[obs.indicator].unit == "percent":
            assert 0 <= obs.value <= 100
            if obs.numerator is not None:
                assert obs.numerator <= obs.denominator
                assert abs(100 * obs.numerator / obs.denominator - obs.value) <= 0.5 + 1e-9
        elif not obs.computed:  # a count as written is whole
            assert obs.value == int(obs.value)


def copy_of(tiny: Tiny, folder: Path) -> Path:
    for relative, text in tiny.texts.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    for path in sorted(tiny.root.glob("content/**/*.md")):
        target = folder / path.relative_to(tiny.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return folder


@settings(max_examples=40, deadline=None, suppress_health_check=NOT_SLOW)
@given(data=st.data())
def test_load_reads_any_file_from_disk_into_problems_not_tracebacks(tiny, data):
    """The same through `load`, from real files."""
    relative, text = data.draw(mutated(tiny.texts))
    with tempfile.TemporaryDirectory() as folder:
        root = copy_of(tiny, Path(folder))
        (root / relative).write_text(text, encoding="utf-8")
        try:
            validate(load(root))
        except BuildError as error:
            assert_located(error, relative, text)


@SETTINGS
@given(content=st.binary(max_size=200))
def test_any_bytes_on_disk_give_located_problems(tiny, content):
    with tempfile.TemporaryDirectory() as folder:
        root = copy_of(tiny, Path(folder))
        (root / "data" / "sources.yaml").write_bytes(content)
        try:
            validate(load(root))
        except BuildError as error:
            assert_located(error, "data/sources.yaml", content.decode("utf-8", errors="replace"))
