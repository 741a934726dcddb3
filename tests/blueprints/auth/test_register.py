"""Signing up through the register page, as a browser would."""
from __future__ import annotations

import asyncio
import re

import pytest

from quartauth import create_app
from quartauth.repository.users import select_user_by_email

from ...conftest import AuthActions
from ...fakes import BREACHED, FakeRangeServer
from ...helpers import PASSWORD, app_settings, page_text


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
        "🔑🌙🍀🎲🦉🚲🎻🧭🐙🌵",  # ten characters, 40 bytes
        "with\x00nul bytes",
        "  spaced  out  words  ",
        ("çiçek ağaç ünïcödé élan " * 6)[:128],  # 176 bytes: far past bcrypt's 72
    ],
)
async def test_any_unicode_password_of_allowed_length_works(auth, client, password):
    assert (await auth.register("person@example.com", password)).status_code == 302
    await auth.logout()

    response = await auth.login("person@example.com", password)

    assert response.status_code == 302
    assert "Welcome person@example.com!" in await page_text(await client.get("/"))


async def test_passwords_differing_only_after_72_bytes_are_different(auth, client):
    common = "correct horse battery staple, " * 3  # 90 bytes
    assert (await auth.register("person@example.com", common + "1")).status_code == 302
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
    assert "You are already signed up and logged in." in await page_text(await client.get("/"))


async def test_concurrent_sign_ups_for_one_email_make_exactly_one_account(migrated_database_url, database):
    app = create_app(app_settings(migrated_database_url, SIGN_UPS_PER_ADDRESS=100))  # all from one address
    async with app.test_app():
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


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no {name} field"
    return match[0]


async def test_the_password_rule_is_shown_before_the_first_submit(client):
    html = await page_text(await client.get("/register"))

    assert "At least 8 characters" in html
    assert 'aria-describedby="password-hint"' in input_tag(html, "password")
    assert "autofocus" in input_tag(html, "email")


async def test_after_a_failed_submit_the_first_field_with_an_error_has_the_focus(auth):
    html = await page_text(await auth.register("person@example.com", "short", "short"))

    password = input_tag(html, "password")
    assert "autofocus" in password and 'aria-invalid="true"' in password
    assert 'aria-describedby="password-hint password-errors"' in password
    assert "autofocus" not in input_tag(html, "email") and "aria-invalid" not in input_tag(html, "email")
    assert '<div class="field has-error">' in html and '<ul class="field-errors" id="password-errors">' in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too easy to guess: this is a top-10 common password."),
        ("12345678", "This password is too easy to guess"),
        (" " * 8, "This password is too easy to guess"),
        ("person2024!", "A password must not be built from your email address."),
        ("e\u0301" * 4, "Password must be between 8 and 128 characters."),
        ("correct \ufffd horse battery", "The password contains characters that could not be read."),
    ],
)
async def test_a_password_that_breaks_the_policy_is_refused_saying_why(auth, database, password, message):
    response = await auth.register("person@example.com", password)

    assert response.status_code == 200 and message in await page_text(response)
    assert await select_user_by_email(database, "person@example.com") is None


async def test_with_the_breach_check_on_a_breached_password_is_refused(migrated_database_url, database):
    with FakeRangeServer([BREACHED]) as range_server:
        app = create_app(app_settings(migrated_database_url, BREACHED_PASSWORD_CHECK="true", PWNED_PASSWORDS_URL=range_server.url))
        async with app.test_app():
            response = await AuthActions(app.test_client()).register("person@example.com", BREACHED)

    assert response.status_code == 200 and "appeared in a data breach" in await page_text(response)
    assert await select_user_by_email(database, "person@example.com") is None
