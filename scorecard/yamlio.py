"""Strict YAML: every value keeps its line, and types come from the schema, not from YAML.

PyYAML resolves plain scalars with YAML 1.1 rules (`NO` is false, `1.10` is 1.1, `2024-07-30` is
a date). We only read the parser's events (with the C parser when available) and keep each scalar
as text; `validate` decides its type from the field it fills. Aliases, duplicate keys and
explicit tags are refused, so a file cannot expand into something its editor did not write.

The values are made as the events come, without PyYAML's tree of nodes: at country scale, the
nodes of the localities' file took three times the memory of its values, and 0.17 GB of the
build's process stayed taken after they were freed.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .errors import Problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""For files read as plain data (the interface's messages), after `parse` checked them."""
Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
"""The events of the C parser when PyYAML has it; base: its resolver is never asked."""


_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar as written: its text, whether it was unquoted, and its line (1-based)."""

    text: str
    plain: bool
    line: int


class Mapping(dict):
    """A YAML mapping of str keys; `line` is where it starts, `key_lines` where each key is."""

    line: int = 0
    key_lines: dict[str, int]


class Sequence(list):
    """A YAML sequence; `line` is where it starts."""

    line: int = 0


Value = Scalar | Mapping | Sequence | None


class ParseError(Exception):
    """The file is not the strict YAML we accept; `problem` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def parse(text: str, path: str) -> Value:
    """Parse one YAML document into located values; raise `ParseError` on the first problem."""
    parser = Parser(text)
    try:
        return _document(parser)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ParseError(Problem(path, line, _explain(error, text, line))) from None
    except yaml.YAMLError as error:  # reader errors: bad encoding, control characters
        raise ParseError(Problem(path, 0, f"cannot read the file as YAML ({error}).")) from None
    except _NodeProblem as problem:
        raise ParseError(Problem(path, problem.line, problem.message)) from None
    finally:
        parser.dispose()


def _document(parser) -> Value:
    """The stream's one document (None when empty), as `yaml.compose` would accept it."""
    parser.get_event()  # the stream's start
    if parser.check_event(yaml.StreamEndEvent):
        return None
    parser.get_event()  # the document's start
    value = _value(parser, parser.get_event())
    parser.get_event()  # the document's end
    if not parser.check_event(yaml.StreamEndEvent):
        another = parser.get_event().start_mark
        raise yaml.composer.ComposerError(
            "expected a single document in the stream", None, "but found another document", another
        )
    return value


class _NodeProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _explain(error: yaml.MarkedYAMLError, text: str, line: int) -> str:
    problem = error.problem or "syntax error"
    lines = text.splitlines()
    if "tab" in problem or (0 < line <= len(lines) and "\t" in lines[line - 1]):
        return "tabs are not allowed in YAML. Indent with spaces."
    return (
        f"YAML syntax error: {problem}. Check the indentation, and put text that holds ': ' "
        "or ' #' in quotes."
    )


def _value(parser, event: yaml.Event) -> Value:
    """The value that starts with `event`, read to its end."""
    line = event.start_mark.line + 1
    if isinstance(event, yaml.AliasEvent):
        raise _NodeProblem(
            line, "anchors and aliases (&name, *name) are not allowed. Write the value out."
        )
    tag = event.tag
    if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:  # "!": untagged, quoted
        raise _NodeProblem(line, f"YAML tags such as '{tag}' are not allowed. Remove the tag.")
    if isinstance(event, yaml.ScalarEvent):
        plain = not event.style  # None in PyYAML, '' in the C parser
        if plain and event.value in _NULLS:
            return None
        return Scalar(event.value, plain, line)
    if isinstance(event, yaml.SequenceStartEvent):
        items = Sequence()
        items.line = line
        while not isinstance(event := parser.get_event(), yaml.SequenceEndEvent):
            items.append(_value(parser, event))
        return items
    mapping = Mapping()
    mapping.line = line
    mapping.key_lines = {}
    while not isinstance(event := parser.get_event(), yaml.MappingEndEvent):
        key_line = event.start_mark.line + 1
        if not isinstance(event, yaml.ScalarEvent):
            raise _NodeProblem(key_line, "a key must be plain text.")
        key = event.value
        if key == "<<":
            raise _NodeProblem(key_line, "merge keys ('<<') are not allowed. Write the fields out.")
        if key in mapping.key_lines:
            first = mapping.key_lines[key]
            raise _NodeProblem(
                key_line, f"duplicate key '{key}' (first at line {first}). Keep one."
            )
        mapping.key_lines[key] = key_line
        mapping[key] = _value(parser, parser.get_event())
    return mapping
