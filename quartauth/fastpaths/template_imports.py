"""``{% from "x.html" import a_macro %}``: the imported template's module, kept.

Replaces: each time a page imports macros, Jinja checks whether the page has globals the
imported template lacks (then the module must be made again for it) by subtracting a view
of the imported template's globals, a ChainMap, key by key; that was a tenth of the home
page. The imported template's global names are kept as a frozenset, and the same check is
one subset test.

Assumes (checked by tests/fastpaths/test_template_imports.py): Jinja's
``Template._get_default_module(ctx)`` makes a new module exactly when ``ctx.globals_keys``
holds a name the template's globals lack, and otherwise returns the one it keeps; the app's
template globals are all set before the first page renders (a name added later only takes
the slow path, never a wrong one).
"""
from __future__ import annotations

from typing import Any

from jinja2 import Environment, Template


class KeptImportTemplate(Template):
    _global_names: frozenset[str] | None = None

    def _get_default_module(self, ctx: Any = None) -> Any:
        if ctx is None:
            return super()._get_default_module()
        if self._global_names is None:
            self._global_names = frozenset(self.globals)
        if ctx.globals_keys <= self._global_names:
            return super()._get_default_module()  # the kept module: no globals of the page's are missing
        return super()._get_default_module(ctx)


def install(environment: Environment) -> None:
    environment.template_class = KeptImportTemplate
