"""What admins may do to a user, as one table, for the admin area's pages and the JSON API
alike: each action's change, what the page then says, and its event on the security log."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from .app_objects import app_objects
from .db import Database
from .repository.users import User
from .services import admin
from .services.security_log import Event
from .services.sessions import SignedIn


@dataclass(frozen=True)
class Action:
    """An admin action on one user (``POST /admin/users/<id>/<name>``): the change, what the
    page then says, and its event on the security log."""

    change: Callable[[Database, int, SignedIn, datetime], Awaitable[User]]
    message: str
    event: Event


ACTIONS = {
    "disable": Action(
        lambda db, user_id, by, now: admin.disable(db, user_id, by=by.user.id, now=now),
        "{email} was disabled: it cannot log in, and its sessions were ended.",
        Event.ACCOUNT_DISABLED,
    ),
    "enable": Action(
        lambda db, user_id, by, now: admin.enable(db, user_id), "{email} was enabled: it can log in again.", Event.ACCOUNT_ENABLED
    ),
    "make-admin": Action(
        lambda db, user_id, by, now: admin.make_admin(db, user_id), "{email} is now an admin.", Event.ADMIN_MADE
    ),
    "remove-admin": Action(
        lambda db, user_id, by, now: admin.remove_admin(db, user_id, by=by.user.id),
        "{email} is no longer an admin.",
        Event.ADMIN_REMOVED,
    ),
    "end-sessions": Action(
        lambda db, user_id, by, now: admin.end_sessions(db, user_id), "{email} was logged out everywhere.", Event.LOGGED_OUT_EVERYWHERE
    ),
    "reset-two-step": Action(
        lambda db, user_id, by, now: admin.reset_two_step(db, app_objects().two_step, user_id, now),
        "{email}'s two-step sign-in was reset: it logs in with its password alone until it is set up again.",
        Event.TWO_STEP_RESET,
    ),
    "remove-passkeys": Action(
        lambda db, user_id, by, now: admin.remove_passkeys(db, app_objects().passkeys, user_id, now),
        "{email}'s passkeys were removed: it logs in with its password.",
        Event.PASSKEYS_REMOVED,
    ),
}
