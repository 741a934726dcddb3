"""The links mailed to people: a random token in the link, only its SHA-256 in the database.

Each link has a purpose and a lifetime, works once, and asking for a new one of the same
purpose kills the older ones. Every security change ends them all (``end_every_link``),
in the transaction of the change: a link mailed before it must not undo it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from ..db import Connection, Database
from ..repository.email_tokens import (
    EmailToken,
    delete_all_email_tokens_of_user,
    delete_email_tokens_expired_before,
    delete_email_tokens_of_user,
    insert_email_token,
    select_email_token,
    take_email_token,
)
from .secret_tokens import hash_token, new_token, plausible



class Purpose(StrEnum):
    VERIFY = "verify"
    RESET = "reset"
    CHANGE_EMAIL = "change_email"


LIFETIMES = {
    Purpose.VERIFY: timedelta(hours=48),
    Purpose.RESET: timedelta(hours=1),
    Purpose.CHANGE_EMAIL: timedelta(hours=24),
}


async def issue(
    db: Connection | Database, user_id: int, purpose: Purpose, now: datetime, *, new_email: str | None = None
) -> str:
    """A new token for ``user_id``'s ``purpose``; the older ones of that purpose stop working."""
    token = new_token()
    await delete_email_tokens_of_user(db, user_id, purpose)
    await insert_email_token(
        db, user_id=user_id, purpose=purpose, token_hash=hash_token(token), new_email=new_email,
        created_at=now, expires_at=now + LIFETIMES[purpose],
    )
    return token


async def peek(db: Connection | Database, token: str, purpose: Purpose, now: datetime) -> EmailToken | None:
    """What the token stands for while it works, without using it."""
    if not plausible(token):
        return None
    return await select_email_token(db, hash_token(token), purpose, now)


async def take(db: Connection | Database, token: str, purpose: Purpose, now: datetime) -> EmailToken | None:
    """Use the token: what it stands for, or None when it is unknown, used or expired."""
    if not plausible(token):
        return None
    return await take_email_token(db, hash_token(token), purpose, now)


async def end_every_link(db: Connection | Database, user_id: int) -> None:
    """Kill every outstanding link of the account, whatever its purpose: run it in the
    transaction of each security change (password changed or reset, email changed, logged
    out everywhere else, disabled), so that whoever the change shuts out keeps no way back."""
    await delete_all_email_tokens_of_user(db, user_id)


async def prune(db: Database, now: datetime) -> int:
    return await delete_email_tokens_expired_before(db, now)
