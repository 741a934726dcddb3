"""The account page: the signed-in person's own details, sessions and password, and deleting it all."""
from __future__ import annotations

import re

import pytest

from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email, update_user_is_admin

from ..conftest import AuthActions
from ..helpers import PASSWORD, page_text


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


# --- log out everywhere else ------------------------------------------------------------


async def test_logging_out_everywhere_else_keeps_only_this_browser(app, database):
    this, other = await two_browsers(app)
    third = AuthActions(app.test_client())
    await third.login("person@example.com")
    this_id = (await session_ids(database, "person@example.com"))[-1]

    response = await this.post("/account/sessions/end-others")

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "You were logged out everywhere else." in await page_text(await this.client.get("/account"))
    assert (await other.client.get("/")).status_code == 302 and (await third.client.get("/")).status_code == 302
    assert await session_ids(database, "person@example.com") == [this_id]


async def test_logging_out_everywhere_else_needs_the_csrf_token(app, database):
    this, _ = await two_browsers(app)
    ids = await session_ids(database, "person@example.com")

    response = await this.client.post("/account/sessions/end-others", form={})

    assert response.status_code == 400
    assert await session_ids(database, "person@example.com") == ids


async def test_logging_out_everywhere_else_after_a_while_asks_for_the_password_first(clocked_app, clock, database):
    this, other = await two_browsers(clocked_app)
    clock.advance(minutes=11)  # past REAUTH_MINUTES (10) since this browser signed in
    ids = await session_ids(database, "person@example.com")

    asked = await this.post("/account/sessions/end-others")

    assert asked.status_code == 200 and "Confirm it's you" in await page_text(asked)
    assert await session_ids(database, "person@example.com") == ids  # nothing yet

    done = await this.post("/account/sessions/end-others", password=PASSWORD)

    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert "You were logged out everywhere else." in await page_text(await this.client.get("/account"))
    assert (await other.client.get("/")).status_code == 302


# --- change password --------------------------------------------------------------------


async def change_password(auth: AuthActions, current: str = PASSWORD, new: str = "a brand new secret", confirm: str | None = None):  # type: ignore[no-untyped-def]
    return await auth.post(
        "/account/password", current_password=current, new_password=new, confirm=new if confirm is None else confirm
    )


async def test_the_account_page_has_the_change_password_form(auth, client):
    await auth.register()

    html = await page_text(await client.get("/account"))

    for name in ("current_password", "new_password", "confirm"):
        assert f'name="{name}"' in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    assert "autofocus" not in html  # the page opens at the top, not in the form


async def test_a_mistake_brings_the_cursor_back_to_its_field(auth):
    await auth.register()

    response = await change_password(auth, new="a brand new secret", confirm="something else")

    assert re.search(r'<input[^>]*autofocus[^>]*name="confirm"|<input[^>]*name="confirm"[^>]*autofocus', await page_text(response))


async def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, database):
    this, other = await two_browsers(app)
    this_id = (await session_ids(database, "person@example.com"))[-1]
    copied_cookie = this.client.cookie_jar  # what someone who copied this cookie before would hold
    before = [(cookie.name, cookie.value) for cookie in copied_cookie]

    response = await change_password(this)

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = await this.client.get("/account")
    assert page.status_code == 200 and "Your password was changed." in await page_text(page)
    assert (await other.client.get("/")).status_code == 302
    assert await session_ids(database, "person@example.com") == [this_id]  # the same session, carried on
    thief = app.test_client()
    for name, value in before:
        thief.set_cookie("localhost", name, value)
    assert (await thief.get("/")).status_code == 302  # the old token no longer works


async def test_after_a_change_only_the_new_password_logs_in(app):
    this, _ = await two_browsers(app)
    await change_password(this, new="a brand new secret")
    await this.logout()

    refused = await this.login(password=PASSWORD)
    assert refused.status_code == 200 and "Invalid email and/or password." in await page_text(refused)
    accepted = await this.login(password="a brand new secret")
    assert accepted.status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not my password", "a brand new secret", None, "That is not your current password."),
        ("", "a brand new secret", None, "Current password is required."),
        (PASSWORD, "short", None, "Password must be between 8 and 128 characters."),
        (PASSWORD, "a brand new secret", "something else", "Passwords must match."),
        (PASSWORD, "", None, "New password is required."),
        (PASSWORD, "12345678", None, "This password is too easy to guess"),
        (PASSWORD, "person2024!", None, "A password must not be built from your email address."),
    ],
)
async def test_a_bad_password_change_says_why_and_changes_nothing(app, database, current, new, confirm, message):
    this, other = await two_browsers(app)
    before = await select_user_by_email(database, "person@example.com")
    ids = await session_ids(database, "person@example.com")

    response = await change_password(this, current, new, confirm)

    assert response.status_code == 200 and message in await page_text(response)
    assert (await select_user_by_email(database, "person@example.com")).password_hash == before.password_hash
    assert await session_ids(database, "person@example.com") == ids
    assert (await other.client.get("/")).status_code == 200


