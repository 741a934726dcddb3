"""Server-side sessions: the database keeps hashes, lifetimes end sessions."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from quartauth.repository.users import insert_user
from quartauth.repository.sessions import (
    select_live_sessions_with_users,
    select_sessions_of_user,
    update_session_last_seen,
)
from quartauth.services import sessions


async def _user(database):
    return await insert_user(
        database, email="person@example.com", password_hash="x", is_admin=False, created_at=datetime.now(UTC)
    )


async def test_the_token_resolves_but_is_not_stored(database):
    started = await sessions.start_session(database, await _user(database), lifetime=timedelta(hours=1))

    resolved = await sessions.SessionLookup(database).resolve(started.token)

    assert resolved == started
    assert resolved.user.email == "person@example.com"
    found = await select_live_sessions_with_users(database, [started.token], datetime.now(UTC))
    assert found == {}  # looking up the raw token finds nothing: only its hash is kept


async def test_an_expired_session_resolves_to_nobody(database):
    started = await sessions.start_session(database, await _user(database), lifetime=timedelta(seconds=-1))
    assert await sessions.SessionLookup(database).resolve(started.token) is None


async def test_an_ended_session_resolves_to_nobody(database):
    started = await sessions.start_session(database, await _user(database), lifetime=timedelta(hours=1))

    await sessions.end_session(database, started.token)

    assert await sessions.SessionLookup(database).resolve(started.token) is None


async def test_a_made_up_token_resolves_to_nobody(database):
    assert await sessions.SessionLookup(database).resolve("made-up") is None


async def test_concurrent_lookups_each_get_their_own_session(database):
    user = await _user(database)
    started = [await sessions.start_session(database, user, lifetime=timedelta(hours=1)) for _ in range(5)]
    lookup = sessions.SessionLookup(database)

    resolved = await asyncio.gather(*(lookup.resolve(each.token) for each in started), lookup.resolve("made-up"))

    assert resolved == [*started, None]


async def test_a_session_ended_while_others_resolve_is_not_found_afterwards(database):
    user = await _user(database)
    token = (await sessions.start_session(database, user, lifetime=timedelta(hours=1))).token
    lookup = sessions.SessionLookup(database)
    busy = [asyncio.create_task(lookup.resolve(token)) for _ in range(10)]

    await sessions.end_session(database, token)

    assert await lookup.resolve(token) is None
    await asyncio.gather(*busy)


async def test_a_stale_last_seen_is_brought_up_to_date(database):
    user = await _user(database)
    started = await sessions.start_session(database, user, lifetime=timedelta(hours=1))
    long_ago = datetime.now(UTC) - sessions.LAST_SEEN_RESOLUTION * 2
    await update_session_last_seen(database, started.session.id, long_ago)

    await sessions.SessionLookup(database).resolve(started.token)

    [listed] = await select_sessions_of_user(database, user.id)
    assert datetime.now(UTC) - listed.last_seen_at < timedelta(minutes=1)


async def test_a_users_sessions_are_listed_newest_first(database):
    user = await _user(database)
    older = await sessions.start_session(database, user, lifetime=timedelta(hours=1))
    newer = await sessions.start_session(database, user, lifetime=timedelta(hours=1))

    listed = await select_sessions_of_user(database, user.id)

    assert [s.id for s in listed] == [newer.session.id, older.session.id]
