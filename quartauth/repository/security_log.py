from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor, Row


@dataclass(frozen=True)
class SecurityEvent:
    """One line of the security log."""

    id: int
    at: datetime
    user_id: int | None  # None once the account is deleted, or when nobody was known
    email: str | None
    event: str
    client_address: str | None
    browser: str | None
    detail: str  # a small JSON object

    @classmethod
    def from_row(cls, row: Row) -> SecurityEvent:
        return cls(
            id=row["id"], at=row["at"], user_id=row["user_id"], email=row["email"], event=row["event"],
            client_address=row["client_address"], browser=row["browser"], detail=row["detail"],
        )


@dataclass(frozen=True)
class Activity:
    """A line of an owner's recent activity: one event, or a run of one kind of failure
    (``count`` of them from ``first_at`` to ``at``, from ``addresses`` addresses, the last
    from ``client_address``)."""

    id: int
    at: datetime
    first_at: datetime
    count: int
    event: str
    client_address: str | None
    addresses: int
    browser: str | None


async def insert_security_event(
    db: Executor,
    *,
    at: datetime,
    user_id: int | None,
    email: str | None,
    event: str,
    client_address: str | None,
    browser: str | None,
    detail: str,
) -> None:
    await db.execute(
        "security_log/insert_security_event", at=at, user_id=user_id, email=email, event=event,
        client_address=client_address, browser=browser, detail=detail,
    )


async def select_recent_activity_of_user(
    db: Executor, user_id: int, *, limit: int, failed: str, refused: str, check_failed: str
) -> list[Activity]:
    rows = await db.fetch_all(
        "security_log/select_recent_activity_of_user", user_id=user_id, limit=limit,
        failed=failed, refused=refused, check_failed=check_failed,
    )
    return [Activity(**row) for row in rows]


async def select_security_events(db: Executor, *, before_id: int, email: str, event: str, limit: int) -> list[SecurityEvent]:
    """Newest first below ``before_id``; ``email`` and ``event`` filter when not empty."""
    rows = await db.fetch_all(
        "security_log/select_security_events", before_id=before_id, email=email, event=event, limit=limit
    )
    return [SecurityEvent.from_row(row) for row in rows]


async def delete_security_events_before(db: Executor, before: datetime) -> int:
    return await db.execute("security_log/delete_security_events_before", before=before)
