"""Device cookies (OWASP's answer to online guessing): a browser that has logged in to an
account carries proof of it, and its attempts on that account are spared the limits that
strangers hammering the account trigger (see ``throttle``), and go to the front of the
hash threads (see ``admission``).

The cookie is ``<nonce>.<account tag>.<signature>``: a random nonce that names the browser,
an HMAC of the account's id (so the cookie names its account without saying which), and an
HMAC of both, under keys derived from ``SECRET_KEY``. Whether a cookie is valid is known from
the cookie alone, before the form is read or the database asked; whether it vouches for the
account being logged in to, once that account is found. It outlives logging out (it is not
a session).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

NONCE_BYTES = 16
_SHAPE = re.compile(r"([A-Za-z0-9_-]{22})\.([0-9a-f]{16})\.([0-9a-f]{32})")


@dataclass(frozen=True)
class DeviceCookie:
    """A valid device cookie: ``browser`` is its nonce, ``account_tag`` names its account."""

    browser: str
    account_tag: str


class DeviceCookies:
    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"quartauth device cookie\x00" + secret_key.encode()).digest()

    def issue(self, user_id: int) -> str:
        """A new cookie value saying that this browser logged in to ``user_id``'s account."""
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        tag = self._account_tag(user_id)
        return f"{nonce}.{tag}.{self._signature(nonce, tag)}"

    def read(self, value: str | None) -> DeviceCookie | None:
        """The cookie when ``value`` is one this site signed, else None."""
        shape = _SHAPE.fullmatch(value or "")
        if shape is None:
            return None
        nonce, tag, signature = shape.groups()
        if not hmac.compare_digest(signature, self._signature(nonce, tag)):
            return None
        return DeviceCookie(browser=nonce, account_tag=tag)

    def vouches_for(self, cookie: DeviceCookie | None, user_id: int) -> bool:
        return cookie is not None and hmac.compare_digest(cookie.account_tag, self._account_tag(user_id))

    def _account_tag(self, user_id: int) -> str:
        return hmac.new(self._key, f"account:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]

    def _signature(self, nonce: str, tag: str) -> str:
        return hmac.new(self._key, f"cookie:{nonce}.{tag}".encode(), hashlib.sha256).hexdigest()[:32]
