"""Every page of the site, signed out, signed in and as an admin, at both widths: each is
checked by axe-core as it is reached (see conftest), so no change can bring a violation back."""
from __future__ import annotations

import pytest

from .test_account_journeys import live_server, quartauth  # noqa: F401 (the admin journeys' server)
from .test_journeys import log_in, log_out, new_email, sign_up

pytestmark = pytest.mark.e2e

SIGNED_OUT = ["/login", "/register", "/forgot", "/forgot/sent", "/reset/not-a-token", "/verify/not-a-token", "/nowhere"]
SIGNED_IN = ["/", "/account", "/account/two-step", "/account/passkeys/add", "/account/delete", "/confirm", "/logout", "/verify", "/admin"]


def test_every_page_a_person_and_an_admin_reach_passes_axe(visit):
    for path in SIGNED_OUT:
        visit.goto(path)
    email = new_email()
    sign_up(visit, email)
    for path in SIGNED_IN:
        visit.goto(path)
    log_out(visit)
    quartauth(visit.server, "users", "make-admin", email)
    log_in(visit, email)
    visit.goto("/admin")
    visit.page.get_by_role("link", name=email).first.click()
    visit.snap()
    user_id = visit.page.url.rstrip("/").rsplit("/", 1)[1]
    for path in (f"/admin/users/{user_id}/confirm-disable", "/admin/audit", "/admin/audit?event=login"):
        visit.goto(path)

    assert visit.shots >= len(SIGNED_OUT) + len(SIGNED_IN) + 4
    # Chromium reports the dead links' 410 and the 404 documents themselves on the console.
    visit.problems[:] = [problem for problem in visit.problems if not problem.startswith(("console: Failed to load resource",))]
    assert not [problem for problem in visit.problems if problem.startswith("axe ")]
