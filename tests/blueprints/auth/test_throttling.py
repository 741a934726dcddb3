"""Failed logins and sign-ups meet their limits over HTTP: 429, Retry-After, no hashing, and
the owner's browser still gets in."""
from __future__ import annotations

import asyncio
import re

import pytest

from quartauth import app_objects, create_app
from quartauth.repository.security_log import select_security_events
from quartauth.services import admission

from ...conftest import AuthActions
from ...helpers import PASSWORD, app_settings, page_text

ATTACKER = {"client": ("203.0.113.7", 40000)}
OWNER = {"client": ("198.51.100.1", 40001)}


class From(AuthActions):
    """A browser at one client address."""

    def __init__(self, client, scope):  # type: ignore[no-untyped-def]
        super().__init__(client)
        self.scope = scope

    async def try_login(self, email: str, password: str):  # type: ignore[no-untyped-def]
        token = await self.csrf_token("/login")
        return await self.client.post(
            "/login", form={"csrf_token": token, "email": email, "password": password}, scope_base=self.scope
        )


@pytest.fixture
def checks(app):  # type: ignore[no-untyped-def]
    """How many times the app's hasher has been asked to check or hash a password."""
    hasher = app_objects.of(app).password_hasher
    counted = {"calls": 0}
    real_run = hasher._run

    async def counting_run(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        counted["calls"] += 1
        return await real_run(function, *args, **kwargs)

    hasher._run = counting_run
    return counted


async def registered(app, email: str = "person@example.com") -> From:  # type: ignore[no-untyped-def]
    owner = From(app.test_client(), OWNER)
    await owner.register(email)
    await owner.logout()
    return owner


async def test_the_sixth_wrong_password_from_one_address_is_refused_without_hashing(app, checks):
    await registered(app)
    attacker = From(app.test_client(), ATTACKER)
    for _ in range(5):
        assert (await attacker.try_login("person@example.com", "wrong guess")).status_code == 200
    before = checks["calls"]

    refused = await attacker.try_login("person@example.com", PASSWORD)  # even the right one

    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Too many failed attempts. Try again in 1 minute." in await page_text(refused)
    assert checks["calls"] == before


async def test_clients_behind_a_dual_stack_listener_are_counted_apart(app):
    await registered(app)
    attacker = From(app.test_client(), {"client": ("::ffff:203.0.113.7", 40000)})
    for _ in range(11):  # past the address's ten failures a minute
        await attacker.try_login(f"nobody{_}@example.com", "wrong guess")
    assert (await attacker.try_login("nobody@example.com", "wrong guess")).status_code == 429
    neighbour = From(app.test_client(), {"client": ("::ffff:198.51.100.9", 40000)})

    assert (await neighbour.try_login("person@example.com", PASSWORD)).status_code == 302


@pytest.mark.parametrize("variant", ["PERSON@example.com", "  person@EXAMPLE.com  ", "Person@Example.COM"])
async def test_the_case_or_spacing_of_the_email_does_not_dodge_the_limit(app, variant):
    await registered(app)
    attacker = From(app.test_client(), ATTACKER)
    for _ in range(5):
        await attacker.try_login("person@example.com", "wrong guess")

    assert (await attacker.try_login(variant, "wrong guess")).status_code == 429


async def test_a_refusal_is_logged_once_however_many_attempts_it_refuses(app, database):
    await registered(app)
    attacker = From(app.test_client(), ATTACKER)
    for _ in range(5):
        await attacker.try_login("person@example.com", "wrong guess")
    for _ in range(4):
        assert (await attacker.try_login("person@example.com", "wrong guess")).status_code == 429

    events = await select_security_events(database, before_id=2**63 - 1, email="person@example.com", event="", limit=100)
    assert [entry.event for entry in events].count("login_refused") == 1


async def test_the_owners_browser_gets_in_while_another_address_is_refused(app):
    owner = await registered(app)  # logged in once: its browser has a device cookie
    assert any(cookie.name == "quartauth_device" for cookie in owner.client.cookie_jar)
    attackers = [From(app.test_client(), {"client": (f"203.0.113.{n}", 40000)}) for n in range(25)]
    for attacker in attackers:  # 25 addresses, past the account's 20 failures
        await attacker.try_login("person@example.com", "wrong guess")
    assert (await attackers[0].try_login("person@example.com", "another guess")).status_code == 429
    stranger = From(app.test_client(), OWNER)  # the owner's address, but no device cookie
    assert (await stranger.try_login("person@example.com", PASSWORD)).status_code == 429

    response = await owner.try_login("person@example.com", PASSWORD)

    assert response.status_code == 302


async def test_the_device_cookie_outlives_logout_and_names_no_account(app, database):
    owner = From(app.test_client(), OWNER)
    response = await owner.register()  # signing up proves it as much as logging in

    [header] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("quartauth_device=")]
    value = header.split(";")[0].split("=", 1)[1]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=31536000" in header
    # a random nonce, an HMAC of the account (not its id or email) and a signature, nothing else
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}\.[0-9a-f]{16}\.[0-9a-f]{32}", value)
    await owner.logout()
    assert any(cookie.name == "quartauth_device" and cookie.value == value for cookie in owner.client.cookie_jar)
    again = await owner.login()  # it vouches already: kept, not replaced
    assert again.status_code == 302 and "quartauth_device=" not in " ".join(again.headers.getlist("Set-Cookie"))


async def test_a_device_cookie_for_one_account_does_not_vouch_for_another(app):
    owner = await registered(app)
    await registered(app, "other@example.com")
    for _ in range(5):
        await owner.try_login("other@example.com", "wrong guess")

    assert (await owner.try_login("other@example.com", PASSWORD)).status_code == 429


