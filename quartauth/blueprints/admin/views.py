"""The admin area: the users, found by email, and what admins may do to each.

Admins only: anyone else signed in gets the 403 page, anonymous visitors the login
redirect. Every change needs a recent password (see ``recent_password_required``).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from quart import Blueprint, abort, flash, redirect, request, url_for
from quart.typing import ResponseReturnValue

from ...admin_actions import ACTIONS, Action
from ...app_objects import app_objects
from ...fastpaths.rendering import render
from ...services.admin import UserSummary
from ...request_facts import log_event
from ...services import admin, security_log
from ...services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH
from ...services.paging import MAX_ID
from ...services.security_log import Event
from ...services.sessions import SignedIn
from ...signed_in import signed_in_required
from ...reauthentication import recent_password_required

blueprint = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")
blueprint.add_app_template_global(security_log.detail_of, "event_detail")

P = ParamSpec("P")
USER_ID = f"<int(min=1, max={MAX_ID}):user_id>"
AdminView = Callable[Concatenate[SignedIn, P], Awaitable[ResponseReturnValue]]


def admin_required(view: AdminView[P]) -> Callable[P, Awaitable[ResponseReturnValue]]:
    """``signed_in_required``, and the user must be an admin (else 403)."""

    @signed_in_required
    @wraps(view)
    async def guarded(signed_in: SignedIn, *args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if not signed_in.user.is_admin:
            abort(403)
        return await view(signed_in, *args, **kwargs)

    return guarded


@blueprint.get("")
@admin_required
async def users(signed_in: SignedIn) -> ResponseReturnValue:
    search, start = request.args.get("search", "").strip(), request.args.get("start")
    page, problem = admin.Page([], None), None
    try:
        page = await admin.user_page(app_objects().database, search=search, start=start, now=app_objects().now())
    except admin.InvalidSearch as invalid:
        problem = str(invalid)
    return await render("admin/users.html", page=page, search=search, problem=problem, paged=bool(start))


@blueprint.get("/audit", endpoint="security_log")
@admin_required
async def show_security_log(signed_in: SignedIn) -> ResponseReturnValue:
    """Every event of the security log, newest first; by account email and by event."""
    email = request.args.get("email", "").strip().lower()
    event = request.args.get("event", "")
    problems = []
    if event and event not in set(Event):
        problems.append("There is no such event: choose one from the list.")
        event = ""
    if len(email) > EMAIL_MAX_LENGTH or any(ord(character) < 0x20 for character in email):
        problems.append("That cannot be an email address.")
        email = ""
    page = await security_log.events_page(app_objects().database, email=email, event=event, before=request.args.get("before"))
    return await render(
        "admin/security_log.html", page=page, email=email, event=event, events=list(Event), problems=problems
    )


@blueprint.get(f"/users/{USER_ID}")
@admin_required
async def user(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    return await render("admin/user.html", user=await _summary(user_id), passkeys=await app_objects().passkeys.count(user_id))


@blueprint.get(f"/users/{USER_ID}/confirm-disable")
@admin_required
async def confirm_disable(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    """Disabling asks before it acts: this page says what it does, its button does it."""
    return await render("admin/disable.html", user=await _summary(user_id))


async def _summary(user_id: int) -> UserSummary:
    summary = await admin.user_summary(app_objects().database, user_id, app_objects().now())
    if summary is None:
        abort(404)
    return summary


def _action_view(action: Action) -> Callable[..., Awaitable[ResponseReturnValue]]:
    @admin_required
    @recent_password_required
    async def carry_out(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
        """Make the change, log it, say how it went, and go back to the user's page."""
        try:
            user = await action.change(app_objects().database, user_id, signed_in, app_objects().now())
        except admin.UnknownUser:
            abort(404)
        except admin.Refused as refusal:
            await flash(str(refusal), "danger")
        else:
            await log_event(action.event, user=user, detail={"by": signed_in.user.email})
            await flash(action.message.format(email=user.email), "success")
        return redirect(url_for("admin.user", user_id=user_id))

    return carry_out


for name, action in ACTIONS.items():
    blueprint.add_url_rule(f"/users/{USER_ID}/{name}", name.replace("-", "_"), _action_view(action), methods=["POST"])
