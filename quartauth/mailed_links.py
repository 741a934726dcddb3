"""The mailed links, on the request's side, for the email pages and the JSON API alike: the
sentences they answer with, and the reset link sent after the answer to "forgot"."""
from __future__ import annotations

import logging

from quart import current_app, request

from .app_objects import app_objects
from .services import email_flows, security_log
from .services.security_log import Event
from .services.tokens import Purpose

logger = logging.getLogger("quartauth.mail")

VERIFIED = "Your email address is verified."
VERIFIED_ALREADY = "Your email address is verified already."
FORGOT_ANSWER = "If that address has an account, we sent a link to reset its password."
PASSWORD_RESET = "Your password was reset."
DEAD_VERIFY_LINK = "This link to verify your email address has expired or was already used."
DEAD_RESET_LINK = "This link to reset your password has expired or was already used."
DEAD_CHANGE_LINK = "This link to change your email address has expired or was already used."


def new_link_sent(email: str) -> str:
    return f"We sent a new link to {email}."


def send_reset_link(email: str) -> None:
    """After the answer to "forgot": a link when the address is an account's, at most one a
    minute. Everything that depends on the account happens then, so the answer takes the
    same time whether or not there is one."""
    current_app.add_background_task(_send_reset_link, email, request.remote_addr)


async def _send_reset_link(email: str, client_address: str | None) -> None:
    db, now = app_objects().database, app_objects().now()
    try:
        if await app_objects().throttle.mail(None, email, Purpose.RESET) is not None:
            return  # one went less than a minute ago, and its link still works
        user = await email_flows.ask_reset(db, app_objects().mailer, email, now)
        if user is not None:
            await security_log.record(db, Event.RESET_ASKED, now=now, where=security_log.Where(client_address), user_id=user.id, email=user.email)
    except Exception:  # a background task has nobody to answer: the log has to do
        logger.exception("a link to reset a password could not be queued")
