"""Cookie serializers kept per secret key instead of built on every request.

Replaces: quart-auth (the session cookie) and Quart (the CSRF cookie) each build an
itsdangerous serializer for every request that carries a cookie, and building one costs as
much as checking the signature. A serializer depends only on the secret keys and the salt,
so one is built per set of keys and kept; the cookies and their checks are unchanged.

Assumes (checked by tests/fastpaths/test_serializers.py): quart-auth builds its serializer
by calling the extension's ``serializer_class(keys, salt)``, and finds its extensions in
``app.extensions["QUART_AUTH"]``; Quart asks ``app.session_interface`` for
``get_signing_serializer(app)``. Key rotation through ``SECRET_KEY_FALLBACKS`` still works.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from itsdangerous import URLSafeTimedSerializer
from quart import Quart
from quart.sessions import SecureCookieSessionInterface
from quart_auth import QuartAuth

_build_auth_serializer = QuartAuth.serializer_class


def install(app: Quart) -> None:
    """Call after quart-auth is set up on ``app``."""
    app.session_interface = CsrfCookies()
    for extension in app.extensions["QUART_AUTH"]:
        extension.serializer_class = auth_serializer


def auth_serializer(keys: Any, salt: Any) -> Any:
    """quart-auth's ``serializer_class``, built once per keys and salt."""
    return _kept_auth_serializer(tuple(keys) if isinstance(keys, list) else keys, salt)


@lru_cache(maxsize=8)
def _kept_auth_serializer(keys: Any, salt: Any) -> Any:
    return _build_auth_serializer(list(keys) if isinstance(keys, tuple) else keys, salt)


class CsrfCookies(SecureCookieSessionInterface):
    """The CSRF cookie: Quart's signed-cookie session (which holds only the CSRF seed), its
    serializer kept while the secret keys stay."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Quart) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._kept is None or self._kept[0] != keys:
            self._kept = (keys, super().get_signing_serializer(app))
        return self._kept[1]
