"""Server-side sessions: the database keeps hashes, lifetimes end sessions."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from quartauth.repository.users import insert_user
from quartauth.repository.sessions import (
    PreviousSignIn,
    select_live_sessions_with_users,
    select_sessions_of_user,
    update_session_last_seen,
)
from quartauth.services import sessions

from ..helpers import Clock


LIFETIMES = sessions.Lifetimes()


def one_hour() -> dict:
    return {"lifetimes": sessions.Lifetimes(session=timedelta(hours=1)), "remembered": False, "now": datetime.now(UTC)}


def already_over() -> dict:
    return {"lifetimes": sessions.Lifetimes(session=timedelta(seconds=-1)), "remembered": False, "now": datetime.now(UTC)}


async def _user(database):
    return await insert_user(
        database, email="person@example.com", password_hash="x", is_admin=False, created_at=datetime.now(UTC)
    )


async def test_the_token_resolves_but_is_not_stored(database):
    started = await sessions.start_session(database, await _user(database), **one_hour())

    resolved = await sessions.SessionLookup(database, LIFETIMES).resolve(started.token)

    assert resolved == started
    assert resolved.user.email == "person@example.com"
    found = await select_live_sessions_with_users(database, [started.token], datetime.now(UTC))
    assert found == {}  # looking up the raw token finds nothing: only its hash is kept


async def test_an_expired_session_resolves_to_nobody(database):
    started = await sessions.start_session(database, await _user(database), **already_over())
    assert await sessions.SessionLookup(database, LIFETIMES).resolve(started.token) is None


async def test_an_ended_session_resolves_to_nobody(database):
    started = await sessions.start_session(database, await _user(database), **one_hour())

    await sessions.end_session(database, started.token)

    assert await sessions.SessionLookup(database, LIFETIMES).resolve(started.token) is None


async def test_a_made_up_token_resolves_to_nobody(database):
    assert await sessions.SessionLookup(database, LIFETIMES).resolve("made-up") is None


async def test_concurrent_lookups_each_get_their_own_session(database):
    user = await _user(database)
    started = [await sessions.start_session(database, user, **one_hour()) for _ in range(5)]
    lookup = sessions.SessionLookup(database, LIFETIMES)

    resolved = await asyncio.gather(*(lookup.resolve(each.token) for each in started), lookup.resolve("made-up"))

    assert resolved == [*started, None]


async def test_a_session_ended_while_others_resolve_is_not_found_afterwards(database):
    user = await _user(database)
    token = (await sessions.start_session(database, user, **one_hour())).token
    lookup = sessions.SessionLookup(database, LIFETIMES)
    busy = [asyncio.create_task(lookup.resolve(token)) for _ in range(10)]

    await sessions.end_session(database, token)

    assert await lookup.resolve(token) is None
    await asyncio.gather(*busy)


async def test_a_stale_last_seen_is_brought_up_to_date(database):
    user = await _user(database)
    started = await sessions.start_session(database, user, **one_hour())
    long_ago = datetime.now(UTC) - sessions.LAST_SEEN_RESOLUTION * 2
    await update_session_last_seen(database, started.session.id, long_ago, started.session.idle_expires_at)

    await sessions.SessionLookup(database, LIFETIMES).resolve(started.token)

    [listed] = await select_sessions_of_user(database, user.id)
    assert datetime.now(UTC) - listed.last_seen_at < timedelta(minutes=1)


async def test_a_users_sessions_are_listed_newest_first(database):
    user = await _user(database)
    older = await sessions.start_session(database, user, **one_hour())
    newer = await sessions.start_session(database, user, **one_hour())

    listed = await select_sessions_of_user(database, user.id)

    assert [s.id for s in listed] == [newer.session.id, older.session.id]




async def start(database, clock: Clock, *, remembered: bool = False):  # type: ignore[no-untyped-def]
    return await sessions.start_session(database, await _user(database), lifetimes=LIFETIMES, remembered=remembered, now=clock())


@pytest.mark.parametrize(
    ("remembered", "idle_minutes", "alive"),
    [
        (False, 59, True),
        (False, 61, False),
        (True, 7 * 24 * 60 - 1, True),
        (True, 7 * 24 * 60 + 1, False),
    ],
)
async def test_a_session_unused_for_its_idle_time_ends(database, clock, remembered, idle_minutes, alive):
    started = await start(database, clock, remembered=remembered)
    lookup = sessions.SessionLookup(database, LIFETIMES, clock)

    clock.advance(minutes=idle_minutes)

    assert (await lookup.resolve(started.token) is not None) is alive


async def test_use_keeps_a_session_alive_up_to_its_latest_end(database, clock):
    started = await start(database, clock)
    lookup = sessions.SessionLookup(database, LIFETIMES, clock)

    for _ in range(23):  # a request every 50 minutes, for 19 hours and more
        clock.advance(minutes=50)
        assert await lookup.resolve(started.token) is not None
    clock.advance(hours=5)  # a day after it began, used or not

    assert await lookup.resolve(started.token) is None


async def test_a_remembered_session_in_use_lasts_thirty_days_at_most(database, clock):
    started = await start(database, clock, remembered=True)
    lookup = sessions.SessionLookup(database, LIFETIMES, clock)

    for _ in range(29):
        clock.advance(days=1)
        assert await lookup.resolve(started.token) is not None
    clock.advance(days=1, seconds=1)

    assert await lookup.resolve(started.token) is None


async def test_an_ended_session_found_is_deleted(database, clock):
    started = await start(database, clock)
    clock.advance(minutes=61)

    await sessions.SessionLookup(database, LIFETIMES, clock).resolve(started.token)

    assert await select_sessions_of_user(database, started.user.id) == []


async def test_prune_deletes_ended_sessions_only(database, clock):
    idle = await start(database, clock)
    clock.advance(minutes=30)
    fresh = await sessions.start_session(database, idle.user, lifetimes=LIFETIMES, remembered=False, now=clock())
    clock.advance(minutes=31)

    removed = await sessions.prune(database, clock())

    assert removed == 1
    assert [session.id for session in await select_sessions_of_user(database, idle.user.id)] == [fresh.session.id]


async def test_each_session_remembers_the_sign_in_before_it(database, clock):
    first = await sessions.start_session(
        database, await _user(database), lifetimes=LIFETIMES, remembered=False, now=clock(),
        client_address="198.51.100.1", browser="Safari on iPhone",
    )
    clock.advance(hours=3)
    second = await sessions.start_session(
        database, first.user, lifetimes=LIFETIMES, remembered=False, now=clock(), client_address="203.0.113.9", browser="curl"
    )

    assert first.session.previous_sign_in is None
    assert second.session.previous_sign_in == PreviousSignIn(first.session.created_at, "Safari on iPhone", "198.51.100.1")
    resolved = await sessions.SessionLookup(database, LIFETIMES, clock).resolve(second.token)
    assert resolved is not None and resolved.session == second.session
