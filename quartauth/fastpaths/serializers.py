"""Cookie serializers kept per secret key instead of built on every request, and the
cookies they checked remembered.

Replaces: quart-auth (the session cookie) and Quart (the CSRF cookie) each build an
itsdangerous serializer for every request that carries a cookie, and building one costs as
much as checking the signature. A serializer depends only on the secret keys and the salt,
so one is built per set of keys and kept. Then each signed-in page checked the same two
cookies' signatures again (a tenth of the page): a cookie whose signature checked out is
remembered by its exact text with its payload and the time it was signed, and only its age
is checked again. A cookie that fails is never remembered, so a forged one costs a full check
every time; the cookies and the answers to them are unchanged.

Assumes (checked by tests/fastpaths/test_serializers.py): quart-auth builds its serializer
by calling the extension's ``serializer_class(keys, salt)``, and finds its extensions in
``app.extensions["QUART_AUTH"]``; Quart asks ``app.session_interface`` for
``get_signing_serializer(app)``; both call only ``dumps`` and ``loads(cookie, max_age=...)``
and copy (Quart) or do not change (quart-auth) the payload. Key rotation through
``SECRET_KEY_FALLBACKS`` still works.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from itsdangerous import SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes
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
    return RememberedChecks(_build_auth_serializer(list(keys) if isinstance(keys, tuple) else keys, salt))


class RememberedChecks:
    """``serializer``, with the cookies whose signatures checked out remembered (at most
    ``COOKIES_REMEMBERED``, the least recently seen forgotten first)."""

    COOKIES_REMEMBERED = 4096

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        self._serializer = serializer
        self._checked: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()

    def dumps(self, obj: Any) -> str:
        return self._serializer.dumps(obj)

    def loads(self, cookie: str | bytes, max_age: int | None = None) -> Any:
        key = want_bytes(cookie)
        checked = self._checked.get(key)
        if checked is None:
            payload, signed_at = self._serializer.loads(cookie, return_timestamp=True)  # raises for a bad cookie
            checked = (payload, int(signed_at.timestamp()))
            self._checked[key] = checked
            if len(self._checked) > self.COOKIES_REMEMBERED:
                self._checked.popitem(last=False)
        else:
            self._checked.move_to_end(key)
        payload, signed_at = checked
        age = int(time.time()) - signed_at
        if max_age is not None and not 0 <= age <= max_age:  # as itsdangerous judges it
            raise SignatureExpired(f"Signature age {age} is not within 0 to {max_age} seconds", payload=payload)
        return payload


class CsrfCookies(SecureCookieSessionInterface):
    """The CSRF cookie: Quart's signed-cookie session (which holds only the CSRF seed), its
    serializer kept while the secret keys stay."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[Any, ...], RememberedChecks | None] | None = None

    def get_signing_serializer(self, app: Quart) -> Any:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._kept is None or self._kept[0] != keys:
            built = super().get_signing_serializer(app)
            self._kept = (keys, RememberedChecks(built) if built is not None else None)
        return self._kept[1]
