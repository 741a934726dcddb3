from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor

KEYS_PER_READ = 3  # the keys select_recent_throttle_events_of_keys.sql reads at once


@dataclass(frozen=True)
class ThrottleEvent:
    at: datetime
    held: bool  # a place held by an attempt still being checked, not (yet) a failure


async def insert_throttle_events(
    db: Executor, keys: list[tuple[str, str]], at: datetime, *, hold: str | None = None
) -> None:
    """One event at ``at`` for each (bucket, key), held by ``hold`` when given: a login
    attempt's three in one statement."""
    if len(keys) == 3:
        await db.execute("throttle/insert_throttle_events_of_keys", at=at, hold=hold, **_numbered(keys, ("bucket", "key")))
        return
    for bucket, key in keys:
        await db.execute("throttle/insert_throttle_event", bucket=bucket, key=key, at=at, hold=hold)


async def settle_throttle_hold(db: Executor, hold: str, at: datetime) -> None:
    await db.execute("throttle/settle_throttle_hold", hold=hold, at=at)


async def delete_throttle_hold(db: Executor, hold: str) -> None:
    await db.execute("throttle/delete_throttle_hold", hold=hold)


async def select_recent_throttle_events_of_keys(
    db: Executor, keys: list[tuple[str, str, int]], since: datetime, held_since: datetime
) -> list[list[ThrottleEvent]]:
    """For each (bucket, key, limit): its latest events since ``since``, newest first, at
    most ``limit`` of them; places held before ``held_since`` left out. Three keys a read."""
    events: list[list[ThrottleEvent]] = []
    for start in range(0, len(keys), KEYS_PER_READ):
        events += await _select_up_to_three(db, keys[start : start + KEYS_PER_READ], since, held_since)
    return events


async def _select_up_to_three(
    db: Executor, keys: list[tuple[str, str, int]], since: datetime, held_since: datetime
) -> list[list[ThrottleEvent]]:
    padded = keys + [("", "", 0)] * (KEYS_PER_READ - len(keys))  # a limit of 0 reads nothing
    rows = await db.fetch_all(
        "throttle/select_recent_throttle_events_of_keys",
        since=since, held_since=held_since, **_numbered(padded, ("bucket", "key", "limit")),
    )
    events: list[list[ThrottleEvent]] = [[] for _ in keys]
    for row in rows:
        events[row["slot"] - 1].append(ThrottleEvent(row["at"], bool(row["held"])))
    return events


def _numbered(rows: list[tuple], names: tuple[str, ...]) -> dict[str, object]:  # type: ignore[type-arg]
    # [("address", "k")] and ("bucket", "key") -> {"bucket1": "address", "key1": "k"}
    return {f"{name}{number}": value for number, row in enumerate(rows, start=1) for name, value in zip(names, row)}


async def delete_throttle_events_before(db: Executor, before: datetime) -> int:
    return await db.execute("throttle/delete_throttle_events_before", before=before)
