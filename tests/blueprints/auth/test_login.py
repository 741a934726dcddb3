"""Logging in: who gets in, what the cookie says, and where the browser goes next."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from quartauth import app_objects
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

from ...helpers import PASSWORD, page_text


async def test_login_page_has_remember_me_and_current_password(client):
    html = await page_text(await client.get("/login"))
    assert 'name="remember"' in html and "Remember me" in html
    assert 'autocomplete="current-password"' in html


async def test_the_login_page_says_what_the_site_is_and_offers_sign_up_beside_log_in(client):
    html = await page_text(await client.get("/login"))

    assert 'class="lead"' in html and "log in with your email and password, or sign up" in html
    actions = html[html.index('class="form-actions"'):]
    assert actions.index(">Log in</button>") < actions.index('href="/register">Sign up</a>')


async def test_after_a_wrong_password_the_cursor_is_in_the_password_field(auth):
    await auth.register()
    await auth.logout()

    response = await auth.client.post(
        "/login", form={"csrf_token": await auth.csrf_token("/login"), "email": "person@example.com", "password": "wrong guess"}
    )

    html = await page_text(response)
    password_input = re.search(r'<input[^>]*name="password"[^>]*>', html)[0]
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html)[0]
    assert "autofocus" in password_input and "autofocus" not in email_input


async def test_login_with_the_right_password_signs_in(auth, client):
    await auth.register()
    await auth.logout()

    response = await auth.login()

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome person@example.com!" in await page_text(await client.get("/"))


# 141 code points as typed, 104 characters once normalized (each "e" and its accent are one).
LONG_AS_TYPED = "e\u0301" * 37 + "Tall purple giraffes juggle seventeen quiet lanterns at dawn, twice"


async def test_a_password_accepted_at_sign_up_is_accepted_wherever_it_is_entered(auth, client):
    assert (await auth.register(password=LONG_AS_TYPED)).status_code == 302
    await auth.logout()
    assert (await auth.login(password=LONG_AS_TYPED)).status_code == 302

    confirmed = await auth.post("/confirm", password=LONG_AS_TYPED)
    changed = await auth.post("/account/password", current_password=LONG_AS_TYPED, new_password=PASSWORD + "!", confirm=PASSWORD + "!")

    assert confirmed.status_code == 302 and changed.status_code == 302


async def test_login_email_is_case_insensitive(auth, client):
    await auth.register("person@example.com")
    await auth.logout()

    response = await auth.login("Person@EXAMPLE.com")

    assert response.status_code == 302


async def test_unknown_email_and_wrong_password_answer_alike(app, auth, client, monkeypatch):
    await auth.register()
    await auth.logout()
    hasher = app_objects.of(app).password_hasher
    checks = []
    for name in ("verify", "verify_against_dummy"):
        original = getattr(hasher, name)

        async def spy(*args, _original=original, _name=name, **kwargs):
            checks.append(_name)
            return await _original(*args, **kwargs)

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


async def test_a_sign_in_records_where_it_came_from(auth, client, database):
    await auth.register("person@example.com")
    await auth.logout()
    token = await auth.csrf_token("/login")

    await client.post(
        "/login",
        form={"csrf_token": token, "email": "person@example.com", "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"},
        scope_base={"client": ("203.0.113.9", 50000)},
    )

    user = await select_user_by_email(database, "person@example.com")
    newest = (await select_sessions_of_user(database, user.id))[0]
    assert (newest.browser, newest.client_address) == ("Firefox on Windows", "203.0.113.9")
    html = await page_text(await client.get("/account"))
    assert "Firefox on Windows, from 203.0.113.9" in html
