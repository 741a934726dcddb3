"""Production answers only its own host, and only over HTTPS."""
from __future__ import annotations

import logging

import pytest
from quart import Quart

from quartauth import create_app

from .helpers import csrf_token_in, page_text, production_settings

HOST = "auth.example.com"


@pytest.fixture
async def production_app(migrated_database_url: str):  # type: ignore[no-untyped-def]
    app = create_app(production_settings(
        DATABASE_URL=migrated_database_url, PUBLIC_URL=f"https://{HOST}", ALLOWED_HOSTS="www.example.com",
        BCRYPT_ROUNDS=4, TRUSTED_PROXIES="127.0.0.1",
    ))
    async with app.test_app():
        yield app


async def get(app: Quart, path: str, *, host: str = HOST, scheme: str = "https"):  # type: ignore[no-untyped-def]
    return await app.test_client().get(path, headers={"Host": host}, scheme=scheme)


@pytest.mark.parametrize("path", ["/login", "/static//style.css", "/no-such-page", "/"])
async def test_a_forged_host_gets_400_and_is_never_echoed(production_app, path):
    response = await get(production_app, path, host="evil.example")

    assert response.status_code == 400
    assert "evil.example" not in await page_text(response)
    assert "evil.example" not in str(response.headers)


@pytest.mark.parametrize(("host", "scheme"), [("127.0.0.1:5101", "http"), (HOST, "http"), ("127.0.0.1:5101", "https")])
async def test_the_health_check_answers_the_machine_itself_by_address_over_http(production_app, host, scheme):
    response = await get(production_app, "/healthz", host=host, scheme=scheme)

    assert response.status_code == 200


async def test_a_refused_host_and_plain_http_are_logged_with_the_reason(production_app, caplog):
    caplog.set_level(logging.WARNING, logger="quartauth.site")

    await get(production_app, "/login", host="evil.example")
    await get(production_app, "/login", scheme="http")

    said = [record.getMessage() for record in caplog.records if record.name == "quartauth.site"]
    assert any("'evil.example' is not PUBLIC_URL's nor in ALLOWED_HOSTS (400)" in line for line in said)
    assert any("came over plain HTTP" in line and "TRUSTED_PROXIES" in line for line in said)


@pytest.mark.parametrize("host", [HOST, "www.example.com", "AUTH.example.com"])
async def test_the_public_host_and_the_allowed_ones_are_answered(production_app, host):
    assert (await get(production_app, "/login", host=host)).status_code == 200


async def test_a_page_over_plain_http_is_sent_to_https(production_app):
    response = await get(production_app, "/login?next=/account", scheme="http")

    assert response.status_code == 308
    assert response.headers["Location"] == f"https://{HOST}/login?next=/account"


async def test_a_form_posted_over_plain_http_says_the_site_needs_https(production_app):
    client = production_app.test_client()
    token = csrf_token_in(await page_text(await client.get("/login", headers={"Host": HOST}, scheme="https")))

    response = await client.post(
        "/login", form={"csrf_token": token, "email": "a@example.com", "password": "x" * 10},
        headers={"Host": HOST}, scheme="http",
    )

    html = await page_text(response)
    assert response.status_code == 400
    assert "must be served over HTTPS" in html and "TRUSTED_PROXIES" in html
    assert "The form had expired" not in html


async def test_production_sets_host_only_cookies_on_https(production_app):
    client = production_app.test_client()
    response = await client.get("/login", headers={"Host": HOST}, scheme="https")

    [cookie] = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("__Host-quartauth_csrf=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_production_without_trusted_proxies_warns_once_at_start_up(migrated_database_url, caplog, monkeypatch):
    monkeypatch.setenv("QUARTAUTH_START_UP_WARNING_LOGGED", "")  # as in a fresh process; undone after
    create_app(production_settings(DATABASE_URL=migrated_database_url))
    create_app(production_settings(DATABASE_URL=migrated_database_url))  # a second worker

    warnings = [record for record in caplog.records if "TRUSTED_PROXIES" in record.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_production_behind_a_trusted_proxy_does_not_warn(migrated_database_url, caplog, monkeypatch):
    monkeypatch.setenv("QUARTAUTH_START_UP_WARNING_LOGGED", "")  # as in a fresh process; undone after
    create_app(production_settings(DATABASE_URL=migrated_database_url, TRUSTED_PROXIES="127.0.0.1"))

    assert not [record for record in caplog.records if "TRUSTED_PROXIES" in record.getMessage()]


async def test_development_answers_any_host(client):
    response = await client.get("/login", headers={"Host": "laptop.local:5000"})

    assert response.status_code == 200


async def sign_up_from(app: Quart, peer: str, forwarded_for: str) -> str:
    """Sign up over HTTPS from ``peer``, which claims to forward for ``forwarded_for``;
    answer the address the new session recorded."""
    client = app.test_client()
    where = {"headers": {"Host": HOST, "X-Forwarded-For": forwarded_for}, "scheme": "https", "scope_base": {"client": (peer, 40000)}}
    token = csrf_token_in(await page_text(await client.get("/register", **where)))
    form = {"csrf_token": token, "email": f"{peer}@example.com", "password": "correct horse battery", "confirm": "correct horse battery"}
    response = await client.post("/register", form=form, headers={**where["headers"], "Referer": f"https://{HOST}/register"}, scheme="https", scope_base=where["scope_base"])
    assert response.status_code == 302, await page_text(response)
    return await page_text(await client.get("/account", **where))


async def test_a_sign_in_through_a_trusted_proxy_records_the_client_it_names(production_app):
    page = await sign_up_from(production_app, "127.0.0.1", "203.0.113.7")

    assert ", from 203.0.113.7" in page


async def test_a_forged_forwarded_for_from_anyone_else_records_the_real_peer(production_app):
    page = await sign_up_from(production_app, "198.51.100.9", "203.0.113.7")

    assert ", from 198.51.100.9" in page and "203.0.113.7" not in page
