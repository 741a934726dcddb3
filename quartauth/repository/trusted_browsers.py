"""Browsers that skip the second step (``trusted_browsers``), by the SHA-256 of their
device cookie's nonce."""
from __future__ import annotations

from datetime import datetime

from ..db import Executor


async def insert_trusted_browser(
    db: Executor, *, user_id: int, browser_hash: str, created_at: datetime, expires_at: datetime
) -> None:
    await db.execute(
        "trusted_browsers/insert_trusted_browser", user_id=user_id, browser_hash=browser_hash,
        created_at=created_at, expires_at=expires_at,
    )


async def is_trusted_browser(db: Executor, user_id: int, browser_hash: str, now: datetime) -> bool:
    row = await db.fetch_one("trusted_browsers/select_trusted_browser", user_id=user_id, browser_hash=browser_hash, now=now)
    return row is not None


async def count_trusted_browsers_of_user(db: Executor, user_id: int, now: datetime) -> int:
    row = await db.fetch_one("trusted_browsers/count_trusted_browsers_of_user", user_id=user_id, now=now)
    return int(row["trusted"]) if row else 0


async def delete_trusted_browsers_of_user(db: Executor, user_id: int) -> int:
    return await db.execute("trusted_browsers/delete_trusted_browsers_of_user", user_id=user_id)


async def delete_trusted_browsers_expired_before(db: Executor, before: datetime) -> int:
    return await db.execute("trusted_browsers/delete_trusted_browsers_expired_before", before=before)
