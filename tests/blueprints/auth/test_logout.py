"""Logging out ends the session for good; every form post needs its CSRF token."""
from __future__ import annotations

import pytest

from quartauth.repository.users import select_user_by_email

from ...helpers import PASSWORD, csrf_token_in, page_text


async def test_logout_ends_the_session_and_says_so(auth, client):
    await auth.register()

    response = await auth.logout()

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You were logged out." in await page_text(await client.get("/login"))
    assert (await client.get("/")).status_code == 302


async def test_logout_get_shows_a_confirmation_form(auth, client):
    await auth.register()

    response = await client.get("/logout")

    html = await page_text(response)
    assert response.status_code == 200
    assert 'method="post" action="/logout"' in html and 'name="csrf_token"' in html
    assert (await client.get("/")).status_code == 200  # still signed in


async def test_logout_requires_login(client):
    assert (await client.get("/logout")).headers["Location"].startswith("/login")


async def test_logout_without_a_csrf_token_is_refused_and_keeps_the_session(auth, client):
    await auth.register()

    response = await client.post("/logout", form={})

    assert response.status_code == 400
    assert (await client.get("/")).status_code == 200


async def test_a_cookie_replayed_after_logout_signs_nobody_in(app, auth, client):
    await auth.register()
    stolen = client.cookie_jar  # what a thief copied while the person was signed in
    cookie = next(c for c in stolen if c.name == "quartauth_session")
    await auth.logout()

    replay = app.test_client()
    replay.set_cookie("localhost", "quartauth_session", cookie.value)
    response = await replay.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/"


@pytest.mark.parametrize("path", ["/register", "/login", "/logout"])
async def test_posts_without_a_csrf_token_are_refused(client, path):
    response = await client.post(path, form={"email": "person@example.com", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert "reload the page" in await page_text(response)


async def test_a_csrf_token_from_another_browser_is_refused(app, client, database):
    other = app.test_client()
    foreign_token = csrf_token_in(await page_text(await other.get("/register")))
    await client.get("/register")  # this browser has its own CSRF seed

    response = await client.post(
        "/register",
        form={"csrf_token": foreign_token, "email": "person@example.com", "password": PASSWORD, "confirm": PASSWORD},
    )

    assert response.status_code == 400
    assert await select_user_by_email(database, "person@example.com") is None
