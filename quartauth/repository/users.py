from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Connection, Database, Row

Executor = Connection | Database


@dataclass(frozen=True)
class User:
    id: int
    email: str
    password_hash: str
    is_admin: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> User:
        return cls(
            id=row["id"],
            email=row["email"],
            password_hash=row["password_hash"],
            is_admin=bool(row["is_admin"]),
            created_at=row["created_at"],
        )

    def __repr__(self) -> str:  # keeps the hash out of logs and tracebacks
        return f"User(id={self.id}, email={self.email!r}, is_admin={self.is_admin})"


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
