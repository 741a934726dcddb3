"""Journeys through mail, in a real browser: the development server writes each message as an
.eml file under its instance folder, and the person opens the link in it."""
from __future__ import annotations

import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from ..mailbox import link_in, path_of
from .test_journeys import PASSWORD, log_in, log_out, new_email, sign_up

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "another horse battery staple"


def mailed_link(visit, to: str, subject: str, timeout: float = 10) -> str:  # type: ignore[no-untyped-def]
    """The path of the link in the newest .eml file to ``to`` about ``subject``."""
    outbox = Path(visit.server.environment["INSTANCE_PATH"]) / "outbox"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), key=lambda file: file.stat().st_mtime, reverse=True):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == to and message["Subject"] == subject:
                return path_of(link_in(message))  # type: ignore[arg-type]
        time.sleep(0.1)
    raise AssertionError(f"no mail {subject!r} to {to} in {outbox}")


def test_sign_up_then_verify_the_address_from_the_mail(visit):
    email = new_email()
    sign_up(visit, email)
    assert "Please verify your email address" in visit.text()

    visit.goto(mailed_link(visit, email, "Verify your email address"))
    visit.submit("Verify email address")

    assert visit.page.url == visit.server.url("/")
    assert "Your email address is verified." in visit.text()
    assert "Please verify your email address" not in visit.text()


def test_forgot_reset_and_sign_in_with_the_new_password(visit):
    email = new_email()
    sign_up(visit, email)
    log_out(visit)
    visit.page.get_by_role("link", name="Forgot your password?").click()
    visit.snap()
    visit.page.get_by_label("Email").fill(email)
    visit.submit("Send the link")
    assert "If that address has an account, we sent a link to reset its password." in visit.text()

    visit.goto(mailed_link(visit, email, "Reset your password"))
    visit.page.get_by_label("New password").fill(NEW_PASSWORD)
    visit.page.get_by_label("Repeat password").fill(NEW_PASSWORD)
    visit.submit("Reset password")
    assert "Your password was reset." in visit.text() and f"Welcome {email}!" in visit.text()

    log_out(visit)
    log_in(visit, email, PASSWORD)
    assert "Invalid email and/or password." in visit.text()
    log_in(visit, email, NEW_PASSWORD)
    assert f"Welcome {email}!" in visit.text()
