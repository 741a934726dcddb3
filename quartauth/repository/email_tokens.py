"""The links mailed to people (``email_tokens``): stored as SHA-256 hashes, used once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor


@dataclass(frozen=True)
class EmailToken:
    """What a working link stands for: whose account, and for a change of address, the new one."""

    user_id: int
    new_email: str | None


@dataclass(frozen=True)
class PendingEmailChange:
    """A change of address asked for and not made yet."""

    new_email: str
    expires_at: datetime


async def insert_email_token(
    db: Executor,
    *,
    user_id: int,
    purpose: str,
    token_hash: str,
    new_email: str | None,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    await db.execute(
        "email_tokens/insert_email_token", user_id=user_id, purpose=purpose, token_hash=token_hash,
        new_email=new_email, created_at=created_at, expires_at=expires_at,
    )


async def delete_email_tokens_of_user(db: Executor, user_id: int, purpose: str) -> int:
    return await db.execute("email_tokens/delete_email_tokens_of_user", user_id=user_id, purpose=purpose)


async def delete_all_email_tokens_of_user(db: Executor, user_id: int) -> int:
    return await db.execute("email_tokens/delete_all_email_tokens_of_user", user_id=user_id)


async def select_email_token(db: Executor, token_hash: str, purpose: str, now: datetime) -> EmailToken | None:
    row = await db.fetch_one("email_tokens/select_email_token", token_hash=token_hash, purpose=purpose, now=now)
    return None if row is None else EmailToken(row["user_id"], row["new_email"])


async def take_email_token(db: Executor, token_hash: str, purpose: str, now: datetime) -> EmailToken | None:
    """The link's meaning, deleting it: None when it is unknown, used or expired."""
    row = await db.fetch_one("email_tokens/take_email_token", token_hash=token_hash, purpose=purpose, now=now)
    return None if row is None else EmailToken(row["user_id"], row["new_email"])


async def delete_email_tokens_expired_before(db: Executor, before: datetime) -> int:
    return await db.execute("email_tokens/delete_email_tokens_expired_before", before=before)


async def select_email_change_of_user(db: Executor, user_id: int, purpose: str, now: datetime) -> PendingEmailChange | None:
    row = await db.fetch_one("email_tokens/select_email_change_of_user", user_id=user_id, purpose=purpose, now=now)
    return None if row is None else PendingEmailChange(row["new_email"], row["expires_at"])
