"""Server-side sessions: the database keeps hashes, lifetimes end sessions."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quartauth.repository.users import insert_user
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.services import sessions


async def _user(database):
    return await insert_user(
        database, email="person@example.com", password_hash="x", is_admin=False, created_at=datetime.now(UTC)
    )


async def test_the_token_resolves_but_is_not_stored(database):
    token, live = await sessions.start_session(database, await _user(database), lifetime=timedelta(hours=1))

    resolved = await sessions.resolve_session(database, token)

    assert resolved is not None and resolved.session.id == live.session.id
    assert resolved.user.email == "person@example.com"
    rows = await database.fetch_all("sessions/select_live_session_with_user", token_hash=token, now=datetime.now(UTC))
    assert rows == []  # looking up the raw token finds nothing: only its hash is kept


async def test_an_expired_session_resolves_to_nobody(database):
    token, _ = await sessions.start_session(database, await _user(database), lifetime=timedelta(seconds=-1))
    assert await sessions.resolve_session(database, token) is None


async def test_an_ended_session_resolves_to_nobody(database):
    token, _ = await sessions.start_session(database, await _user(database), lifetime=timedelta(hours=1))

    await sessions.end_session(database, token)

    assert await sessions.resolve_session(database, token) is None


async def test_a_made_up_token_resolves_to_nobody(database):
    assert await sessions.resolve_session(database, "made-up") is None


async def test_a_users_sessions_are_listed_newest_first(database):
    user = await _user(database)
    _, older = await sessions.start_session(database, user, lifetime=timedelta(hours=1))
    _, newer = await sessions.start_session(database, user, lifetime=timedelta(hours=1))

    listed = await select_sessions_of_user(database, user.id)

    assert [s.id for s in listed] == [newer.session.id, older.session.id]
