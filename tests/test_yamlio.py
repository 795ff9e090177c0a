"""Strict YAML: values keep their text and line; nothing expands behind the editor's back."""

from __future__ import annotations

import pytest

from scorecard.yamlio import Mapping, ParseError, Scalar, parse


def test_scalars_keep_text_and_line():
    data = parse("a: NO\nb: '1.10'\nc: 2024-07-30\nd:\n", "f.yaml")
    assert isinstance(data, Mapping)
    assert data["a"] == Scalar("NO", True, 1)
    assert data["b"] == Scalar("1.10", False, 2)
    assert data["c"].text == "2024-07-30"
    assert data["d"] is None
    assert data.key_lines == {"a": 1, "b": 2, "c": 3, "d": 4}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "f.yaml:2: duplicate key 'a' (first at line 1). Keep one."),
        (
            "a: &x [1]\nb: *x\n",
            "f.yaml:2: anchors and aliases (&name, *name) are not allowed. Write the value out.",
        ),
        (  # at the alias itself, in a list too
            "- &x 1\n- *x\n",
            "f.yaml:2: anchors and aliases (&name, *name) are not allowed. Write the value out.",
        ),
        (
            "a: 1\n<<: {b: 2}\n",
            "f.yaml:2: merge keys ('<<') are not allowed. Write the fields out.",
        ),
        (
            "a: !!python/object:os.system x\n",
            "f.yaml:1: YAML tags such as 'tag:yaml.org,2002:python/object:os.system' are not allowed. Remove the tag.",
        ),
        ("a:\n\tb: 1\n", "f.yaml:2: tabs are not allowed in YAML. Indent with spaces."),
    ],
)
def test_refused(text, message):
    with pytest.raises(ParseError) as caught:
        parse(text, "f.yaml")
    assert str(caught.value.problem) == message


def test_an_empty_file_is_no_value():
    assert parse("", "f.yaml") is None
    assert parse("# only a comment\n", "f.yaml") is None


def test_billion_laughs_is_refused_quickly():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 10)
    ]
    with pytest.raises(ParseError) as caught:
        parse("\n".join(lines) + "\n", "f.yaml")
    assert "anchors and aliases" in caught.value.problem.message
