"""Confirm it's you: the password again before what matters, then on to what was asked."""
from __future__ import annotations

from datetime import timedelta

import pytest

from quartauth import create_app
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

from ...conftest import AuthActions
from ...helpers import PASSWORD, app_settings, page_text


async def signed_up(app) -> AuthActions:  # type: ignore[no-untyped-def]
    auth = AuthActions(app.test_client())
    await auth.register("person@example.com")
    return auth


async def test_confirm_asks_for_the_password_of_whoever_is_signed_in(clocked_app):
    auth = await signed_up(clocked_app)

    response = await auth.client.get("/confirm?next=/account")

    html = await page_text(response)
    assert response.status_code == 200 and "Confirm it's you" in html
    assert 'name="password"' in html and 'value="/account"' in html and "person@example.com" in html


async def test_confirming_goes_on_to_next_and_vouches_for_a_while(clocked_app, clock, database):
    auth = await signed_up(clocked_app)
    clock.advance(minutes=30)

    response = await auth.post("/confirm", password=PASSWORD, next="/account")

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    clock.advance(minutes=9)  # still within REAUTH_MINUTES of confirming
    ended = await auth.post("/account/sessions/end-others")
    assert ended.status_code == 302  # carried out without asking again
    user = await select_user_by_email(database, "person@example.com")
    [session] = await select_sessions_of_user(database, user.id)
    assert session.reauthenticated_at == clock.now - timedelta(minutes=9)


@pytest.mark.parametrize("next_", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""])
async def test_confirming_never_leaves_the_site(clocked_app, next_):
    auth = await signed_up(clocked_app)

    response = await auth.post("/confirm", password=PASSWORD, next=next_)

    assert response.status_code == 302 and response.headers["Location"] == "/account"


async def test_a_wrong_password_is_a_field_error_and_vouches_for_nothing(clocked_app, clock, database):
    auth = await signed_up(clocked_app)
    clock.advance(minutes=30)

    response = await auth.post("/confirm", password="not my password", next="/account")

    assert response.status_code == 200 and "That is not your password." in await page_text(response)
    asked = await auth.post("/account/sessions/end-others")
    assert "Confirm it's you" in await page_text(asked)


async def test_signing_in_counts_as_entering_the_password(clocked_app, clock):
    auth = await signed_up(clocked_app)
    clock.advance(minutes=9)

    response = await auth.post("/account/sessions/end-others")

    assert response.status_code == 302


async def test_a_wrong_password_on_the_way_to_an_action_does_not_carry_it_out(clocked_app, clock, database):
    auth, other = await signed_up(clocked_app), AuthActions(clocked_app.test_client())
    await other.login("person@example.com")
    clock.advance(minutes=11)

    response = await auth.post("/account/sessions/end-others", password="not my password")

    assert response.status_code == 200 and "That is not your password." in await page_text(response)
    assert (await other.client.get("/")).status_code == 200


async def test_confirm_needs_a_sign_in(client):
    response = await client.get("/confirm?next=/account")

    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/confirm")


async def test_with_reauth_minutes_at_zero_every_action_asks(migrated_database_url):
    app = create_app(app_settings(migrated_database_url, REAUTH_MINUTES=0))
    async with app.test_app():
        auth = await signed_up(app)

        asked = await auth.post("/account/sessions/end-others")
        done = await auth.post("/account/sessions/end-others", password=PASSWORD)

    assert "Confirm it's you" in await page_text(asked) and "just now" in await page_text(asked)
    assert done.status_code == 302 and done.headers["Location"] == "/account"
