from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Connection, Database, Row

Executor = Connection | Database


@dataclass(frozen=True)
class AuditEvent:
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
    def from_row(cls, row: Row) -> AuditEvent:
        return cls(
            id=row["id"], at=row["at"], user_id=row["user_id"], email=row["email"], event=row["event"],
            client_address=row["client_address"], browser=row["browser"], detail=row["detail"],
        )


async def insert_audit_event(
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
        "audit/insert_audit_event", at=at, user_id=user_id, email=email, event=event,
        client_address=client_address, browser=browser, detail=detail,
    )


async def select_audit_events_of_user(db: Executor, user_id: int, limit: int) -> list[AuditEvent]:
    rows = await db.fetch_all("audit/select_audit_events_of_user", user_id=user_id, limit=limit)
    return [AuditEvent.from_row(row) for row in rows]


async def select_audit_events(db: Executor, *, before_id: int, email: str, event: str, limit: int) -> list[AuditEvent]:
    """Newest first below ``before_id``; ``email`` and ``event`` filter when not empty."""
    rows = await db.fetch_all(
        "audit/select_audit_events", before_id=before_id, email=email, event=event, limit=limit
    )
    return [AuditEvent.from_row(row) for row in rows]


async def delete_audit_events_before(db: Executor, before: datetime) -> int:
    return await db.execute("audit/delete_audit_events_before", before=before)
