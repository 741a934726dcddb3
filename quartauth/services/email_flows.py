"""What a mailed link proves: that someone reads the address. Verifying it, resetting a
forgotten password, and moving an account to a new address all rest on that.

Every change and the mail it causes are written in one transaction, so neither is lost
without the other; the mail is delivered later (``delivery``), never while a page waits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from ..db import Connection, Database, UniqueViolation
from ..repository.email_tokens import PendingEmailChange, delete_email_tokens_of_user, select_email_change_of_user
from ..repository.sessions import delete_sessions_of_user
from ..repository.users import (
    User,
    select_user_by_email,
    select_user_by_id,
    update_user_email,
    update_user_email_verified_at,
    update_user_password_hash,
)
from . import tokens
from .two_step import end_trust
from .mail import Letter, Mailer
from .passwords import PasswordHasher
from .tokens import Purpose


async def send_verification(db: Connection | Database, mailer: Mailer, user: User, now: datetime) -> None:
    """Mail ``user`` a link that proves the address (an older one stops working)."""
    token = await tokens.issue(db, user.id, Purpose.VERIFY, now)
    await mailer.send(db, Letter.VERIFY_EMAIL, user.email, now, link=mailer.link(f"/verify/{token}"))


async def resend_verification(db: Database, mailer: Mailer, user: User, now: datetime) -> None:
    async with db.transaction() as connection:
        await send_verification(connection, mailer, user, now)


@dataclass(frozen=True)
class OpenLink:
    """What a working link is for: whose account, and for a change of address, the new one."""

    user: User
    new_email: str | None = None


async def open_link(db: Connection | Database, token: str, purpose: Purpose, now: datetime) -> OpenLink | None:
    """What a link would do, without doing it (a link's page shows this, its button acts):
    None when the link is dead or its account disabled."""
    found = await tokens.peek(db, token, purpose, now)
    user = found and await select_user_by_id(db, found.user_id)
    if not user or user.is_disabled:
        return None
    return OpenLink(user, found.new_email)


async def verify(db: Database, token: str, now: datetime) -> User | None:
    """Mark the address the link was sent to as proven: the user as they were before, or
    None for an expired or unknown link. The link keeps working until it expires (or a
    security change ends it), so opening it again only says the address is verified."""
    async with db.transaction() as connection:
        link = await open_link(connection, token, Purpose.VERIFY, now)
        if link is None:
            return None
        if not link.user.is_verified:
            await update_user_email_verified_at(connection, link.user.id, now)
    return link.user


async def ask_reset(db: Database, mailer: Mailer, email: str, now: datetime) -> User | None:
    """Mail a reset link when ``email`` is an enabled account's (the older links stop
    working); the user, or None. The caller answers the same either way."""
    user = await select_user_by_email(db, email)
    if user is None or user.is_disabled:
        return None
    async with db.transaction() as connection:
        token = await tokens.issue(connection, user.id, Purpose.RESET, now)
        await mailer.send(connection, Letter.RESET_PASSWORD, user.email, now, link=mailer.link(f"/reset/{token}"))
    return user


async def reset_password(
    db: Database, hasher: PasswordHasher, mailer: Mailer, *, token: str, password: str, now: datetime
) -> User | None:
    """Give the link's account ``password`` and end every session of it: the user, or
    None (nothing changed) for a used, expired or unknown link."""
    if await open_link(db, token, Purpose.RESET, now) is None:
        return None  # no hashing for a dead link
    password_hash = await hasher.hash(password)
    async with db.transaction() as connection:
        found = await tokens.take(connection, token, Purpose.RESET, now)
        user = found and await select_user_by_id(connection, found.user_id)
        if not user or user.is_disabled:
            return None
        await update_user_password_hash(connection, user.id, password_hash)
        await delete_sessions_of_user(connection, user.id)
        await tokens.end_every_link(connection, user.id)
        await end_trust(connection, user.id)  # the second step is still due after a reset
        # The link came to the address: that proves it as well as a verify link does.
        if not user.is_verified:
            await update_user_email_verified_at(connection, user.id, now)
        await mailer.send(connection, Letter.PASSWORD_RESET, user.email, now)
    return user


async def ask_email_change(db: Database, mailer: Mailer, user: User, new_email: str, now: datetime) -> None:
    """Mail the new address a link that makes the change, and the old one a notice. When
    another account has the new address, its owner is told instead: the person asking sees
    the same answer either way, so the form reveals no account."""
    async with db.transaction() as connection:
        if await select_user_by_email(connection, new_email) is not None:
            await mailer.send(connection, Letter.EMAIL_TAKEN, new_email, now)
            return
        token = await tokens.issue(connection, user.id, Purpose.CHANGE_EMAIL, now, new_email=new_email)
        link = mailer.link(f"/confirm-email/{token}")
        await mailer.send(connection, Letter.CONFIRM_NEW_EMAIL, new_email, now, link=link)
        await mailer.send(connection, Letter.EMAIL_CHANGE_ASKED, user.email, now, new_email=new_email)


async def pending_email_change(db: Database, user: User, now: datetime) -> PendingEmailChange | None:
    """The new address ``user`` asked for, while its link still works."""
    return await select_email_change_of_user(db, user.id, Purpose.CHANGE_EMAIL, now)


async def cancel_email_change(db: Database, user: User) -> bool:
    """The link sent to the new address stops working; the email stays as it is. False when
    no change was waiting."""
    return await delete_email_tokens_of_user(db, user.id, Purpose.CHANGE_EMAIL) > 0


class EmailChange(Enum):
    CHANGED = "changed"
    DEAD_LINK = "the link is used, expired or unknown"
    TAKEN = "another account took the address meanwhile"


@dataclass(frozen=True)
class EmailChangeOutcome:
    result: EmailChange
    user: User | None = None
    old_email: str | None = None


async def change_email(db: Database, mailer: Mailer, token: str, now: datetime) -> EmailChangeOutcome:
    """Move the link's account to the address the link was sent to (now proven), and
    tell the old address."""
    try:
        async with db.transaction() as connection:
            found = await tokens.take(connection, token, Purpose.CHANGE_EMAIL, now)
            user = found and await select_user_by_id(connection, found.user_id)
            if not user or found.new_email is None:
                return EmailChangeOutcome(EmailChange.DEAD_LINK)
            if await select_user_by_email(connection, found.new_email) is not None:
                return EmailChangeOutcome(EmailChange.TAKEN, user)  # the link is used up all the same
            await update_user_email(connection, user.id, found.new_email, now)
            await tokens.end_every_link(connection, user.id)
            await mailer.send(connection, Letter.EMAIL_CHANGED, user.email, now, new_email=found.new_email)
    except UniqueViolation:  # taken between the read and the change
        return EmailChangeOutcome(EmailChange.TAKEN)
    return EmailChangeOutcome(EmailChange.CHANGED, user, old_email=user.email)
