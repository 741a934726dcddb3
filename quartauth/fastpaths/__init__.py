"""Cheaper paths through Quart, quart-auth and quart-wtforms, for the work every page does.

Each module replaces one library path that profiling showed on every signed-in page, says
in its docstring what it replaces, why, and what it assumes of the library; the tests in
``tests/fastpaths`` fail when an upgrade of the library breaks an assumption. No other
module needs to know a fast path exists: they call ``render`` and the library as usual.
"""
from __future__ import annotations

from quart import Quart

from . import context_processors, csrf_tokens, links, rendering, serializers

__all__ = ["install"]


def install(app: Quart) -> None:
    """Call once the extensions and every blueprint are set up: some wrap what they added."""
    serializers.install(app)
    links.install(app)
    csrf_tokens.install(app)
    rendering.install(app)
    context_processors.install(app)
