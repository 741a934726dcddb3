"""What admins may do to users, from the admin area or the command line.

One rule holds throughout: some admin can always sign in. Nobody disables or demotes
themselves, and the last admin who can sign in is never disabled, demoted or deleted.
``by`` is the acting admin's user id, or None from the command line.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from ..db import Connection, Database, Executor
from ..repository.sessions import delete_sessions_of_user
from ..repository.users import (
    User,
    UserSummary,
    select_enabled_admin_ids,
    select_user_by_email,
    select_user_by_id,
    select_user_summaries_from_email,
    select_user_summaries_from_id,
    select_user_summary_by_id,
    update_user_disabled_at,
    update_user_is_admin,
)
from . import paging, tokens
from .emails import MAX_LENGTH as EMAIL_MAX_LENGTH
from .passkeys import Passkeys
from .two_step import TwoStep

PAGE_SIZE = 50
LAST_ADMIN_MESSAGE = "That is the last admin who can sign in: make another admin first."


class Refused(Exception):
    """The change would break a rule; the message says which, in the admin's words."""


class UnknownUser(LookupError):
    """No user has that id or email."""


class InvalidSearch(ValueError):
    """The search cannot be the start of an email; the message says why."""


@dataclass(frozen=True)
class Page:
    """One page of users, and where the next one starts (None: this is the last)."""

    users: list[UserSummary]
    next_start: str | None


async def user_page(db: Database, *, search: str, start: str | None, now: datetime) -> Page:
    """A page of users: those whose email starts with ``search``, in email order, or else
    every user, newest first; from ``start``, an earlier page's ``next_start``.

    A ``start`` that cannot be one (edited by hand) starts from the beginning.
    Raises ``InvalidSearch``.
    """
    if search.strip():
        return await users_by_email(db, search, start_email=start, now=now)
    return await newest_users(db, start_id=paging.start_id(start), now=now)


async def newest_users(db: Database, *, start_id: int, now: datetime) -> Page:
    """The users with ids up to ``start_id``, newest first.

    Keyset paging: the page after this one starts at the id that did not fit on it.
    """
    found = await select_user_summaries_from_id(db, start_id, PAGE_SIZE + 1, now)
    next_start = str(found[PAGE_SIZE].id) if len(found) > PAGE_SIZE else None
    return Page(found[:PAGE_SIZE], next_start)


async def users_by_email(db: Database, search: str, *, start_email: str | None, now: datetime) -> Page:
    """The users whose email starts with ``search``, in email order, from ``start_email``.

    A prefix is a range of the email index, from the prefix up to the first string after
    every string that starts with it, so only the rows shown are read.
    """
    prefix = search_prefix(search)
    start = start_email if start_email and start_email.startswith(prefix) else prefix
    found = await select_user_summaries_from_email(db, start, after_prefix(prefix), PAGE_SIZE + 1, now)
    next_start = found[PAGE_SIZE].email if len(found) > PAGE_SIZE else None
    return Page(found[:PAGE_SIZE], next_start)


def search_prefix(search: str) -> str:
    """The stored form of the start of an email (see ``normalize_email``); raises ``InvalidSearch``."""
    prefix = unicodedata.normalize("NFC", search.strip()).lower()
    if not prefix:
        raise InvalidSearch("Type the start of an email address to search.")
    if len(prefix) > EMAIL_MAX_LENGTH:
        raise InvalidSearch(f"An email address has at most {EMAIL_MAX_LENGTH} characters.")
    if any(_unsearchable(character) for character in prefix):
        raise InvalidSearch("The search contains characters no email address has.")
    return prefix


def _unsearchable(character: str) -> bool:
    # Control characters, the mark of unreadable input, and what UTF-8 cannot carry.
    return unicodedata.category(character) in ("Cc", "Cs") or character in ("\ufffd", "\U0010ffff")


def after_prefix(prefix: str) -> str:
    """The least string greater than every string that starts with ``prefix`` (code point
    order, which is UTF-8 byte order)."""
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are not characters: skip them
        following = 0xE000
    return prefix[:-1] + chr(following)


async def user_summary(db: Database, user_id: int, now: datetime) -> UserSummary | None:
    return await select_user_summary_by_id(db, user_id, now)


async def user_by_email(db: Database, email: str) -> User:
    user = await select_user_by_email(db, email)
    if user is None:
        raise UnknownUser(f"No user has the email {email}.")
    return user


async def disable(db: Database, user_id: int, *, by: int | None, now: datetime) -> User:
    """The user can no longer sign in, and every session and mailed link of theirs ends at once."""
    async with db.transaction() as connection:
        user = await _existing(connection, user_id)
        if user.id == by:
            raise Refused("You cannot disable your own account.")
        if user.is_admin and not user.is_disabled:
            await keep_another_admin(connection, user.id)
        if not user.is_disabled:
            await update_user_disabled_at(connection, user.id, now)
        await delete_sessions_of_user(connection, user.id)
        await tokens.end_every_link(connection, user.id)
    return user


async def enable(db: Database, user_id: int) -> User:
    async with db.transaction() as connection:
        user = await _existing(connection, user_id)
        await update_user_disabled_at(connection, user.id, None)
    return user


async def make_admin(db: Database, user_id: int) -> User:
    async with db.transaction() as connection:
        user = await _existing(connection, user_id)
        await update_user_is_admin(connection, user.id, True)
    return user


async def remove_admin(db: Database, user_id: int, *, by: int | None) -> User:
    async with db.transaction() as connection:
        user = await _existing(connection, user_id)
        if user.id == by:
            raise Refused("You cannot remove your own admin rights.")
        if user.is_admin and not user.is_disabled:
            await keep_another_admin(connection, user.id)
        await update_user_is_admin(connection, user.id, False)
    return user


async def end_sessions(db: Database, user_id: int) -> User:
    """Log the user out everywhere, and end every link mailed to them."""
    async with db.transaction() as connection:
        user = await _existing(connection, user_id)
        await delete_sessions_of_user(connection, user.id)
        await tokens.end_every_link(connection, user.id)
    return user


async def reset_two_step(db: Database, two_step: TwoStep, user_id: int, now: datetime) -> User:
    """Turn the user's two-step sign-in off (they lost their phone and their recovery codes),
    with its recovery codes and trusted browsers; they are told by mail."""
    user = await _existing(db, user_id)
    if not user.has_two_step:
        raise Refused(f"{user.email} does not have two-step sign-in on: there is nothing to reset.")
    await two_step.turn_off(user, now, by_admin=True)
    return user


async def remove_passkeys(db: Database, passkeys: Passkeys, user_id: int, now: datetime) -> User:
    """Remove every passkey of the user (one was lost, or is not theirs); they are told by
    mail, and log in with their password."""
    user = await _existing(db, user_id)
    if not await passkeys.remove_all(user, now):
        raise Refused(f"{user.email} has no passkey: there is nothing to remove.")
    return user


async def keep_another_admin(connection: Connection, user_id: int) -> None:
    """Raise ``Refused`` unless an admin other than ``user_id`` can sign in.

    Run inside the transaction that changes ``user_id``: the admins stay locked until it ends.
    """
    if not await select_enabled_admin_ids(connection) - {user_id}:
        raise Refused(LAST_ADMIN_MESSAGE)


async def _existing(db: Executor, user_id: int) -> User:
    user = await select_user_by_id(db, user_id)
    if user is None:
        raise UnknownUser(f"No user has the id {user_id}.")
    return user
