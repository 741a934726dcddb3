"""Users: checking who someone is, and what people do with their own account."""
from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime

import pytest

from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email, select_user_by_id
from quartauth.services import admin, sessions, users
from quartauth.services.mail import Mailer
from quartauth.services.passwords import PasswordHasher

from ..helpers import PASSWORD

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new secret"


class CountingHasher(PasswordHasher):
    """The real hasher, counting the checks it makes."""

    def __init__(self) -> None:
        super().__init__(rounds=4, threads=1)
        self.checks = 0

    async def verify(self, password, stored_hash, **options):  # type: ignore[no-untyped-def]
        self.checks += 1
        return await super().verify(password, stored_hash, **options)

    async def verify_against_dummy(self, password: str, **options: bool) -> None:
        self.checks += 1
        await super().verify_against_dummy(password, **options)


@pytest.fixture
def hasher():  # type: ignore[no-untyped-def]
    hasher = CountingHasher()
    yield hasher
    hasher.close()


async def signed_in_twice(database, hasher, *, is_admin: bool = False):  # type: ignore[no-untyped-def]
    """A user with two sessions: (this one, the other)."""
    user = await users.register(database, hasher, email="person@example.com", password=PASSWORD, is_admin=is_admin)
    start = {"lifetimes": sessions.Lifetimes(), "remembered": False, "now": NOW}
    return await sessions.start_session(database, user, **start), await sessions.start_session(database, user, **start)


@pytest.mark.parametrize("password", [PASSWORD, "not my password"])
async def test_a_disabled_user_is_refused_after_the_same_check_as_anyone(database, hasher, password):
    user = await users.register(database, hasher, email="person@example.com", password=PASSWORD)
    await admin.disable(database, user.id, by=None, now=NOW)
    hasher.checks = 0

    found = await users.authenticate(database, hasher, email="person@example.com", password=password)

    assert found.user is None and hasher.checks == 1  # one bcrypt check, as for a wrong password


async def test_changing_the_password_ends_the_others_and_renews_this_token(database, hasher):
    this, other = await signed_in_twice(database, hasher)
    lookup = sessions.SessionLookup(database, sessions.Lifetimes(), lambda: NOW)

    renewed = await users.change_password(database, hasher, this, current=PASSWORD, new=NEW_PASSWORD, now=NOW)

    assert renewed is not None and renewed.session.id == this.session.id and renewed.token != this.token
    assert [session.id for session in await select_sessions_of_user(database, this.user.id)] == [this.session.id]
    assert await lookup.resolve(this.token) is None and await lookup.resolve(other.token) is None
    assert (await lookup.resolve(renewed.token)).session.id == this.session.id
    assert (await users.authenticate(database, hasher, email="person@example.com", password=NEW_PASSWORD)).user


async def test_a_wrong_current_password_changes_nothing(database, hasher):
    this, other = await signed_in_twice(database, hasher)

    renewed = await users.change_password(database, hasher, this, current="not my password", new=NEW_PASSWORD, now=NOW)

    assert renewed is None
    assert (await select_user_by_id(database, this.user.id)).password_hash == this.user.password_hash
    assert len(await select_sessions_of_user(database, this.user.id)) == 2


async def test_deleting_takes_the_user_and_every_session(database, hasher):
    this, _ = await signed_in_twice(database, hasher)

    wrong = await users.delete_account(database, hasher, this, password="not my password")
    assert wrong is users.Deletion.WRONG_PASSWORD and await select_user_by_id(database, this.user.id) is not None

    assert await users.delete_account(database, hasher, this, password=PASSWORD) is users.Deletion.DELETED
    assert await select_user_by_id(database, this.user.id) is None
    assert await select_sessions_of_user(database, this.user.id) == []


async def test_two_deletions_at_once_delete_once_and_tell_once(database, hasher):
    this, other = await signed_in_twice(database, hasher)
    mailer = Mailer("http://localhost")

    outcomes = await asyncio.gather(
        users.delete_account(database, hasher, this, password=PASSWORD, mailer=mailer, now=NOW),
        users.delete_account(database, hasher, other, password=PASSWORD, mailer=mailer, now=NOW),
    )

    assert sorted(outcome.value for outcome in outcomes) == sorted([users.Deletion.DELETED.value, users.Deletion.GONE.value])
    assert await count_unsent_outbox_messages(database) == 1  # one notice


async def test_the_last_admin_cannot_delete_themselves(database, hasher):
    this, _ = await signed_in_twice(database, hasher, is_admin=True)

    with pytest.raises(admin.Refused, match="last admin"):
        await users.delete_account(database, hasher, this, password=PASSWORD)

    assert await select_user_by_id(database, this.user.id) is not None


async def test_reauthenticating_needs_the_password(database, hasher):
    this, _ = await signed_in_twice(database, hasher)
    later = NOW.replace(hour=13)

    assert await users.reauthenticate(database, hasher, this, password="not my password", now=later) is None
    confirmed = await users.reauthenticate(database, hasher, this, password=PASSWORD, now=later)

    assert confirmed is not None and confirmed.reauthenticated_since(later)
    stored = [s for s in await select_sessions_of_user(database, this.user.id) if s.id == this.session.id]
    assert stored[0].reauthenticated_at == later


@pytest.mark.slow
async def test_every_refused_login_takes_as_long_as_a_wrong_password(database):
    """Over 30 tries each, interleaved: unknown email, wrong password, disabled account, and
    an account hashed at an older cost answer in the same time (medians within 25 %)."""
    current, older = PasswordHasher(rounds=9, threads=1), PasswordHasher(rounds=6, threads=1)
    for email in ("person@example.com", "disabled@example.com"):
        await users.register(database, current, email=email, password=PASSWORD)
    old = await users.register(database, older, email="older@example.com", password=PASSWORD)
    older.close()
    await admin.disable(database, (await select_user_by_email(database, "disabled@example.com")).id, by=None, now=NOW)
    await current.prepare()
    kinds = {"unknown": "nobody@example.com", "wrong": "person@example.com", "disabled": "disabled@example.com", "older": old.email}
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    try:
        for _ in range(30):
            for kind, email in kinds.items():
                started = time.perf_counter()
                answer = await users.authenticate(database, current, email=email, password="not the password")
                timings[kind].append(time.perf_counter() - started)
                assert answer.user is None
    finally:
        current.close()

    wrong = statistics.median(timings["wrong"])
    for kind in ("unknown", "disabled", "older"):
        assert abs(statistics.median(timings[kind]) - wrong) <= 0.25 * wrong, (kind, timings)
