"""A fixed corpus of hostile input: each case answers with a clear refusal, never a 5xx,
and changes nothing it should not."""
from __future__ import annotations

import base64
import json
from urllib.parse import quote, urlencode

import pytest
from quart_auth import QuartAuth

from quartauth import create_app
from quartauth.repository.passkeys import select_passkeys_of_user
from quartauth.repository.users import select_user_by_email
from quartauth.services.emails import normalize_email

from ..conftest import AuthActions
from ..helpers import PASSWORD, app_settings, csrf_token_in, page_text
from ..two_step_people import two_step_person
from .conftest import RESIDENT_EMAIL, snapshot

SQL_INJECTIONS = [
    "' OR '1'='1",
    "resident@example.com' --",
    "resident@example.com'; DROP TABLE users; --",
    "\" OR \"\"=\"",
    "x@example.com' UNION SELECT id, email, password_hash, is_admin, created_at FROM users --",
    "1; SELECT pg_sleep(5)",
    "$1",
    ":email",
]


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
async def test_sql_injection_in_login_signs_nobody_in(app, resident, database, payload):
    stranger = AuthActions(app.test_client())
    for email, password in ((payload, PASSWORD), (RESIDENT_EMAIL, payload), (payload, payload)):
        response = await stranger.login(email, password)
        assert response.status_code == 200
        assert (await stranger.client.get("/")).status_code == 302
    assert await snapshot(database) == resident


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
async def test_sql_injection_in_sign_up_is_refused_or_stored_verbatim(app, resident, database, payload):
    stranger = AuthActions(app.test_client())
    email = f"{payload}@example.com"

    response = await stranger.register(email, PASSWORD)

    after = await snapshot(database)
    assert after.resident == resident.resident and after.resident_sessions == resident.resident_sessions
    if response.status_code == 302:  # a valid, if odd, address: stored as typed, nothing more
        assert after.users == resident.users + 1
        assert await select_user_by_email(database, normalize_email(email)) is not None
    else:
        assert response.status_code == 200 and "field-errors" in await page_text(response)
        assert after.users == resident.users


