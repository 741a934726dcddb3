"""A person's write is never held up by the mail going out: on SQLite (one writer at a
time), sign-ups while ten thousand queued messages are delivered all go through."""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest

from quartauth.db import connect, migrations
from quartauth.repository.outbox import Message, count_unsent_outbox_messages, insert_outbox_message
from tests.support.live_server import ONE_ADDRESS_CROWD, app_server

from .conftest import register

pytestmark = pytest.mark.slow

QUEUED = 10_000
SIGN_UPS = 40


async def queue_messages(database_url: str) -> None:
    database = connect(database_url)
    await database.open()
    try:
        async with database.transaction() as connection:
            for number in range(QUEUED):
                message = Message(f"person{number}@example.com", f"Message {number}", "text", "<p>html</p>")
                await insert_outbox_message(connection, message, datetime.now(UTC))
    finally:
        await database.close()


async def unsent(database_url: str) -> int:
    database = connect(database_url)
    await database.open()
    try:
        return await count_unsent_outbox_messages(database)
    finally:
        await database.close()


def sign_up(base_url: str, number: int) -> int:
    with httpx.Client(base_url=base_url, timeout=60) as browser:
        return register(browser, f"new{number}@example.com").status_code


def test_sign_ups_while_thousands_of_mails_go_out_all_go_through(tmp_path):
    url = f"sqlite:///{tmp_path / 'quartauth.sqlite3'}"
    asyncio.run(migrations.migrate_url(url))
    asyncio.run(queue_messages(url))
    # Development without SMTP_URL: each message is written to instance/outbox/ at once.
    with app_server(url, tmp_path, **ONE_ADDRESS_CROWD) as server:
        started = time.monotonic()
        with ThreadPoolExecutor(8) as crowd:
            answers = list(crowd.map(lambda number: sign_up(server.url(), number), range(SIGN_UPS)))
        signing_up = time.monotonic() - started
        left = asyncio.run(unsent(url))

    assert left > 0, "the mail was all out before the sign-ups ended: queue more"
    assert answers == [302] * SIGN_UPS, f"{answers.count(503)} of {SIGN_UPS} got 503 in {signing_up:.1f} s"
