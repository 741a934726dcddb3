"""Sign up, log in and log out, through the pages, as a browser would."""
from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from quart import Quart

from quartauth.repository.users import select_user_by_email

from ..conftest import AuthActions
from ..helpers import PASSWORD, csrf_token_in, page_text

# --- sign up --------------------------------------------------------------------------------


async def test_register_page_has_a_form_password_managers_understand(client):
    html = await page_text(await client.get("/register"))
    assert 'name="email"' in html and 'autocomplete="email"' in html
    assert 'name="password"' in html and 'autocomplete="new-password"' in html
    assert 'name="confirm"' in html
    assert 'name="csrf_token"' in html


async def test_register_creates_the_user_signs_them_in_and_welcomes_them(auth, client, database):
    response = await auth.register("New.Person@Example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    user = await select_user_by_email(database, "new.person@example.com")
    assert user is not None and not user.is_admin
    assert user.password_hash.startswith("bcrypt_sha256$")
    assert PASSWORD not in user.password_hash
    home = await page_text(await client.get("/"))
    assert "You registered and are now logged in. Welcome!" in home
    assert "Welcome new.person@example.com!" in home


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("", PASSWORD, PASSWORD, "Email is required."),
        ("not-an-email", PASSWORD, PASSWORD, "An email address must have an @-sign."),
        ("person@", PASSWORD, PASSWORD, "There must be something after the @-sign."),
        ("a" * 250 + "@example.com", PASSWORD, PASSWORD, "Email must be at most 254 characters."),
        ("nul\x00byte@example.com", PASSWORD, PASSWORD, "The email address contains"),
        ("person@example.com", "", "", "Password is required."),
        ("person@example.com", "short", "short", "Password must be between 8 and 128 characters."),
        ("person@example.com", "x" * 129, "x" * 129, "Password must be between 8 and 128 characters."),
        ("person@example.com", PASSWORD, PASSWORD + "!", "Passwords must match."),
        ("person@example.com", PASSWORD, "", "Passwords must match."),
    ],
)
async def test_register_refuses_bad_input_with_a_message_and_stores_nothing(
    auth, database, email, password, confirm, message
):
    response = await auth.register(email, password, confirm)

    assert response.status_code == 200
    assert message in await page_text(response)
    assert await select_user_by_email(database, "person@example.com") is None


@pytest.mark.parametrize(
    "password",
    [
        "пароль-из-кириллицы",  # Cyrillic
        "🔑🔑🔑🔑🔑🔑🔑🔑",  # eight characters, 32 bytes
        "with\x00nul bytes",
        "     spaces     ",
        "é" * 128,  # 256 bytes: far past bcrypt's 72
    ],
)
async def test_any_unicode_password_of_allowed_length_works(auth, client, password):
    assert (await auth.register("person@example.com", password)).status_code == 302
    await auth.logout()

    response = await auth.login("person@example.com", password)

    assert response.status_code == 302
    assert "Welcome person@example.com!" in await page_text(await client.get("/"))


async def test_passwords_differing_only_after_72_bytes_are_different(auth, client):
    common = "a" * 80
    await auth.register("person@example.com", common + "1")
    await auth.logout()

    response = await auth.login("person@example.com", common + "2")

    assert "Invalid email and/or password." in await page_text(response)


async def test_register_refuses_a_taken_email_in_any_case(auth, client):
    await auth.register("person@example.com")
    await auth.logout()

    response = await auth.register("PERSON@example.com")

    assert response.status_code == 200
    assert "Email already registered" in await page_text(response)


async def test_register_when_logged_in_redirects_home(auth, client):
    await auth.register()

    response = await client.get("/register")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "You are already registered." in await page_text(await client.get("/"))


