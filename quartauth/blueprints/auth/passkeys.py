"""Passkeys on the auth pages: signing in with one, one as the second step, and one for
Confirm it's you; each first asks for the options its page's script hands the browser."""
from __future__ import annotations

from quart import flash, redirect, url_for
from quart.typing import ResponseReturnValue

from ... import passkey_requests
from ...app_objects import app_objects
from ...logging_in import forget_pending_sign_in, pending_sign_in_token
from ...security import safe_redirect_target
from ...services.passkeys import NOT_VALID_MESSAGE, Purpose
from ...services.sessions import SignedIn
from ...services.sign_in_flow import Result, Step
from ...signed_in import current_sign_in, signed_in_required
from .forms import PasskeyLoginForm, PasskeySecondStepForm
from .views import STEP_ENDED_MESSAGES, blueprint, second_step_answered, signed_in_response


@blueprint.post("/login/passkey/options")
async def passkey_options() -> ResponseReturnValue:
    """What the login page's script hands the browser to sign in with a passkey: a challenge,
    and no account named."""
    objects = app_objects()
    return await passkey_requests.options(
        lambda browser, party: objects.passkeys.options_to_check(Purpose.SIGN_IN, browser, party, objects.now())
    )


@blueprint.post("/login/passkey")
async def login_with_passkey() -> ResponseReturnValue:
    """A passkey's answer, from the login page's script: signed in, with no password and no
    second step (the passkey verified its person), or back to the login page with why not."""
    if current_sign_in() is not None:
        await flash("You are already logged in.", "info")
        return redirect(url_for("core.home"))
    form = await PasskeyLoginForm.create_form()
    target = safe_redirect_target(form.next.data)
    if not await form.validate_on_submit():
        problem = next(iter(form.passkey.errors), NOT_VALID_MESSAGE)
    else:
        outcome = await passkey_requests.sign_in(form.passkey.data)
        if outcome.result is Result.SIGNED_IN and outcome.user is not None:
            await app_objects().sign_in_flow.abandon(pending_sign_in_token())
            response = await signed_in_response(outcome.user, remember=form.remember.data, target=target, known_browser=outcome.known_browser)
            forget_pending_sign_in(response)
            return response
        problem = outcome.problem or NOT_VALID_MESSAGE
    await flash(problem, "danger")
    return redirect(url_for("auth.login", next=form.next.data or None))


@blueprint.post("/login/two-step/passkey/options")
async def second_step_passkey_options() -> ResponseReturnValue:
    """A challenge for a passkey of the account whose sign-in this browser holds."""
    objects = app_objects()
    user = await objects.sign_in_flow.pending_user(pending_sign_in_token())
    if user is None:
        return passkey_requests.problem(STEP_ENDED_MESSAGES[Step.ENDED], 401)
    return await passkey_requests.options(
        lambda browser, party: objects.passkeys.options_to_check(Purpose.SECOND_STEP, browser, party, objects.now(), user=user)
    )


@blueprint.post("/login/two-step/passkey")
async def second_step_with_passkey() -> ResponseReturnValue:
    """A passkey's answer as the second step, in place of a code."""
    if current_sign_in() is not None:
        return redirect(url_for("core.home"))
    form = await PasskeySecondStepForm.create_form()
    if not await form.validate_on_submit():
        problem = next(iter(form.passkey.errors), NOT_VALID_MESSAGE)
    else:
        outcome = await passkey_requests.second_step(pending_sign_in_token(), form.passkey.data)
        if (answered := await second_step_answered(outcome, trust=form.trust.data)) is not None:
            return answered
        problem = outcome.problem or NOT_VALID_MESSAGE
    await flash(problem, "danger")
    return redirect(url_for("auth.second_step"))


@blueprint.post("/confirm/passkey/options")
@signed_in_required
async def confirm_passkey_options(signed_in: SignedIn) -> ResponseReturnValue:
    """A challenge for a passkey of the signed-in account, for Confirm it's you."""
    objects = app_objects()
    return await passkey_requests.options(
        lambda browser, party: objects.passkeys.options_to_check(Purpose.CONFIRM, browser, party, objects.now(), user=signed_in.user)
    )
