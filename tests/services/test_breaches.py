"""The breached-password check, against a fake Pwned Passwords range server on 127.0.0.1."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from quartauth.services.breaches import BREACHED_MESSAGE, BreachedPasswords
from tests.support.live_server import free_port

from ..fakes import BREACHED, FakeRangeServer, sha1

@pytest.fixture
def range_server() -> Iterator[FakeRangeServer]:
    with FakeRangeServer([BREACHED]) as server:
        yield server


async def test_a_breached_password_is_refused_and_only_five_characters_leave(range_server):
    problem = await BreachedPasswords(range_server.url).problem(BREACHED)

    assert problem == BREACHED_MESSAGE
    assert range_server.asked == [f"/range/{sha1(BREACHED)[:5]}"]
    assert BREACHED not in range_server.asked[0] and sha1(BREACHED)[5:] not in range_server.asked[0]


async def test_a_password_not_listed_passes(range_server):
    assert await BreachedPasswords(range_server.url).problem("an unlisted passphrase of mine") is None


async def test_an_unreachable_service_is_skipped_and_logged(caplog):
    caplog.set_level(logging.WARNING, logger="quartauth.breaches")

    problem = await BreachedPasswords(f"http://127.0.0.1:{free_port()}/range/").problem(BREACHED)

    assert problem is None and "breached-password check skipped" in caplog.text


async def test_a_slow_service_is_given_up_on_after_the_timeout():
    with FakeRangeServer([BREACHED], delay=1.0) as slow:
        started = time.monotonic()
        problem = await BreachedPasswords(slow.url, timeout=0.2).problem(BREACHED)

    assert problem is None and time.monotonic() - started < 0.9
