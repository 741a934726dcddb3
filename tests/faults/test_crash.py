"""SIGKILL in the middle of a burst of sign-ups: what was confirmed survives, nothing is half-made."""
from __future__ import annotations

import asyncio
import threading
import time

import httpx

from quartauth.db import connect
from quartauth.repository.users import User, select_users_after
from quartauth.services.passwords import PasswordHasher

from ..helpers import PASSWORD
from tests.support.live_server import ONE_ADDRESS_CROWD, app_server
from .conftest import location, log_in, register

SIGNING_UP_THREADS = 8
KILL_AFTER_SECONDS = 1.5


def sign_up_until_the_server_dies(base_url: str, number: int, confirmed: list[str]) -> None:
    attempt = 0
    while True:
        attempt += 1
        email = f"burst-{number}-{attempt}@example.com"
        try:
            with httpx.Client(base_url=base_url, timeout=10) as client:
                response = register(client, email)
        except httpx.TransportError:
            return  # the server is gone
        if response.status_code == 302 and location(response) == "/":
            confirmed.append(email)


async def all_users(database_url: str) -> list[User]:
    database = connect(database_url)
    await database.open()
    try:
        return await select_users_after(database, 0, 1_000_000)
    finally:
        await database.close()


async def password_works(user: User) -> bool:
    hasher = PasswordHasher(rounds=4, threads=1)
    try:
        return (await hasher.verify(PASSWORD, user.password_hash)).matches
    finally:
        hasher.close()


def test_sign_ups_confirmed_before_a_crash_survive_it_whole(migrated_database_url, tmp_path):
    confirmed: list[str] = []
    server = app_server(migrated_database_url, tmp_path, **ONE_ADDRESS_CROWD)
    server.start()
    try:
        threads = [
            threading.Thread(target=sign_up_until_the_server_dies, args=(server.url(), number, confirmed))
            for number in range(SIGNING_UP_THREADS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(KILL_AFTER_SECONDS)
        server.kill()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        server.kill()
    assert len(confirmed) >= SIGNING_UP_THREADS, "the burst was too short to mean anything"

    with app_server(migrated_database_url, tmp_path, **ONE_ADDRESS_CROWD) as restarted:
        for email in confirmed:
            with httpx.Client(base_url=restarted.url(), timeout=10) as client:
                assert log_in(client, email).status_code == 302, f"{email} was confirmed but cannot log in"

    stored = asyncio.run(all_users(migrated_database_url))
    assert set(confirmed) <= {user.email for user in stored}
    for user in stored:  # including any whose answer was lost in the crash
        assert asyncio.run(password_works(user)), f"{user.email} is half-made"
