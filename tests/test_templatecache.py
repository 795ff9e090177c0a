"""Compiled templates kept on disk: used by the next process, never once stale."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from scorecard import render
from scorecard.build import generate
from scorecard.templatecache import TemplateCache, new_environment


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The name of each template Jinja compiles from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        names.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def environment(templates: Path, **settings) -> jinja2.Environment:
    """A new process's environment, with the cache beside the templates."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=TemplateCache(templates.parent / ".cache" / "templates"),
        **settings,
    )


def test_the_next_process_uses_the_compiled_template(tmp_path, compiled):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.html").write_text("Hello {{ name }}!")
    assert environment(tmp_path / "templates").get_template("page.html").render(name="A")
    assert compiled == ["page.html"]
    compiled.clear()
    page = environment(tmp_path / "templates").get_template("page.html")
    assert page.render(name="B") == "Hello B!"
    assert compiled == [], "read from the cache, not compiled again"


def test_an_edited_template_is_compiled_again(tmp_path, compiled):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.html").write_text("Hello {{ name }}!")
    environment(tmp_path / "templates").get_template("page.html").render(name="A")
    (tmp_path / "templates/page.html").write_text("Goodbye {{ name }}!")
    page = environment(tmp_path / "templates").get_template("page.html")
    assert page.render(name="A") == "Goodbye A!"


def test_settings_that_change_the_compiled_code_have_their_own_entries(tmp_path, compiled):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.html").write_text("{% if true %}\n  yes\n{% endif %}\n")
    trimmed = environment(tmp_path / "templates", trim_blocks=True, lstrip_blocks=True)
    assert trimmed.get_template("page.html").render() == "  yes\n"
    untrimmed = environment(tmp_path / "templates")
    assert untrimmed.get_template("page.html").render() == "\n  yes\n"
    assert compiled == ["page.html", "page.html"]


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path, compiled):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.html").write_text("Hello {{ name }}!")
    (tmp_path / ".cache").write_text("a file where the cache's folder would be")
    for _ in range(2):
        page = environment(tmp_path / "templates").get_template("page.html")
        assert page.render(name="A") == "Hello A!"
    assert compiled == ["page.html", "page.html"]


@pytest.mark.parametrize("damage", [b"", b"j2", b"garbage" * 100], ids=["cut", "j2", "garbage"])
def test_a_damaged_entry_is_compiled_again(tmp_path, compiled, damage):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.html").write_text("Hello {{ name }}!")
    environment(tmp_path / "templates").get_template("page.html")
    [entry] = (tmp_path / ".cache/templates").iterdir()
    entry.write_bytes(entry.read_bytes()[:40] + damage)  # the header, then anything
    page = environment(tmp_path / "templates").get_template("page.html")
    assert page.render(name="A") == "Hello A!"
    assert compiled == ["page.html", "page.html"]


def test_the_build_keeps_its_compiled_templates_in_the_project_cache(project, compiled):
    render._environments.clear()  # as in a new process
    first = generate(project.root).files
    assert compiled, "compiled once"
    assert list((project.root / ".cache/templates").iterdir())
    compiled.clear()
    render._environments.clear()
    assert generate(project.root).files == first
    assert compiled == []


@jinja2.pass_context
def page_name(context, suffix=""):
    return context["name"] + suffix


class Greeter:
    def hello(self, name):
        return f"hello {name}"

    @jinja2.pass_context
    def named(self, context):
        return context["name"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # plain callables, called straight away: a function, a method, a built-in's method
        ("{{ greeter.hello('An') }} {{ upper('x') }} {{ {'a': 1}.get('a') }}", "hello An X 1"),
        ("{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('&') }}", "<&amp;>"),
        # marked ones still get the context: the page's, and a loop's inside it
        ("{{ page_name('!') }} {{ greeter.named() }}", "Nam! Nam"),
        ("{% for x in 'ab' %}{% set name = x %}{{ page_name() }}{% endfor %}", "ab"),
        ("{% for x in [1] %}{{ greeter.hello(x) }}{% endfor %}", "hello 1"),
    ],
)
def test_templates_call_plain_and_context_functions_as_jinja_does(tmp_path, source, expected):
    env = new_environment(tmp_path)
    env.globals.update(page_name=page_name, greeter=Greeter(), upper=str.upper)
    assert env.from_string(source).render(name="Nam") == expected
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    plain.globals.update(env.globals)
    assert plain.from_string(source).render(name="Nam") == expected  # Jinja's own context


class Html:
    def __html__(self):
        return "<em>safe</em>"


class Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    ['<a href="x">Tom & Jerry\'s</a>', Markup("<b>&amp;</b>"), Text("<i>"), 12.5, None, Html()],
)
def test_templates_write_values_out_escaped_as_jinja_does(tmp_path, value):
    source = "{{ value }}|{% macro m(v) %}{{ v }}{% endmacro %}{{ m(value) }}|{{ [value] }}"
    ours = new_environment(tmp_path).from_string(source).render(value=value)
    plain = jinja2.Environment(autoescape=True).from_string(source).render(value=value)
    assert ours == plain
    assert "<a" not in ours and "<i>" not in ours  # text is escaped; markup is not


@pytest.mark.parametrize(
    "call",
    [
        "m('<a>', 'b')",  # every argument in order: straight to the macro's code
        "m('<a>')",  # a default
        "m(y='c', x='<a>')",  # by name
        "m(*['<a>', 'b'])",
        "(m('<a>', 'b') ~ '<')",  # its result is markup: concatenated, the rest is escaped
        "many(1, 2, 3)",
        "named(x=1, z=2)",
        "{% call(v) wrapped('<a>') %}<{{ v }}>{% endcall %}",  # a caller
    ],
)
def test_macros_are_called_as_jinja_calls_them(tmp_path, call):
    source = (
        "{% macro m(x, y='d') %}[{{ x }}|{{ y }}]{% endmacro %}"
        "{% macro many(x) %}{{ x }}{{ varargs }}{% endmacro %}"
        "{% macro named(x) %}{{ x }}{{ kwargs }}{% endmacro %}"
        "{% macro wrapped(x) %}({{ caller(x) }}){% endmacro %}"
    ) + (call if call.startswith("{%") else "{{ " + call + " }}")
    ours = new_environment(tmp_path).from_string(source).render()
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert ours == plain.from_string(source).render()
    assert "<a>" not in ours


@pytest.mark.parametrize("call", ["m(1, 2, 3)", "m(1, z=2)", "m(1, 2, caller=3)"])
def test_a_macro_called_wrongly_fails_as_jinjas_does(tmp_path, call):
    source = "{% macro m(x, y) %}{{ x }}{% endmacro %}{{ " + call + " }}"
    with pytest.raises(TypeError) as ours:
        new_environment(tmp_path).from_string(source).render()
    with pytest.raises(TypeError) as plain:
        jinja2.Environment(autoescape=True).from_string(source).render()
    assert str(ours.value) == str(plain.value)
