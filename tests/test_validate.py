"""Each validation rule, with an input that breaks it and the exact message an editor sees."""

from __future__ import annotations

import pytest

from scorecard.build import check
from scorecard.errors import BuildError


def problems(project) -> list[str]:
    with pytest.raises(BuildError) as caught:
        check(project.root)
    return [str(problem) for problem in caught.value.problems]


def test_tiny_project_is_valid(project):
    site = check(project.root)
    assert list(site.localities) == ["tinh-a", "huyen-b", "xa-c"]
    fibre = site.observations[0]
    assert (fibre.indicator, fibre.value, fibre.period.text) == ("fibre", 35.4, "2023-01/2023-10")


def test_malformed_yaml(project):
    project.write("data/sources.yaml", "- id: bao-1\n  title: [unclosed\n")
    assert problems(project)[0].startswith("data/sources.yaml:3: YAML syntax error:")


def test_tabs(project):
    project.write("data/sources.yaml", "- id: bao-1\n\ttitle: x\n")
    assert "data/sources.yaml:2: tabs are not allowed in YAML. Indent with spaces." in problems(
        project
    )


def test_duplicate_key(project):
    project.replace(
        "data/sources.yaml", "  publisher: Báo A\n", "  publisher: Báo A\n  publisher: Báo B\n"
    )
    assert (
        "data/sources.yaml:4: duplicate key 'publisher' (first at line 3). Keep one."
        in problems(project)
    )


def test_aliases_are_refused(project):
    project.write("data/observations/huyen-b.yaml", "locality: &x huyen-b\nobservations: *x\n")
    assert problems(project) == [
        "data/observations/huyen-b.yaml:2: anchors and aliases (&name, *name) are not allowed. Write the value out."
    ]


def test_missing_and_unknown_fields(project):
    project.replace("data/sources.yaml", "  publisher: Báo A\n", "  publsher: Báo A\n")
    assert problems(project) == [
        "data/sources.yaml:1: missing field 'publisher' (Who published it.). Add it.",
        "data/sources.yaml:3: unknown field 'publsher'. Did you mean 'publisher'?",
    ]


def test_unknown_references(project):
    project.replace("data/observations/huyen-b.yaml", "indicator: posts", "indicator: post")
    project.replace(
        "data/observations/huyen-b.yaml",
        'source: bao-1\n    quote: "12',
        'source: bao-2\n    quote: "12',
    )
    assert problems(project) == [
        "data/observations/huyen-b.yaml:10: indicator 'post' is not in data/indicators.yaml. Add it or fix the id.",
        "data/observations/huyen-b.yaml:10: source 'bao-2' is not in data/sources.yaml. Add it or fix the id.",
    ]


def test_unknown_locality(project):
    project.write(
        "data/observations/xa-z.yaml",
        "locality: xa-z\nobservations:\n  - indicator: posts\n    value: 1\n    period: 2023\n    source: bao-1\n    quote: q\n",
    )
    found = problems(project)
    assert (
        "data/observations/xa-z.yaml:3: locality 'xa-z' is not in data/localities.yaml. Add it or fix the id."
        in found
    )


def test_locality_must_match_file_name(project):
    project.replace("data/observations/huyen-b.yaml", "locality: huyen-b", "locality: xa-c")
    assert (
        "data/observations/huyen-b.yaml:1: locality 'xa-c' does not match the file name 'huyen-b.yaml'. Rename the file or fix the id."
        in problems(project)
    )


def test_duplicate_id(project):
    project.write(
        "data/sources.yaml",
        project.read("data/sources.yaml")
        + "- id: bao-1\n  title: T\n  publisher: P\n  type: press\n",
    )
    assert (
        "data/sources.yaml:14: duplicate id 'bao-1' (first at line 1). Ids must be unique."
        in problems(project)
    )


def test_duplicate_observation(project):
    project.replace("data/observations/huyen-b.yaml", "period: 2023\n", "period: 2023-01/2023-10\n")
    project.replace("data/observations/huyen-b.yaml", "indicator: posts", "indicator: fibre")
    project.replace("data/observations/huyen-b.yaml", "value: 12\n", "value: 12.0\n")
    assert problems(project) == [
        "data/observations/huyen-b.yaml:10: an actual figure for 'fibre' in 2023-01/2023-10 is already at data/observations/huyen-b.yaml:3. Keep one, or fix the period."
    ]


def test_percent_out_of_range(project):
    project.replace(
        "data/observations/huyen-b.yaml",
        "value: 35.4\n    numerator: 4254\n    denominator: 12002\n",
        "value: 150\n",
    )
    assert problems(project) == [
        "data/observations/huyen-b.yaml:3: value 150 is not a percent between 0 and 100. Fix the value."
    ]


def test_fraction_disagrees_with_value(project):
    project.replace("data/observations/huyen-b.yaml", "value: 35.4", "value: 53.4")
    assert problems(project) == [
        "data/observations/huyen-b.yaml:3: value 53.4% disagrees with 4254/12002 = 35.44%. Check the value and the fraction."
    ]


