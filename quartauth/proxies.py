"""The client's address and scheme behind a TLS-terminating proxy, believed only from a trusted one.

A proxy says who its client was and how it connected in ``X-Forwarded-For``,
``X-Forwarded-Proto`` and ``X-Forwarded-Host``. Anyone can send those headers, so they count
only when the connection comes from an address in ``TRUSTED_PROXIES``; from anyone else
they are dropped, and a client cannot spoof its address or scheme. Either way the headers
are removed before the app sees the request, so no later code reads them by mistake.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ASGIApp = Any

_FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded")


class TrustedProxies:
    """ASGI middleware: resolves forwarded headers from ``trusted`` peers into the scope."""

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = self._resolved(scope)
        await self.app(scope, receive, send)

    def _resolved(self, scope: dict[str, Any]) -> dict[str, Any]:
        headers = scope.get("headers") or []
        if not any(name.lower() in _FORWARDED for name, _ in headers):
            return scope
        forwarded = {name: _values(headers, name) for name in _FORWARDED}
        kept = [(name, value) for name, value in headers if name.lower() not in _FORWARDED]
        scope = {**scope, "headers": kept}
        if not self._is_trusted(_peer(scope)):
            return scope
        client = self._client(forwarded[b"x-forwarded-for"])
        if client is not None:
            scope["client"] = (client, 0)
        proto = forwarded[b"x-forwarded-proto"]
        if proto and proto[-1].lower() in ("http", "https"):
            scope["scheme"] = proto[-1].lower()
        host = forwarded[b"x-forwarded-host"]
        if host:
            scope["headers"] = [(name, value) for name, value in kept if name.lower() != b"host"]
            scope["headers"].append((b"host", host[-1].encode("latin-1")))
        return scope

    def _client(self, chain: list[str]) -> str | None:
        """The nearest address in the chain that is not one of our proxies: the client.

        Entries further left were written by whoever connected first and may be invented.
        """
        for entry in reversed(chain):
            address = _address(entry)
            if address is None:
                return None
            if not self._is_trusted(address):
                return str(address)
        return str(_address(chain[0])) if chain else None

    def _is_trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)


def _values(headers: list[tuple[bytes, bytes]], name: bytes) -> list[str]:
    """Every comma-separated value of every header ``name``, in the order sent."""
    values = []
    for header, value in headers:
        if header.lower() == name:
            values += [part.strip() for part in value.decode("latin-1").split(",") if part.strip()]
    return values


def _peer(scope: dict[str, Any]) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    client = scope.get("client")
    return _address(client[0]) if client else None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``text`` names; an IPv4 address seen as IPv6 (``::ffff:a.b.c.d``) as IPv4."""
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address
