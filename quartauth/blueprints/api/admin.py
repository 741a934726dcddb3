"""The JSON API: the admin area (the users, found by email, and what admins may do to each)."""
from __future__ import annotations


from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from quart.typing import ResponseReturnValue

from ...api_errors import error_answer
from ...admin_actions import ACTIONS
from ...app_objects import app_objects
from ...reauthentication import is_recent
from ...request_facts import log_event
from ...services import admin
from ...services.admin import UserSummary
from ...services.paging import MAX_ID
from ...services.sessions import SignedIn
from .schemas import (
    UserPage,
    UserSearch,
    UserSummaryOut,
    AdminDone,
)
from .base import (
    query,
    CONFIRM_FIRST_MESSAGE,
    NOT_AN_ADMIN_MESSAGE,
    NO_SUCH_USER_MESSAGE,
    answer,
    api_signed_in,
    blueprint,
    operation,
)


# --- the admin area -------------------------------------------------------------------------------


def summary_out(summary: UserSummary) -> UserSummaryOut:
    return UserSummaryOut(
        id=summary.id, email=summary.email, is_admin=summary.is_admin, disabled=summary.is_disabled,
        email_verified=summary.email_verified_at is not None, two_step=summary.has_two_step,
        created_at=summary.created_at, last_sign_in_at=summary.last_sign_in_at, live_sessions=summary.live_sessions,
    )


def api_admin_required(view: Callable[..., Awaitable[ResponseReturnValue]]) -> Callable[..., Awaitable[ResponseReturnValue]]:
    """Signed in, and an admin (else 403)."""

    @api_signed_in
    @wraps(view)
    async def guarded(signed_in: SignedIn, *args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not signed_in.user.is_admin:
            return error_answer(403, NOT_AN_ADMIN_MESSAGE)
        return await view(signed_in, *args, **kwargs)

    return guarded


@blueprint.get("/admin/users")
@operation({200: UserPage}, 422, signed_in=True, tag="admin", query=UserSearch)
@api_admin_required
async def admin_users(signed_in: SignedIn) -> ResponseReturnValue:
    """The users: those whose email starts with search, in email order, or else every user,
    newest first; 50 a page."""
    asked = query(UserSearch)
    try:
        page = await admin.user_page(app_objects().database, search=(asked.search or "").strip(), start=asked.start, now=app_objects().now())
    except admin.InvalidSearch as invalid:
        return error_answer(422, str(invalid), fields={"search": [str(invalid)]})
    return answer(UserPage(users=[summary_out(user) for user in page.users], next_start=page.next_start))


@blueprint.get(f"/admin/users/<int(min=1, max={MAX_ID}):user_id>")
@operation({200: UserSummaryOut}, 404, signed_in=True, tag="admin")
@api_admin_required
async def admin_user(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    """One user, as the admin area shows them."""
    summary = await admin.user_summary(app_objects().database, user_id, app_objects().now())
    if summary is None:
        return error_answer(404, NO_SUCH_USER_MESSAGE)
    return answer(summary_out(summary))


ACTION_NAMES = ", ".join(f'"{name}"' for name in ACTIONS)  # quoted: some have a hyphen


@blueprint.post(f"/admin/users/<int(min=1, max={MAX_ID}):user_id>/<any({ACTION_NAMES}):action>")
@operation({200: AdminDone}, 404, 409, signed_in=True, tag="admin")
@api_admin_required
async def admin_action(signed_in: SignedIn, user_id: int, action: str) -> ResponseReturnValue:
    """An admin action on a user: disable, enable, make-admin, remove-admin, end-sessions,
    reset-two-step, remove-passkeys. Needs a recent Confirm it's you (403 with code
    "confirm_first" until then); it is logged, and the user told by mail where the pages do."""
    if not is_recent(signed_in):
        return error_answer(403, CONFIRM_FIRST_MESSAGE, code="confirm_first")
    chosen = ACTIONS[action]
    try:
        user = await chosen.change(app_objects().database, user_id, signed_in, app_objects().now())
    except admin.UnknownUser:
        return error_answer(404, NO_SUCH_USER_MESSAGE)
    except admin.Refused as refusal:
        return error_answer(409, str(refusal))
    await log_event(chosen.event, user=user, detail={"by": signed_in.user.email})
    summary = await admin.user_summary(app_objects().database, user_id, app_objects().now())
    assert summary is not None
    return answer(AdminDone(message=chosen.message.format(email=user.email), user=summary_out(summary)))
