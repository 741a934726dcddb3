"""Sign up, log in (and its second step), log out, and confirm it's you (passkeys for each: ``passkeys.py``)."""
from __future__ import annotations

from urllib.parse import quote

from quart import Blueprint, current_app, flash, redirect, request, url_for
from quart.typing import ResponseReturnValue
from quart_auth import Unauthorized

from ... import passkey_requests, reauthentication, signing_up
from ...api_errors import error_answer, is_api_request
from ...app_objects import app_objects
from ...fastpaths.rendering import render
from ...forms import ConfirmPasswordForm
from ...logging_in import (
    await_second_step,
    check_password,
    forget_pending_sign_in,
    give_device_cookie,
    pending_sign_in_token,
    second_step as check_second_step,
    start_session,
    trust_this_browser,
)
from ...request_facts import log_event
from ...security import safe_redirect_target
from ...services import sessions, sign_ups, users
from ...services.security_log import Event
from ...services.sessions import SignedIn
from ...services.sign_in_flow import Result, Step, StepOutcome
from ...services.two_step import CODE_MESSAGES, FEW_RECOVERY_CODES
from ...services.two_step_codes import Check
from ...services.users import User
from ...signed_in import NOT_SIGNED_IN_MESSAGE, current_sign_in, remove_session_cookie, set_session_cookie, signed_in_required
from ...link_pages import button_page, dead_link_page
from .forms import LoginForm, LogoutForm, PasskeyLoginForm, PasskeySecondStepForm, RegisterForm, SecondStepForm

blueprint = Blueprint("auth", __name__, template_folder="templates")


@blueprint.route("/register", methods=["GET", "POST"])
async def register() -> ResponseReturnValue:
    if current_sign_in() is not None:
        await flash("You are already signed up and logged in.", "info")
        return redirect(url_for("core.home"))
    form = await RegisterForm.create_form()
    if await form.validate_on_submit():
        await signing_up.count_sign_up(form.email.data)
        if not current_app.config["SIGN_UP_REVEALS_ACCOUNTS"]:
            return await _sign_up_by_link(form.email.data, form.password.data)
        try:
            user = await users.register(
                app_objects().database,
                app_objects().password_hasher,
                email=form.email.data,
                password=form.password.data,
                mailer=app_objects().mailer,
                now=app_objects().now(),
            )
        except users.EmailTaken:
            form.email.errors.append(users.EMAIL_TAKEN_MESSAGE)
        else:
            return await _welcome(user)
    return await render("auth/register.html", form=form)


async def _welcome(user: User) -> ResponseReturnValue:
    """A new account's first session: signed in, on the security log, and welcomed."""
    await start_session(user, remember=False)
    await log_event(Event.SIGN_UP, user=user)
    await flash("You registered and are now logged in. Welcome!", "success")
    response = redirect(url_for("core.home"))
    give_device_cookie(response, user)
    return response


async def _sign_up_by_link(email: str, password: str) -> ResponseReturnValue:
    await signing_up.ask_by_link(email, password)
    return await render(
        "links/sent.html", message=signing_up.sent_message(email), lasts="The link works for 48 hours.", again=url_for("auth.register")
    )


@blueprint.get("/register/<token>")
async def finish_sign_up_page(token: str) -> ResponseReturnValue:
    email = await sign_ups.pending_email(app_objects().database, token, app_objects().now())
    if email is None:
        return await _dead_sign_up_link()
    return await button_page(
        heading="Finish signing up",
        message=f"Start your account for {email}.",
        button="Start my account",
        action=url_for("auth.finish_sign_up", token=token),
    )


@blueprint.post("/register/<token>")
async def finish_sign_up(token: str) -> ResponseReturnValue:
    finished = await sign_ups.finish(app_objects().database, token, app_objects().now())
    if finished.result is sign_ups.Finish.TAKEN:
        await flash("That address has an account already: log in, or reset its password.", "info")
        return redirect(url_for("auth.login"))
    if finished.user is None:
        return await _dead_sign_up_link()
    remove_session_cookie()  # whoever was signed in on this browser, the new account is who is now
    return await _welcome(finished.user)


async def _dead_sign_up_link() -> ResponseReturnValue:
    return await dead_link_page("This link to finish signing up has expired or was already used.", url_for("auth.register"))


@blueprint.route("/login", methods=["GET", "POST"])
async def login() -> ResponseReturnValue:
    if current_sign_in() is not None:
        await flash("You are already logged in.", "info")
        return redirect(url_for("core.home"))
    form = await LoginForm.create_form()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if await form.validate_on_submit():
        outcome = await check_password(form.email.data, form.password.data)
        target = safe_redirect_target(form.next.data or request.args.get("next"))
        if outcome.user is None:
            await flash("Invalid email and/or password.", "danger")
            form.preferred_focus = "password"
        elif outcome.result is Result.SECOND_STEP_DUE:
            return await await_second_step(outcome.user, remember=form.remember.data, next_path=target)
        else:
            return await signed_in_response(outcome.user, remember=form.remember.data, target=target, known_browser=outcome.known_browser)
    return await _login_page(form)


async def _login_page(form: LoginForm) -> ResponseReturnValue:
    passkey_form = None
    if passkey_requests.relying_party() is not None:
        passkey_form = await PasskeyLoginForm.create_form()
        passkey_form.next.data = form.next.data
    return await render("auth/login.html", form=form, passkey_form=passkey_form)


