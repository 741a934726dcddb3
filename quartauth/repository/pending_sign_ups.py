"""Sign-ups waiting for their link to be opened (``pending_sign_ups``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor


@dataclass(frozen=True)
class PendingSignUp:
    email: str
    password_hash: str


async def insert_pending_sign_up(
    db: Executor, *, token_hash: str, email: str, password_hash: str, created_at: datetime, expires_at: datetime
) -> None:
    await db.execute(
        "pending_sign_ups/insert_pending_sign_up", token_hash=token_hash, email=email,
        password_hash=password_hash, created_at=created_at, expires_at=expires_at,
    )


async def select_pending_sign_up(db: Executor, token_hash: str, now: datetime) -> PendingSignUp | None:
    row = await db.fetch_one("pending_sign_ups/select_pending_sign_up", token_hash=token_hash, now=now)
    return None if row is None else PendingSignUp(row["email"], row["password_hash"])


async def take_pending_sign_up(db: Executor, token_hash: str, now: datetime) -> PendingSignUp | None:
    """The sign-up, deleting it: None when the link is unknown, used or expired."""
    row = await db.fetch_one("pending_sign_ups/take_pending_sign_up", token_hash=token_hash, now=now)
    return None if row is None else PendingSignUp(row["email"], row["password_hash"])


async def delete_pending_sign_ups_expired_before(db: Executor, before: datetime) -> int:
    return await db.execute("pending_sign_ups/delete_pending_sign_ups_expired_before", before=before)
