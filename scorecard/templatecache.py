"""Compiled templates kept on disk across builds (Jinja's bytecode cache), and how every Jinja
environment of the editors' templates reads and runs them (`new_environment`).

Compiling the templates takes a process longer than rendering the real site's pages with them,
and each render worker would compile them again. The cache is a folder of the project
(`.cache/templates/`, ignored by git); an entry is found only under a hash of the template's
path, Jinja's version and every setting that changes the compiled code, and used only while the
template's source is the one it was compiled from, so a stale entry is never used.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro
from markupsafe import Markup, _escape_inner, escape


def new_environment(templates: Path, **options: Any) -> jinja2.Environment:
    """An environment of the templates in `templates`: autoescaped, strict about undefined
    names, blocks' lines trimmed; the pages' (`render.environment`) and the preview images'."""
    return _Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )


class _Macro(Macro):
    """Jinja's macro, called with all its arguments in order and nothing else (as the templates
    call them) without Jinja's matching of arguments to names: 1.9 → 1.4 µs a call, 40 calls a
    locality page."""

    @jinja2.pass_eval_context  # as Jinja's: called through Jinja's context, it gets the eval context
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if (
            kwargs
            or len(args) != self._argument_count
            or self.caller
            or self.catch_kwargs
            or self.catch_varargs
            or self._environment.is_async
            or (args and type(args[0]) is EvalContext)
        ):
            return super().__call__(*args, **kwargs)
        made = self._func(*args)
        if not self._default_autoescape:
            return made
        return str.__new__(Markup, made) if type(made) is str else Markup(made)


_PLAIN = (BuiltinFunctionType, Macro, _Macro)
"""Callables that cannot carry the mark: a method of a built-in type (`dict.get`), a macro."""


class _Context(Context):
    """Jinja's context, calling a plain function, method or macro straight away.

    Jinja looks at every callable, on every call, for a `pass_context` mark that asks for the
    context as its first argument: a fifth of the time of a country's 30,000 pages (10 million
    calls of `lang.t`, `lang.number` and the macros). A Python function carries that mark in
    its `__dict__`; anything else not in `_PLAIN` is called the way Jinja calls it."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        function = __obj.__func__ if type(__obj) is MethodType else __obj
        kind = type(function)
        if kind not in _PLAIN and (
            kind is not FunctionType or "jinja_pass_arg" in function.__dict__
        ):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)  # what Jinja hands over for a `pass_context` callable
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja does
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


def _escape(value: Any) -> Markup:
    """`markupsafe.escape`, without Markup's constructor (Python code) for text and markup: the
    templates write out every value with it, 20 million at country scale, a fifth of the time."""
    kind = type(value)
    if kind is str:
        return str.__new__(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # escape would make an equal copy
    return escape(value)


class _Template(jinja2.Template):
    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        """The compiled template, which looks up `escape` and `Macro` among its module's names."""
        namespace["escape"] = _escape
        namespace["Macro"] = _Macro
        return super()._from_namespace(environment, namespace, globals)


class _Environment(jinja2.Environment):
    context_class = _Context
    template_class = _Template


class TemplateCache(jinja2.FileSystemBytecodeCache):
    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        compiled_by = _compiler(environment)
        key = hashlib.sha256(f"{name}\n{filename}\n{compiled_by}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):  # damaged: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Atomically (Jinja writes beside, then renames); a cache that cannot be written only
        costs the next build time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _compiler(env: jinja2.Environment) -> str:
    """What the compiled code of a template depends on, besides its source."""
    return repr(
        (
            jinja2.__version__,
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.autoescape,
            env.finalize,
            env.is_async,
            env.undefined,
            env.code_generator_class,
            sorted(env.extensions),
        )
    )
