"""Users: signing up, and what people do with their own account."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_id
from quartauth.services import admin, sessions, users
from quartauth.services.mail import Mailer

from ..helpers import PASSWORD

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new secret"


async def signed_in_twice(database, hasher, *, is_admin: bool = False):  # type: ignore[no-untyped-def]
    """A user with two sessions: (this one, the other)."""
    user = await users.register(database, hasher, email="person@example.com", password=PASSWORD, is_admin=is_admin)
    start = {"lifetimes": sessions.Lifetimes(), "remembered": False, "now": NOW}
    return await sessions.start_session(database, user, **start), await sessions.start_session(database, user, **start)


async def test_changing_the_password_ends_the_others_and_renews_this_token(database, hasher):
    this, other = await signed_in_twice(database, hasher)
    lookup = sessions.SessionLookup(database, sessions.Lifetimes(), lambda: NOW)

    renewed = await users.change_password(database, hasher, this, new=NEW_PASSWORD, now=NOW)

    assert renewed.session.id == this.session.id and renewed.token != this.token
    assert [session.id for session in await select_sessions_of_user(database, this.user.id)] == [this.session.id]
    assert await lookup.resolve(this.token) is None and await lookup.resolve(other.token) is None
    assert (await lookup.resolve(renewed.token)).session.id == this.session.id
    stored = await select_user_by_id(database, this.user.id)
    assert (await hasher.verify(NEW_PASSWORD, stored.password_hash)).matches


async def test_deleting_takes_the_user_and_every_session(database, hasher):
    this, _ = await signed_in_twice(database, hasher)

    assert await users.delete_account(database, this) is users.Deletion.DELETED
    assert await select_user_by_id(database, this.user.id) is None
    assert await select_sessions_of_user(database, this.user.id) == []


async def test_two_deletions_at_once_delete_once_and_tell_once(database, hasher):
    this, other = await signed_in_twice(database, hasher)
    mailer = Mailer("http://localhost")

    outcomes = await asyncio.gather(
        users.delete_account(database, this, mailer=mailer, now=NOW),
        users.delete_account(database, other, mailer=mailer, now=NOW),
    )

    assert sorted(outcome.value for outcome in outcomes) == sorted([users.Deletion.DELETED.value, users.Deletion.GONE.value])
    assert await count_unsent_outbox_messages(database) == 1  # one notice


async def test_the_last_admin_cannot_delete_themselves(database, hasher):
    this, _ = await signed_in_twice(database, hasher, is_admin=True)

    with pytest.raises(admin.Refused, match="last admin"):
        await users.delete_account(database, this)

    assert await select_user_by_id(database, this.user.id) is not None
