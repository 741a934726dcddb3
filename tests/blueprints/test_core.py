"""The protected home page and the health check."""
from __future__ import annotations

from ..helpers import page_text


async def test_home_requires_login(client):
    response = await client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/"


async def test_home_welcomes_the_signed_in_person(auth, client):
    await auth.register("person@example.com")

    response = await client.get("/")

    html = await page_text(response)
    assert response.status_code == 200
    assert "Welcome person@example.com!" in html
    assert "Log out" in html and "Sign up" not in html


async def test_navigation_offers_login_and_sign_up_to_anonymous_people(client):
    html = await page_text(await client.get("/login"))
    assert 'href="/login"' in html and 'href="/register"' in html
    assert "Log out" not in html


async def test_pages_carry_security_headers_and_are_not_cached(client):
    response = await client.get("/login")

    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


async def test_the_stylesheet_is_served_by_the_app(client):
    html = await page_text(await client.get("/login"))
    assert 'href="/static/style.css"' in html
    assert "http" not in html.split("<body")[0].replace('http-equiv', '')

    response = await client.get("/static/style.css")
    assert response.status_code == 200 and "text/css" in response.headers["Content-Type"]


async def test_healthz_answers_ok_when_the_database_answers(client):
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert (await response.get_json()) == {"status": "ok"}