async def signed_in_response(user: User, *, remember: bool, target: str, known_browser: bool) -> ResponseReturnValue:
    await start_session(user, remember=remember)
    response = redirect(target)
    if not known_browser:
        give_device_cookie(response, user)
    return response


# What the second step's page says when the code is not taken; ENDED and TOO_MANY_WRONG send
# the person back to log in.
STEP_ENDED_MESSAGES = {
    Step.ENDED: "That sign-in has ended. Log in again.",
    Step.TOO_MANY_WRONG: "Too many wrong codes. Log in again.",
}


@blueprint.route("/login/two-step", methods=["GET", "POST"])
async def second_step() -> ResponseReturnValue:
    """The second step of a login: a code from the app (or a recovery code) for the pending
    sign-in this browser holds; the session starts only when it is right."""
    if current_sign_in() is not None:
        return redirect(url_for("core.home"))
    form = await SecondStepForm.create_form()
    if request.method == "GET":
        if (user := await app_objects().sign_in_flow.pending_user(pending_sign_in_token())) is None:
            return await _log_in_again(STEP_ENDED_MESSAGES[Step.ENDED])
        return await _second_step_page(form, user)
    if await form.validate_on_submit():
        outcome = await check_second_step(form.code.data)
        if (answered := await second_step_answered(outcome, trust=form.trust.data)) is not None:
            return answered
        form.code.errors.append(CODE_MESSAGES[Check.USED if outcome.result is Step.USED else Check.WRONG])
    return await _second_step_page(form, await app_objects().sign_in_flow.pending_user(pending_sign_in_token()))


async def _second_step_page(form: SecondStepForm, user: User | None) -> ResponseReturnValue:
    """The page, with a passkey beside the code when the account has one and works here."""
    passkey_form = None
    if user is not None and passkey_requests.relying_party() is not None and await app_objects().passkeys.count(user.id):
        passkey_form = await PasskeySecondStepForm.create_form()
    return await render("auth/second_step.html", form=form, passkey_form=passkey_form)


async def second_step_answered(outcome: StepOutcome, *, trust: bool) -> ResponseReturnValue | None:
    """Where a second step that ended or signed in goes; None when the page asks again."""
    if outcome.result in STEP_ENDED_MESSAGES:
        return await _log_in_again(STEP_ENDED_MESSAGES[outcome.result])
    if outcome.result is Step.SIGNED_IN and outcome.user is not None:
        return await _signed_in_in_two_steps(outcome, trust=trust)
    return None


async def _signed_in_in_two_steps(outcome: StepOutcome, *, trust: bool) -> ResponseReturnValue:
    assert outcome.user is not None and outcome.signed_in is not None
    set_session_cookie(outcome.signed_in, remember=outcome.remembered)
    if outcome.recovery_codes_left is not None:
        left = outcome.recovery_codes_left
        await flash(f"You used a recovery code: {left} left." + (" Make new ones from your account." if left <= FEW_RECOVERY_CODES else ""), "info")
    response = redirect(url_for("core.home") if outcome.after_reset else safe_redirect_target(outcome.next_path))
    forget_pending_sign_in(response)
    if trust:
        await trust_this_browser(response, outcome.user)
    elif not outcome.known_browser:
        give_device_cookie(response, outcome.user)
    return response


async def _log_in_again(message: str) -> ResponseReturnValue:
    await flash(message, "danger")
    response = redirect(url_for("auth.login"))
    forget_pending_sign_in(response)
    return response


@blueprint.get("/logout")
@signed_in_required
async def confirm_logout(signed_in: SignedIn) -> ResponseReturnValue:
    return await render("auth/logout.html", form=await LogoutForm.create_form())


@blueprint.post("/logout")
async def logout() -> ResponseReturnValue:
    """End the session, and any sign-in of this browser still waiting for its second step."""
    signed_in, pending = current_sign_in(), pending_sign_in_token()
    if signed_in is None and pending is None:
        raise Unauthorized()
    await app_objects().sign_in_flow.abandon(pending)
    if signed_in is not None:
        await sessions.end_session(app_objects().database, signed_in.token)
        await log_event(Event.LOGOUT, user=signed_in.user)
        remove_session_cookie()
    await flash("You were logged out.", "info")
    response = redirect(url_for("auth.login"))
    forget_pending_sign_in(response)
    return response


@blueprint.route("/confirm", methods=["GET", "POST"])
@signed_in_required
async def confirm(signed_in: SignedIn) -> ResponseReturnValue:
    """Confirm it's you, then go on to ``next`` (a page of this site, as after logging in)."""
    form = await ConfirmPasswordForm.create_form()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    elif await reauthentication.confirm(form, signed_in) is not None:
        return redirect(safe_redirect_target(form.next.data, default=url_for("account.overview")))
    return await reauthentication.confirmation_page(form, signed_in, action=url_for("auth.confirm"))


@blueprint.app_errorhandler(Unauthorized)
async def redirect_to_login(error: Unauthorized) -> ResponseReturnValue:
    if is_api_request():
        return error_answer(401, NOT_SIGNED_IN_MESSAGE, headers={"WWW-Authenticate": "Bearer"})
    await flash(NOT_SIGNED_IN_MESSAGE, "info")
    login_url = url_for("auth.login")
    if request.method == "GET":
        login_url += "?next=" + quote(_requested_path(), safe="/")
    return redirect(login_url)


def _requested_path() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")
