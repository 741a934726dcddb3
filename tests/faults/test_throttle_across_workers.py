"""Two hypercorn workers on Postgres share the limits: an attacker at 127.0.0.2 is refused
whichever worker answers, while the owner at 127.0.0.3, whose browser logged in before, gets in."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from quartauth.db import migrations
from tests.support import throwaway_postgres
from tests.support.live_server import LiveServer, app_server
from tests.support.pages import csrf_token_in

from ..conftest import postgres_admin_url, require_postgres
from .conftest import log_in, register

pytestmark = pytest.mark.slow

GUESSES = 12
BURST = 16


@pytest.fixture
def two_workers(tmp_path) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    require_postgres()
    name, url = asyncio.run(throwaway_postgres.create_database(postgres_admin_url(), "quartauth_test"))
    try:
        asyncio.run(migrations.migrate_url(url))
        with app_server(url, tmp_path) as server:  # the shipped hypercorn.toml: 2 workers
            yield server
    finally:
        asyncio.run(throwaway_postgres.drop_database(postgres_admin_url(), name))


def browser_at(server: LiveServer, address: str) -> httpx.Client:
    """A browser whose connections come from ``address``, each request on a new connection,
    so the kernel spreads them over both workers."""
    transport = httpx.HTTPTransport(local_address=address, limits=httpx.Limits(max_keepalive_connections=0))
    return httpx.Client(base_url=server.url(), transport=transport, timeout=30)


def test_both_workers_count_the_same_failures_and_spare_the_owner(two_workers):
    with browser_at(two_workers, "127.0.0.3") as owner, browser_at(two_workers, "127.0.0.2") as attacker:
        assert register(owner, "owner@example.com").status_code == 302
        owner.post("/logout", data={"csrf_token": _token(owner, "/logout")})

        answers = [log_in(attacker, "owner@example.com", f"guess number {n}").status_code for n in range(GUESSES)]

        checked = answers.count(200)
        # Five failures make the limit; a guess already in flight in the other worker may
        # make one more. Every later guess is refused, whichever worker takes it.
        assert 5 <= checked <= 6 and answers[checked:] == [429] * (GUESSES - checked), answers
        assert log_in(attacker, "owner@example.com").status_code == 429  # even the right password
        assert log_in(owner, "owner@example.com").status_code == 302


def test_a_burst_of_guesses_spends_at_most_the_budget_plus_one_per_worker(two_workers):
    with browser_at(two_workers, "127.0.0.3") as owner:
        assert register(owner, "owner@example.com").status_code == 302
    attackers = [browser_at(two_workers, "127.0.0.2") for _ in range(BURST)]
    tokens = [_token(attacker, "/login") for attacker in attackers]  # ready, so the posts come together

    def guess(attacker: httpx.Client, token: str) -> int:
        form = {"csrf_token": token, "email": "owner@example.com", "password": f"guess by {id(attacker)}"}
        return attacker.post("/login", data=form).status_code

    with ThreadPoolExecutor(BURST) as pool:
        answers = list(pool.map(guess, attackers, tokens))
    for attacker in attackers:
        attacker.close()

    # The pair's budget is five failures; each of the two workers may check one more.
    assert 5 <= answers.count(200) <= 5 + 2 and answers.count(429) == BURST - answers.count(200), answers


def _token(client: httpx.Client, path: str) -> str:
    return csrf_token_in(client.get(path).text)
