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

from ... import extensions
from ...fastpaths.rendering import render
from ...repository.users import User, select_user_summary_by_id
from ...services import admin
from ...services.sessions import SignedIn
from ...signed_in import signed_in_required
from ..auth.reauthentication import recent_password_required

blueprint = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")

P = ParamSpec("P")
USER_ID = f"<int(min=1, max={admin.MAX_ID}):user_id>"
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
        page = await admin.user_page(extensions.database(), search=search, start=start, now=extensions.clock()())
    except admin.InvalidSearch as invalid:
        problem = str(invalid)
    return await render("admin/users.html", page=page, search=search, problem=problem, paged=bool(start))


@blueprint.get(f"/users/{USER_ID}")
@admin_required
async def user(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    summary = await select_user_summary_by_id(extensions.database(), user_id, extensions.clock()())
    if summary is None:
        abort(404)
    return await render("admin/user.html", user=summary)


@blueprint.post(f"/users/{USER_ID}/disable")
@admin_required
@recent_password_required
async def disable(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    return await _carry_out(
        user_id,
        admin.disable(extensions.database(), user_id, by=signed_in.user.id, now=extensions.clock()()),
        "{email} was disabled: it cannot log in, and its sessions were ended.",
    )


@blueprint.post(f"/users/{USER_ID}/enable")
@admin_required
@recent_password_required
async def enable(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    return await _carry_out(user_id, admin.enable(extensions.database(), user_id), "{email} was enabled: it can log in again.")


@blueprint.post(f"/users/{USER_ID}/make-admin")
@admin_required
@recent_password_required
async def make_admin(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    return await _carry_out(user_id, admin.make_admin(extensions.database(), user_id), "{email} is now an admin.")


@blueprint.post(f"/users/{USER_ID}/remove-admin")
@admin_required
@recent_password_required
async def remove_admin(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    return await _carry_out(
        user_id,
        admin.remove_admin(extensions.database(), user_id, by=signed_in.user.id), "{email} is no longer an admin."
    )


@blueprint.post(f"/users/{USER_ID}/end-sessions")
@admin_required
@recent_password_required
async def end_sessions(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    return await _carry_out(user_id, admin.end_sessions(extensions.database(), user_id), "{email} was logged out everywhere.")


async def _carry_out(user_id: int, change: Awaitable[User], message: str) -> ResponseReturnValue:
    """Make ``change`` to the user, say how it went, and go back to the user's page."""
    try:
        user = await change
    except admin.UnknownUser:
        abort(404)
    except admin.Refused as refusal:
        await flash(str(refusal), "danger")
    else:
        await flash(message.format(email=user.email), "success")
    return redirect(url_for("admin.user", user_id=user_id))

