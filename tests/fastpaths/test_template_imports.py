"""Imported macros: the kept module gives what Jinja gives, and a page with globals the
imported template lacks still gets a module of its own."""
from __future__ import annotations

from jinja2 import DictLoader, Environment, Template

from quartauth.fastpaths import template_imports

TEMPLATES = {
    "macros.html": "{% macro hello(name) %}{{ greeting }}, {{ name }}{{ punctuation }}{% endmacro %}",
    "page.html": '{% from "macros.html" import hello %}{{ hello("Ada") }}',
}


def environment(*, kept: bool) -> Environment:
    made = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    made.globals["greeting"] = "Hello"
    if kept:
        template_imports.install(made)
    return made


def test_a_page_renders_its_imported_macros_as_jinja_does():
    assert environment(kept=True).get_template("page.html").render() == environment(kept=False).get_template("page.html").render()


def test_the_imported_module_is_made_once_and_kept():
    kept = environment(kept=True)
    kept.get_template("page.html").render()
    module = kept.get_template("macros.html")._module

    kept.get_template("page.html").render()

    assert module is not None and kept.get_template("macros.html")._module is module


def test_a_page_with_globals_the_imported_template_lacks_gets_a_module_of_its_own():
    pages = [made.get_template("page.html", globals={"punctuation": "!"}) for made in (environment(kept=True), environment(kept=False))]

    assert [page.render() for page in pages] == ["Hello, Ada!"] * 2  # the page's own global reaches the macro


def test_jinjas_own_check_is_what_the_kept_one_stands_for():
    # Assumed of Jinja: with no page globals missing from the imported template, the module
    # it returns is the one it keeps.
    plain = environment(kept=False)
    plain.get_template("page.html").render()
    macros: Template = plain.get_template("macros.html")
    context = plain.get_template("page.html").new_context()

    assert macros._get_default_module(context) is macros._get_default_module()
