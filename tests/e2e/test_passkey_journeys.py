"""Passkeys, clicked through in Chromium with the DevTools virtual authenticator (CTAP2, a
platform authenticator with resident keys and user verification): added, used to sign in
with the button and through the email field's autofill, used as the second step, and removed.

The site is opened at http://localhost:<port>: a relying party cannot be an IP address.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.live_server import ONE_ADDRESS_CROWD, LiveServer, app_server

from .conftest import Visit, _require_chromium
from .test_journeys import log_in, log_out, new_email, sign_up
from .test_two_step_journeys import turn_two_step_on

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """As `make run` serves it, opened at localhost."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("e2e-passkeys")
    with app_server(f"sqlite:///{folder / 'quartauth.sqlite3'}", folder, **ONE_ADDRESS_CROWD) as server:
        server.host = "localhost"
        yield server


def with_authenticator(visit: Visit) -> object:
    """A passkey-capable device in this tab: it says yes by itself, as a person with a finger
    on the sensor would."""
    session = visit.page.context.new_cdp_session(visit.page)
    session.send("WebAuthn.enable")
    session.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    return session


def add_passkey(visit: Visit, name: str) -> None:
    visit.goto("/account")
    visit.page.get_by_role("link", name="Add a passkey").click()
    visit.snap()
    visit.page.get_by_label("Name").fill(name)
    visit.page.get_by_role("button", name="Add a passkey").click()
    visit.page.wait_for_url(visit.server.url("/account#passkeys"))
    visit.snap()
    assert "Passkey added." in visit.text()


def test_add_a_passkey_and_sign_in_through_the_email_fields_autofill(visit):
    with_authenticator(visit)
    email = new_email()
    sign_up(visit, email)

    add_passkey(visit, "This laptop")
    assert "This laptop" in visit.text() and "not used yet" in visit.text()
    assert not visit.overflows_sideways()

    # Logging out leads to the login page, which asks at once for the passkeys behind the email
    # field's suggestions; the virtual device, finding one, answers as a person picking it would.
    with visit.page.expect_navigation(url=visit.server.url("/")):
        visit.page.get_by_role("button", name="Log out").click()
    visit.snap()
    assert f"Welcome {email}!" in visit.text()
    visit.goto("/account")
    assert "last used" in visit.text()


def test_sign_in_with_the_passkey_button_and_remove_the_passkey(visit):
    # A browser with passkeys but no autofill for them: the button is the way in.
    visit.page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false")
    with_authenticator(visit)
    email = new_email()
    sign_up(visit, email)
    add_passkey(visit, "Phone")

    log_out(visit)
    visit.goto("/login")
    visit.page.get_by_role("button", name="Sign in with a passkey").click()
    visit.page.wait_for_url(visit.server.url("/"))
    visit.snap()
    assert f"Welcome {email}!" in visit.text()

    visit.goto("/account")
    visit.submit("Remove")
    assert "Passkey removed." in visit.text() and "You have no passkey." in visit.text()


def test_a_passkey_as_the_second_step(visit):
    visit.page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false")
    with_authenticator(visit)
    email = new_email()
    sign_up(visit, email)
    turn_two_step_on(visit)
    add_passkey(visit, "Phone")

    log_out(visit)
    log_in(visit, email)
    assert visit.page.url == visit.server.url("/login/two-step")
    visit.page.get_by_role("button", name="Use a passkey instead").click()
    visit.page.wait_for_url(visit.server.url("/"))
    visit.snap()
    assert f"Welcome {email}!" in visit.text()


def test_without_webauthn_the_login_page_works_with_a_password(visit):
    visit.page.add_init_script("delete window.PublicKeyCredential")
    email = new_email()
    sign_up(visit, email)
    log_out(visit)

    visit.goto("/login")
    assert not visit.page.get_by_role("button", name="Sign in with a passkey").is_visible()
    log_in(visit, email)
    assert f"Welcome {email}!" in visit.text()
