from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..db import Executor, Row
from .users import User


BROWSER, APP = "browser", "app"  # the kinds of session


@dataclass(frozen=True)
class PreviousSignIn:
    """The user's sign-in before a session began: when, with which browser, from where."""

    at: datetime
    browser: str | None
    client_address: str | None


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
    kind: str  # BROWSER (the session cookie) or APP (a bearer token)
    client_address: str | None  # None for sessions older than migration 0002
    browser: str | None
    previous_sign_in: PreviousSignIn | None  # None for the user's first sign-in
    reauthenticated_at: datetime | None  # when the password was last entered in it

    @classmethod
    def from_row(cls, row: Row) -> Session:
        return cls._from_columns(row, SESSION_COLUMNS, row["user_id"])

    @classmethod
    def _from_columns(cls, row: Row, names: dict[str, str], user_id: int) -> Session:
        """From ``row``, where each field's column is named by ``names``."""
        previous_at = row[names["previous_sign_in_at"]]
        return cls(
            id=row[names["id"]],
            user_id=user_id,
            created_at=row[names["created_at"]],
            last_seen_at=row[names["last_seen_at"]],
            expires_at=row[names["expires_at"]],
            idle_expires_at=row[names["idle_expires_at"]],
            remembered=bool(row[names["remembered"]]),
            kind=row[names["kind"]],
            client_address=row[names["client_address"]],
            browser=row[names["browser"]],
            previous_sign_in=None if previous_at is None else PreviousSignIn(
                previous_at, row[names["previous_sign_in_browser"]], row[names["previous_sign_in_address"]]
            ),
            reauthenticated_at=row[names["reauthenticated_at"]],
        )


_FIELDS = (
    "id", "created_at", "last_seen_at", "expires_at", "idle_expires_at", "remembered", "kind", "client_address", "browser",
    "previous_sign_in_at", "previous_sign_in_browser", "previous_sign_in_address", "reauthenticated_at",
)
SESSION_COLUMNS = {name: name for name in _FIELDS}
# select_live_sessions_with_users names the session's columns session_<name>, beside the user's.
JOINED_SESSION_COLUMNS = {name: f"session_{name}" for name in _FIELDS}


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
    kind: str = BROWSER,
) -> Session:
    row = await db.fetch_one(
        "sessions/insert_session",
        kind=kind,
        token_hash=token_hash,
        user_id=user_id,
        created_at=created_at,
        expires_at=expires_at,
        idle_expires_at=idle_expires_at,
        remembered=remembered,
        client_address=client_address,
        browser=browser,
    )
    if row is None:
        raise LookupError(f"no user {user_id} to start a session for")
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
    return Session._from_columns(row, JOINED_SESSION_COLUMNS, row["id"]), User.from_row(row)


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


async def delete_other_sessions_of_user(db: Executor, user_id: int, kept_id: int) -> int:
    """Every session of ``user_id`` but ``kept_id``; answers how many ended."""
    return await db.execute("sessions/delete_other_sessions_of_user", user_id=user_id, kept_id=kept_id)


async def delete_sessions_of_user(db: Executor, user_id: int) -> int:
    return await db.execute("sessions/delete_sessions_of_user", user_id=user_id)


async def update_session_token(db: Executor, session_id: int, token_hash: str, reauthenticated_at: datetime) -> None:
    await db.execute(
        "sessions/update_session_token", id=session_id, token_hash=token_hash, reauthenticated_at=reauthenticated_at
    )


async def update_session_reauthenticated(db: Executor, session_id: int, reauthenticated_at: datetime) -> None:
    await db.execute("sessions/update_session_reauthenticated", id=session_id, reauthenticated_at=reauthenticated_at)
