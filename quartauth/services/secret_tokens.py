"""The random secrets handed to browsers and mailboxes (a session's cookie, a mailed link):
made here, and kept by the database only as their SHA-256."""
from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps of a secret token: its SHA-256, so a leaked database cannot
    be replayed as cookies or links."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