async def test_concurrent_correct_logins_from_one_address_all_get_in(app):
    await registered(app)
    people = [From(app.test_client(), ATTACKER) for _ in range(8)]
    tokens = [await person.csrf_token("/login") for person in people]

    responses = await asyncio.gather(
        *(
            person.client.post(
                "/login", form={"csrf_token": token, "email": "person@example.com", "password": PASSWORD},
                scope_base=person.scope,
            )
            for person, token in zip(people, tokens)
        )
    )

    assert [response.status_code for response in responses] == [302] * 8


async def test_a_successful_login_does_not_reset_the_count_for_other_accounts(app):
    await registered(app)
    attacker = From(app.test_client(), ATTACKER)
    for number in range(9):
        await attacker.try_login(f"nobody{number}@example.com", "wrong guess")
    assert (await attacker.try_login("person@example.com", PASSWORD)).status_code == 302
    await attacker.logout()

    assert (await attacker.try_login("nobody9@example.com", "wrong guess")).status_code == 200
    assert (await attacker.try_login("nobody10@example.com", "wrong guess")).status_code == 429


async def test_the_eleventh_sign_up_in_an_hour_from_one_address_is_refused(app, checks):
    for number in range(10):
        person = AuthActions(app.test_client())
        assert (await person.register(f"person{number}@example.com")).status_code == 302
    before = checks["calls"]

    refused = await AuthActions(app.test_client()).register("one.too.many@example.com")

    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    assert "Too many sign-ups from your network. Try again in 60 minutes." in await page_text(refused)
    assert checks["calls"] == before


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/confirm", {"password": "wrong guess", "next": "/account"}),
        ("/account/password", {"current_password": "wrong guess", "new_password": "a brand new secret", "confirm": "a brand new secret"}),
        ("/account/delete", {"password": "wrong guess"}),
    ],
)
async def test_a_stolen_session_cannot_guess_the_password_either(app, checks, path, fields):
    owner = await registered(app)
    await owner.login()
    thief = From(app.test_client(), ATTACKER)  # the session cookie only: no device cookie
    for cookie in owner.client.cookie_jar:
        if cookie.name != "quartauth_device":
            thief.client.cookie_jar.set_cookie(cookie)
    answers = [(await thief.post(path, **fields)).status_code for _ in range(5)]
    before = checks["calls"]

    refused = await thief.post(path, **fields)

    assert answers == [200] * 5 and refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many failed attempts. Try again in" in await page_text(refused)
    assert checks["calls"] == before


async def test_a_flood_of_strangers_is_turned_away_and_the_owner_gets_in(migrated_database_url, monkeypatch):
    monkeypatch.setattr(admission, "STRANGER_WAIT_SECONDS", 0.01)
    app = create_app(app_settings(migrated_database_url, HASH_THREADS=1, BCRYPT_ROUNDS=8))
    async with app.test_app():
        owner = await registered(app)
        strangers = [From(app.test_client(), {"client": (f"203.0.113.{n}", 40000)}) for n in range(12)]
        tokens = [await stranger.csrf_token("/login") for stranger in strangers]
        owner_token = await owner.csrf_token("/login")

        def guess(stranger: From, token: str):  # type: ignore[no-untyped-def]
            form = {"csrf_token": token, "email": f"{stranger.scope['client'][0]}@example.com", "password": "wrong guess"}
            return stranger.client.post("/login", form=form, scope_base=stranger.scope)

        flood = [asyncio.create_task(guess(stranger, token)) for stranger, token in zip(strangers, tokens)]
        await asyncio.sleep(0.01)
        owner_form = {"csrf_token": owner_token, "email": "person@example.com", "password": PASSWORD}
        owners_answer = await owner.client.post("/login", form=owner_form, scope_base=owner.scope)
        answers = await asyncio.gather(*flood)

    assert owners_answer.status_code == 302
    busy = [answer for answer in answers if answer.status_code == 503]
    assert busy and all(answer.headers["Retry-After"] for answer in busy)
    assert {answer.status_code for answer in answers} <= {200, 503}


async def test_strangers_beyond_the_line_wait_before_their_form_is_read_then_are_turned_away(monkeypatch):
    monkeypatch.setattr(admission, "STRANGER_WAIT_SECONDS", 0.05)
    hashing = admission.Admission(threads=1)
    line = admission.Line(hashing, places=2)
    await line.enter("192.0.2.1")
    await line.enter("192.0.2.2")
    assert not hashing.flooded

    with pytest.raises(admission.HashingBusy):
        await line.enter("192.0.2.3")  # both places taken for longer than it may wait
    assert hashing.flooded  # a crowd at the door: strangers' checks go one at a time
    line.leave("192.0.2.1")
    await line.enter("192.0.2.3")  # a place freed: the next one goes on at once


async def test_successful_logins_count_too_so_accounts_of_ones_own_cannot_take_the_hash_threads(migrated_database_url):
    app = create_app(app_settings(migrated_database_url, LOGINS_PER_ACCOUNT=3))
    async with app.test_app():
        owner = await registered(app)  # a sign-up is not a login
        answers = []
        for _ in range(3):
            answers.append((await owner.try_login("person@example.com", PASSWORD)).status_code)
            await owner.logout()

        refused = await owner.try_login("person@example.com", PASSWORD)

    assert answers == [302] * 3
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60
    assert "Too many logins. Try again in 15 minutes." in await page_text(refused)
