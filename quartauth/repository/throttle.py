from __future__ import annotations

from datetime import datetime

from ..db import Connection, Database

Executor = Connection | Database


async def insert_throttle_events(db: Executor, keys: list[tuple[str, str]], at: datetime) -> None:
    """One event at ``at`` for each (bucket, key): a failed login's three in one statement."""
    if len(keys) == 3:
        await db.execute("throttle/insert_throttle_events_of_keys", at=at, **_numbered(keys, ("bucket", "key")))
        return
    for bucket, key in keys:
        await db.execute("throttle/insert_throttle_event", bucket=bucket, key=key, at=at)


async def select_recent_throttle_events_of_keys(
    db: Executor, keys: list[tuple[str, str, int]], since: datetime
) -> list[list[datetime]]:
    """For each of one to three (bucket, key, limit): when its latest events since ``since``
    happened, newest first, at most ``limit`` of them."""
    padded = keys + [("", "", 0)] * (3 - len(keys))  # a limit of 0 reads nothing
    rows = await db.fetch_all(
        "throttle/select_recent_throttle_events_of_keys", since=since, **_numbered(padded, ("bucket", "key", "limit"))
    )
    events: list[list[datetime]] = [[] for _ in keys]
    for row in rows:
        events[row["slot"] - 1].append(row["at"])
    return events


def _numbered(rows: list[tuple], names: tuple[str, ...]) -> dict[str, object]:  # type: ignore[type-arg]
    # [("address", "k")] and ("bucket", "key") -> {"bucket1": "address", "key1": "k"}
    return {f"{name}{number}": value for number, row in enumerate(rows, start=1) for name, value in zip(names, row)}


async def delete_throttle_events_before(db: Executor, before: datetime) -> int:
    return await db.execute("throttle/delete_throttle_events_before", before=before)
