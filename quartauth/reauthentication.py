"""Confirm it's you: what matters most needs the password entered lately in the session
(and, with two-step sign-in on, a code with it: full re-authentication).

A guarded action whose session has not seen the password within ``REAUTH_MINUTES``
(signing in counts) answers with the "Confirm it's you" page instead. Its form posts back
to the same action with the password; when the password is right the action carries on in
that very request, so what the person asked for is neither lost nor asked for twice. The
guarded actions take nothing but their CSRF token, so nothing else needs carrying over.

``/confirm?next=...`` (in the views) shows the same page ahead of a visit.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from quart import flash, request
from quart.typing import ResponseReturnValue
from wtforms import Field

from . import passkey_requests
from .app_objects import app_objects
from .fastpaths.rendering import render
from .forms import ConfirmPasswordForm
from .logging_in import check_code, check_password
from .services import sessions
from .services.sessions import SignedIn
from .services.sign_in_flow import Result
from .services.two_step import CODE_MESSAGES, CODE_MISSING_MESSAGE
from .services.two_step_codes import Check

P = ParamSpec("P")
WRONG_PASSWORD_MESSAGE = "That is not your password."
WRONG_CURRENT_PASSWORD_MESSAGE = "That is not your current password."

GuardedView = Callable[Concatenate[SignedIn, P], Awaitable[ResponseReturnValue]]


def recent_password_required(view: GuardedView[P]) -> GuardedView[P]:
    """The view runs once the session's password is recent enough, asking for it if need be.

    Goes inside ``@signed_in_required``, which hands it the sign-in.
    """

    @wraps(view)
    async def guarded(signed_in: SignedIn, *args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if is_recent(signed_in):
            return await view(signed_in, *args, **kwargs)
        form = await ConfirmPasswordForm.create_form()
        if {"password", "passkey"} & set(await request.form):  # the "Confirm it's you" form, sent back
            confirmed = await confirm(form, signed_in)
            if confirmed is not None:
                return await view(confirmed, *args, **kwargs)
        return await confirmation_page(form, signed_in, action=request.path)

    return guarded


def is_recent(signed_in: SignedIn) -> bool:
    objects = app_objects()
    return signed_in.reauthenticated_since(objects.now() - objects.lifetimes.reauthentication)


async def password_is_theirs(signed_in: SignedIn, password: str, *, page: str) -> bool:
    """Whether ``password`` is the signed-in person's, checked by the sign-in flow from the
    signed-in ``page``: a wrong one counts as a failed login, and is on the security log."""
    outcome = await check_password(signed_in.user.email, password, page=page)
    return outcome.result is Result.SIGNED_IN and outcome.user is not None and outcome.user.id == signed_in.user.id


async def second_step_problem(signed_in: SignedIn, code: str | None, *, page: str) -> str | None:
    """With two-step sign-in on, why ``code`` does not confirm that it is them, or None; a
    wrong code counts as a failed login, as a wrong password does."""
    if not signed_in.user.has_two_step:
        return None
    if not (code or "").strip():
        return CODE_MISSING_MESSAGE
    checked = await check_code(signed_in.user, code or "", page=page)
    return None if checked.result is Check.ACCEPTED else CODE_MESSAGES[checked.result]


async def is_them(
    signed_in: SignedIn, password: Field, code: Field, *, page: str, wrong_password: str = WRONG_PASSWORD_MESSAGE
) -> bool:
    """Whether the fields hold the person's password and, with two-step sign-in on, a right
    code; if not, the reason is on the field at fault (the code is not tried after a wrong
    password)."""
    if not await password_is_theirs(signed_in, password.data, page=page):
        password.errors.append(wrong_password)
        return False
    if (problem := await second_step_problem(signed_in, code.data, page=page)) is not None:
        code.errors.append(problem)
        return False
    return True


async def problems_confirming(
    signed_in: SignedIn, password: str, code: str | None, *, page: str, password_field: str = "password",
    wrong_password: str = WRONG_PASSWORD_MESSAGE,
) -> dict[str, list[str]]:
    """What is wrong with ``password`` (and ``code``) as the signed-in person's, by field:
    empty when it is them. For the JSON API, as ``is_them`` is for the forms."""
    if not await password_is_theirs(signed_in, password, page=page):
        return {password_field: [wrong_password]}
    if (problem := await second_step_problem(signed_in, code, page=page)) is not None:
        return {"code": [problem]}
    return {}


async def confirm(form: ConfirmPasswordForm, signed_in: SignedIn) -> SignedIn | None:
    """The sign-in, reauthenticated, when the form holds the person's password (and code), or
    the answer of one of their passkeys; else None, with the reason on the form (or, for a
    passkey, on the page)."""
    if form.passkey.data:
        problem = await passkey_requests.confirm(signed_in.user, form.passkey.data, page="confirm it's you")
        if problem is not None:
            await flash(problem, "danger")
            return None
        return await sessions.note_reauthentication(app_objects().database, signed_in, app_objects().now())
    if not await form.validate_on_submit():
        return None
    if not await is_them(signed_in, form.password, form.code, page="confirm it's you"):
        return None
    return await sessions.note_reauthentication(app_objects().database, signed_in, app_objects().now())


async def confirmation_page(form: ConfirmPasswordForm, signed_in: SignedIn, *, action: str) -> ResponseReturnValue:
    objects = app_objects()
    minutes = int(objects.lifetimes.reauthentication.total_seconds() // 60)
    passkeys = bool(passkey_requests.relying_party() and await objects.passkeys.count(signed_in.user.id))
    return await render("reauthentication/confirm.html", form=form, action=action, minutes=minutes, passkeys=passkeys)
