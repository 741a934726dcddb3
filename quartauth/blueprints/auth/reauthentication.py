"""Confirm it's you: what matters most needs the password entered lately in the session.

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

from quart import request
from quart.typing import ResponseReturnValue

from ... import extensions
from ...fastpaths.rendering import render
from ...services import users
from ...services.sessions import SignedIn
from . import attempts
from .forms import ConfirmPasswordForm

P = ParamSpec("P")
WRONG_PASSWORD_MESSAGE = "That is not your password."

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
        if "password" in await request.form:  # the "Confirm it's you" form, sent back
            confirmed = await confirm(form, signed_in)
            if confirmed is not None:
                return await view(confirmed, *args, **kwargs)
        return await confirmation_page(form, action=request.path)

    return guarded


def is_recent(signed_in: SignedIn) -> bool:
    window = extensions.lifetimes().reauthentication
    return signed_in.reauthenticated_since(extensions.clock()() - window)


async def confirm(form: ConfirmPasswordForm, signed_in: SignedIn) -> SignedIn | None:
    """The sign-in, reauthenticated, when the form holds the person's password; else None,
    with the reason on the form."""
    if not await form.validate_on_submit():
        return None
    confirmed = await attempts.counted(
        signed_in.user,
        users.reauthenticate(
            extensions.database(),
            extensions.password_hasher(),
            signed_in,
            password=form.password.data,
            now=extensions.clock()(),
        ),
        wrong=lambda outcome: outcome is None,
        on="confirm it's you",
    )
    if confirmed is None:
        form.password.errors.append(WRONG_PASSWORD_MESSAGE)
    return confirmed


async def confirmation_page(form: ConfirmPasswordForm, *, action: str) -> ResponseReturnValue:
    minutes = int(extensions.lifetimes().reauthentication.total_seconds() // 60)
    return await render("auth/confirm.html", form=form, action=action, minutes=minutes)
