"""The account page: the signed-in person's own details."""
from __future__ import annotations

import re

import pytest

from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

from ..conftest import AuthActions
from ..helpers import page_text


async def test_account_requires_login_and_comes_back_after_it(auth, client):
    await auth.register("person@example.com")
    await auth.logout()

    response = await client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"

    after_login = await auth.login(next="/account")
    assert after_login.headers["Location"] == "/account"


async def test_account_shows_the_email_and_this_sign_in(auth, client):
    await auth.register("person@example.com")

    response = await client.get("/account")

    html = await page_text(response)
    assert response.status_code == 200
    assert "Your account" in html and "person@example.com" in html
    assert "Member since" in html and "Signed in on this browser since" in html


async def two_browsers(app, email: str = "person@example.com"):  # type: ignore[no-untyped-def]
    """The same person signed in on two browsers: (this one, the other one)."""
    this, other = AuthActions(app.test_client()), AuthActions(app.test_client())
    await this.register(email)
    await other.login(email)
    return this, other


async def session_ids(database, email: str) -> list[int]:  # type: ignore[no-untyped-def]
    user = await select_user_by_email(database, email)
    return [session.id for session in await select_sessions_of_user(database, user.id)]


async def end(auth: AuthActions, session_id: int | str, *, with_token: bool = True):  # type: ignore[no-untyped-def]
    form = {"csrf_token": await auth.csrf_token("/logout")} if with_token else {}
    return await auth.client.post(f"/account/sessions/{session_id}/end", form=form)


async def test_the_account_lists_live_sessions_and_marks_this_device(app, database):
    this, _ = await two_browsers(app)

    html = await page_text(await this.client.get("/account"))

    assert "Your sessions" in html
    assert html.count('class="this-device"') == 1 and "This device" in html
    assert html.index('class="this-device"') < html.index('action="/account/sessions/')  # listed first
    assert len(re.findall(r'action="/account/sessions/\d+/end"', html)) == 1  # only the other one


async def test_ending_another_session_signs_that_browser_out(app, database):
    this, other = await two_browsers(app)
    other_id, this_id = await session_ids(database, "person@example.com")  # newest first: the other

    response = await end(this, other_id)

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "That session was ended." in await page_text(await this.client.get("/account"))
    assert (await other.client.get("/")).status_code == 302
    assert await session_ids(database, "person@example.com") == [this_id]


async def test_this_browsers_session_is_not_ended_from_the_list(app, database):
    this, _ = await two_browsers(app)
    ids = await session_ids(database, "person@example.com")

    await end(this, ids[1])  # the older one: this browser's

    assert "to end it, log out" in await page_text(await this.client.get("/account"))
    assert await session_ids(database, "person@example.com") == ids


async def test_someone_elses_session_cannot_be_ended(app, database):
    mine, _ = await two_browsers(app, "mine@example.com")
    theirs, _ = await two_browsers(app, "theirs@example.com")
    their_ids = await session_ids(database, "theirs@example.com")

    await end(mine, their_ids[0])

    assert "not one of yours" in await page_text(await mine.client.get("/account"))
    assert await session_ids(database, "theirs@example.com") == their_ids


@pytest.mark.parametrize("session_id", ["999999", "9223372036854775807"])
async def test_an_unknown_session_gets_a_clear_answer(app, session_id):
    this, _ = await two_browsers(app)

    response = await end(this, session_id)

    assert response.status_code == 302
    assert "not one of yours" in await page_text(await this.client.get("/account"))


@pytest.mark.parametrize("session_id", ["0", "-1", "abc", "9223372036854775808", "1" * 40])
async def test_a_session_id_that_cannot_be_one_is_not_found(app, session_id):
    this, _ = await two_browsers(app)

    assert (await end(this, session_id)).status_code == 404


async def test_ending_a_session_needs_the_csrf_token(app, database):
    this, _ = await two_browsers(app)
    ids = await session_ids(database, "person@example.com")

    response = await end(this, ids[0], with_token=False)

    assert response.status_code == 400
    assert await session_ids(database, "person@example.com") == ids


async def test_ending_a_session_needs_a_sign_in(client, auth):
    response = await client.post("/account/sessions/1/end", form={"csrf_token": await auth.csrf_token("/login")})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