async def test_concurrent_sign_ups_for_one_email_make_exactly_one_account(app: Quart, database):
    people = [AuthActions(app.test_client()) for _ in range(20)]
    tokens = [await person.csrf_token("/register") for person in people]
    form = {"email": "race@example.com", "password": PASSWORD, "confirm": PASSWORD}

    responses = await asyncio.gather(
        *(
            person.client.post("/register", form={**form, "csrf_token": token})
            for person, token in zip(people, tokens)
        )
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 19 + [302]
    for response in responses:
        if response.status_code == 200:
            assert "Email already registered" in await page_text(response)
    rows = await database.fetch_all("users/select_user_by_email", email="race@example.com")
    assert len(rows) == 1


# --- log in ---------------------------------------------------------------------------------


async def test_login_page_has_remember_me_and_current_password(client):
    html = await page_text(await client.get("/login"))
    assert 'name="remember"' in html and "Remember me" in html
    assert 'autocomplete="current-password"' in html


async def test_login_with_the_right_password_signs_in(auth, client):
    await auth.register()
    await auth.logout()

    response = await auth.login()

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome person@example.com!" in await page_text(await client.get("/"))


async def test_login_email_is_case_insensitive(auth, client):
    await auth.register("person@example.com")
    await auth.logout()

    response = await auth.login("Person@EXAMPLE.com")

    assert response.status_code == 302


async def test_unknown_email_and_wrong_password_answer_alike(app, auth, client, monkeypatch):
    await auth.register()
    await auth.logout()
    hasher = app.extensions["quartauth.password_hasher"]
    checks = []
    for name in ("verify", "verify_against_dummy"):
        original = getattr(hasher, name)

        async def spy(*args, _original=original, _name=name):
            checks.append(_name)
            return await _original(*args)

        monkeypatch.setattr(hasher, name, spy)

    wrong_password = await auth.login("person@example.com", "not the password")
    unknown_email = await auth.login("nobody@example.com", PASSWORD)

    # Both ran one bcrypt check, so they take the same time.
    assert checks == ["verify", "verify_against_dummy"]
    assert wrong_password.status_code == unknown_email.status_code == 200
    for response in (wrong_password, unknown_email):
        html = await page_text(response)
        assert "Invalid email and/or password." in html
        assert "quartauth_session" not in response.headers.get("Set-Cookie", "")
    assert (await client.get("/")).status_code == 302


async def test_login_when_logged_in_redirects_home(auth, client):
    await auth.register()

    response = await client.get("/login")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "You are already logged in." in await page_text(await client.get("/"))


async def _session_cookie(response) -> str:
    cookies = response.headers.getlist("Set-Cookie")
    return next(cookie for cookie in cookies if cookie.startswith("quartauth_session="))


async def test_remember_me_makes_a_lasting_cookie_and_its_absence_a_browser_session_one(auth):
    await auth.register()
    await auth.logout()

    lasting = await _session_cookie(await auth.login(remember=True))
    await auth.logout()
    browser_session = await _session_cookie(await auth.login(remember=False))

    assert "Max-Age=" in lasting or "Expires=" in lasting
    assert "Max-Age=" not in browser_session and "Expires=" not in browser_session
    for cookie in (lasting, browser_session):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_each_login_gets_a_new_session_id(auth):
    await auth.register()
    await auth.logout()
    first = await _session_cookie(await auth.login())
    await auth.logout()
    second = await _session_cookie(await auth.login())
    assert first != second


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/account?tab=1", "/account?tab=1"),
        ("/", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("https:evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ],
)
async def test_login_redirects_to_next_only_within_the_site(auth, next_value, expected):
    await auth.register()
    await auth.logout()

    in_form = await auth.login(next=next_value)
    await auth.logout()
    in_query = await auth.login(path="/login?" + urlencode({"next": next_value}))

    assert in_form.status_code == in_query.status_code == 302
    assert in_form.headers["Location"] == in_query.headers["Location"] == expected


async def test_a_protected_page_sends_anonymous_people_to_login_and_back(auth, client):
    await auth.register()
    await auth.logout()

    response = await client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/"
    login_page = await page_text(await client.get(response.headers["Location"]))
    assert "Please log in to access this page." in login_page
    assert 'name="next" type="hidden" value="/"' in login_page


# --- log out --------------------------------------------------------------------------------


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


# --- CSRF -----------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("nul\x00@example.com", PASSWORD, "The email address contains"),
        ("person@example.com", "x" * 10_000, "Password must be between 8 and 128 characters."),
        ("person@example.com", "", "Password is required."),
        ("' OR 1=1 --@example.com", PASSWORD, "The email address contains"),
    ],
)
async def test_login_refuses_malformed_input_with_a_field_message(auth, client, email, password, message):
    response = await auth.login(email, password)

    assert response.status_code == 200
    assert message in await page_text(response)
    assert (await client.get("/")).status_code == 302


async def test_a_password_with_nul_bytes_is_just_a_wrong_password(auth):
    await auth.register()
    await auth.logout()

    response = await auth.login("person@example.com", "nul\x00password")

    assert "Invalid email and/or password." in await page_text(response)


@pytest.mark.parametrize("encoded_email", ["%ED%A0%80%40example.com", "%C0%AF%40example.com", "%FF%FE%40example.com"])
async def test_invalid_utf8_in_a_form_is_a_field_error(auth, client, encoded_email):
    token = await auth.csrf_token("/login")

    response = await client.post(
        "/login",
        data=f"csrf_token={token}&email={encoded_email}&password=whatever12".encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 200
    assert "The email address contains" in await page_text(response)
