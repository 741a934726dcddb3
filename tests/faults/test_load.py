"""200 people at once for 30 seconds on Postgres: sign up, look, log out, log in, log out."""
from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest

from quartauth.db import connect
from quartauth.repository.users import count_users, select_user_by_email

from ..helpers import PASSWORD, csrf_token_in
from tests.support.live_server import ONE_ADDRESS_CROWD, app_server

pytestmark = pytest.mark.slow

PEOPLE = 200
SECONDS = 30


class Tally:
    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.created: list[str] = []
        self.survivors: list[str] = []  # sessions that answered after their logout

    def saw(self, response: httpx.Response) -> httpx.Response:
        self.statuses[response.status_code] += 1
        return response


async def _post_form(client: httpx.AsyncClient, tally: Tally, path: str, **fields: str) -> httpx.Response:
    page = tally.saw(await client.get(path))
    assert page.status_code == 200, f"GET {path} answered {page.status_code}"
    token = csrf_token_in(page.text)
    return tally.saw(await client.post(path, data={"csrf_token": token, **fields}))


async def _logged_out_cleanly(client: httpx.AsyncClient, thief: httpx.AsyncClient, tally: Tally, email: str) -> None:
    """Log out, then replay the cookie from before the logout, as a thief who copied it would."""
    cookie = client.cookies.get("quartauth_session")
    assert (await _post_form(client, tally, "/logout")).status_code == 302
    replay = tally.saw(await thief.get("/", headers={"Cookie": f"quartauth_session={cookie}"}))
    if replay.status_code != 302:
        tally.survivors.append(email)


async def person(number: int, base_url: str, deadline: float, tally: Tally) -> None:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=60) as client,
        httpx.AsyncClient(base_url=base_url, timeout=60) as thief,
    ):
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            email = f"load-{number}-{attempt}@example.com"
            client.cookies.clear()  # a new visitor each round
            signed_up = await _post_form(client, tally, "/register", email=email, password=PASSWORD, confirm=PASSWORD)
            if signed_up.status_code != 302:
                continue
            tally.created.append(email)
            tally.saw(await client.get("/"))
            await _logged_out_cleanly(client, thief, tally, email)
            await _post_form(client, tally, "/login", email=email, password=PASSWORD)
            tally.saw(await client.get("/account"))
            await _logged_out_cleanly(client, thief, tally, email)


async def _stored(database_url: str, emails: list[str]) -> tuple[int, list[str]]:
    database = connect(database_url)
    await database.open()
    try:
        missing = [email for email in emails if await select_user_by_email(database, email) is None]
        return await count_users(database), missing
    finally:
        await database.close()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_crowd_for_thirty_seconds_loses_nothing_and_leaves_no_session_alive(migrated_database_url, tmp_path):
    tally = Tally()
    with app_server(migrated_database_url, tmp_path, **ONE_ADDRESS_CROWD) as server:

        async def crowd() -> None:
            deadline = time.monotonic() + SECONDS
            await asyncio.gather(*(person(number, server.url(), deadline, tally) for number in range(PEOPLE)))

        asyncio.run(crowd())

    assert not [status for status in tally.statuses if status >= 500], tally.statuses
    assert len(tally.created) > PEOPLE, "the load was too light to mean anything"
    assert len(set(tally.created)) == len(tally.created)
    total, missing = asyncio.run(_stored(migrated_database_url, tally.created))
    assert missing == []
    assert total == len(tally.created)  # nothing lost, nothing duplicated, nothing extra
    assert tally.survivors == []
