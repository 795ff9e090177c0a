"""Strict YAML: every value keeps its line, and types come from the schema, not from YAML.

PyYAML resolves plain scalars with YAML 1.1 rules (`NO` is false, `1.10` is 1.1, `2024-07-30` is
a date). We only compose the node tree (with the C parser when available) and keep each scalar
as text; `validate` decides its type from the field it fills. Anchors/aliases, duplicate keys and
explicit tags are refused, so a file cannot expand into something its editor did not write.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .errors import Problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEFAULT_TAGS = {
    yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
}


class _Composer(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
    """Scalars stay text here, so an untagged node takes its kind's default tag: the safe
    resolver's regular expressions (a third of the parse time) and the base resolver's
    lookups (called for each of a country's 1.7 million nodes) would decide nothing."""

    def resolve(self, kind, value, implicit):
        return _DEFAULT_TAGS[kind]


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
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ParseError(Problem(path, line, _explain(error, text, line))) from None
    except yaml.YAMLError as error:  # reader errors: bad encoding, control characters
        raise ParseError(Problem(path, 0, f"cannot read the file as YAML ({error}).")) from None
    if node is None:
        return None
    try:
        return _convert(node, set())
    except _NodeProblem as problem:
        raise ParseError(Problem(path, problem.line, problem.message)) from None


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


def _convert(node: yaml.Node, seen: set[int], used_at: int = 0) -> Value:
    line = node.start_mark.line + 1
    if id(node) in seen:  # the C composer shares one node for an anchor and its aliases
        raise _NodeProblem(
            used_at or line,
            "anchors and aliases (&name, *name) are not allowed. Write the value out.",
        )
    seen.add(id(node))
    if node.tag not in _STANDARD_TAGS:
        raise _NodeProblem(line, f"YAML tags such as '{node.tag}' are not allowed. Remove the tag.")
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style  # None in PyYAML, '' in the C parser
        if plain and node.value in _NULLS:
            return None
        return Scalar(node.value, plain, line)
    if isinstance(node, yaml.SequenceNode):
        items = Sequence(_convert(child, seen, line) for child in node.value)
        items.line = line
        return items
    mapping = Mapping()
    mapping.line = line
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise _NodeProblem(key_line, "a key must be plain text.")
        key = key_node.value
        if key == "<<":
            raise _NodeProblem(key_line, "merge keys ('<<') are not allowed. Write the fields out.")
        if key in mapping.key_lines:
            first = mapping.key_lines[key]
            raise _NodeProblem(
                key_line, f"duplicate key '{key}' (first at line {first}). Keep one."
            )
        mapping.key_lines[key] = key_line
        mapping[key] = _convert(value_node, seen, key_line)
    return mapping
