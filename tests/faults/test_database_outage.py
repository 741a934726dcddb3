"""The database goes away while the app serves, and comes back: no hang, no restart."""
from __future__ import annotations

import time

import httpx

from ..live_server import app_server
from .conftest import log_in, register


def test_pages_answer_503_while_the_database_is_down_then_recover(private_postgres, tmp_path):
    with app_server(private_postgres.url, tmp_path) as server, httpx.Client(base_url=server.url(), timeout=10) as client:
        assert register(client, "person@example.com").status_code == 302
        assert client.get("/").status_code == 200

        private_postgres.stop()

        started = time.monotonic()
        page = client.get("/")
        assert time.monotonic() - started < 1.0
        assert page.status_code == 503
        assert "briefly unavailable" in page.text and "Retry-After" in page.headers
        assert client.get("/healthz").status_code == 503
        with httpx.Client(base_url=server.url(), timeout=10) as stranger:
            assert log_in(stranger, "person@example.com").status_code == 503

        private_postgres.start()
        back_by = time.monotonic() + 5
        while client.get("/").status_code != 200:
            assert time.monotonic() < back_by, "the app did not recover within 5 seconds"
            time.sleep(0.1)
        assert client.get("/healthz").status_code == 200
        with httpx.Client(base_url=server.url(), timeout=10) as returning:
            assert log_in(returning, "person@example.com").status_code == 302