@pytest.mark.parametrize("field", ["email", "password", "confirm", "next", "csrf_token", "remember"])
async def test_nul_bytes_in_any_field_are_refused_cleanly(app, resident, database, field):
    stranger = AuthActions(app.test_client())
    token = await stranger.csrf_token("/register")
    form = {"csrf_token": token, "email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD}
    form[field] = form.get(field, "") + "\x00evil"

    response = await stranger.client.post("/register", form=form)

    assert response.status_code in (200, 302, 400)
    if field in ("email", "password", "confirm", "csrf_token"):
        assert (await snapshot(database)).users == resident.users


@pytest.mark.parametrize(
    "encoded",
    ["%C0%AE%C0%AE%2F", "%E0%80%AF", "%F0%80%80%AF", "%ED%A0%80", "%F8%88%80%80%80", "%FF", "%C0"],
)
async def test_overlong_and_invalid_utf8_is_a_field_error(app, resident, database, encoded):
    client = app.test_client()
    token = csrf_token_in(await page_text(await client.get("/register")))
    body = f"csrf_token={token}&email={encoded}x%40example.com&password={encoded}{'x' * 8}&confirm={encoded}{'x' * 8}"

    response = await client.post("/register", data=body.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code == 200
    assert "The email address contains" in await page_text(response)
    assert (await snapshot(database)).users == resident.users


@pytest.mark.parametrize("path", ["/login", "/register", "/logout"])
async def test_a_one_megabyte_field_is_refused_as_too_large(client, path):
    response = await client.post(path, form={"email": "x" * 1_000_000})
    assert response.status_code == 413


async def test_thousands_of_fields_are_refused_without_harm(app, resident, database):
    client = app.test_client()
    token = csrf_token_in(await page_text(await client.get("/login")))
    body = f"csrf_token={token}&" + "&".join(f"f{n}=1" for n in range(5000))

    response = await client.post("/login", data=body.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code in (200, 413)
    assert await snapshot(database) == resident


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    return next(cookie.value for cookie in client.cookie_jar if cookie.name == "quartauth_session")


def _other_key_token(migrated_database_url: str, auth_id: str) -> str:
    stranger_app = create_app(app_settings(migrated_database_url, SECRET_KEY="another key entirely " * 3))
    extension: QuartAuth = stranger_app.extensions["QUART_AUTH"][0]
    return extension.dump_token(auth_id, app=stranger_app)


async def test_tampered_truncated_and_foreign_auth_cookies_sign_nobody_in(app, client, resident, migrated_database_url):
    genuine = _session_cookie(client)
    forged = [
        _flip(genuine, len(genuine) - 20),  # tampered signature (not the last character, whose
        # low bits base64 ignores, so changing it can leave the decoded signature as it was)
        _flip(genuine, 3),  # tampered payload
        genuine[: len(genuine) // 2],  # truncated
        genuine.split(".")[0],  # payload without signature
        _other_key_token(migrated_database_url, "a-made-up-session-token"),
        "",
        "x" * 4000,
        "\u00e9\u00e9\u00e9",
    ]
    for value in forged:
        stranger = app.test_client()
        response = await stranger.get("/", headers={"Cookie": f"quartauth_session={value}"})
        assert response.status_code == 302, value
        assert response.headers["Location"] == "/login?next=/"


async def test_a_valid_cookie_for_a_session_that_never_existed_is_dropped(app, migrated_database_url):
    extension: QuartAuth = app.extensions["QUART_AUTH"][0]
    signed_but_unknown = extension.dump_token("no-such-session", app=app)

    response = await app.test_client().get("/", headers={"Cookie": f"quartauth_session={signed_but_unknown}"})

    assert response.status_code == 302
    cleared = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("quartauth_session=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "Expires=Thu, 01 Jan 1970" in cleared[0])


async def test_a_csrf_token_replayed_from_another_session_is_refused(app, client, resident, database):
    thief = app.test_client()
    thiefs_token = csrf_token_in(await page_text(await thief.get("/login")))

    # The victim is signed in; a forged logout carries the thief's own (valid) token.
    response = await client.post("/logout", form={"csrf_token": thiefs_token})

    assert response.status_code == 400
    assert (await client.get("/")).status_code == 200
    assert await snapshot(database) == resident


ESCAPING_NEXT = [
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https://evil.example",
    "HTTPS://evil.example",
    "//evil.example/%2F..",
    "/\t/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "%2F%2Fevil.example",
    "%2f%5cevil.example",
    "%252F%252Fevil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:\\\\evil.example",
    "\u3002evil.example",
    "/\u2215evil.example",
]


@pytest.mark.parametrize("next_value", ESCAPING_NEXT)
async def test_next_never_leaves_the_site(app, resident, next_value):
    stranger = AuthActions(app.test_client())
    queries = [urlencode({"next": next_value})]
    if next_value.isascii():  # also as typed into a URL bar, unencoded
        queries.append(f"next={next_value}")
    for raw_query in queries:
        response = await stranger.login(RESIDENT_EMAIL, PASSWORD, path=f"/login?{raw_query}")
        location = response.headers["Location"]
        assert response.status_code == 302
        assert location.startswith("/") and not location.startswith("//") and "\\" not in location
        assert "\r" not in location and "\n" not in location
        await stranger.logout()


@pytest.mark.parametrize("path", ["/", "/account", "/logout"])
async def test_redirects_to_login_carry_no_header_injection(client, path):
    response = await client.get(path + "?a=%0d%0aSet-Cookie:%20injected=1&b=\r\nX-Evil: 1")

    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert "injected" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert "X-Evil" not in response.headers
    assert location.startswith("/login?next=" + quote(path, safe="/"))


HOSTILE_CODES = [
    "' OR 1=1 --", "123456'; DROP TABLE users; --", "\x00123456", "12345\x00", "１２３４５６", "١٢٣٤٥٦", "12 34 56 78",
    "x" * 64, "x" * 65, "9" * 5000, "\U0001f600" * 6, "\r\n123456", "%00", "-1", "1e5", "",
]


@pytest.mark.parametrize("code", HOSTILE_CODES)
async def test_hostile_second_steps_are_not_right_and_start_no_session(clocked_app, clock, database, code):
    person = await two_step_person(clocked_app, clock)
    await person.logout()
    await person.log_in_with_password()

    answer = await person.second_step(code)

    assert answer.status_code in (200, 413), answer.status_code
    if answer.status_code == 200:
        assert "field-errors" in await page_text(answer)
    assert not await person.is_signed_in()


@pytest.mark.parametrize("cookie", ["", "x", "A" * 43, "A" * 5000, "\u00e9" * 10, "../../etc/passwd"])
async def test_made_up_pending_sign_in_cookies_lead_back_to_log_in(client, cookie):
    client.set_cookie("localhost", "quartauth_second_step", cookie)
    form = {"csrf_token": csrf_token_in(await page_text(await client.get("/login"))), "code": "123456"}

    answer = await client.post("/login/two-step", form=form)

    assert answer.status_code == 302 and answer.headers["Location"] == "/login"


def _encoded(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


HOSTILE_PASSKEY_ANSWERS = [
    "", "{", "null", "[]", "\x00", "[" * 8000, '{"a":' * 3000, '{"id": 5, "rawId": [], "response": "x"}',
    json.dumps({"id": "%%%", "rawId": "%%%", "type": "public-key", "response": {"clientDataJSON": "%%%", "authenticatorData": "%", "signature": "%"}}),
    json.dumps({"id": "AA", "rawId": "AA", "type": "public-key", "response": {
        "clientDataJSON": _encoded(b"[" * 5000), "authenticatorData": "AA", "signature": "AA"}}),
    json.dumps({"id": "AA", "rawId": "AA", "type": "public-key", "response": {
        "clientDataJSON": _encoded(b'{"type": "webauthn.get", "challenge": 5, "origin": null}'), "authenticatorData": "AA", "signature": "AA"}}),
    "x" * 17_000,
    "x" * 70_000,
]


@pytest.mark.parametrize("path", ["/login/passkey", "/login/two-step/passkey"])
@pytest.mark.parametrize("answer", HOSTILE_PASSKEY_ANSWERS, ids=range(len(HOSTILE_PASSKEY_ANSWERS)))
async def test_hostile_passkey_answers_are_refused_cleanly_and_sign_nobody_in(passkey_app, path, answer):
    client = passkey_app.test_client()
    token = csrf_token_in(await page_text(await client.get("/login")))
    await client.post("/login/passkey/options", headers={"X-CSRFToken": token})  # a challenge waits

    answered = await client.post(path, form={"csrf_token": token, "passkey": answer})

    assert answered.status_code in (302, 413), answered.status_code
    assert (await client.get("/account")).status_code == 302


@pytest.mark.parametrize("path", ["/account/passkeys", "/confirm"])
@pytest.mark.parametrize("answer", HOSTILE_PASSKEY_ANSWERS[:-1], ids=range(len(HOSTILE_PASSKEY_ANSWERS) - 1))
async def test_hostile_passkey_answers_from_a_signed_in_person_change_nothing(passkey_app, database, path, answer):
    person = AuthActions(passkey_app.test_client())
    await person.register(RESIDENT_EMAIL)
    token = csrf_token_in(await page_text(await person.client.get("/account/passkeys/add")))  # a challenge waits

    answered = await person.client.post(path, form={"csrf_token": token, "passkey": answer, "name": "x"})

    assert answered.status_code in (200, 302), answered.status_code
    user = await select_user_by_email(database, RESIDENT_EMAIL)
    assert await select_passkeys_of_user(database, user.id) == []
