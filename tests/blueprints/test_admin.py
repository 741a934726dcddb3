"""The admin area: admins only; the users, newest first or by email; what admins may change."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from quartauth.repository.users import insert_user, select_user_by_email, update_user_is_admin

from ..conftest import AuthActions
from ..helpers import PASSWORD, page_text


async def signed_up(app, email: str, *, admin: bool = False, database=None) -> AuthActions:  # type: ignore[no-untyped-def]
    auth = AuthActions(app.test_client())
    await auth.register(email)
    if admin:
        await update_user_is_admin(database, (await select_user_by_email(database, email)).id, True)
    return auth


async def user_id(database, email: str) -> int:  # type: ignore[no-untyped-def]
    return (await select_user_by_email(database, email)).id


async def add_users(database, count: int, *, prefix: str = "user") -> None:  # type: ignore[no-untyped-def]
    """``count`` users straight into the database (no hashing: they never sign in)."""
    for number in range(count):
        await insert_user(
            database, email=f"{prefix}-{number:03d}@example.com", password_hash="bcrypt_sha256$x",
            is_admin=False, created_at=datetime.now(UTC),
        )


def emails_listed(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html)


def next_link(html: str) -> str | None:
    found = re.search(r'rel="next"\s+href="([^"]+)"', html)
    return found[1].replace("&amp;", "&") if found else None


# --- who may enter ----------------------------------------------------------------------


async def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in ("/admin", "/admin/users/1"):
        response = await client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == f"/login?next={path}"


async def test_people_who_are_not_admins_get_the_403_page(app, database):
    person = await signed_up(app, "person@example.com")

    for path in ("/admin", f"/admin/users/{await user_id(database, 'person@example.com')}"):
        response = await person.client.get(path)
        assert response.status_code == 403 and "You do not have permission to see this page." in await page_text(response)
    refused = await person.post(f"/admin/users/{await user_id(database, 'person@example.com')}/make-admin")
    assert refused.status_code == 403
    assert not (await select_user_by_email(database, "person@example.com")).is_admin


async def test_admins_see_the_admin_link_and_area(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)

    home = await page_text(await boss.client.get("/"))
    response = await boss.client.get("/admin")

    assert 'href="/admin"' in home
    html = await page_text(response)
    assert response.status_code == 200 and "boss@example.com" in html
    for column in ("Email", "Created", "Last sign-in", "Live sessions", "Admin", "Disabled"):
        assert f">{column}</th>" in html


# --- the list ---------------------------------------------------------------------------


async def test_users_are_listed_newest_first_fifty_a_page(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await add_users(database, 120)

    seen, path, pages = [], "/admin", 0
    while path:
        html = await page_text(await boss.client.get(path))
        seen += emails_listed(html)
        path, pages = next_link(html), pages + 1

    assert pages == 3
    expected = [f"user-{number:03d}@example.com" for number in reversed(range(120))] + ["boss@example.com"]
    assert seen == expected  # each once, newest first, across the pages


async def test_the_list_shows_each_users_state(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    other = AuthActions(app.test_client())
    await other.login("boss@example.com")

    html = await page_text(await boss.client.get("/admin"))

    row = html[html.index('">boss@example.com</a></td>'):]  # the table's row, not the header's email
    cells = re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row)[:5]
    assert [label for label, _ in cells] == ["Created", "Last sign-in", "Live sessions", "Admin", "Disabled"]
    assert cells[2][1] == "2" and cells[3][1] == "yes" and cells[4][1] == "no"
    assert "<time" in cells[1][1]


async def test_search_finds_emails_by_their_start_in_email_order(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await add_users(database, 60, prefix="team")
    await add_users(database, 5, prefix="tea")  # "tea-..." sorts before "team-..."
    await add_users(database, 3, prefix="other")

    seen, path = [], "/admin?search=TEA"
    while path:
        html = await page_text(await boss.client.get(path))
        seen += emails_listed(html)
        path = next_link(html)

    assert seen == sorted(seen) and len(seen) == 65 and all(email.startswith("tea") for email in seen)
    none = await page_text(await boss.client.get("/admin?search=nobody"))
    assert emails_listed(none) == [] and "No users have an email that starts with" in none


@pytest.mark.parametrize("search", ["%", "_", "user-00_", "'; DROP TABLE users; --", "\u00e9"])
async def test_search_takes_its_text_literally(app, database, search):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await add_users(database, 3)

    response = await boss.client.get("/admin", query_string={"search": search})

    assert response.status_code == 200 and emails_listed(await page_text(response)) == []


@pytest.mark.parametrize(
    ("search", "message"),
    [("a\x00b", "no email address has"), ("a\x1fb", "no email address has"), ("x" * 255, "at most 254 characters")],
)
async def test_a_search_no_email_could_match_says_why(app, database, search, message):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)

    response = await boss.client.get("/admin", query_string={"search": search})

    assert response.status_code == 200 and message in await page_text(response)


@pytest.mark.parametrize("start", ["abc", "-5", "0", "99999999999999999999999", "1" * 5000, "\x00"])
async def test_a_start_edited_by_hand_starts_from_the_top(app, database, start):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)

    for query in ({"start": start}, {"search": "boss", "start": start}):
        response = await boss.client.get("/admin", query_string=query)
        assert response.status_code == 200 and "boss@example.com" in emails_listed(await page_text(response))


# --- one user -----------------------------------------------------------------------------


async def test_a_users_page_shows_their_details_and_actions(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await signed_up(app, "person@example.com")

    html = await page_text(await boss.client.get(f"/admin/users/{await user_id(database, 'person@example.com')}"))

    assert "person@example.com" in html and "Live sessions" in html
    assert re.search(r"<dt>Email verified</dt>\s*<dd>no</dd>", html)
    for button in ("Make admin", "Log out everywhere"):
        assert f">{button}</button>" in html


async def test_disable_asks_before_it_acts(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await signed_up(app, "person@example.com")
    person_id = await user_id(database, "person@example.com")

    page = await page_text(await boss.client.get(f"/admin/users/{person_id}"))
    asked = await page_text(await boss.client.get(f"/admin/users/{person_id}/confirm-disable"))

    assert f'href="/admin/users/{person_id}/confirm-disable">Disable account</a>' in page
    assert "Disable person@example.com?" in asked and ">Disable account</button>" in asked
    assert not (await select_user_by_email(database, "person@example.com")).is_disabled


async def test_the_security_logs_detail_is_readable(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    person = await signed_up(app, "person@example.com")
    await person.logout()
    await person.login(password="not my password")

    html = await page_text(await boss.client.get("/admin/audit?event=login_failed"))

    assert "<dt>reason</dt><dd>wrong password</dd>" in html
    assert "{&#34;reason&#34;" not in html and '{"reason"' not in html


@pytest.mark.parametrize("path", ["/admin/users/999999", "/admin/users/0", "/admin/users/abc", "/admin/users/99999999999999999999"])
async def test_an_unknown_user_is_not_found(app, database, path):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)

    assert (await boss.client.get(path)).status_code == 404
    assert (await boss.post(f"{path}/disable")).status_code == 404


async def test_disabling_ends_the_users_sessions_at_once_and_keeps_them_out(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    person = await signed_up(app, "person@example.com")
    person_id = await user_id(database, "person@example.com")

    response = await boss.post(f"/admin/users/{person_id}/disable")

    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{person_id}"
    assert "person@example.com was disabled" in await page_text(await boss.client.get(response.headers["Location"]))
    assert (await person.client.get("/")).status_code == 302
    refused = await person.login("person@example.com")
    assert refused.status_code == 200 and "Invalid email and/or password." in await page_text(refused)

    await boss.post(f"/admin/users/{person_id}/enable")
    assert (await person.login("person@example.com")).status_code == 302


async def test_admins_are_made_and_unmade(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    person = await signed_up(app, "person@example.com")
    person_id = await user_id(database, "person@example.com")

    await boss.post(f"/admin/users/{person_id}/make-admin")
    assert (await person.client.get("/admin")).status_code == 200
    await boss.post(f"/admin/users/{person_id}/remove-admin")
    assert (await person.client.get("/admin")).status_code == 403


async def test_logging_a_user_out_everywhere(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    person = await signed_up(app, "person@example.com")

    response = await boss.post(f"/admin/users/{await user_id(database, 'person@example.com')}/end-sessions")

    assert "person@example.com was logged out everywhere." in await page_text(await boss.client.get(response.headers["Location"]))
    assert (await person.client.get("/")).status_code == 302
    assert (await boss.client.get("/admin")).status_code == 200


@pytest.mark.parametrize(("action", "message"), [("disable", "You cannot disable your own account."), ("remove-admin", "You cannot remove your own admin rights.")])
async def test_admins_cannot_disable_or_demote_themselves(app, database, action, message):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await signed_up(app, "deputy@example.com", admin=True, database=database)

    response = await boss.post(f"/admin/users/{await user_id(database, 'boss@example.com')}/{action}")

    assert message in await page_text(await boss.client.get(response.headers["Location"]))
    user = await select_user_by_email(database, "boss@example.com")
    assert user.is_admin and not user.is_disabled


async def test_a_disabled_admin_cannot_log_in_nor_use_the_admin_area(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    deputy = await signed_up(app, "deputy@example.com", admin=True, database=database)

    await boss.post(f"/admin/users/{await user_id(database, 'deputy@example.com')}/disable")

    assert (await deputy.client.get("/admin")).status_code == 302
    assert "Invalid email and/or password." in await page_text(await deputy.login("deputy@example.com"))


async def test_admin_actions_need_the_csrf_token(app, database):
    boss = await signed_up(app, "boss@example.com", admin=True, database=database)
    await signed_up(app, "person@example.com")

    response = await boss.client.post(f"/admin/users/{await user_id(database, 'person@example.com')}/disable", form={})

    assert response.status_code == 400
    assert not (await select_user_by_email(database, "person@example.com")).is_disabled


async def test_admin_actions_after_a_while_ask_for_the_password_first(clocked_app, clock, database):
    boss = await signed_up(clocked_app, "boss@example.com", admin=True, database=database)
    await signed_up(clocked_app, "person@example.com")
    path = f"/admin/users/{await user_id(database, 'person@example.com')}/make-admin"
    clock.advance(minutes=11)

    asked = await boss.post(path)
    assert "Confirm it's you" in await page_text(asked)
    assert not (await select_user_by_email(database, "person@example.com")).is_admin

    done = await boss.post(path, password=PASSWORD)
    assert done.status_code == 302
    assert (await select_user_by_email(database, "person@example.com")).is_admin
