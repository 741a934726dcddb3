"""CSRF protection on every POST, and the CSRF cookie that carries its seed.

The CSRF cookie is Quart's signed cookie session; it holds nothing but quart-wtforms' seed,
and nothing but this module (and the token fast path) reaches it.
"""
from __future__ import annotations

from quart import Blueprint, Quart, current_app, session
from quart_wtf import CSRFProtect


def init_app(app: Quart, *, header_checked: Blueprint) -> None:
    """CSRF on every POST; ``header_checked`` (the JSON API) checks its own, where it applies
    (``check_header_token``): an app's bearer requests have none."""
    CSRFProtect(app).exempt(header_checked)


async def check_header_token() -> None:
    """The request's CSRF token, from its X-CSRF-Token header; ``CSRFError`` when it is not good."""
    await current_app.extensions["csrf"].protect()


def new_header_token() -> str:
    """The CSRF token a browser client of the JSON API sends in X-CSRF-Token: the one the
    pages' forms carry (``fastpaths/csrf_tokens``)."""
    return str(current_app.jinja_env.globals["csrf_token"]())


def renew_seed() -> None:
    """A fresh seed from the next form on: tokens from before a sign-in or sign-out stop working."""
    session.clear()
