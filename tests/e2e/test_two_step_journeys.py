"""Two-step sign-in, clicked through in Chromium: turned on by reading the key off the page,
then logging in with a code, trusting the browser, with a recovery code, and turning it off.

The server keeps real time here, so the codes are the phone's: ``pyotp`` at this moment.
"""
from __future__ import annotations

import time
from pathlib import Path

import pyotp
import pytest

from .conftest import Visit
from .test_journeys import log_in, log_out, new_email, sign_up

pytestmark = pytest.mark.e2e


def code_of(key: str, *, steps_back: int = 0) -> str:
    """What the app shows now (``steps_back``: what it showed that many 30-second steps ago),
    never so close to the end of a step that the server would read it in the next one."""
    if 30 - time.time() % 30 < 2:
        time.sleep(30 - time.time() % 30 + 0.1)
    return pyotp.TOTP(key).at(time.time() - 30 * steps_back)


def second_step(visit: Visit, code: str, *, trust: bool = False) -> None:
    assert "Enter the 6-digit code from your authenticator app, or one of your recovery codes." in visit.text()
    visit.page.get_by_label("Code").fill(code)
    if trust:
        visit.page.get_by_label("Trust this browser for 30 days").check()
    visit.submit("Continue")


def turn_two_step_on(visit: Visit) -> tuple[str, list[str]]:
    """As a person does: the key read off the page into the app, and the app's code typed back."""
    visit.goto("/account")
    visit.page.get_by_role("link", name="Turn on two-step sign-in").click()
    visit.snap()
    assert visit.page.locator(".qr-code svg").is_visible()
    assert visit.page.locator("a[href^='otpauth://totp/']").count() == 1
    key = visit.page.locator("#two-step-key").inner_text().replace(" ", "")
    # The previous step's code, as from a phone a little behind: the current one is left for logging in.
    visit.page.get_by_label("Code").fill(code_of(key, steps_back=1))
    visit.submit("Turn on two-step sign-in")
    assert "Two-step sign-in is on." in visit.text()
    codes = visit.page.locator(".recovery-codes code").all_inner_texts()
    return key, codes


def test_turn_it_on_log_in_with_a_code_trust_the_browser_use_a_recovery_code_and_turn_it_off(visit):
    email = new_email()
    sign_up(visit, email)

    key, codes = turn_two_step_on(visit)
    assert len(codes) == 10
    with visit.page.expect_download() as download:
        visit.page.get_by_role("link", name="Download the codes as a text file").click()
    assert Path(download.value.path()).read_text().split() == codes
    assert not visit.overflows_sideways()

    log_out(visit)
    log_in(visit, email)
    assert visit.page.url == visit.server.url("/login/two-step")
    visit.goto("/account")  # no session until the code is right
    assert visit.page.url.startswith(visit.server.url("/login"))
    visit.goto("/login/two-step")
    second_step(visit, code_of(key), trust=True)
    assert f"Welcome {email}!" in visit.text()

    log_out(visit)
    log_in(visit, email)  # a trusted browser: no code asked
    assert f"Welcome {email}!" in visit.text()

    visit.goto("/account")
    visit.submit("Forget trusted browsers")
    assert "Your trusted browsers were forgotten" in visit.text()
    log_out(visit)
    log_in(visit, email)
    second_step(visit, codes[0])
    assert "You used a recovery code: 9 left." in visit.text()

    visit.goto("/account")
    assert "9 recovery codes left" in visit.text()
    visit.submit("Turn two-step sign-in off")
    assert "Two-step sign-in is off." in visit.text()
    log_out(visit)
    log_in(visit, email)
    assert visit.page.url == visit.server.url("/")
