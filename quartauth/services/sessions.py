"""Signed-in sessions the server can see and end.

The browser's cookie (signed by quart-auth) carries a random token; the database keeps only
its SHA-256, so a leaked database cannot be replayed as cookies, and deleting the row ends
the session everywhere at once.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..db import Database
from ..db.batching import BatchLoader
from ..repository.sessions import (
    LiveSession,
    delete_expired_sessions_of_user,
    delete_session_by_token_hash,
    insert_session,
    select_live_sessions_with_users,
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


class SessionLookup:
    """Finds the live session behind a cookie's token, on every signed-in request.

    Requests that ask at the same moment share one query (see ``BatchLoader``), and the
    session row is read afresh for each batch, so ending a session takes effect at once.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._batches: BatchLoader[str, LiveSession] = BatchLoader(self._select)

    async def resolve(self, token: str) -> LiveSession | None:
        """The live session behind ``token``, or None when it ended, expired or never was."""
        live = await self._batches.load(hash_token(token))
        if live is not None:
            now = datetime.now(UTC)
            if now - live.session.last_seen_at >= LAST_SEEN_RESOLUTION:
                await update_session_last_seen(self._db, live.session.id, now)
        return live

    async def _select(self, token_hashes: Sequence[str]) -> dict[str, LiveSession]:
        return await select_live_sessions_with_users(self._db, token_hashes, datetime.now(UTC))


async def end_session(db: Database, token: str) -> None:
    await delete_session_by_token_hash(db, hash_token(token))
