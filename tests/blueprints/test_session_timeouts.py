"""Sessions end on the server: idle too long, or past their latest end, the browser is anonymous."""
from __future__ import annotations

from datetime import timedelta

import pytest

from quartauth import create_app
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

from ..conftest import AuthActions
from ..helpers import app_settings, page_text



@pytest.fixture
async def timed_app(migrated_database_url, clock):  # type: ignore[no-untyped-def]
    app = create_app(app_settings(migrated_database_url, CLOCK=clock, SESSION_IDLE_MINUTES=30))
    async with app.test_app():
        yield app


async def signed_up(app, *, remember: bool = False) -> AuthActions:  # type: ignore[no-untyped-def]
    auth = AuthActions(app.test_client())
    await auth.register("person@example.com")
    if remember:
        await auth.logout()
        await auth.login("person@example.com", remember=True)
    return auth


async def test_a_one_minute_idle_time_never_ends_a_session_in_use(migrated_database_url, clock):
    app = create_app(app_settings(migrated_database_url, CLOCK=clock, SESSION_IDLE_MINUTES=1))
    async with app.test_app():
        auth = await signed_up(app)
        for _ in range(12):  # ten minutes, a request every 50 seconds
            clock.advance(seconds=50)
            assert (await auth.client.get("/")).status_code == 200

        clock.advance(seconds=61)
        assert (await auth.client.get("/")).status_code == 302


async def test_a_sign_in_left_idle_past_session_idle_minutes_ends(timed_app, clock, database):
    auth = await signed_up(timed_app)
    clock.advance(minutes=29)
    assert (await auth.client.get("/")).status_code == 200

    clock.advance(minutes=31)  # 31 minutes after the last request (last seen moved at 29)
    response = await auth.client.get("/")

    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/"
    assert "Please log in to access this page." in await page_text(await auth.client.get("/login"))
    user = await select_user_by_email(database, "person@example.com")
    assert await select_sessions_of_user(database, user.id) == []  # deleted, not just refused


async def test_a_remembered_sign_in_may_idle_for_days(timed_app, clock):
    auth = await signed_up(timed_app, remember=True)

    clock.advance(days=6, hours=23)
    assert (await auth.client.get("/")).status_code == 200
    clock.advance(days=7, minutes=1)

    assert (await auth.client.get("/")).status_code == 302


async def test_page_views_write_last_seen_only_every_few_minutes(timed_app, clock, database):
    auth = await signed_up(timed_app)
    user = await select_user_by_email(database, "person@example.com")
    [before] = await select_sessions_of_user(database, user.id)

    clock.advance(minutes=1)
    await auth.client.get("/")
    [after_a_minute] = await select_sessions_of_user(database, user.id)
    clock.advance(minutes=5)
    await auth.client.get("/")
    [after_six] = await select_sessions_of_user(database, user.id)

    assert after_a_minute.last_seen_at == before.last_seen_at
    assert after_six.last_seen_at == clock.now and after_six.idle_expires_at == clock.now + timedelta(minutes=30)
