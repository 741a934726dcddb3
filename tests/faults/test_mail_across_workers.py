"""Mail that is never lost and never sent twice: two hypercorn workers over one outbox on
Postgres, and a mail server that is down when a person signs up."""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from quartauth.db import connect, migrations
from quartauth.repository.outbox import Message, insert_outbox_message
from tests.support import throwaway_postgres
from tests.support.live_server import app_server

from ..conftest import postgres_admin_url, require_postgres
from ..mailbox import Mailbox
from .conftest import register

pytestmark = pytest.mark.slow

MESSAGES = 60


def wait_until(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.05)


async def queue_messages(database_url: str) -> None:
    database = connect(database_url)
    await database.open()
    try:
        for number in range(MESSAGES):
            message = Message(f"person{number}@example.com", f"Message {number}", "text", "<p>html</p>")
            await insert_outbox_message(database, message, datetime.now(UTC))
    finally:
        await database.close()


def test_two_workers_over_one_outbox_send_each_message_once(tmp_path, mailbox):
    require_postgres()
    name, url = asyncio.run(throwaway_postgres.create_database(postgres_admin_url(), "quartauth_test"))
    try:
        asyncio.run(migrations.migrate_url(url))
        with app_server(url, tmp_path, SMTP_URL=mailbox.url):  # the shipped hypercorn.toml: 2 workers
            asyncio.run(queue_messages(url))  # both workers' delivery tasks look at once
            wait_until(lambda: len(mailbox.messages) >= MESSAGES, timeout=30)
            time.sleep(2)  # time enough for a second sending of any of them
    finally:
        asyncio.run(throwaway_postgres.drop_database(postgres_admin_url(), name))

    sent = Counter(subject for _, subject in mailbox.subjects())
    assert len(sent) == MESSAGES and set(sent.values()) == {1}


def test_a_sign_up_while_the_mail_server_is_down_is_mailed_once_when_it_is_back(tmp_path):
    box = Mailbox()  # its port, with nothing listening yet
    with app_server(f"sqlite:///{tmp_path / 'quartauth.sqlite3'}", tmp_path, SMTP_URL=box.url) as server:
        with httpx.Client(base_url=server.url(), timeout=30) as browser:
            assert register(browser, "person@example.com").status_code == 302
        time.sleep(3)  # a try or two fail meanwhile
        box.start()
        try:
            back = time.monotonic()
            wait_until(lambda: box.to("person@example.com"), timeout=60)
            delivered_after = time.monotonic() - back
            time.sleep(2)
        finally:
            box.stop()

    assert delivered_after < 60 and len(box.to("person@example.com")) == 1
    assert "Verify your email address" == box.messages[0]["Subject"]
