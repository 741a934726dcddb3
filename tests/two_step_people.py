"""People with two-step sign-in on, driven through the real pages, their codes computed by
``pyotp`` at the test's clock (fixtures in the conftest files that use them)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pyotp
from quart import Quart

from .conftest import AuthActions
from .helpers import PASSWORD, Clock, page_text


def key_on(page: str) -> str:
    """The authenticator key as the setup page shows it, spaces taken out."""
    shown = re.search(r'<code class="key" id="two-step-key">([^<]+)</code>', page)
    assert shown, "the setup page shows the key"
    return shown.group(1).replace(" ", "")


def recovery_codes_on(page: str) -> list[str]:
    return [html.unescape(code) for code in re.findall(r"<li><code>([^<]+)</code></li>", page)]


@dataclass
class TwoStepPerson(AuthActions):
    """Someone signed up on ``client`` who turned two-step sign-in on: ``key`` is their app's."""

    clock: Clock = field(default_factory=Clock)
    email: str = "person@example.com"
    key: str = ""
    recovery_codes: list[str] = field(default_factory=list)

    def code(self) -> str:
        return pyotp.TOTP(self.key).at(self.clock.now)

    def next_code(self) -> str:
        """A code of a time step not used yet: the clock moves on to the next step."""
        self.clock.advance(seconds=30)
        return self.code()

    async def turn_on(self) -> str:
        """Set it up as a person does: read the key off the page, enter the app's code."""
        setup = await self.client.get("/account/two-step")
        self.key = key_on(await page_text(setup))
        done = await self.post("/account/two-step", code=self.code())
        page = await page_text(done)
        self.recovery_codes = recovery_codes_on(page)
        return page

    async def log_in_with_password(self, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
        return await self.login(self.email, password, **extra)

    async def second_step(self, code: str, *, trust: bool = False):  # type: ignore[no-untyped-def]
        form = {"csrf_token": await self.csrf_token("/login"), "code": code}
        if trust:
            form["trust"] = "y"
        return await self.client.post("/login/two-step", form=form)

    async def log_in(self, *, trust: bool = False):  # type: ignore[no-untyped-def]
        """Both steps, with a fresh code."""
        await self.log_in_with_password()
        return await self.second_step(self.next_code(), trust=trust)

    async def is_signed_in(self) -> bool:
        return (await self.client.get("/account")).status_code == 200


async def two_step_person(app: Quart, clock: Clock, email: str = "person@example.com") -> TwoStepPerson:
    person = TwoStepPerson(app.test_client(), clock=clock, email=email)
    assert (await person.register(email)).status_code == 302
    await person.turn_on()
    return person
