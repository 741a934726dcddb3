"""The layout's CSRF token: signed once a minute per seed, and still accepted."""
from __future__ import annotations

import itertools
import re
import time

import itsdangerous
import quart_wtf.utils

import pytest
from quart import g, session
from quart_wtf.csrf import validate_csrf

from quartauth.fastpaths import csrf_tokens

from ..helpers import page_text

ANY_CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def tokens_in(html: str) -> list[str]:
    """The distinct CSRF tokens of a page's forms, in order."""
    return list(dict.fromkeys(first or second for first, second in ANY_CSRF_TOKEN.findall(html)))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def signings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token quart-wtforms signs, in order."""
    signed: list[str] = []
    sign = csrf_tokens.generate_csrf

    def counted() -> str:
        signed.append(sign())
        return signed[-1]

    monkeypatch.setattr(csrf_tokens, "generate_csrf", counted)
    return signed


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(csrf_tokens.time, "monotonic", clock.monotonic)
    return clock


async def test_quart_wtforms_keeps_the_seed_in_the_session_and_the_token_in_g(app):
    async with app.test_request_context("/login"):
        token = csrf_tokens.generate_csrf()

        assert session[csrf_tokens.CSRF_FIELD] and g.get(csrf_tokens.CSRF_FIELD) == token
        validate_csrf(token)  # raises if quart-wtforms would refuse it


async def test_templates_sign_tokens_through_the_fast_path(app):
    assert isinstance(app.jinja_env.globals["csrf_token"], csrf_tokens.SignedCsrfTokens)


def tick_csrf_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each CSRF token quart-wtforms signs a second after the one before, as on a slow
    machine: a token signed twice differs."""
    seconds = itertools.count(int(time.time()))

    class TickingSigner(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return next(seconds)

    class TickingSerializer(itsdangerous.URLSafeTimedSerializer):
        default_signer = TickingSigner

    monkeypatch.setattr(quart_wtf.utils, "URLSafeTimedSerializer", TickingSerializer)


async def test_a_session_signs_its_token_once_a_minute(auth, client, signings, clock, monkeypatch):
    await auth.register()
    before = len(signings)
    tick_csrf_signatures(monkeypatch)

    first = tokens_in(await page_text(await client.get("/")))
    # The account page makes its forms in the view, before the page is rendered: their
    # tokens come from the same kept signature.
    second = tokens_in(await page_text(await client.get("/account")))
    clock.now += csrf_tokens.TOKEN_REUSE_SECONDS + 1
    await client.get("/")

    # Every form on both pages (the account page has several) carries the one token.
    assert len(first) == 1 and set(second) == set(first)
    assert len(signings) - before == 2  # one for the first two pages, one a minute later


async def test_the_kept_token_is_accepted(auth, client):
    await auth.register()
    [token] = tokens_in(await page_text(await client.get("/")))
    [again] = tokens_in(await page_text(await client.get("/")))

    response = await client.post("/logout", form={"csrf_token": again})

    assert again == token
    assert response.status_code == 302 and response.headers["Location"] == "/login"


async def test_a_form_on_the_page_shows_the_same_token_as_the_layout(auth, client):
    await auth.register()
    await client.get("/")  # keeps a token for this session

    page = await page_text(await client.get("/logout"))  # the confirm form and the layout's

    assert len(ANY_CSRF_TOKEN.findall(page)) == 2 and len(tokens_in(page)) == 1


async def test_sessions_never_share_a_token(app, auth, client):
    other_client = app.test_client()
    await auth.register("first@example.com")
    await type(auth)(other_client).register("second@example.com")

    [first] = tokens_in(await page_text(await client.get("/")))
    [second] = tokens_in(await page_text(await other_client.get("/")))

    assert first != second


async def test_signing_in_again_gives_a_new_token(auth, client):
    await auth.register()
    [before] = tokens_in(await page_text(await client.get("/")))
    await auth.logout()
    await auth.login()

    [after] = tokens_in(await page_text(await client.get("/")))

    assert after != before
