"""The random secrets handed to browsers and mailboxes (a session's cookie, a mailed link):
made here, and kept by the database only as their SHA-256."""
from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # a token is 43 characters; anything much longer is not one


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps of a secret token: its SHA-256, so a leaked database cannot
    be replayed as cookies or links."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def plausible(token: str) -> bool:
    """Whether ``token`` could be one of ours: worth hashing and looking up."""
    return 0 < len(token) <= MAX_TOKEN_LENGTH
