"""Signing up without telling which addresses have accounts (``SIGN_UP_REVEALS_ACCOUNTS``
off, as django-allauth's ``ACCOUNT_PREVENT_ENUMERATION``).

Whoever signs up is answered alike: a link is on its way. A free address gets a link that
starts the account when it is opened (the address is proven by then); an address that has
an account gets a word to its owner instead. Both are decided after the answer, so it takes
the same time either way, and the password is hashed before it in both cases.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from ..db import Database, UniqueViolation
from ..repository.pending_sign_ups import (
    delete_pending_sign_ups_expired_before,
    insert_pending_sign_up,
    select_pending_sign_up,
    take_pending_sign_up,
)
from ..repository.users import User, insert_user, select_user_by_email, update_user_email_verified_at
from .mail import Letter, Mailer
from .secret_tokens import hash_token, new_token, plausible

LIFETIME = timedelta(hours=48)


async def ask(db: Database, mailer: Mailer, *, email: str, password_hash: str, now: datetime) -> User | None:
    """Mail ``email`` the link that finishes signing up, or, when it has an account, tell
    its owner that someone tried: that account, or None."""
    async with db.transaction() as connection:
        if (owner := await select_user_by_email(connection, email)) is not None:
            await mailer.send(connection, Letter.SIGN_UP_TAKEN, email, now)
            return owner
        token = new_token()
        await insert_pending_sign_up(
            connection, token_hash=hash_token(token), email=email, password_hash=password_hash,
            created_at=now, expires_at=now + LIFETIME,
        )
        await mailer.send(connection, Letter.FINISH_SIGN_UP, email, now, link=mailer.link(f"/register/{token}"))
    return None


async def pending_email(db: Database, token: str, now: datetime) -> str | None:
    """The address a working link would sign up, without using it."""
    if not plausible(token):
        return None
    found = await select_pending_sign_up(db, hash_token(token), now)
    return found and found.email


class Finish(Enum):
    STARTED = "the account started"
    DEAD_LINK = "the link is used, expired or unknown"
    TAKEN = "an account with the address started meanwhile"


@dataclass(frozen=True)
class Finished:
    result: Finish
    user: User | None = None


async def finish(db: Database, token: str, now: datetime) -> Finished:
    """Start the account the link stands for, its address proven by the link."""
    if not plausible(token):
        return Finished(Finish.DEAD_LINK)
    try:
        async with db.transaction() as connection:
            found = await take_pending_sign_up(connection, hash_token(token), now)
            if found is None:
                return Finished(Finish.DEAD_LINK)
            user = await insert_user(
                connection, email=found.email, password_hash=found.password_hash, is_admin=False, created_at=now
            )
            await update_user_email_verified_at(connection, user.id, now)
    except UniqueViolation:  # the address signed up by another link first; this one is used up
        return Finished(Finish.TAKEN)
    return Finished(Finish.STARTED, replace(user, email_verified_at=now))


async def prune(db: Database, now: datetime) -> int:
    return await delete_pending_sign_ups_expired_before(db, now)
