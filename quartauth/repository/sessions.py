from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..db import Connection, Database, Row
from .users import User

Executor = Connection | Database


@dataclass(frozen=True)
class Session:
    """A signed-in browser. The token itself is never stored, only its hash."""

    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime  # the latest it can end
    idle_expires_at: datetime  # when it ends unless used before then
    remembered: bool  # "Remember me": a longer lifetime, and a longer idle time
    client_address: str | None  # None for sessions older than migration 0002
    browser: str | None

    @classmethod
    def from_row(cls, row: Row) -> Session:
        return cls(**{**row, "remembered": bool(row["remembered"])})


async def insert_session(
    db: Executor,
    *,
    token_hash: str,
    user_id: int,
    created_at: datetime,
    expires_at: datetime,
    idle_expires_at: datetime,
    remembered: bool,
    client_address: str | None,
    browser: str | None,
) -> Session:
    row = await db.fetch_one(
        "sessions/insert_session",
        token_hash=token_hash,
        user_id=user_id,
        created_at=created_at,
        expires_at=expires_at,
        idle_expires_at=idle_expires_at,
        remembered=remembered,
        client_address=client_address,
        browser=browser,
    )
    assert row is not None
    return Session.from_row(row)


async def select_live_sessions_with_users(
    db: Executor, token_hashes: Sequence[str], now: datetime
) -> dict[str, tuple[Session, User]]:
    """The live sessions among ``token_hashes``, each with its user, by token hash."""
    rows = await db.fetch_all(
        "sessions/select_live_sessions_with_users", token_hashes=list(token_hashes), now=now
    )
    return {row["token_hash"]: _session_with_user(row) for row in rows}


def _session_with_user(row: Row) -> tuple[Session, User]:
    session = Session(
        id=row["session_id"],
        user_id=row["id"],
        created_at=row["session_created_at"],
        last_seen_at=row["session_last_seen_at"],
        expires_at=row["session_expires_at"],
        idle_expires_at=row["session_idle_expires_at"],
        remembered=bool(row["session_remembered"]),
        client_address=row["session_client_address"],
        browser=row["session_browser"],
    )
    return session, User.from_row(row)


async def update_session_last_seen(
    db: Executor, session_id: int, last_seen_at: datetime, idle_expires_at: datetime
) -> None:
    await db.execute(
        "sessions/update_session_last_seen", id=session_id, last_seen_at=last_seen_at, idle_expires_at=idle_expires_at
    )


async def delete_session_by_token_hash(db: Executor, token_hash: str) -> int:
    return await db.execute("sessions/delete_session_by_token_hash", token_hash=token_hash)


async def delete_expired_sessions_of_user(db: Executor, user_id: int, now: datetime) -> int:
    return await db.execute("sessions/delete_expired_sessions_of_user", user_id=user_id, now=now)


async def delete_expired_sessions(db: Executor, now: datetime) -> int:
    """Every session past its latest end or its idle end, whoever's it was."""
    return await db.execute("sessions/delete_expired_sessions", now=now)


async def select_sessions_of_user(db: Executor, user_id: int) -> list[Session]:
    """Every session of ``user_id`` (live or expired but not yet swept), newest first."""
    rows = await db.fetch_all("sessions/select_sessions_of_user", user_id=user_id)
    return [Session.from_row(row) for row in rows]


async def select_live_sessions_of_user(db: Executor, user_id: int, now: datetime) -> list[Session]:
    """The sessions of ``user_id`` still live at ``now``, most recently used first."""
    rows = await db.fetch_all("sessions/select_live_sessions_of_user", user_id=user_id, now=now)
    return [Session.from_row(row) for row in rows]


async def delete_session_of_user(db: Executor, session_id: int, user_id: int) -> int:
    """Deletes the session only when it is ``user_id``'s; answers 1 if it did, else 0."""
    return await db.execute("sessions/delete_session_of_user", id=session_id, user_id=user_id)
