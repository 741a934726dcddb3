"""People with passkeys, driven through the real pages and the requests the pages' script
makes, their browser's authenticator a software one (fixtures in the conftest files)."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from .conftest import AuthActions
from .helpers import Clock, csrf_token_in, page_text
from .soft_authenticator import SoftAuthenticator


def options_on(page: str) -> dict:
    """The options the add page hands the browser."""
    found = re.search(r'data-options-json="([^"]+)"', page)
    assert found, "the page holds the options to add a passkey"
    return json.loads(html.unescape(found.group(1)))


@dataclass
class PasskeyPerson(AuthActions):
    """Someone on ``client`` whose browser holds the passkeys of ``authenticator``."""

    clock: Clock = field(default_factory=Clock)
    email: str = "person@example.com"
    authenticator: SoftAuthenticator = field(default_factory=SoftAuthenticator)

    async def options(self, path: str, *, page: str = "/login") -> tuple[int, dict]:
        """What the page's script gets from ``path``: its status and JSON (the CSRF token of
        ``page`` in its header, as the script sends it)."""
        token = csrf_token_in(await page_text(await self.client.get(page)))
        response = await self.client.post(path, headers={"X-CSRFToken": token})
        return response.status_code, json.loads(await page_text(response))

    async def add_passkey(self, name: str = "Phone", **create: object):  # type: ignore[no-untyped-def]
        """Add a passkey from the account pages, as a person whose password is recent does:
        the add page's options to the browser, and its answer posted."""
        page = await page_text(await self.client.get("/account/passkeys/add"))
        options = options_on(page)
        answer = self.authenticator.create(options, **create)  # type: ignore[arg-type]
        return await self.client.post(
            "/account/passkeys", form={"csrf_token": csrf_token_in(page), "name": name, "passkey": answer}
        )

    async def sign_in_with_passkey(self, *, remember: bool = False, next_path: str = "", **get: object):  # type: ignore[no-untyped-def]
        status, options = await self.options("/login/passkey/options")
        assert status == 200, options
        return await self.post_passkey("/login/passkey", self.authenticator.get(options, **get), remember="y" if remember else "", next=next_path)

    async def post_passkey(self, path: str, answer: str, *, page: str = "/login", **fields: str):  # type: ignore[no-untyped-def]
        """A passkey's answer posted as the page's script posts it."""
        token = csrf_token_in(await page_text(await self.client.get(page)))
        return await self.client.post(path, form={"csrf_token": token, "passkey": answer, **fields})

    async def is_signed_in(self) -> bool:
        return (await self.client.get("/account")).status_code == 200
