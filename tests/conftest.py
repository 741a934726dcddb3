"""Fixtures: an app on a fresh database per test, on SQLite and (when reachable) Postgres.

Postgres comes from ``TEST_DATABASE_URL`` or the local server; each test gets a throwaway
database of its own. Under ``CI=true`` an unreachable Postgres fails the run instead of
skipping it.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from quart import Quart
from quart.testing import QuartClient

from quartauth import create_app
from quartauth.db import Database, connect, migrations
from tests.support import throwaway_postgres

from .helpers import PASSWORD, Clock, app_settings, csrf_token_in
from .mailbox import Mailbox

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# --- databases -------------------------------------------------------------------------


def postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


@cache
def postgres_unreachable_reason() -> str | None:
    return asyncio.run(throwaway_postgres.unreachable_reason(postgres_admin_url()))


def require_postgres() -> None:
    reason = postgres_unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI requires the Postgres run")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, created for this test and dropped after it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'quartauth.sqlite3'}"
        return
    require_postgres()
    name, url = asyncio.run(throwaway_postgres.create_database(postgres_admin_url(), "quartauth_test"))
    try:
        yield url
    finally:
        asyncio.run(throwaway_postgres.drop_database(postgres_admin_url(), name))


@pytest.fixture
def migrated_database_url(database_url: str) -> str:
    asyncio.run(migrations.migrate_url(database_url))
    return database_url


@pytest.fixture
async def database(migrated_database_url: str) -> AsyncIterator[Database]:
    """A handle of the test's own, to look at (or arrange) what the app stores."""
    handle = connect(migrated_database_url)
    await handle.open()
    yield handle
    await handle.close()


# --- the app -------------------------------------------------------------------------------


@pytest.fixture
async def app(migrated_database_url: str) -> AsyncIterator[Quart]:
    app = create_app(app_settings(migrated_database_url))
    async with app.test_app():
        yield app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def clocked_app(migrated_database_url: str, clock: Clock) -> AsyncIterator[Quart]:
    """The app, living by the test's ``clock``."""
    app = create_app(app_settings(migrated_database_url, CLOCK=clock))
    async with app.test_app():
        yield app


@pytest.fixture
async def passkey_app(migrated_database_url: str, clock: Clock) -> AsyncIterator[Quart]:
    """The app at http://localhost, where passkeys work (the relying party is PUBLIC_URL's)."""
    app = create_app(app_settings(migrated_database_url, CLOCK=clock, PUBLIC_URL="http://localhost"))
    async with app.test_app():
        yield app


@pytest.fixture
def client(app: Quart) -> QuartClient:
    return app.test_client()


@dataclass
class AuthActions:
    """What a person does with the account pages, through real forms and CSRF tokens."""

    client: QuartClient

    async def csrf_token(self, path: str) -> str:
        response = await self.client.get(path)
        return csrf_token_in(await response.get_data(as_text=True))

    async def register(self, email: str = "person@example.com", password: str = PASSWORD, confirm: str | None = None):
        form = {
            "csrf_token": await self.csrf_token("/register"),
            "email": email,
            "password": password,
            "confirm": password if confirm is None else confirm,
        }
        return await self.client.post("/register", form=form)

    async def login(self, email: str = "person@example.com", password: str = PASSWORD, *, remember: bool = False, path: str = "/login", **extra: str):
        form = {"csrf_token": await self.csrf_token("/login"), "email": email, "password": password, **extra}
        if remember:
            form["remember"] = "y"
        return await self.client.post(path, form=form)

    async def logout(self):
        return await self.client.post("/logout", form={"csrf_token": await self.csrf_token("/logout")})

    async def post(self, path: str, **fields: str):
        """A signed-in person's form, sent with a good CSRF token (from the logout page)."""
        return await self.client.post(path, form={"csrf_token": await self.csrf_token("/logout"), **fields})


@pytest.fixture
def auth(client: QuartClient) -> AuthActions:
    return AuthActions(client)


# --- mail ---------------------------------------------------------------------------------


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1, keeping what it receives."""
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
async def mail_app(migrated_database_url: str, mailbox: Mailbox, clock: Clock) -> AsyncIterator[Quart]:
    """The app, living by the test's ``clock``, delivering its mail to ``mailbox``."""
    app = create_app(app_settings(migrated_database_url, CLOCK=clock, SMTP_URL=mailbox.url, PUBLIC_URL="http://localhost"))
    async with app.test_app():
        yield app
