"""The app factory: nothing starts on a schema that is behind."""
from __future__ import annotations

import pytest
from quart.testing.app import LifespanError

from quartauth import create_app

from .helpers import app_settings


async def test_the_app_refuses_to_serve_before_migrations_are_applied(database_url):
    app = create_app(app_settings(database_url))

    with pytest.raises(LifespanError, match="quartauth migrate"):
        async with app.test_app():
            pass


async def test_the_app_serves_once_migrated(migrated_database_url):
    app = create_app(app_settings(migrated_database_url))

    async with app.test_app():
        assert (await app.test_client().get("/login")).status_code == 200
