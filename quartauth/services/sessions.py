"""Signed-in sessions the server can see and end.

The browser's cookie (signed by quart-auth) carries a random token; the database keeps only
its SHA-256, so a leaked database cannot be replayed as cookies, and deleting the row ends
the session everywhere at once.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..db import Database
from ..db.batching import BatchLoader
from ..repository.sessions import (
    Session,
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


@dataclass(frozen=True)
class SignedIn:
    """A request's sign-in: whose it is, its session, and the token the cookie carries."""

    user: User
    session: Session
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def start_session(
    db: Database,
    user: User,
    *,
    lifetime: timedelta,
    client_address: str | None = None,
    browser: str | None = None,
) -> SignedIn:
    """A new session for ``user``, noting where it began; its token is for the cookie only."""
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session = await insert_session(
        db,
        token_hash=hash_token(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + lifetime,
        client_address=client_address,
        browser=browser,
    )
    await delete_expired_sessions_of_user(db, user.id, now)
    return SignedIn(user=user, session=session, token=token)


class SessionLookup:
    """Finds the live session behind a cookie's token, on every signed-in request.

    Requests that ask at the same moment share one query (see ``BatchLoader``), and the
    session row is read afresh for each batch, so ending a session takes effect at once.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._batches: BatchLoader[str, tuple[Session, User]] = BatchLoader(self._select)

    async def resolve(self, token: str) -> SignedIn | None:
        """The sign-in behind ``token``, or None when its session ended, expired or never was."""
        found = await self._batches.load(hash_token(token))
        if found is None:
            return None
        session, user = found
        now = datetime.now(UTC)
        if now - session.last_seen_at >= LAST_SEEN_RESOLUTION:
            await update_session_last_seen(self._db, session.id, now)
        return SignedIn(user=user, session=session, token=token)

    async def _select(self, token_hashes: Sequence[str]) -> dict[str, tuple[Session, User]]:
        return await select_live_sessions_with_users(self._db, token_hashes, datetime.now(UTC))


async def end_session(db: Database, token: str) -> None:
    await delete_session_by_token_hash(db, hash_token(token))
