"""Security log entries for the request at hand: whose (when known), from which client
address and with which browser (see ``services.audit``)."""
from __future__ import annotations

import asyncio

from quart import g, request

from . import extensions
from .repository.users import User
from .services import audit
from .services.audit import Event
from .services.browsers import describe_browser


async def request_browser() -> str:
    """The request's browser as people name it ("Firefox on Linux"), worked out once per
    request: a sign-in names it for its session, its log event and its notice."""
    if "browser" not in g:
        g.browser = await asyncio.to_thread(describe_browser, request.headers.get("User-Agent", ""))
    return g.browser


async def log_event(
    event: Event, *, user: User | None = None, email: str | None = None, detail: dict[str, object] | None = None
) -> None:
    """Record ``event`` about ``user`` (or, when nobody is known, the ``email`` tried)."""
    browser = await request_browser()
    await audit.record(
        extensions.database(),
        event,
        now=extensions.clock()(),
        where=audit.Where(request.remote_addr, browser),
        user_id=user.id if user else None,
        email=user.email if user else email,
        detail=detail,
    )
