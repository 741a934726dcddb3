"""Every error is a page in the site's layout with the right status, and no internals."""
from __future__ import annotations

import pytest
from quart import Quart

from quartauth import create_app
from quartauth.db import DatabaseUnavailable

from ..helpers import app_settings, page_text


async def test_unknown_page_is_404_in_the_site_layout(client):
    response = await client.get("/no/such/page")

    html = await page_text(response)
    assert response.status_code == 404
    assert "404 Not Found" in html and "There is no page at this address." in html
    assert 'href="/static/style.css"' in html


async def test_wrong_method_is_405_with_allow(client):
    response = await client.put("/login")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "405 Method Not Allowed" in await page_text(response)


async def test_missing_csrf_token_is_400_with_advice(client):
    response = await client.post("/login", form={"email": "a@example.com", "password": "whatever1"})

    assert response.status_code == 400
    assert "400 Bad request" in await page_text(response)


async def test_oversized_body_is_413_not_500(client):
    response = await client.post("/login", form={"email": "x" * (1024 * 1024)})

    assert response.status_code == 413


@pytest.fixture
async def failing_app(migrated_database_url: str):
    """An app with a page that breaks, and exceptions handled as in production."""
    app = create_app(app_settings(migrated_database_url, PROPAGATE_EXCEPTIONS=False))

    @app.get("/boom")
    async def boom() -> str:
        raise RuntimeError("secret internals: SECRET_KEY=hunter2")

    @app.get("/database-down")
    async def database_down() -> str:
        raise DatabaseUnavailable("connection refused")

    async with app.test_app():
        yield app


async def test_a_crash_is_500_without_traceback_or_secrets(failing_app: Quart):
    response = await failing_app.test_client().get("/boom")

    html = await page_text(response)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals"):
        assert leak not in html


async def test_an_unreachable_database_is_503_with_retry_after(failing_app: Quart):
    response = await failing_app.test_client().get("/database-down")

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "briefly unavailable" in await page_text(response)
