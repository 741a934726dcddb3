"""The account and the admin area, clicked through in Chromium.

The server here asks for the password before every action that needs it
(REAUTH_MINUTES=0), so each journey meets "Confirm it's you" on its way.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.support.live_server import ONE_ADDRESS_CROWD, LiveServer, app_server

from .conftest import Visit, _require_chromium
from .test_journeys import PASSWORD, log_in, log_out, new_email, sign_up

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a new and longer secret"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_chromium()
    folder = tmp_path_factory.mktemp("e2e-account")
    with app_server(f"sqlite:///{folder / 'quartauth.sqlite3'}", folder, REAUTH_MINUTES="0", **ONE_ADDRESS_CROWD) as server:
        yield server


@contextmanager
def another_browser(visit: Visit, browser) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=visit.page.viewport_size)
    try:
        yield Visit(context.new_page(), visit.server, f"{visit.name}-other")
    finally:
        context.close()


def confirm_its_you(visit: Visit, password: str = PASSWORD) -> None:
    assert visit.page.get_by_role("heading", name="Confirm it's you").is_visible()
    visit.page.get_by_label("Password").fill(password)
    visit.submit("Confirm")


def quartauth(server: LiveServer, *args: str) -> str:
    """The quartauth command, on the live server's database, as an operator runs it."""
    result = subprocess.run(
        [str(server.command), *args], env=server.environment, cwd=server.cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_log_out_everywhere_else_after_confirming_its_you(visit, browser):
    email = new_email()
    sign_up(visit, email)
    with another_browser(visit, browser) as other:
        log_in(other, email)

        visit.goto("/account")
        assert visit.page.locator("table.sessions tbody tr").count() == 2
        visit.submit("Log out everywhere else")
        confirm_its_you(visit, "not my password")
        assert "That is not your password." in visit.text()
        confirm_its_you(visit)

        assert "You were logged out everywhere else." in visit.text()
        assert visit.page.locator("table.sessions tbody tr").count() == 1
        assert not visit.overflows_sideways()
        other.goto("/account")
        assert other.page.url == visit.server.url("/login?next=/account")


def test_change_password_then_log_in_with_the_new_one(visit, browser):
    email = new_email()
    sign_up(visit, email)
    with another_browser(visit, browser) as other:
        log_in(other, email)

        visit.goto("/account")
        visit.page.get_by_label("Current password").fill("not my password")
        visit.page.get_by_label("New password").fill(NEW_PASSWORD)
        visit.page.get_by_label("Repeat password").fill(NEW_PASSWORD)
        visit.submit("Change password")
        assert "That is not your current password." in visit.text()
        assert visit.focused_field() == "current_password"

        visit.page.get_by_label("Current password").fill(PASSWORD)
        visit.page.get_by_label("New password").fill(NEW_PASSWORD)
        visit.page.get_by_label("Repeat password").fill(NEW_PASSWORD)
        visit.submit("Change password")

        assert "Your password was changed." in visit.text()
        assert visit.page.url == visit.server.url("/account")
        other.goto("/")
        assert other.page.url.startswith(visit.server.url("/login"))
    log_out(visit)
    log_in(visit, email, NEW_PASSWORD)
    assert visit.page.url == visit.server.url("/")


def test_delete_account_with_the_password_and_a_second_click(visit):
    email = new_email()
    sign_up(visit, email)

    visit.goto("/account")
    visit.page.get_by_role("link", name="Delete account…").click()
    visit.snap()
    assert visit.page.get_by_role("heading", name="Delete your account").is_visible()
    visit.page.get_by_label("Password").fill(PASSWORD)
    visit.submit("Delete my account for good")

    assert visit.page.url == visit.server.url("/login")
    assert "Your account was deleted." in visit.text()
    log_in(visit, email)
    assert "Invalid email and/or password." in visit.text()


def test_an_admin_finds_a_user_and_disables_then_enables_them(visit, browser):
    admin_email, person_email = new_email(), new_email()
    sign_up(visit, admin_email)
    quartauth(visit.server, "users", "make-admin", admin_email)
    with another_browser(visit, browser) as person:
        sign_up(person, person_email)

        visit.goto("/")
        visit.page.get_by_role("navigation").get_by_role("link", name="Admin").click()
        visit.snap()
        assert visit.page.get_by_role("heading", name="Users").is_visible()
        assert not visit.overflows_sideways()
        visit.page.get_by_label("Email starts with").fill(person_email.split("@")[0].upper())
        visit.submit("Search")
        rows = visit.page.locator("table.users tbody tr")
        assert rows.count() == 1 and person_email in rows.first.inner_text()
        rows.first.get_by_role("link", name=person_email).click()
        visit.snap()

        visit.page.get_by_role("link", name="Disable account").click()
        assert visit.page.get_by_role("heading", name=f"Disable {person_email}?").is_visible()
        visit.submit("Disable account")
        confirm_its_you(visit)
        assert f"{person_email} was disabled" in visit.text()
        assert re.search(r"Disabled\s+yes", visit.text())
        assert not visit.overflows_sideways()

        person.goto("/")
        assert person.page.url.startswith(visit.server.url("/login"))
        log_in(person, person_email)
        assert "Invalid email and/or password." in person.text()

        visit.submit("Enable account")
        confirm_its_you(visit)
        assert f"{person_email} was enabled" in visit.text()
        log_in(person, person_email)
        assert person.page.url == visit.server.url("/")


def test_someone_who_is_not_an_admin_gets_the_403_page(visit):
    sign_up(visit, new_email())

    response = visit.page.goto(visit.server.url("/admin"))
    visit.snap()

    assert response.status == 403
    assert "You do not have permission to see this page." in visit.text()
    assert "Admin" not in visit.page.get_by_role("navigation").inner_text()
    visit.problems[:] = [problem for problem in visit.problems if "status of 403" not in problem]
