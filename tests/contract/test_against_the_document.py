"""The JSON API proven against its own OpenAPI document: schemathesis, every check, against
the live server on SQLite and on Postgres, as a signed-in app, as an admin's app and as a
stranger. Whatever it
sends within the document: no 5xx, every answer as documented, no status code left out."""
from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from quartauth.db import connect
from quartauth.repository.users import select_user_by_email, update_user_is_admin
from tests.support.live_server import ONE_ADDRESS_CROWD, LiveServer, app_server

from ..helpers import PASSWORD, csrf_token_in

EXAMPLES = 25  # per operation and phase: a bounded sample, for the time make test takes
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with app_server(database_url, tmp_path, **ONE_ADDRESS_CROWD) as server:
        server.host = "localhost"  # where passkeys work: their operations are tried for real
        yield server


def app_token(server: LiveServer, email: str = "person@example.com") -> str:
    """Someone signed up on the pages, logged in as an app: their bearer token."""
    with httpx.Client(base_url=server.url(""), follow_redirects=False) as browser:
        token = csrf_token_in(browser.get("/register").text)
        signed_up = browser.post("/register", data={"csrf_token": token, "email": email, "password": PASSWORD, "confirm": PASSWORD})
        assert signed_up.status_code == 302, signed_up.text
    answer = httpx.post(server.url("/api/v1/login"), json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def made_admin(database_url: str, email: str) -> None:
    async def promote() -> None:
        database = connect(database_url)
        await database.open()
        try:
            user = await select_user_by_email(database, email)
            assert user is not None
            await update_user_is_admin(database, user.id, True)
        finally:
            await database.close()

    asyncio.run(promote())


def schemathesis(server: LiveServer, folder: Path, *headers: str) -> subprocess.CompletedProcess[str]:
    arguments = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", server.url("/api/v1/openapi.json"),
        "--checks", "all", "--max-examples", str(EXAMPLES), "--generation-deterministic",
        *[part for header in headers for part in ("-H", header)],
    ]
    return subprocess.run(arguments, capture_output=True, text=True, timeout=600, cwd=folder)  # its cache stays there


def test_the_api_keeps_to_its_document_for_an_app_an_admin_and_a_stranger(live_server, database_url, tmp_path):
    token = app_token(live_server)
    admin_token = app_token(live_server, "boss@example.com")
    made_admin(database_url, "boss@example.com")

    as_an_app = schemathesis(live_server, tmp_path, f"Authorization: Bearer {token}")
    as_an_admin = schemathesis(live_server, tmp_path, f"Authorization: Bearer {admin_token}")
    as_a_stranger = schemathesis(live_server, tmp_path)

    assert as_an_app.returncode == 0, failures_in(as_an_app.stdout)
    assert as_an_admin.returncode == 0, failures_in(as_an_admin.stdout)
    assert as_a_stranger.returncode == 0, failures_in(as_a_stranger.stdout)


def failures_in(output: str) -> str:
    """What schemathesis found, each line cut short (a generated body can be 100 kB)."""
    start = output.find("FAILURES")
    lines = output[start if start >= 0 else 0:].splitlines()
    return "\n".join(line[:300] for line in lines[:120])
