"""What the request at hand tells the services: its browser's name, and, for the security
log, whose event it is (when known) and from which client address (see ``services.security_log``);
and the mail limit every form that sends mail counts against."""
from __future__ import annotations

import asyncio

from quart import g, request

from .app_objects import app_objects
from .repository.users import User
from .services import security_log
from .services.throttle import TooManyAttempts
from .services.security_log import Event
from .services.browsers import described_lately, describe_browser


async def request_browser() -> str:
    """The request's browser as people name it ("Firefox on Linux"), worked out once per
    request: a sign-in names it for its session, its log event and its notice."""
    if "browser" not in g:
        user_agent = request.headers.get("User-Agent", "")
        g.browser = described_lately(user_agent) or await asyncio.to_thread(describe_browser, user_agent)
    return g.browser


async def log_event(
    event: Event, *, user: User | None = None, email: str | None = None, detail: dict[str, object] | None = None
) -> None:
    """Record ``event`` about ``user`` (or, when nobody is known, the ``email`` tried)."""
    browser = await request_browser()
    await security_log.record(
        app_objects().database,
        event,
        now=app_objects().now(),
        where=security_log.Where(request.remote_addr, browser),
        user_id=user.id if user else None,
        email=user.email if user else email,
        detail=detail,
    )


async def count_mail_asked(email: str | None, kind: str = "") -> None:
    """Count mail of ``kind`` asked for from the request's client address to ``email``'s
    account (None: by address only); past the limit, raise ``TooManyAttempts`` (a 429)."""
    refusal = await app_objects().throttle.mail(request.remote_addr, email, kind)
    if refusal is not None:
        raise TooManyAttempts(refusal)
