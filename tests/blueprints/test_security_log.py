"""The security log: each event recorded once, with where it came from; the account's recent
activity; the admin's view of every event; a log line for collectors; never a failed request."""
from __future__ import annotations

import json
import logging
import re

import pytest

from quartauth import create_app
from quartauth.repository.security_log import select_security_events
from quartauth.repository.users import select_user_by_email, update_user_is_admin

from ..conftest import AuthActions
from ..helpers import PASSWORD, app_settings, page_text

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"


async def events_of(database, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The events of the account, oldest first."""
    found = await select_security_events(database, before_id=2**63 - 1, email=email, event="", limit=100)
    return [entry.event for entry in reversed(found)]


async def test_a_persons_actions_are_logged_in_order(app, database):
    person = AuthActions(app.test_client())
    await person.register()
    await person.logout()
    await person.login(password="not my password")
    await person.login()
    await person.post("/account/sessions/end-others")
    await person.post("/account/password", current_password=PASSWORD, new_password="a brand new secret", confirm="a brand new secret")
    await person.post("/account/delete", password="a brand new secret")

    assert await events_of(database, "person@example.com") == [
        "sign_up", "logout", "login_failed", "login", "other_sessions_ended", "password_changed", "account_deleted",
    ]


async def test_each_event_records_where_it_came_from(app, database):
    person = AuthActions(app.test_client())
    await person.client.get("/register")
    await person.client.post(
        "/register",
        form={"csrf_token": await person.csrf_token("/register"), "email": "person@example.com", "password": PASSWORD, "confirm": PASSWORD},
        headers={"User-Agent": CHROME},
        scope_base={"client": ("203.0.113.7", 4000)},
    )
    user = await select_user_by_email(database, "person@example.com")

    [signed_up] = await select_security_events(database, before_id=2**63 - 1, email=user.email, event="", limit=10)

    assert (signed_up.event, signed_up.client_address, signed_up.browser) == ("sign_up", "203.0.113.7", "Chrome on Linux")


async def test_a_failed_login_keeps_its_reason_for_admins_only(app, database):
    person = AuthActions(app.test_client())
    await person.register()
    await person.logout()
    await person.login(password="not my password")
    await person.login("nobody@example.com")

    wrong = await select_security_events(database, before_id=2**63 - 1, email="person@example.com", event="login_failed", limit=5)
    unknown = await select_security_events(database, before_id=2**63 - 1, email="nobody@example.com", event="login_failed", limit=5)
    assert json.loads(wrong[0].detail) == {"reason": "wrong password"}
    assert json.loads(unknown[0].detail) == {"reason": "unknown email"} and unknown[0].user_id is None
    await person.login()
    account = await page_text(await person.client.get("/account"))
    assert "Failed login" in account and "wrong password" not in account


async def test_the_account_page_shows_the_last_twenty_events(app, database):
    person = AuthActions(app.test_client())
    await person.register()
    for _ in range(12):
        await person.logout()
        await person.login()

    html = await page_text(await person.client.get("/account"))

    section = html[html.index('id="activity"'):html.index('id="password"')]
    assert section.count("<tr>") == 20 + 1  # the header row, then the 20 newest
    assert "Logged in" in section and "Logged out" in section


async def test_every_event_is_a_json_line_on_the_log(app, caplog):
    caplog.set_level(logging.INFO, logger="quartauth.security_log")
    await AuthActions(app.test_client()).register()

    [line] = [json.loads(record.getMessage()) for record in caplog.records if record.name == "quartauth.security_log"]
    assert line["event"] == "sign_up" and line["email"] == "person@example.com" and "at" in line


async def test_a_log_that_cannot_be_written_fails_no_request(app, database, monkeypatch, caplog):
    from quartauth.db import DatabaseUnavailable
    from quartauth.services import security_log

    async def unavailable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseUnavailable("down for a moment")

    monkeypatch.setattr(security_log, "insert_security_event", unavailable)

    response = await AuthActions(app.test_client()).register()

    assert response.status_code == 302
    assert await select_user_by_email(database, "person@example.com") is not None
    assert any("could not be written" in record.getMessage() for record in caplog.records)


async def admin_browser(app, database) -> AuthActions:  # type: ignore[no-untyped-def]
    boss = AuthActions(app.test_client())
    await boss.register("boss@example.com")
    await update_user_is_admin(database, (await select_user_by_email(database, "boss@example.com")).id, True)
    return boss


async def test_admin_actions_are_logged_with_who_did_them(app, database):
    boss = await admin_browser(app, database)
    await AuthActions(app.test_client()).register("person@example.com")
    person = await select_user_by_email(database, "person@example.com")

    await boss.post(f"/admin/users/{person.id}/disable")
    await boss.post(f"/admin/users/{person.id}/enable")

    entries = await select_security_events(database, before_id=2**63 - 1, email="person@example.com", event="", limit=10)
    assert [entry.event for entry in entries][:2] == ["account_enabled", "account_disabled"]
    assert json.loads(entries[0].detail) == {"by": "boss@example.com"}


@pytest.fixture
async def app_for_many_logins(migrated_database_url):  # type: ignore[no-untyped-def]
    """Thirty logins to one account, beyond the default limit on successful logins."""
    app = create_app(app_settings(migrated_database_url, LOGINS_PER_ACCOUNT=100))
    async with app.test_app():
        yield app


async def test_the_admin_log_filters_by_email_and_event_and_pages_newest_first(app_for_many_logins, database):
    app = app_for_many_logins
    boss = await admin_browser(app, database)
    person = AuthActions(app.test_client())
    await person.register()
    for _ in range(30):
        await person.logout()
        await person.login()

    seen, path = [], "/admin/audit?email=PERSON@example.com&event=login"
    while path:
        html = await page_text(await boss.client.get(path))
        seen += [line for line in html.split("<tr>")[2:]]
        found = re.search(r'rel="next"\s+href="([^"]+)"', html)
        path = found[1].replace("&amp;", "&") if found else None

    assert len(seen) == 30 and all("Logged in" in row and "person@example.com" in row for row in seen)
    everything = await page_text(await boss.client.get("/admin/audit"))
    assert "Signed up" in everything and "boss@example.com" in everything


@pytest.mark.parametrize(
    "query", [{"event": "no_such_event"}, {"email": "a\x00b"}, {"before": "-1"}, {"before": "9" * 40}, {"email": "x" * 300}]
)
async def test_the_admin_log_answers_bad_filters_clearly(app, database, query):
    boss = await admin_browser(app, database)

    response = await boss.client.get("/admin/audit", query_string=query)

    assert response.status_code == 200 and "Security log" in await page_text(response)


async def test_the_admin_log_is_for_admins_only(app, client, auth):
    assert (await client.get("/admin/audit")).headers["Location"] == "/login?next=/admin/audit"
    await auth.register()
    assert (await client.get("/admin/audit")).status_code == 403


async def test_wrong_passwords_of_a_signed_in_person_are_logged_where_they_were_entered(app, database):
    person = AuthActions(app.test_client())
    await person.register()

    await person.post("/confirm", password="not my password")
    await person.post("/account/password", current_password="not my password", new_password="a brand new secret", confirm="a brand new secret")
    await person.post("/account/email", new_email="new@example.com", current_password="not my password")
    await person.post("/account/delete", password="not my password")

    found = await select_security_events(database, before_id=2**63 - 1, email="person@example.com", event="password_check_failed", limit=10)
    assert [json.loads(entry.detail)["on"] for entry in reversed(found)] == [
        "confirm it's you", "change password", "change email", "delete account",
    ]


async def test_failed_logins_are_one_line_each_run_and_push_nothing_out(app, database):
    person = AuthActions(app.test_client())
    await person.register()
    await person.logout()
    await person.login()
    attacker = AuthActions(app.test_client())
    for number in range(30):
        await attacker.client.post(
            "/login",
            form={"csrf_token": await attacker.csrf_token("/login"), "email": "person@example.com", "password": "guess"},
            scope_base={"client": (f"203.0.113.{number}", 4000)},
        )

    html = await page_text(await person.client.get("/account"))

    section = html[html.index('id="activity"'):html.index('id="email"')]
    assert "Signed up" in section and "Logged in" in section and "Logged out" in section
    assert re.search(r"Failed login \((2\d|30) times\)", section)
    assert "addresses" in section
    assert section.count("Failed login") == 1


async def test_the_browser_column_never_shows_what_a_client_sent_as_its_name(app, database):
    person = AuthActions(app.test_client())
    await person.register()
    await person.logout()
    await person.client.post(
        "/login",
        form={"csrf_token": await person.csrf_token("/login"), "email": "person@example.com", "password": PASSWORD},
        headers={"User-Agent": "EvilBot/1.0 reset-your-password-at-evil.example"},
    )

    html = await page_text(await person.client.get("/account"))

    assert "EvilBot" not in html and "evil.example" not in html and "Unknown browser" in html
