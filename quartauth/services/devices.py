"""Device cookies (OWASP's answer to online guessing): a browser that has logged in to an
account carries proof of it, and its attempts on that account are spared the limits that
strangers hammering the account trigger (see ``throttle``).

The proof is a random nonce and an HMAC of the account's id with it, under a key derived
from ``SECRET_KEY``: nothing in it says which account it is for, and it outlives logging out
(it is not a session).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

NONCE_BYTES = 16


class DeviceProofs:
    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"quartauth device cookie\x00" + secret_key.encode()).digest()

    def issue(self, user_id: int) -> str:
        """A new proof that this browser logged in to ``user_id``'s account."""
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        return f"{nonce}.{self._tag(user_id, nonce)}"

    def nonce_for(self, proof: str | None, user_id: int) -> str | None:
        """The proof's nonce when it vouches for ``user_id``'s account, else None."""
        nonce, _, tag = (proof or "").partition(".")
        if not nonce or not tag or len(proof or "") > 200:
            return None
        return nonce if hmac.compare_digest(tag, self._tag(user_id, nonce)) else None

    def _tag(self, user_id: int, nonce: str) -> str:
        return hmac.new(self._key, f"{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