async def test_changing_the_password_needs_the_csrf_token(auth, client, database):
    await auth.register()
    before = await select_user_by_email(database, "person@example.com")

    response = await client.post(
        "/account/password", form={"current_password": PASSWORD, "new_password": "a brand new secret", "confirm": "a brand new secret"}
    )

    assert response.status_code == 400
    assert (await select_user_by_email(database, "person@example.com")).password_hash == before.password_hash


# --- delete account ---------------------------------------------------------------------


async def test_deleting_the_account_takes_the_password_and_a_second_click(auth, client):
    await auth.register()

    account = await page_text(await client.get("/account"))
    assert 'href="/account/delete"' in account
    page = await client.get("/account/delete")

    html = await page_text(page)
    assert page.status_code == 200 and 'name="password"' in html and "Delete my account for good" in html


async def test_deleting_the_account_removes_it_and_logs_out_everywhere(app, database):
    this, other = await two_browsers(app)
    user = await select_user_by_email(database, "person@example.com")

    response = await this.post("/account/delete", password=PASSWORD)

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Your account was deleted." in await page_text(await this.client.get("/login"))
    assert await select_user_by_email(database, "person@example.com") is None
    assert await select_sessions_of_user(database, user.id) == []
    assert (await this.client.get("/")).status_code == 302 and (await other.client.get("/")).status_code == 302
    assert "Invalid email and/or password." in await page_text(await this.login())


async def test_a_wrong_password_deletes_nothing(auth, database):
    await auth.register()

    response = await auth.post("/account/delete", password="not my password")

    assert response.status_code == 200 and "That is not your password." in await page_text(response)
    assert await select_user_by_email(database, "person@example.com") is not None


async def test_the_last_admin_cannot_delete_their_account(auth, database):
    await auth.register("boss@example.com")
    boss = await select_user_by_email(database, "boss@example.com")
    await update_user_is_admin(database, boss.id, True)

    response = await auth.post("/account/delete", password=PASSWORD)

    assert response.status_code == 200
    assert "You are the last admin who can sign in" in await page_text(response)
    assert await select_user_by_email(database, "boss@example.com") is not None


async def test_an_admin_may_delete_their_account_while_another_admin_remains(app, database):
    boss, deputy = AuthActions(app.test_client()), AuthActions(app.test_client())
    await boss.register("boss@example.com")
    await deputy.register("deputy@example.com")
    for email in ("boss@example.com", "deputy@example.com"):
        await update_user_is_admin(database, (await select_user_by_email(database, email)).id, True)

    response = await boss.post("/account/delete", password=PASSWORD)

    assert response.status_code == 302
    assert await select_user_by_email(database, "boss@example.com") is None


async def test_deleting_needs_the_csrf_token(auth, client, database):
    await auth.register()

    response = await client.post("/account/delete", form={"password": PASSWORD})

    assert response.status_code == 400
    assert await select_user_by_email(database, "person@example.com") is not None


async def test_log_out_everywhere_else_is_offered_only_when_there_is_another_session(app):
    this = AuthActions(app.test_client())
    await this.register()
    alone = await page_text(await this.client.get("/account"))
    other = AuthActions(app.test_client())
    await other.login()

    together = await page_text(await this.client.get("/account"))

    assert "Log out everywhere else</button>" not in alone
    assert "Log out everywhere else</button>" in together


async def test_the_account_page_links_to_each_of_its_parts(auth, client):
    await auth.register()

    html = await page_text(await client.get("/account"))

    for target in ('href="#sessions"', 'href="#activity"', 'href="#email"', 'href="#password"', 'href="/account/delete"'):
        assert target in html
    for anchor in ('id="sessions"', 'id="activity"', 'id="email"', 'id="password"'):
        assert anchor in html
