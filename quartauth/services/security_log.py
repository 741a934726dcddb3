"""The security log: what happened to accounts, kept in the ``security_log`` table for their owners and
admins, and written as one JSON line on the app's log for a log collector.

Writing it never makes a request fail: a database error is logged and the request goes on.
Only events are written, never page views.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ..db import Connection, Database, DatabaseError
from . import paging
from ..repository.security_log import (
    Activity,
    SecurityEvent,
    delete_security_events_before,
    insert_security_event,
    select_security_events,
    select_recent_activity_of_user,
)

logger = logging.getLogger("quartauth.security_log")
PAGE_SIZE = 50


class Event(StrEnum):
    SIGN_UP = "sign_up"
    SIGN_UP_TRIED = "sign_up_tried"  # with the address of an account (SIGN_UP_REVEALS_ACCOUNTS off)
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"  # the reason stays in the detail, which only admins see
    LOGIN_REFUSED = "login_refused"  # by a limit, unchecked
    PASSWORD_CHECK_FAILED = "password_check_failed"  # a wrong password from a signed-in person
    LOGOUT = "logout"
    SESSION_ENDED = "session_ended"
    OTHER_SESSIONS_ENDED = "other_sessions_ended"
    PASSWORD_CHANGED = "password_changed"
    ACCOUNT_DELETED = "account_deleted"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_ENABLED = "account_enabled"
    ADMIN_MADE = "admin_made"
    ADMIN_REMOVED = "admin_removed"
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere"
    VERIFICATION_SENT = "verification_sent"
    EMAIL_VERIFIED = "email_verified"
    RESET_ASKED = "reset_asked"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE_ASKED = "email_change_asked"
    EMAIL_CHANGE_CANCELLED = "email_change_cancelled"
    EMAIL_CHANGED = "email_changed"
    TWO_STEP_ON = "two_step_on"
    TWO_STEP_OFF = "two_step_off"
    TWO_STEP_RESET = "two_step_reset"  # by an admin
    SECOND_STEP_FAILED = "second_step_failed"  # a wrong code, or one used already
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    TRUSTED_BROWSERS_FORGOTTEN = "trusted_browsers_forgotten"
    PASSKEY_ADDED = "passkey_added"
    PASSKEY_REMOVED = "passkey_removed"
    PASSKEYS_REMOVED = "passkeys_removed"  # by an admin
    PASSKEY_COPIED = "passkey_copied"  # its counter went back

# Events that come in runs when someone guesses: the owner's page shows each run as one line.
FAILURES = (Event.LOGIN_FAILED, Event.LOGIN_REFUSED, Event.PASSWORD_CHECK_FAILED)

LABELS = {
    Event.SIGN_UP: "Signed up",
    Event.SIGN_UP_TRIED: "Someone tried to sign up with this email address",
    Event.LOGIN: "Logged in",
    Event.LOGIN_FAILED: "Failed login",
    Event.LOGIN_REFUSED: "Login refused: too many failed attempts",
    Event.PASSWORD_CHECK_FAILED: "Wrong password entered while signed in",
    Event.LOGOUT: "Logged out",
    Event.SESSION_ENDED: "Ended another session",
    Event.OTHER_SESSIONS_ENDED: "Logged out everywhere else",
    Event.PASSWORD_CHANGED: "Changed the password",
    Event.ACCOUNT_DELETED: "Deleted the account",
    Event.ACCOUNT_DISABLED: "Account disabled by an admin",
    Event.ACCOUNT_ENABLED: "Account enabled by an admin",
    Event.ADMIN_MADE: "Made an admin",
    Event.ADMIN_REMOVED: "Admin rights removed",
    Event.LOGGED_OUT_EVERYWHERE: "Logged out everywhere by an admin",
    Event.VERIFICATION_SENT: "Asked for a new link to verify the email address",
    Event.EMAIL_VERIFIED: "Verified the email address",
    Event.RESET_ASKED: "Asked for a link to reset the password",
    Event.PASSWORD_RESET: "Reset the password",
    Event.EMAIL_CHANGE_ASKED: "Asked to change the email address",
    Event.EMAIL_CHANGE_CANCELLED: "Cancelled a change of the email address",
    Event.EMAIL_CHANGED: "Changed the email address",
    Event.TWO_STEP_ON: "Turned two-step sign-in on",
    Event.TWO_STEP_OFF: "Turned two-step sign-in off",
    Event.TWO_STEP_RESET: "Two-step sign-in reset by an admin",
    Event.SECOND_STEP_FAILED: "Wrong or used code for two-step sign-in",
    Event.RECOVERY_CODE_USED: "Used a recovery code",
    Event.RECOVERY_CODES_RENEWED: "Made new recovery codes",
    Event.TRUSTED_BROWSERS_FORGOTTEN: "Forgot the trusted browsers",
    Event.PASSKEY_ADDED: "Added a passkey",
    Event.PASSKEY_REMOVED: "Removed a passkey",
    Event.PASSKEYS_REMOVED: "Passkeys removed by an admin",
    Event.PASSKEY_COPIED: "A passkey's counter went back: refused as a copy",
}


def label_of(event: str) -> str:
    """The event as people read it; an event this version does not know, as it is stored."""
    try:
        return LABELS[Event(event)]
    except ValueError:
        return event


def detail_of(detail: str) -> list[tuple[str, str]]:
    """An event's detail as lines to read ("reason: wrong password"), not raw JSON."""
    try:
        parsed = json.loads(detail)
    except ValueError:
        return [("detail", detail)]
    if not isinstance(parsed, dict):
        return [("detail", str(parsed))]
    return [(str(key).replace("_", " "), value if isinstance(value, str) else json.dumps(value)) for key, value in parsed.items()]


