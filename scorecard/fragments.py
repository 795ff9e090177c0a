"""`{% cache key %}…{% endcache %}`: a piece of a page made once per key in a render, then
reused by every page that asks for it (the fragment cache of Jinja's documented extensions).

At country scale, 12,000 locality pages each list 20 to 40 indicators, and most of a row (the
indicator's name and link, its national target and the decision that set it, "not published")
is the same on every page of a language. The key names everything the fragment depends on that
varies between pages (the indicator, the language, the links' root); the rest is the site, the
same for every page of one render.

The fragments are kept by the render that made them (`kept_in`), in a context variable rather
than a global of the environment: the environment outlives a render in `serve`, imported macros
see the globals of the first render only, and `serve` renders in two threads at times.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

_kept: ContextVar[dict[Hashable, Markup] | None] = ContextVar("fragments", default=None)


@contextlib.contextmanager
def kept_in(fragments: dict[Hashable, Markup]) -> Iterator[None]:
    """Pages rendered in this block keep their fragments in `fragments`."""
    token = _kept.set(fragments)
    try:
        yield
    finally:
        _kept.reset(token)


class FragmentCache(Extension):
    tags = {"cache"}

    def parse(self, parser: Parser) -> nodes.Node:
        line = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_made", [key]), [], [], body).set_lineno(line)

    @staticmethod
    def _made(key: Hashable, caller: Callable[[], Markup]) -> Markup:
        fragments = _kept.get()
        if fragments is None:  # a template rendered outside a render: nothing to keep it in
            return caller()
        fragment = fragments.get(key)
        if fragment is None:
            fragment = fragments[key] = caller()
        return fragment
