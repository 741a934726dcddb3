"""The JSON API, as an app (a bearer token) and as a browser client (the session cookie and
X-CSRF-Token): logging in and out, who am I, the sessions, Confirm it's you, the second step,
one error shape, JSON only, and the limits shared with the pages; on SQLite and Postgres."""
from __future__ import annotations

import pyotp
import pytest
from openapi_spec_validator import validate

from ..conftest import AuthActions
from ..helpers import PASSWORD, page_text
from ..two_step_people import two_step_person

API = "/api/v1"


async def app_login(client, email: str = "person@example.com", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """An app's login: JSON, no X-CSRF-Token header."""
    return await client.post(f"{API}/login", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def person(app, client) -> AuthActions:  # type: ignore[no-untyped-def]
    """Signed up (and signed in on ``client``, a browser)."""
    auth = AuthActions(client)
    assert (await auth.register()).status_code == 302
    return auth


@pytest.fixture
async def app_token(app, person) -> str:  # type: ignore[no-untyped-def]
    answer = await app_login(app.test_client())
    assert answer.status_code == 200, await answer.get_json()
    return (await answer.get_json())["token"]


# --- an app -------------------------------------------------------------------------------------


async def test_an_app_logs_in_for_a_token_given_once_and_is_who_it_says(app, app_token):
    client = app.test_client()

    me = await client.get(f"{API}/session", headers=bearer(app_token))

    assert me.status_code == 200
    body = await me.get_json()
    assert body["user"]["email"] == "person@example.com" and body["session"]["kind"] == "app"
    assert body["csrf_token"] is None and "token" not in body


async def test_an_apps_session_is_listed_on_the_account_page_as_app(app, person, app_token):
    page = await page_text(await person.client.get("/account"))

    assert "App" in page


async def test_a_token_is_never_taken_from_a_query_string_nor_a_cookie(app, app_token):
    client = app.test_client()

    in_query = await client.get(f"{API}/session", query_string={"access_token": app_token, "token": app_token})
    client.set_cookie("localhost", "quartauth_session", app_token)
    in_cookie = await client.get(f"{API}/session")

    assert in_query.status_code == 401 and in_cookie.status_code == 401


async def test_a_logged_out_token_is_refused_at_once(app, app_token):
    client = app.test_client()

    out = await client.post(f"{API}/logout", headers=bearer(app_token))
    after = await client.get(f"{API}/session", headers=bearer(app_token))

    assert out.status_code == 200 and (await out.get_json()) == {"ended": 1}
    assert after.status_code == 401
    assert (await after.get_json())["error"] == {"code": "unauthorized", "message": "Please log in to access this page.", "fields": {}}


async def test_a_token_ended_from_the_account_page_is_refused_at_once(app, person, app_token):
    listed = await (await app.test_client().get(f"{API}/sessions", headers=bearer(app_token))).get_json()
    app_session = next(session["id"] for session in listed["sessions"] if session["kind"] == "app")

    ended = await person.post(f"/account/sessions/{app_session}/end")
    after = await app.test_client().get(f"{API}/session", headers=bearer(app_token))

    assert ended.status_code == 302 and after.status_code == 401


async def test_bearer_requests_need_no_csrf_token_and_a_csrf_token_is_no_session(app, person, app_token):
    client = app.test_client()  # an app's client: a good CSRF token of its own, and no session
    token = (await client.get(f"{API}/session")).headers["X-CSRF-Token"]

    only_csrf = await client.post(f"{API}/sessions/end-others", headers={"X-CSRF-Token": token})
    with_bearer = await client.get(f"{API}/sessions", headers=bearer(app_token))

    assert only_csrf.status_code == 401 and with_bearer.status_code == 200


async def test_a_wrong_password_is_the_pages_sentence_with_401(app, person):
    wrong = await app_login(app.test_client(), password="not the password at all")
    nobody = await app_login(app.test_client(), email="nobody@example.com")

    assert wrong.status_code == nobody.status_code == 401
    assert (await wrong.get_json())["error"]["message"] == (await nobody.get_json())["error"]["message"] == "Invalid email and/or password."


async def test_bodies_are_json_only_and_checked_field_by_field(app, person):
    client = app.test_client()

    form = await client.post(f"{API}/login", form={"email": "person@example.com", "password": PASSWORD})
    wrong_types = await client.post(f"{API}/login", json={"email": 5})
    not_an_object = await client.post(f"{API}/login", json=["person@example.com"])
    unknown_and_too_long = await client.post(f"{API}/login", json={"email": "x" * 300, "password": "p", "admin": True})

    assert form.status_code == 415 and (await form.get_json())["error"]["code"] == "unsupported_media_type"
    assert wrong_types.status_code == 422
    assert (await wrong_types.get_json())["error"]["fields"] == {
        "email": ["Expected a string, got an integer."], "password": ["This field is required."],
    }
    assert not_an_object.status_code == 422
    assert (await unknown_and_too_long.get_json())["error"]["fields"] == {
        "email": ["Expected a string of length <= 254."], "admin": ["This operation takes no such field."],
    }


# --- a browser client -----------------------------------------------------------------------


async def test_a_browser_client_logs_in_with_the_header_and_gets_the_cookie(app):
    auth = AuthActions(app.test_client())
    await auth.register()
    await auth.logout()

    asked = await auth.client.get(f"{API}/session")
    token = asked.headers["X-CSRF-Token"]
    logged_in = await auth.client.post(f"{API}/login", json={"email": "person@example.com", "password": PASSWORD}, headers={"X-CSRF-Token": token})
    me = await auth.client.get(f"{API}/session")

    assert asked.status_code == 401 and logged_in.status_code == 200
    assert (await logged_in.get_json())["token"] is None
    assert me.status_code == 200 and (await me.get_json())["session"]["kind"] == "browser"


async def test_a_browser_clients_unsafe_requests_need_the_csrf_header(app, person):
    without = await person.client.post(f"{API}/logout")
    token = (await (await person.client.get(f"{API}/session")).get_json())["csrf_token"]
    stale = await person.client.post(f"{API}/logout", headers={"X-CSRF-Token": "made-up"})
    with_it = await person.client.post(f"{API}/logout", headers={"X-CSRF-Token": token})

    assert without.status_code == 403 and (await without.get_json())["error"]["code"] == "csrf"
    assert stale.status_code == 403
    assert with_it.status_code == 200 and (await person.client.get("/account")).status_code == 302


async def test_a_login_with_a_bad_csrf_header_is_refused(app, person):
    refused = await app.test_client().post(
        f"{API}/login", json={"email": "person@example.com", "password": PASSWORD}, headers={"X-CSRF-Token": "made-up"}
    )

    assert refused.status_code == 403


# --- sessions, Confirm it's you --------------------------------------------------------------


async def test_sessions_are_listed_and_ended_one_at_a_time(app, person, app_token):
    client = app.test_client()
    listed = (await (await client.get(f"{API}/sessions", headers=bearer(app_token))).get_json())["sessions"]
    this = next(session for session in listed if session["current"])
    other = next(session for session in listed if not session["current"])

    itself = await client.delete(f"{API}/sessions/{this['id']}", headers=bearer(app_token))
    ended = await client.delete(f"{API}/sessions/{other['id']}", headers=bearer(app_token))
    again = await client.delete(f"{API}/sessions/{other['id']}", headers=bearer(app_token))

    assert itself.status_code == 409 and ended.status_code == 200 and again.status_code == 404
    assert (await person.client.get("/account")).status_code == 302  # the browser's session ended


async def test_logging_out_everywhere_else_asks_confirm_its_you_first(clocked_app, clock):
    person = AuthActions(clocked_app.test_client())
    await person.register()
    token = (await (await app_login(clocked_app.test_client())).get_json())["token"]
    clock.advance(minutes=11)
    client = clocked_app.test_client()

    asked = await client.post(f"{API}/sessions/end-others", headers=bearer(token))
    wrong = await client.post(f"{API}/confirm", json={"password": "not the password at all"}, headers=bearer(token))
    confirmed = await client.post(f"{API}/confirm", json={"password": PASSWORD}, headers=bearer(token))
    done = await client.post(f"{API}/sessions/end-others", headers=bearer(token))

    assert asked.status_code == 403 and (await asked.get_json())["error"]["code"] == "confirm_first"
    assert wrong.status_code == 403 and (await wrong.get_json())["error"]["fields"] == {"password": ["That is not your password."]}
    assert confirmed.status_code == 200
    assert done.status_code == 200 and (await done.get_json()) == {"ended": 1}
    assert (await person.client.get("/account")).status_code == 302


# --- the second step ------------------------------------------------------------------------


async def test_an_app_logs_in_in_two_steps(clocked_app, clock):
    person = await two_step_person(clocked_app, clock)
    client = clocked_app.test_client()

    due = await app_login(client)
    pending = (await due.get_json())["pending"]
    wrong = await client.post(f"{API}/login/two-step", json={"code": "000000" if person.next_code() != "000000" else "111111", "pending": pending})
    right = await client.post(f"{API}/login/two-step", json={"code": pyotp.TOTP(person.key).at(clock.now), "pending": pending})
    token = (await right.get_json())["token"]

    assert due.status_code == 202 and pending
    assert wrong.status_code == 401 and (await wrong.get_json())["error"]["fields"] == {"code": ["That code is not right."]}
    assert right.status_code == 200 and token
    me = await (await client.get(f"{API}/session", headers=bearer(token))).get_json()
    assert me["session"]["kind"] == "app"


# --- the limits, shared with the pages --------------------------------------------------------


async def test_failures_on_the_api_count_for_the_login_page(app, person):
    client = app.test_client()
    for number in range(10):
        await app_login(client, email=f"guess{number}@example.com", password="not the password")

    refused_page = await AuthActions(app.test_client()).login("person@example.com", "not the password either")
    refused_api = await app_login(client)

    assert refused_page.status_code == 429 and refused_api.status_code == 429
    assert "Retry-After" in refused_api.headers and (await refused_api.get_json())["error"]["code"] == "too_many_requests"


async def test_failures_on_the_login_page_count_for_the_api(app, person):
    stranger = AuthActions(app.test_client())
    for number in range(10):
        await stranger.login(f"guess{number}@example.com", "not the password")

    refused = await app_login(app.test_client())

    assert refused.status_code == 429


# --- the document ---------------------------------------------------------------------------


async def test_the_document_is_valid_openapi_31_with_every_operation_and_its_errors(app):
    document = await (await app.test_client().get(f"{API}/openapi.json")).get_json()

    validate(document)
    assert document["openapi"].startswith("3.1")
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert ("/api/v1/login", "post") in operations and ("/api/v1/session", "get") in operations
    assert all(path.startswith("/api/v1/") for path, _ in operations) and ("/api/v1/openapi.json", "get") not in operations
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"415", "429", "503"} <= set(operation["responses"]), (path, method)
    assert set(document["components"]["securitySchemes"]) == {"bearer", "session_cookie"}


# --- the account ---------------------------------------------------------------------------------


async def test_an_app_changes_its_password_and_gets_a_new_token_the_old_one_dead(app, person, app_token):
    client = app.test_client()

    weak = await client.post(f"{API}/password", json={"current_password": PASSWORD, "new_password": "password"}, headers=bearer(app_token))
    wrong = await client.post(f"{API}/password", json={"current_password": "not it at all", "new_password": "a brand new secret"}, headers=bearer(app_token))
    changed = await client.post(f"{API}/password", json={"current_password": PASSWORD, "new_password": "a brand new secret"}, headers=bearer(app_token))
    new_token = (await changed.get_json())["token"]

    assert weak.status_code == 422 and "new_password" in (await weak.get_json())["error"]["fields"]
    assert wrong.status_code == 403 and (await wrong.get_json())["error"]["fields"] == {"current_password": ["That is not your current password."]}
    assert changed.status_code == 200 and new_token and new_token != app_token
    assert (await client.get(f"{API}/session", headers=bearer(app_token))).status_code == 401
    assert (await client.get(f"{API}/session", headers=bearer(new_token))).status_code == 200
    assert (await person.client.get("/account")).status_code == 302  # every other session ended
    assert (await app_login(client, password="a brand new secret")).status_code == 200


async def test_an_app_asks_to_change_the_email_and_a_link_goes_out(app, person, app_token, database):
    from quartauth.repository.outbox import count_unsent_outbox_messages

    client = app.test_client()
    before = await count_unsent_outbox_messages(database)

    same = await client.post(f"{API}/email", json={"new_email": "Person@Example.com", "current_password": PASSWORD}, headers=bearer(app_token))
    asked = await client.post(f"{API}/email", json={"new_email": "new@example.com", "current_password": PASSWORD}, headers=bearer(app_token))

    assert same.status_code == 422
    assert asked.status_code == 202 and "new@example.com" in (await asked.get_json())["message"]
    assert await count_unsent_outbox_messages(database) == before + 2  # the link, and a notice to the old address


async def test_an_app_deletes_its_account_with_its_password(app, person, app_token):
    client = app.test_client()

    wrong = await client.delete(f"{API}/account", json={"password": "not it at all"}, headers=bearer(app_token))
    deleted = await client.delete(f"{API}/account", json={"password": PASSWORD}, headers=bearer(app_token))

    assert wrong.status_code == 403 and deleted.status_code == 200
    assert (await deleted.get_json())["message"] == "Your account was deleted."
    assert (await client.get(f"{API}/session", headers=bearer(app_token))).status_code == 401
    assert (await app_login(client)).status_code == 401


# --- other sites ---------------------------------------------------------------------------


async def test_no_other_site_may_call_the_api_unless_listed_exactly(migrated_database_url):
    from quartauth import create_app

    from ..helpers import app_settings

    app = create_app(app_settings(migrated_database_url, CORS_ORIGINS="https://app.example.com"))
    async with app.test_app():
        client = app.test_client()
        listed = await client.options(f"{API}/login", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"})
        lookalike = await client.get(f"{API}/session", headers={"Origin": "https://app.example.com.evil.example"})
        other = await client.get(f"{API}/session", headers={"Origin": "https://evil.example"})

    assert listed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert listed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-CSRF-Token" in listed.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in lookalike.headers and "Access-Control-Allow-Origin" not in other.headers


async def test_by_default_no_site_may(app):
    answer = await app.test_client().get(f"{API}/session", headers={"Origin": "https://app.example.com"})

    assert "Access-Control-Allow-Origin" not in answer.headers


# --- signing up ------------------------------------------------------------------------------


async def test_an_app_signs_up_and_is_signed_in_with_a_token(app):
    client = app.test_client()

    weak = await client.post(f"{API}/sign-up", json={"email": "new@example.com", "password": "password"})
    made = await client.post(f"{API}/sign-up", json={"email": "New@Example.com", "password": "a brand new secret"})
    taken = await client.post(f"{API}/sign-up", json={"email": "new@example.com", "password": "a brand new secret"})

    assert weak.status_code == 422 and "password" in (await weak.get_json())["error"]["fields"]
    assert made.status_code == 201
    body = await made.get_json()
    assert body["user"]["email"] == "new@example.com" and body["token"]
    assert taken.status_code == 409 and (await taken.get_json())["error"]["fields"] == {"email": ["Email already registered"]}


async def test_sign_up_by_link_answers_every_address_alike(migrated_database_url):
    from quartauth import create_app

    from ..helpers import app_settings

    app = create_app(app_settings(migrated_database_url, SIGN_UP_REVEALS_ACCOUNTS="false"))
    async with app.test_app():
        client = app.test_client()
        await AuthActions(app.test_client()).register("taken@example.com")
        free = await client.post(f"{API}/sign-up", json={"email": "free@example.com", "password": "a brand new secret"})
        taken = await client.post(f"{API}/sign-up", json={"email": "taken@example.com", "password": "a brand new secret"})

    assert free.status_code == taken.status_code == 202
    assert (await free.get_json())["message"] == "We sent a link to free@example.com: open it to finish signing up."


# --- the mailed links -----------------------------------------------------------------------------


async def test_forgot_answers_alike_whether_or_not_the_address_has_an_account(app, person):
    client = app.test_client()

    known = await client.post(f"{API}/forgot", json={"email": "person@example.com"})
    unknown = await client.post(f"{API}/forgot", json={"email": "nobody@example.com"})
    malformed = await client.post(f"{API}/forgot", json={"email": "not an address"})

    assert known.status_code == unknown.status_code == 202 and (await known.get_json()) == (await unknown.get_json())
    assert malformed.status_code == 422


async def test_a_reset_signs_an_app_in_and_ends_every_session(app, person, database):
    from quartauth.repository.users import select_user_by_email
    from quartauth.services import tokens

    client = app.test_client()
    user = await select_user_by_email(database, "person@example.com")
    token = await tokens.issue(database, user.id, tokens.Purpose.RESET, app_objects_now(app))

    weak = await client.post(f"{API}/reset", json={"token": token, "new_password": "password1"})
    reset = await client.post(f"{API}/reset", json={"token": token, "new_password": "a brand new secret"})
    again = await client.post(f"{API}/reset", json={"token": token, "new_password": "another new secret"})

    assert weak.status_code == 422
    assert reset.status_code == 200 and (await reset.get_json())["token"]
    assert again.status_code == 404 and (await again.get_json())["error"]["code"] == "dead_link"
    assert (await person.client.get("/account")).status_code == 302  # every session ended


async def test_a_reset_does_not_skip_the_second_step(clocked_app, clock, database):
    from quartauth.repository.users import select_user_by_email
    from quartauth.services import tokens

    person = await two_step_person(clocked_app, clock)
    user = await select_user_by_email(database, "person@example.com")
    token = await tokens.issue(database, user.id, tokens.Purpose.RESET, clock.now)
    client = clocked_app.test_client()

    reset = await client.post(f"{API}/reset", json={"token": token, "new_password": "a brand new secret"})
    pending = (await reset.get_json())["pending"]
    done = await client.post(f"{API}/login/two-step", json={"code": person.next_code(), "pending": pending})

    assert reset.status_code == 202 and pending and done.status_code == 200


async def test_verify_with_the_mailed_token_and_resend_once_a_minute(app, person, app_token, database):
    from quartauth.repository.users import select_user_by_email
    from quartauth.services import tokens

    client = app.test_client()
    resent = await client.post(f"{API}/verify/resend", headers=bearer(app_token))
    too_soon = await client.post(f"{API}/verify/resend", headers=bearer(app_token))
    user = await select_user_by_email(database, "person@example.com")
    token = await tokens.issue(database, user.id, tokens.Purpose.VERIFY, app_objects_now(app))
    verified = await client.post(f"{API}/verify", json={"token": token})
    dead = await client.post(f"{API}/verify", json={"token": "not-a-token"})
    done_already = await client.post(f"{API}/verify/resend", headers=bearer(app_token))

    assert resent.status_code == 202 and too_soon.status_code == 429
    assert verified.status_code == 200 and (await verified.get_json())["message"] == "Your email address is verified."
    assert dead.status_code == 404
    assert done_already.status_code == 409


def app_objects_now(app):  # type: ignore[no-untyped-def]
    from quartauth import app_objects

    return app_objects.of(app).now()


# --- the admin area ---------------------------------------------------------------------------------


@pytest.fixture
async def admin_token(app, database) -> str:  # type: ignore[no-untyped-def]
    from quartauth.repository.users import select_user_by_email, update_user_is_admin

    await AuthActions(app.test_client()).register("boss@example.com")
    await update_user_is_admin(database, (await select_user_by_email(database, "boss@example.com")).id, True)
    return (await (await app_login(app.test_client(), "boss@example.com")).get_json())["token"]


async def test_admins_find_users_by_email_and_others_may_not(app, person, app_token, admin_token):
    client = app.test_client()

    everyone = await client.get(f"{API}/admin/users", headers=bearer(admin_token))
    found = await client.get(f"{API}/admin/users", query_string={"search": "pers"}, headers=bearer(admin_token))
    not_an_admin = await client.get(f"{API}/admin/users", headers=bearer(app_token))

    assert everyone.status_code == 200 and {user["email"] for user in (await everyone.get_json())["users"]} == {"person@example.com", "boss@example.com"}
    assert [user["email"] for user in (await found.get_json())["users"]] == ["person@example.com"]
    assert not_an_admin.status_code == 403


async def test_an_admin_action_is_taken_logged_and_refused_where_the_pages_refuse(app, person, admin_token, database):
    from quartauth.repository.users import select_user_by_email

    client = app.test_client()
    person_id = (await select_user_by_email(database, "person@example.com")).id
    boss_id = (await select_user_by_email(database, "boss@example.com")).id

    disabled = await client.post(f"{API}/admin/users/{person_id}/disable", headers=bearer(admin_token))
    themselves = await client.post(f"{API}/admin/users/{boss_id}/remove-admin", headers=bearer(admin_token))
    nobody = await client.post(f"{API}/admin/users/999999/enable", headers=bearer(admin_token))
    unknown_action = await client.post(f"{API}/admin/users/{person_id}/explode", headers=bearer(admin_token))

    assert disabled.status_code == 200 and (await disabled.get_json())["user"]["disabled"] is True
    assert "was disabled" in (await disabled.get_json())["message"]
    assert themselves.status_code == 409 and nobody.status_code == 404 and unknown_action.status_code == 404
    assert (await person.client.get("/account")).status_code == 302  # the disabled user's sessions ended


# --- passkeys -----------------------------------------------------------------------------------


async def test_an_app_signs_in_with_a_passkey_and_its_binding(passkey_app, clock):
    from ..passkey_people import PasskeyPerson

    person = PasskeyPerson(passkey_app.test_client(), clock=clock)
    await person.register()
    assert (await person.add_passkey()).status_code == 302
    client = passkey_app.test_client()

    asked = await (await client.post(f"{API}/login/passkey/options")).get_json()
    answer = person.authenticator.get(asked["options"])
    wrong_binding = await client.post(f"{API}/login/passkey", json={"answer": answer, "binding": "someone else's"})
    asked = await (await client.post(f"{API}/login/passkey/options")).get_json()
    signed_in = await client.post(f"{API}/login/passkey", json={"answer": person.authenticator.get(asked["options"]), "binding": asked["binding"]})

    assert asked["options"]["allowCredentials"] == [] and asked["binding"]
    assert wrong_binding.status_code == 401 and (await wrong_binding.get_json())["error"]["code"] == "passkey_refused"
    assert signed_in.status_code == 200 and (await signed_in.get_json())["token"]


async def test_passkeys_are_refused_where_they_cannot_work(app):
    answer = await app.test_client().post(f"{API}/login/passkey/options")

    assert answer.status_code == 409 and (await answer.get_json())["error"]["code"] == "passkeys_unavailable"


@pytest.mark.parametrize("email", ["person\u0000@example.com", "\u00eeF\u00cb\u00008\u0011\u00fc", "x" * 300, "no at sign"])
async def test_an_email_that_cannot_be_one_is_a_field_error_never_a_500(app, person, email):
    answer = await app_login(app.test_client(), email=email)

    assert answer.status_code in (401, 422), answer.status_code
    if answer.status_code == 422:
        assert "email" in (await answer.get_json())["error"]["fields"]


async def test_an_app_adds_a_passkey_uses_it_as_its_second_step_and_removes_it(passkey_app, clock):
    from ..soft_authenticator import SoftAuthenticator

    person = await two_step_person(passkey_app, clock)
    client, authenticator = passkey_app.test_client(), SoftAuthenticator()
    due = await (await app_login(client)).get_json()
    token = (await (await client.post(f"{API}/login/two-step", json={"code": person.next_code(), "pending": due["pending"]})).get_json())["token"]

    asked = await (await client.post(f"{API}/new-passkey/options", headers=bearer(token))).get_json()
    added = await client.post(f"{API}/passkeys", json={"answer": authenticator.create(asked["options"]), "binding": asked["binding"], "name": "Phone"}, headers=bearer(token))
    listed = await (await client.get(f"{API}/passkeys", headers=bearer(token))).get_json()

    due = await (await app_login(client)).get_json()
    step = await (await client.post(f"{API}/login/two-step/passkey/options", json={"pending": due["pending"]})).get_json()
    signed_in = await client.post(
        f"{API}/login/two-step/passkey", json={"answer": authenticator.get(step["options"]), "binding": step["binding"], "pending": due["pending"]}
    )
    removed = await client.delete(f"{API}/passkeys/{listed['passkeys'][0]['id']}", headers=bearer(token))

    assert added.status_code == 201 and [each["name"] for each in listed["passkeys"]] == ["Phone"]
    assert [item["id"] for item in step["options"]["allowCredentials"]] == [authenticator.passkeys[0].id]
    assert signed_in.status_code == 200 and (await signed_in.get_json())["session"]["kind"] == "app"
    assert removed.status_code == 200 and (await removed.get_json())["message"] == "Passkey removed."


# --- a browser client, flow by flow -------------------------------------------------------------


async def test_a_browser_client_signs_up_and_does_what_an_app_does_with_its_csrf_header(app):
    client = app.test_client()

    async def csrf() -> dict[str, str]:
        answer = await client.get(f"{API}/session")
        token = answer.headers.get("X-CSRF-Token") or (await answer.get_json())["csrf_token"]
        return {"X-CSRF-Token": token}

    signed_up = await client.post(f"{API}/sign-up", json={"email": "spa@example.com", "password": "a brand new secret"}, headers=await csrf())
    me = await (await client.get(f"{API}/session")).get_json()
    no_header = await client.post(f"{API}/password", json={"current_password": "a brand new secret", "new_password": "another new secret"})
    changed = await client.post(f"{API}/password", json={"current_password": "a brand new secret", "new_password": "another new secret"}, headers=await csrf())
    sessions = await client.get(f"{API}/sessions")
    others = await client.post(f"{API}/sessions/end-others", headers=await csrf())
    confirmed = await client.post(f"{API}/confirm", json={"password": "another new secret"}, headers=await csrf())
    out = await client.post(f"{API}/logout", headers=await csrf())
    after = await client.get(f"{API}/session")

    assert signed_up.status_code == 201 and (await signed_up.get_json())["token"] is None
    assert me["session"]["kind"] == "browser" and me["csrf_token"]
    assert no_header.status_code == 403
    assert changed.status_code == 200 and (await changed.get_json())["token"] is None
    assert sessions.status_code == 200 and [each["kind"] for each in (await sessions.get_json())["sessions"]] == ["browser"]
    assert others.status_code == 200 and confirmed.status_code == 200
    assert out.status_code == 200 and after.status_code == 401


async def test_a_search_too_long_is_a_field_error_on_its_own_field(app, admin_token):
    answer = await app.test_client().get(f"{API}/admin/users", query_string={"start": "x" * 400}, headers=bearer(admin_token))

    assert answer.status_code == 422 and set((await answer.get_json())["error"]["fields"]) == {"start"}