@dataclass(frozen=True)
class Where:
    """Where an event came from: the client address and the browser, as people name it."""

    client_address: str | None = None
    browser: str | None = None


async def record(
    db: Database | Connection,
    event: Event,
    *,
    now: datetime,
    where: Where,
    user_id: int | None = None,
    email: str | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    details = json.dumps(detail or {}, sort_keys=True, separators=(",", ":"))
    logger.info(json.dumps({
        "at": now.isoformat(), "event": str(event), "user_id": user_id, "email": email,
        "client_address": where.client_address, "browser": where.browser, "detail": detail or {},
    }, sort_keys=True))
    try:
        await insert_security_event(
            db, at=now, user_id=user_id, email=email, event=str(event),
            client_address=where.client_address, browser=where.browser, detail=details,
        )
    except DatabaseError as error:
        logger.warning("the security log could not be written (%s): the event is on this log only", error)


async def recent_activity_of(db: Database, user_id: int, limit: int = 20) -> list[Activity]:
    """The account's last ``limit`` events, newest first, each run of failures between them
    (failed logins, refusals, wrong passwords) as one line with its count and time span, so
    that no number of guesses pushes what the owner did out of sight."""
    failed, refused, check_failed = FAILURES
    return await select_recent_activity_of_user(
        db, user_id, limit=limit, failed=failed, refused=refused, check_failed=check_failed
    )


@dataclass(frozen=True)
class Page:
    events: list[SecurityEvent]
    next_before: int | None


async def events_page(db: Database, *, email: str, event: str, before: str | None) -> Page:
    """Newest first, ``PAGE_SIZE`` a page, from below ``before`` (a previous page's
    ``next_before``; anything else starts at the newest)."""
    found = await select_security_events(
        db, before_id=paging.start_id(before), email=email, event=event, limit=PAGE_SIZE + 1
    )
    next_before = found[PAGE_SIZE - 1].id if len(found) > PAGE_SIZE else None
    return Page(found[:PAGE_SIZE], next_before)


async def prune(db: Database, now: datetime, retention: timedelta) -> int:
    return await delete_security_events_before(db, now - retention)
