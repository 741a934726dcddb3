from __future__ import annotations

from datetime import datetime

from ..db import Connection, Database

Executor = Connection | Database


async def insert_throttle_event(db: Executor, bucket: str, key: str, at: datetime) -> None:
    await db.execute("throttle/insert_throttle_event", bucket=bucket, key=key, at=at)


async def select_recent_throttle_events(db: Executor, bucket: str, key: str, since: datetime, limit: int) -> list[datetime]:
    """When the latest events of ``bucket``'s ``key`` since ``since`` happened, newest first."""
    rows = await db.fetch_all(
        "throttle/select_recent_throttle_events", bucket=bucket, key=key, since=since, limit=limit
    )
    return [row["at"] for row in rows]


async def delete_throttle_events_before(db: Executor, before: datetime) -> int:
    return await db.execute("throttle/delete_throttle_events_before", before=before)