def test_numerator_larger_than_denominator(project):
    project.replace("data/observations/huyen-b.yaml", "numerator: 4254", "numerator: 14254")
    assert problems(project) == [
        "data/observations/huyen-b.yaml:3: numerator 14254 is larger than denominator 12002. Check the fraction."
    ]


def test_fraction_alone_gives_a_computed_value(project):
    project.replace("data/observations/huyen-b.yaml", "    value: 35.4\n", "")
    fibre = check(project.root).observations[0]
    assert (fibre.value, fibre.computed) == (35.44, True)


def test_decimal_comma_and_thousands_dot(project):
    project.replace("data/observations/huyen-b.yaml", "value: 35.4", "value: 35,4")
    project.replace("data/observations/huyen-b.yaml", "value: 12\n", "value: 12.002\n")
    assert problems(project) == [
        "data/observations/huyen-b.yaml:4: value: '35,4' uses a decimal comma. Write it with a dot: 35.4.",
        "data/observations/huyen-b.yaml:10: value 12.002 is not a whole number, but 'posts' counts things. In Vietnamese '9.489' means 9489: write it without the dot.",
    ]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Huyen-B", "'Huyen-B' is not a valid id."),
        ("../etc", "'../etc' is not a valid id."),
        ("huyện-b", "'huyện-b' is not a valid id."),
    ],
)
def test_slugs(project, slug, message):
    project.replace("data/localities.yaml", "- id: tinh-a", f"- id: {slug}")
    assert any(
        line.startswith(f"data/localities.yaml:1: id: {message}") for line in problems(project)
    )


def test_yaml_1_1_surprises_are_read_as_text(project):
    project.replace(
        "data/localities.yaml", "  level: province\n", "  level: province\n  code: 040\n"
    )
    project.replace("data/sources.yaml", "  publisher: Báo A\n", "  publisher: NO\n")
    site = check(project.root)
    assert site.localities["tinh-a"].code == "040"
    assert site.sources["bao-1"].publisher == "NO"


def test_boolean_must_be_true_or_false(project):
    project.replace("data/indicators.yaml", "scored: false", "scored: NO")
    assert problems(project) == [
        "data/indicators.yaml:14: scored: 'NO' is not true or false. Write true or false."
    ]


def test_dates_that_do_not_exist(project):
    project.replace("data/sources.yaml", "published: 2022-03-31", "published: 2022-02-30")
    project.replace("data/observations/huyen-b.yaml", "period: 2023\n", "period: 2023-13\n")
    assert problems(project) == [
        "data/observations/huyen-b.yaml:12: period: '2023-13' holds a date that does not exist. Check the day and month.",
        "data/sources.yaml:9: published: 2022-02-30 is not a date that exists. Check the day and month.",
    ]


def test_reform_fields(project):
    project.replace("data/localities.yaml", "  successor: [xa-c]\n", "  successor: [xa-z]\n")
    project.replace(
        "data/localities.yaml",
        "  established: 2025-07-01\n  reform_source: nq-1\n",
        "  established: 2025-07-01\n",
    )
    assert problems(project) == [
        "data/localities.yaml:4: successor 'xa-z' is not a locality. Add it or fix the id.",
        "data/localities.yaml:11: a unit that was established or dissolved needs 'reform_source: <source id>'.",
    ]


def test_parent_must_be_above(project):
    project.replace(
        "data/localities.yaml",
        "  parent: tinh-a\n  established",
        "  parent: huyen-b\n  established",
    )
    project.replace("data/localities.yaml", "level: commune", "level: province")
    assert (
        "data/localities.yaml:11: parent 'huyen-b' is a district, not above a province. Fix the parent or the level."
        in problems(project)
    )


def test_missing_narrative(project):
    (project.root / "content/localities/huyen-b.en.md").unlink()
    assert problems(project) == [
        "content/localities/huyen-b.en.md: narrative is missing: 'huyen-b' has figures. Write it in 'en'."
    ]


def test_missing_translation(project):
    project.replace(
        "data/indicators.yaml",
        "name: {vi: Hộ có cáp quang, en: Households with fibre}",
        "name: {vi: Hộ có cáp quang}",
    )
    assert problems(project) == [
        "data/indicators.yaml:3: name: the 'en' text is missing. Add en: …"
    ]


def test_every_problem_is_reported_at_once(project):
    project.replace("data/observations/huyen-b.yaml", "value: 35.4", "value: 135.4")
    project.replace("data/observations/huyen-b.yaml", "value: 12\n", "value: many\n")
    project.replace("data/sources.yaml", "type: press", "type: blog")
    assert (
        len(problems(project)) == 4
    )  # 135.4 out of range, disagrees with fraction, 'many', 'blog'


def test_a_count_has_no_fraction(project):
    project.replace(
        "data/observations/huyen-b.yaml",
        "    value: 12\n",
        "    numerator: 1\n    denominator: 2\n",
    )
    assert problems(project) == [
        "data/observations/huyen-b.yaml:10: a count has no fraction: write the number in 'value' and leave out numerator and denominator."
    ]
