"""Small helpers the tests share (fixtures live in conftest.py)."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.pages import csrf_token_in

__all__ = ["PASSWORD", "Clock", "app_settings", "csrf_token_in", "page_text", "production_settings"]

PASSWORD = "correct horse battery"


def app_settings(database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "QUARTAUTH_ENV": "testing",
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": 4,
        "HASH_THREADS": 2,
        **overrides,
    }


def production_settings(**overrides: Any) -> dict[str, Any]:
    """What a production deployment must set, with ``overrides`` on top."""
    return {
        "QUARTAUTH_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_URL": "https://auth.example.com",
        **overrides,
    }


async def page_text(response: Any) -> str:
    return await response.get_data(as_text=True)


class Clock:
    """Time that moves only when a test says so (the app's ``CLOCK``, a ``SessionLookup``'s clock)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **amount: float) -> None:
        self.now += timedelta(**amount)
