"""CSRF protection on every POST, and the CSRF cookie that carries its seed.

The CSRF cookie is Quart's signed cookie session; it holds nothing but quart-wtforms' seed,
and nothing but this module (and the token fast path) reaches it.
"""
from __future__ import annotations

from quart import Quart, session
from quart_wtf import CSRFProtect


def init_app(app: Quart) -> None:
    CSRFProtect(app)


def renew_seed() -> None:
    """A fresh seed from the next form on: tokens from before a sign-in or sign-out stop working."""
    session.clear()
