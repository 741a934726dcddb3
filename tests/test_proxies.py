"""Forwarded headers count from a trusted proxy only, and never reach the app as they came."""
from __future__ import annotations

import ipaddress

import pytest

from quartauth.proxies import TrustedProxies

PROXY = "10.0.0.5"
TRUSTED = [ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("127.0.0.1")]


async def seen_by_the_app(peer: str, headers: list[tuple[str, str]]) -> dict:
    """The scope the app gets for a request from ``peer`` with ``headers``."""
    seen: dict = {}

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.update(scope)

    scope = {
        "type": "http",
        "scheme": "http",
        "client": (peer, 40000),
        "headers": [(name.encode(), value.encode()) for name, value in [("host", "127.0.0.1:5000"), *headers]],
    }
    await TrustedProxies(app, TRUSTED)(scope, None, None)
    return seen


def header(scope: dict, name: str) -> list[str]:
    return [value.decode() for key, value in scope["headers"] if key == name.encode()]


async def test_a_trusted_proxy_gives_the_client_address_scheme_and_host():
    scope = await seen_by_the_app(
        PROXY,
        [("x-forwarded-for", "203.0.113.7"), ("x-forwarded-proto", "https"), ("x-forwarded-host", "auth.example.com")],
    )

    assert scope["client"] == ("203.0.113.7", 0)
    assert scope["scheme"] == "https"
    assert header(scope, "host") == ["auth.example.com"]
    assert header(scope, "x-forwarded-for") == []


async def test_anyone_else_cannot_spoof_address_scheme_or_host():
    scope = await seen_by_the_app(
        "198.51.100.9",
        [("x-forwarded-for", "203.0.113.7"), ("x-forwarded-proto", "https"), ("x-forwarded-host", "evil.example")],
    )

    assert scope["client"] == ("198.51.100.9", 40000)
    assert scope["scheme"] == "http"
    assert header(scope, "host") == ["127.0.0.1:5000"]
    assert not any(name.startswith(b"x-forwarded") for name, _ in scope["headers"])


@pytest.mark.parametrize(
    ("chain", "client"),
    [
        # The client invented the left entry; the proxy appended the address it saw.
        ("1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # Two proxies of ours: the first address that is not ours is the client.
        ("203.0.113.7, 10.0.0.9", "203.0.113.7"),
        ("not-an-address, 203.0.113.7", "203.0.113.7"),
    ],
)
async def test_the_client_is_the_nearest_address_that_is_not_a_trusted_proxy(chain, client):
    scope = await seen_by_the_app(PROXY, [("x-forwarded-for", chain)])

    assert scope["client"] == (client, 0)


async def test_a_proxy_seen_through_a_dual_stack_listener_is_still_trusted():
    scope = await seen_by_the_app("::ffff:10.0.0.5", [("x-forwarded-for", "::ffff:203.0.113.7")])

    assert scope["client"] == ("203.0.113.7", 0)


async def test_a_garbled_address_from_a_trusted_proxy_leaves_the_peer():
    scope = await seen_by_the_app(PROXY, [("x-forwarded-for", "203.0.113.7, garbage")])

    assert scope["client"] == (PROXY, 40000)


async def test_an_unknown_scheme_is_ignored():
    scope = await seen_by_the_app(PROXY, [("x-forwarded-proto", "gopher")])

    assert scope["scheme"] == "http"


async def test_with_no_trusted_proxies_nothing_is_believed():
    seen: dict = {}

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.update(scope)

    scope = {"type": "http", "scheme": "http", "client": ("127.0.0.1", 1), "headers": [(b"x-forwarded-proto", b"https")]}
    await TrustedProxies(app, [])(scope, None, None)

    assert seen["scheme"] == "http" and seen["headers"] == []
