"""Login posts before their view: slow bodies hold no place in the line, and only a valid
device cookie lets a post skip it."""
from __future__ import annotations

import asyncio

import pytest

from quartauth import app_objects, create_app, login_line
from quartauth.services import admission

from .conftest import AuthActions
from .helpers import PASSWORD, app_settings

SLOW_ADDRESS = "203.0.113.66"


@pytest.fixture
async def small_app(migrated_database_url, monkeypatch):  # type: ignore[no-untyped-def]
    """One hash thread (four places in the line), short waits."""
    monkeypatch.setattr(login_line, "BODY_SECONDS", 0.3)
    monkeypatch.setattr(admission, "STRANGER_WAIT_SECONDS", 0.5)
    app = create_app(app_settings(migrated_database_url, HASH_THREADS=1))
    async with app.test_app():
        yield app


async def slow_login_post(app, address: str) -> int:  # type: ignore[no-untyped-def]
    """A login post whose body never finishes arriving: its status."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/login", "raw_path": b"/login", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"localhost"), (b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"500")],
        "client": (address, 40000), "server": ("localhost", 80), "extensions": {},
    }
    first = [True]

    async def receive() -> dict[str, object]:
        if first.pop() if first else False:
            return {"type": "http.request", "body": b"csrf_token=", "more_body": True}
        await asyncio.sleep(3600)  # a byte now and then, never the whole body
        return {"type": "http.disconnect"}

    statuses: list[int] = []

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])  # type: ignore[arg-type]

    await app(scope, receive, send)
    return statuses[0]


async def test_slow_bodies_from_one_address_hold_no_place_and_a_stranger_still_logs_in(small_app):
    person = AuthActions(small_app.test_client())
    await person.register()
    await person.logout()
    slow = [asyncio.create_task(slow_login_post(small_app, SLOW_ADDRESS)) for _ in range(12)]  # more than the line's places
    await asyncio.sleep(0.05)

    response = await person.login()

    assert response.status_code == 302  # not 503: the slow posts wait for their bodies, not for places
    assert await asyncio.gather(*slow) == [408] * 12


class LineSpy:
    def __init__(self, line: admission.Line) -> None:
        self.entered: list[str] = []
        self._enter = line.enter

    async def enter(self, network: str) -> None:
        self.entered.append(network)
        await self._enter(network)


@pytest.mark.parametrize(("cookie", "waits"), [(None, True), ("made-up", True), ("valid", False)])
async def test_only_a_valid_device_cookie_lets_a_login_post_skip_the_line(small_app, monkeypatch, cookie, waits):
    person = AuthActions(small_app.test_client())
    await person.register()  # its browser gets a valid device cookie
    await person.logout()
    jar = person.client.cookie_jar
    if cookie != "valid":
        device = next(c for c in jar if c.name == "quartauth_device")
        jar.clear(device.domain, device.path, device.name)
        if cookie is not None:
            person.client.set_cookie("localhost", "quartauth_device", cookie)
    line = app_objects.of(small_app).admission.line
    spy = LineSpy(line)
    monkeypatch.setattr(line, "enter", spy.enter)

    response = await person.login()

    assert response.status_code == 302 and bool(spy.entered) is waits


async def test_a_login_post_with_another_accounts_device_cookie_is_still_a_stranger_to_this_one(small_app):
    owner, other = AuthActions(small_app.test_client()), AuthActions(small_app.test_client())
    await owner.register("owner@example.com")
    await other.register("other@example.com")
    await owner.logout()

    response = await owner.login("other@example.com", PASSWORD)

    # The cookie was valid, so the post skipped the line; but it did not vouch for this
    # account, so the browser is new to it: a device cookie for it is given.
    assert response.status_code == 302 and "quartauth_device=" in " ".join(response.headers.getlist("Set-Cookie"))
