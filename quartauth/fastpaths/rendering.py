"""``render``: Quart's ``render_template``, with the template run in Jinja's plain mode.

Replaces: Quart compiles templates for Jinja's async mode, which wraps every call, loop and
block in case it awaits something; these templates never do, and the wrapping was a fifth
of a page's cost. ``render`` renders the same template through an overlay of Quart's
environment (same loader, globals and filters) compiled without async.

Quart's ``before_render_template`` and ``template_rendered`` signals are sent as Quart sends
them, when anything listens (the test that records templates, for example).

Assumes (checked by tests/fastpaths/test_rendering.py): Quart's ``update_template_context``
fills the context as ``render_template`` does, and ``app.jinja_env.overlay`` accepts
``enable_async``; a template's output is the same in both modes.
"""
from __future__ import annotations

from typing import Any

from jinja2 import Environment
from quart import Quart, current_app
from quart.signals import before_render_template, template_rendered

from . import template_imports

_PLAIN_ENVIRONMENT = "quartauth.plain_jinja_environment"


def install(app: Quart) -> None:
    environment = app.jinja_env.overlay(enable_async=False, cache_size=400)
    template_imports.install(environment)
    app.extensions[_PLAIN_ENVIRONMENT] = environment


async def render(template_name: str, **context: Any) -> str:
    """The page ``template_name`` renders with ``context`` and the app's context processors."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    await app.update_template_context(context)
    environment: Environment = app.extensions[_PLAIN_ENVIRONMENT]
    template = environment.get_template(template_name)
    if before_render_template.receivers:
        await before_render_template.send_async(
            app, _sync_wrapper=app.ensure_async, template=template, context=context
        )
    page = template.render(context)
    if template_rendered.receivers:
        await template_rendered.send_async(app, _sync_wrapper=app.ensure_async, template=template, context=context)
    return page
