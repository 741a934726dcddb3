"""Mail waiting to be delivered (``outbox``), and mail delivered, kept a while."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor


@dataclass(frozen=True)
class Message:
    """One mail, as the outbox keeps it: the same content as plain text and as HTML."""

    recipient: str
    subject: str
    text_body: str
    html_body: str


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    message: Message
    attempts: int  # this one included


async def insert_outbox_message(db: Executor, message: Message, created_at: datetime) -> None:
    await db.execute(
        "outbox/insert_outbox_message", recipient=message.recipient, subject=message.subject,
        text_body=message.text_body, html_body=message.html_body, created_at=created_at,
    )


async def claim_outbox_messages(db: Executor, *, now: datetime, until: datetime, limit: int) -> list[ClaimedMessage]:
    """The messages due at ``now``, oldest first, now claimed by the caller until ``until``."""
    rows = await db.fetch_all("outbox/claim_outbox_messages", now=now, until=until, limit=limit)
    claimed = [
        ClaimedMessage(row["id"], Message(row["recipient"], row["subject"], row["text_body"], row["html_body"]), row["attempts"])
        for row in rows
    ]
    return sorted(claimed, key=lambda claim: claim.id)


async def mark_outbox_message_sent(db: Executor, message_id: int, sent_at: datetime) -> None:
    await db.execute("outbox/mark_outbox_message_sent", id=message_id, sent_at=sent_at)


async def postpone_outbox_message(db: Executor, message_id: int, next_attempt_at: datetime, last_error: str) -> None:
    await db.execute(
        "outbox/postpone_outbox_message", id=message_id, next_attempt_at=next_attempt_at, last_error=last_error
    )


async def select_next_outbox_attempt(db: Executor) -> datetime | None:
    row = await db.fetch_one("outbox/select_next_outbox_attempt")
    return None if row is None else row["next_attempt_at"]


async def delete_outbox_messages_sent_before(db: Executor, before: datetime) -> int:
    return await db.execute("outbox/delete_outbox_messages_sent_before", before=before)


async def count_unsent_outbox_messages(db: Executor) -> int:
    row = await db.fetch_one("outbox/count_unsent_outbox_messages")
    return int(row["unsent"]) if row else 0
