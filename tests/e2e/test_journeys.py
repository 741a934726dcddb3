"""What a person does with quartauth, clicked through in Chromium."""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta

import pytest

from .conftest import Visit

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def new_email() -> str:
    return f"person{next(_numbers)}@example.com"


def sign_up(visit, email: str, password: str = PASSWORD, confirm: str | None = None) -> None:  # type: ignore[no-untyped-def]
    visit.goto("/register")
    visit.page.get_by_label("Email").fill(email)
    visit.page.get_by_label("Password", exact=True).fill(password)
    visit.page.get_by_label("Repeat password").fill(password if confirm is None else confirm)
    visit.submit("Sign up")


def log_in(visit, email: str, password: str = PASSWORD, *, remember: bool = False, path: str = "/login") -> None:  # type: ignore[no-untyped-def]
    visit.goto(path)
    visit.page.get_by_label("Email").fill(email)
    visit.page.get_by_label("Password").fill(password)
    if remember:
        visit.page.get_by_label("Remember me").check()
    visit.submit("Log in")


def log_out(visit) -> None:  # type: ignore[no-untyped-def]
    visit.submit("Log out")


def session_cookie(visit):  # type: ignore[no-untyped-def]
    cookies = visit.page.context.cookies()
    return next((cookie for cookie in cookies if cookie["name"] == "quartauth_session"), None)


def test_sign_up_welcome_log_out_and_log_in_again(visit):
    email = new_email()

    sign_up(visit, email)
    assert visit.page.url == visit.server.url("/")
    assert "You registered and are now logged in. Welcome!" in visit.text()
    assert f"Welcome {email}!" in visit.text()

    log_out(visit)
    assert visit.page.url == visit.server.url("/login")
    assert "You were logged out." in visit.text()

    log_in(visit, email, "not my password")
    assert "Invalid email and/or password." in visit.text()

    log_in(visit, email)
    assert f"Welcome {email}!" in visit.text()


def test_sign_up_mistakes_are_shown_beside_the_fields(visit):
    sign_up(visit, "not-an-email", "short", "different")

    text = visit.text()
    assert "An email address must have an @-sign." in text
    assert "Password must be between 8 and 128 characters." in text
    assert "Passwords must match." in text


def test_the_password_rule_shows_before_the_first_submit(visit):
    visit.goto("/register")

    rule = visit.page.locator("#password-hint")
    assert rule.is_visible() and "At least 8 characters" in rule.inner_text()
    assert visit.focused_field() == "email"


def test_after_a_failed_submit_the_first_field_with_an_error_has_the_focus(visit):
    sign_up(visit, new_email(), "short", "short")

    assert visit.focused_field() == "password"
    marked = visit.page.locator(".field.has-error")
    assert marked.count() == 1
    # Marked by more than colour: words before the message, and a thick rule beside the field.
    assert marked.locator(".field-errors li").inner_text().startswith("Error: ")
    assert marked.evaluate("element => getComputedStyle(element).borderLeftWidth") == "4px"
    assert visit.page.get_by_label("Password", exact=True).get_attribute("aria-invalid") == "true"


def test_the_header_names_each_action_once_and_never_wraps(visit):
    email = f"a-rather-long-name.{next(_numbers)}@subdomain.of.an-example-organisation.example.com"
    visit.goto("/login")
    header = visit.page.locator("header nav")
    assert [header.get_by_role("link", name=name).count() for name in ("Log in", "Sign up")] == [1, 1]

    sign_up(visit, email)

    assert header.get_by_role("link", name="Account", exact=True).is_visible()
    assert header.get_by_role("button", name="Log out").is_visible()
    who = header.locator(".who")
    assert who.get_attribute("title") == email
    one_line = visit.page.evaluate("parseFloat(getComputedStyle(document.querySelector('.nav')).lineHeight)")
    assert header.bounding_box()["height"] < 2.5 * one_line  # one row of links, no wrapping
    if visit.width == 375:  # shortened with an ellipsis on a phone
        assert who.evaluate("element => element.scrollWidth > element.clientWidth")
        assert who.evaluate("element => getComputedStyle(element).textOverflow") == "ellipsis"
    assert not visit.overflows_sideways()


def test_home_says_when_this_sign_in_started_and_leads_to_the_account(visit):
    email = new_email()
    sign_up(visit, email)

    assert f"Welcome {email}!" in visit.text()
    assert "You signed in on this browser on" in visit.text()
    assert "This is your first sign-in." in visit.text()
    visit.page.locator("main").get_by_role("link", name="Overview").click()
    visit.snap()
    assert visit.page.url == visit.server.url("/account")


def test_remember_me_keeps_the_sign_in_for_weeks(visit):
    email = new_email()
    sign_up(visit, email)
    log_out(visit)

    log_in(visit, email)
    assert session_cookie(visit)["expires"] == -1  # gone when the browser closes
    log_out(visit)

    log_in(visit, email, remember=True)
    expires = datetime.fromtimestamp(session_cookie(visit)["expires"])
    assert expires > datetime.now() + timedelta(days=20)
    assert session_cookie(visit)["httpOnly"] and session_cookie(visit)["sameSite"] == "Lax"


def test_a_protected_page_asks_for_login_then_returns_to_it(visit):
    email = new_email()
    sign_up(visit, email)
    log_out(visit)

    visit.goto("/account")
    assert visit.page.url == visit.server.url("/login?next=/account")
    assert "Please log in to access this page." in visit.text()

    visit.page.get_by_label("Email").fill(email)
    visit.page.get_by_label("Password").fill(PASSWORD)
    visit.submit("Log in")
    assert visit.page.url == visit.server.url("/account")


def test_the_account_page_shows_who_is_signed_in(visit):
    email = new_email()
    sign_up(visit, email)

    visit.page.locator("header").get_by_role("link", name="Account", exact=True).click()
    visit.snap()

    assert visit.page.url == visit.server.url("/account")
    assert "Your account" in visit.text() and email in visit.text()


def test_logout_confirmation_page(visit):
    sign_up(visit, new_email())

    visit.goto("/logout")
    visit.page.locator("main").get_by_role("button", name="Log out").click()
    visit.snap()

    assert "You were logged out." in visit.text()
    visit.goto("/")
    assert visit.page.url == visit.server.url("/login?next=/")


def test_error_pages_use_the_site_layout(visit):
    response = visit.page.goto(visit.server.url("/no-such-page"))
    visit.snap()

    assert response.status == 404
    assert "There is no page at this address." in visit.text()
    assert visit.page.locator("nav").is_visible()
    # Chromium reports the 404 document itself on the console; that one is expected.
    visit.problems[:] = [p for p in visit.problems if "status of 404" not in p]


def test_one_browser_ends_the_session_of_another(visit, browser):
    email = new_email()
    sign_up(visit, email)
    other_context = browser.new_context(viewport=visit.page.viewport_size)
    try:
        other = Visit(other_context.new_page(), visit.server, f"{visit.name}-other")
        log_in(other, email)

        visit.goto("/account")
        sessions = visit.page.locator("table.sessions tbody tr")
        assert sessions.count() == 2 and "This device" in sessions.first.inner_text()
        visit.page.locator("table.sessions").get_by_role("button", name=re.compile("^End the session")).click()
        visit.snap()

        assert "That session was ended." in visit.text()
        assert visit.page.locator("table.sessions tbody tr").count() == 1
        assert not visit.overflows_sideways()
        other.goto("/account")
        assert other.page.url == visit.server.url("/login?next=/account")
    finally:
        other_context.close()
