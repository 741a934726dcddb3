"""Signed-in sessions the server can see and end.

The browser's cookie (signed by quart-auth) carries a random token; the database keeps only
its SHA-256, so a leaked database cannot be replayed as cookies, and deleting the row ends
the session everywhere at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from ..db import Database
from ..repository.sessions import (
    LiveSession,
    delete_expired_sessions_of_user,
    delete_session_by_token_hash,
    insert_session,
    select_live_session_with_user,
    update_session_last_seen,
)
from ..repository.users import User

TOKEN_BYTES = 32
# Recording every page view would turn each read into a write; minutes are precise enough.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def start_session(db: Database, user: User, *, lifetime: timedelta) -> tuple[str, LiveSession]:
    """A new session for ``user``: its token (for the cookie only) and its row."""
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session = await insert_session(
        db, token_hash=hash_token(token), user_id=user.id, created_at=now, expires_at=now + lifetime
    )
    await delete_expired_sessions_of_user(db, user.id, now)
    return token, LiveSession(session=session, user=user)


async def resolve_session(db: Database, token: str) -> LiveSession | None:
    """The live session behind ``token``, or None when it ended, expired or never was."""
    now = datetime.now(UTC)
    live = await select_live_session_with_user(db, hash_token(token), now)
    if live is not None and now - live.session.last_seen_at >= LAST_SEEN_RESOLUTION:
        await update_session_last_seen(db, live.session.id, now)
    return live


async def end_session(db: Database, token: str) -> None:
    await delete_session_by_token_hash(db, hash_token(token))
