"""Small helpers the tests share (fixtures live in conftest.py)."""
from __future__ import annotations

import re
from typing import Any

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "correct horse battery"


def app_settings(database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "QUARTAUTH_ENV": "testing",
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": 4,
        "HASH_THREADS": 2,
        **overrides,
    }


def csrf_token_in(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match[1]


async def page_text(response: Any) -> str:
    return await response.get_data(as_text=True)
