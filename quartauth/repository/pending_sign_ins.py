"""Sign-ins waiting for their second step (``pending_sign_ins``): the SHA-256 of the token
in the browser's cookie is the key."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor, Row


@dataclass(frozen=True)
class PendingSignIn:
    user_id: int
    remembered: bool
    next_path: str
    after_reset: bool  # the password was just reset by mail, not entered on the login page
    tries: int  # codes tried, this one included when it came from ``take_a_try``
    expires_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> PendingSignIn:
        return cls(
            user_id=row["user_id"],
            remembered=bool(row["remembered"]),
            next_path=row["next_path"],
            after_reset=bool(row["after_reset"]),
            tries=int(row["tries"]),
            expires_at=row["expires_at"],
        )


async def insert_pending_sign_in(
    db: Executor,
    *,
    token_hash: str,
    user_id: int,
    remembered: bool,
    next_path: str,
    after_reset: bool,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    await db.execute(
        "pending_sign_ins/insert_pending_sign_in", token_hash=token_hash, user_id=user_id, remembered=remembered,
        next_path=next_path, after_reset=after_reset, created_at=created_at, expires_at=expires_at,
    )


async def select_pending_sign_in(db: Executor, token_hash: str, now: datetime) -> PendingSignIn | None:
    row = await db.fetch_one("pending_sign_ins/select_pending_sign_in", token_hash=token_hash, now=now)
    return None if row is None else PendingSignIn.from_row(row)


async def take_a_try(db: Executor, token_hash: str, now: datetime, max_tries: int) -> PendingSignIn | None:
    """The sign-in with one more try taken; None when it has ended or has no tries left."""
    row = await db.fetch_one("pending_sign_ins/take_a_try", token_hash=token_hash, now=now, max_tries=max_tries)
    return None if row is None else PendingSignIn.from_row(row)


async def take_pending_sign_in(db: Executor, token_hash: str, now: datetime) -> bool:
    """Whether this call finished the sign-in (deleting it): of two at once, one does."""
    return await db.fetch_one("pending_sign_ins/take_pending_sign_in", token_hash=token_hash, now=now) is not None


async def delete_pending_sign_in(db: Executor, token_hash: str) -> int:
    return await db.execute("pending_sign_ins/delete_pending_sign_in", token_hash=token_hash)


async def delete_pending_sign_ins_of_user(db: Executor, user_id: int) -> int:
    return await db.execute("pending_sign_ins/delete_pending_sign_ins_of_user", user_id=user_id)


async def delete_pending_sign_ins_expired_before(db: Executor, before: datetime) -> int:
    return await db.execute("pending_sign_ins/delete_pending_sign_ins_expired_before", before=before)
