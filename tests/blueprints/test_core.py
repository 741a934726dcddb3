"""The protected home page and the health check."""
from __future__ import annotations

import re

from quartauth import moments
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

from ..helpers import PASSWORD, page_text


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


async def test_home_says_when_this_sign_in_started_and_links_to_the_account(auth, client, database):
    await auth.register("person@example.com")
    user = await select_user_by_email(database, "person@example.com")
    [session] = await select_sessions_of_user(database, user.id)

    html = await page_text(await client.get("/"))

    assert f'datetime="{session.created_at.isoformat()}"' in html
    assert moments.written(session.created_at) in html and moments.written(session.created_at).endswith(" UTC")
    assert "This page is only shown" not in html


async def test_home_shows_what_needs_doing_and_the_way_to_each_part_of_the_account(auth, client):
    await auth.register("person@example.com")

    html = await page_text(await client.get("/"))

    notice = html[html.index('class="notice"'):]
    assert "Please verify your email address" in notice and ">Resend the link</button>" in notice
    for path in ("/account", "/account#sessions", "/account#activity", "/account#email", "/account#password", "/account/delete"):
        assert f'href="{path}"' in html
    assert 'href="/admin"' not in html.split("</header>", 1)[1]


async def test_the_header_links_to_the_account_and_says_log_out(auth, client):
    await auth.register("person@example.com")

    header = (await page_text(await client.get("/"))).split("</header>")[0]

    assert '<a href="/account">Account</a>' in header
    assert ">Log out</button>" in header and "Logout" not in header


async def test_navigation_offers_login_and_sign_up_to_anonymous_people(client):
    html = await page_text(await client.get("/login"))
    assert '<a href="/login">Log in</a>' in html and '<a href="/register">Sign up</a>' in html
    assert "Log out" not in html and "Login<" not in html


async def test_pages_carry_security_headers_and_are_not_cached(client):
    response = await client.get("/login")

    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Cookie" in response.headers["Vary"]


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


async def test_the_first_sign_in_says_so_and_the_next_shows_the_one_before(auth, client):
    await auth.register("person@example.com")
    assert "This is your first sign-in." in await page_text(await client.get("/"))
    await auth.logout()

    await client.post(
        "/login",
        form={"csrf_token": await auth.csrf_token("/login"), "email": "person@example.com", "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"},
        scope_base={"client": ("203.0.113.9", 50000)},
    )
    await auth.logout()
    await auth.login("person@example.com")

    for page in ("/", "/account"):
        html = await page_text(await client.get(page))
        assert "This is your first sign-in." not in html
        assert re.search(r"Your previous sign-in:\s*<time[^>]*>[^<]+</time>, Firefox on Windows, from 203\.0\.113\.9\.", html)
