"""The database goes away while the app serves traffic, and comes back: no hang, no restart."""
from __future__ import annotations

import threading
import time

import httpx

from tests.support.live_server import app_server
from .conftest import log_in, register

SLOWEST_ANSWER_S = 2.0


class Traffic(threading.Thread):
    """A signed-in person reloading the home page the whole time, timing every answer."""

    def __init__(self, base_url: str, cookies: httpx.Cookies) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=base_url, cookies=cookies, timeout=30)
        self.answers: list[tuple[int, float]] = []
        self.running = True

    def run(self) -> None:
        while self.running:
            started = time.monotonic()
            status = self.client.get("/").status_code
            self.answers.append((status, time.monotonic() - started))

    def stop(self) -> None:
        self.running = False
        self.join(timeout=30)
        self.client.close()


def test_pages_answer_503_while_the_database_is_down_then_recover(private_postgres, tmp_path):
    with app_server(private_postgres.url, tmp_path) as server, httpx.Client(base_url=server.url(), timeout=10) as client:
        assert register(client, "person@example.com").status_code == 302
        traffic = Traffic(server.url(), client.cookies)
        traffic.start()
        try:
            time.sleep(0.5)
            private_postgres.stop()

            started = time.monotonic()
            page = client.get("/")
            assert time.monotonic() - started < 1.0
            assert page.status_code == 503
            assert "briefly unavailable" in page.text and "Retry-After" in page.headers
            assert client.get("/healthz").status_code == 503
            with httpx.Client(base_url=server.url(), timeout=10) as stranger:
                assert log_in(stranger, "person@example.com").status_code == 503
            time.sleep(0.5)

            private_postgres.start()
            back_by = time.monotonic() + 5
            while client.get("/").status_code != 200:
                assert time.monotonic() < back_by, "the app did not recover within 5 seconds"
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            traffic.stop()

        assert client.get("/healthz").status_code == 200
        with httpx.Client(base_url=server.url(), timeout=10) as returning:
            assert log_in(returning, "person@example.com").status_code == 302

    statuses = {status for status, _ in traffic.answers}
    assert statuses == {200, 503}, statuses  # served, refused while down, served again
    assert traffic.answers[-1][0] == 200
    assert max(seconds for _, seconds in traffic.answers) < SLOWEST_ANSWER_S, "a request hung"
