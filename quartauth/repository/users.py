from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Connection, Executor, Row


@dataclass(frozen=True)
class User:
    id: int
    email: str
    password_hash: str
    is_admin: bool
    created_at: datetime
    disabled_at: datetime | None = None  # an admin disabled the user: no sign-in, no session
    email_verified_at: datetime | None = None  # when a link mailed to the address was opened
    two_step_key: str | None = None  # sealed (``two_step_codes.KeyBox``); set from when setting it up starts
    two_step_on_since: datetime | None = None
    two_step_last_step: int | None = None  # the last time step whose code was accepted

    @classmethod
    def from_row(cls, row: Row) -> User:
        return cls(
            id=row["id"],
            email=row["email"],
            password_hash=row["password_hash"],
            is_admin=bool(row["is_admin"]),
            created_at=row["created_at"],
            disabled_at=row["disabled_at"],
            email_verified_at=row["email_verified_at"],
            two_step_key=row["two_step_key"],
            two_step_on_since=row["two_step_on_since"],
            two_step_last_step=row["two_step_last_step"],
        )

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def has_two_step(self) -> bool:
        return self.two_step_on_since is not None

    def __repr__(self) -> str:  # keeps the hash and the key out of logs and tracebacks
        return f"User(id={self.id}, email={self.email!r}, is_admin={self.is_admin}, disabled={self.is_disabled})"


@dataclass(frozen=True)
class UserSummary:
    """What the admin area shows of a user: never the password hash."""

    id: int
    email: str
    is_admin: bool
    created_at: datetime
    disabled_at: datetime | None
    last_sign_in_at: datetime | None
    last_sign_in_browser: str | None
    last_sign_in_address: str | None
    live_sessions: int
    email_verified_at: datetime | None = None
    two_step_on_since: datetime | None = None

    @classmethod
    def from_row(cls, row: Row) -> UserSummary:
        return cls(
            id=row["id"],
            email=row["email"],
            is_admin=bool(row["is_admin"]),
            created_at=row["created_at"],
            disabled_at=row["disabled_at"],
            last_sign_in_at=row["last_sign_in_at"],
            last_sign_in_browser=row["last_sign_in_browser"],
            last_sign_in_address=row["last_sign_in_address"],
            live_sessions=int(row["live_sessions"]),
            email_verified_at=row["email_verified_at"],
            two_step_on_since=row["two_step_on_since"],
        )

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def has_two_step(self) -> bool:
        return self.two_step_on_since is not None


async def insert_user(
    db: Executor, *, email: str, password_hash: str, is_admin: bool, created_at: datetime
) -> User:
    """Raises ``UniqueViolation`` when the email is taken."""
    row = await db.fetch_one(
        "users/insert_user",
        email=email,
        password_hash=password_hash,
        is_admin=is_admin,
        created_at=created_at,
    )
    assert row is not None
    return User.from_row(row)


async def select_user_by_email(db: Executor, email: str) -> User | None:
    row = await db.fetch_one("users/select_user_by_email", email=email)
    return User.from_row(row) if row else None


async def select_user_by_id(db: Executor, user_id: int) -> User | None:
    row = await db.fetch_one("users/select_user_by_id", id=user_id)
    return User.from_row(row) if row else None


async def update_user_password_hash(db: Executor, user_id: int, password_hash: str) -> None:
    await db.execute("users/update_user_password_hash", id=user_id, password_hash=password_hash)


async def update_user_email_verified_at(db: Executor, user_id: int, verified_at: datetime) -> None:
    await db.execute("users/update_user_email_verified_at", id=user_id, verified_at=verified_at)


async def update_user_email(db: Executor, user_id: int, email: str, verified_at: datetime) -> None:
    """Raises ``UniqueViolation`` when another account has ``email`` by now."""
    await db.execute("users/update_user_email", id=user_id, email=email, verified_at=verified_at)


async def count_users(db: Executor) -> int:
    row = await db.fetch_one("users/count_users")
    assert row is not None
    return int(row["total"])


async def select_users_after(db: Executor, after_id: int, limit: int) -> list[User]:
    """Up to ``limit`` users with ids above ``after_id``, in id order (keyset pages)."""
    rows = await db.fetch_all("users/select_users_after", after_id=after_id, limit=limit)
    return [User.from_row(row) for row in rows]


async def update_user_last_sign_in(
    db: Executor, user_id: int, *, signed_in_at: datetime, browser: str | None, client_address: str | None
) -> None:
    await db.execute(
        "users/update_user_last_sign_in",
        id=user_id,
        signed_in_at=signed_in_at,
        browser=browser,
        client_address=client_address,
    )


async def delete_user(db: Executor, user_id: int) -> int:
    """Deletes the user, and with it (by foreign key) their sessions; answers 1 if it did."""
    return await db.execute("users/delete_user", id=user_id)


async def update_user_disabled_at(db: Executor, user_id: int, disabled_at: datetime | None) -> int:
    return await db.execute("users/update_user_disabled_at", id=user_id, disabled_at=disabled_at)


async def update_user_is_admin(db: Executor, user_id: int, is_admin: bool) -> int:
    return await db.execute("users/update_user_is_admin", id=user_id, is_admin=is_admin)


async def select_enabled_admin_ids(db: Connection) -> set[int]:
    """The admins who can sign in, locked until the transaction ends (Postgres)."""
    rows = await db.fetch_all("users/select_enabled_admin_ids")
    return {row["id"] for row in rows}


async def select_user_summaries_from_id(db: Executor, start_id: int, limit: int, now: datetime) -> list[UserSummary]:
    """Up to ``limit`` users with ids at most ``start_id``, newest first."""
    rows = await db.fetch_all("users/select_user_summaries_from_id", start_id=start_id, limit=limit, now=now)
    return [UserSummary.from_row(row) for row in rows]


async def select_user_summaries_from_email(
    db: Executor, start_email: str, end_email: str, limit: int, now: datetime
) -> list[UserSummary]:
    """Up to ``limit`` users with ``start_email <= email < end_email``, in email order."""
    rows = await db.fetch_all(
        "users/select_user_summaries_from_email", start_email=start_email, end_email=end_email, limit=limit, now=now
    )
    return [UserSummary.from_row(row) for row in rows]


async def select_user_summary_by_id(db: Executor, user_id: int, now: datetime) -> UserSummary | None:
    row = await db.fetch_one("users/select_user_summary_by_id", id=user_id, now=now)
    return UserSummary.from_row(row) if row else None


async def update_user_two_step_key(db: Executor, user_id: int, sealed_key: str) -> int:
    """Only while two-step sign-in is off; answers how many rows changed (0 or 1)."""
    return await db.execute("users/update_user_two_step_key", id=user_id, two_step_key=sealed_key)


async def turn_user_two_step_on(db: Executor, user_id: int, sealed_key: str, step: int, on_since: datetime) -> bool:
    """Whether this call turned it on (with ``sealed_key`` still the account's)."""
    changed = await db.execute("users/turn_user_two_step_on", id=user_id, two_step_key=sealed_key, step=step, on_since=on_since)
    return changed == 1


async def turn_user_two_step_off(db: Executor, user_id: int) -> int:
    return await db.execute("users/turn_user_two_step_off", id=user_id)


async def accept_user_two_step_step(db: Executor, user_id: int, step: int) -> bool:
    """Whether ``step`` was later than the last one accepted, and is now the last."""
    return await db.execute("users/accept_user_two_step_step", id=user_id, step=step) == 1
