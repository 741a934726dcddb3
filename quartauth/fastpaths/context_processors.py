"""Template context processors run on the event loop, not each in a thread.

Replaces: Quart's ``update_template_context`` runs a plain-function processor through
``app.ensure_async``, that is in a worker thread. quart-auth and quart-wtforms each register
one that only builds a dict: the thread hop cost more than the call, on every page.

Assumes (checked by tests/fastpaths/test_context_processors.py): Quart keeps processors in
``app.template_context_processors``, a mapping of blueprint name to a list that it calls in
order and awaits; the extensions' processors do no blocking work.
"""
from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any, cast

from quart import Quart

Processor = Callable[[], dict[str, Any]]


def install(app: Quart) -> None:
    for processors in app.template_context_processors.values():
        processors[:] = [
            processor if iscoroutinefunction(processor) else _on_the_loop(cast(Processor, processor))
            for processor in processors
        ]


def _on_the_loop(processor: Processor) -> Callable[[], Any]:
    async def run() -> dict[str, Any]:
        return processor()

    run.__wrapped__ = processor  # type: ignore[attr-defined]
    return run
