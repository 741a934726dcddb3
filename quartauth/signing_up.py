"""Signing up, on the request's side, for the sign-up page and the JSON API alike: the limit
on sign-ups, and with SIGN_UP_REVEALS_ACCOUNTS off, the link asked for after the answer."""
from __future__ import annotations

import logging

from quart import current_app, request

from .app_objects import app_objects
from .request_facts import log_event, request_browser
from .services import security_log, sign_ups
from .services.security_log import Event
from .services.throttle import TooManyAttempts

logger = logging.getLogger("quartauth.mail")
SIGN_UP_MAIL = "sign_up"  # the kind of mail, for its limit


def sent_message(email: str) -> str:
    return f"We sent a link to {email}: open it to finish signing up."


async def count_sign_up(email: str) -> None:
    """Count a sign-up from the request's address; past the limit, ``TooManyAttempts`` (429)."""
    refusal = await app_objects().throttle.sign_up(request.remote_addr)
    if refusal is not None:
        if refusal.first:
            await log_event(Event.LOGIN_REFUSED, email=email, detail={"limit": "sign-ups"})
        raise TooManyAttempts(refusal)


async def ask_by_link(email: str, password: str) -> None:
    """The same answer for any address: the password is hashed now, and what depends on
    whether the address has an account happens after the answer (``sign_ups``)."""
    password_hash = await app_objects().password_hasher.hash(password)
    current_app.add_background_task(_ask_sign_up, email, password_hash, request.remote_addr, await request_browser())


async def _ask_sign_up(email: str, password_hash: str, client_address: str | None, browser: str) -> None:
    db, now = app_objects().database, app_objects().now()
    try:
        if await app_objects().throttle.mail(None, email, SIGN_UP_MAIL) is not None:
            return  # a link went less than a minute ago, and it still works
        taken_by = await sign_ups.ask(db, app_objects().mailer, email=email, password_hash=password_hash, now=now)
        if taken_by is not None:
            await security_log.record(
                db, Event.SIGN_UP_TRIED, now=now, where=security_log.Where(client_address, browser), user_id=taken_by.id, email=email
            )
    except Exception:  # a background task has nobody to answer: the log has to do
        logger.exception("a sign-up link could not be queued")
