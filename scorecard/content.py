"""Markdown narratives and pages: front matter, Markdown to HTML, and sanitizing.

Python-Markdown passes raw HTML through, so its output goes through nh3 (the ammonia sanitizer)
with an allow-list: no script, no event handlers, no style, and only http(s)/mailto links.
"""

from __future__ import annotations

import markdown
import nh3

from . import yamlio
from .errors import Problem
from .model import Document

_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
_URL_SCHEMES = {"http", "https", "mailto"}


_MARKDOWN = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
"""One converter, reset between texts: setting one up costs more than converting a narrative."""


def to_html(text: str) -> str:
    """Markdown to HTML that cannot run script, whatever raw HTML the text holds."""
    html = _MARKDOWN.reset().convert(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def parse_document(path: str, text: str, problems: list[Problem]) -> Document:
    """Split optional YAML front matter (`title`, `summary`) from the Markdown body."""
    meta: dict[str, str] = {}
    body = text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end == -1:
            problems.append(Problem(path, 1, "front matter has no closing '---' line. Add one."))
        else:
            meta = _front_matter(path, text[4:end], problems)
            body = text[end + 4 :]
    return Document(
        title=meta.get("title", ""),
        summary=meta.get("summary", ""),
        markdown=body,
        path=path,
    )


def _front_matter(path: str, text: str, problems: list[Problem]) -> dict[str, str]:
    try:
        data = yamlio.parse(text, path)
    except yamlio.ParseError as error:
        # front matter starts on line 2 of the file
        problems.append(Problem(path, error.problem.line + 1, error.problem.message))
        return {}
    if data is None:
        return {}
    if not isinstance(data, yamlio.Mapping):
        problems.append(Problem(path, 2, "front matter must be fields like 'title: …'."))
        return {}
    meta = {}
    for key, value in data.items():
        line = data.key_lines[key] + 1
        if key not in ("title", "summary"):
            problems.append(
                Problem(path, line, f"unknown front matter field '{key}'. Use title or summary.")
            )
        elif not isinstance(value, yamlio.Scalar):
            problems.append(Problem(path, line, f"'{key}' must be text. Put it on one line."))
        else:
            meta[key] = value.text
    return meta
