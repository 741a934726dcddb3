"""The signed-in person's own account: who they are, their sessions, their password, their
two-step sign-in, their passkeys, and deleting it all."""
from __future__ import annotations

from quart import Blueprint, flash, make_response, redirect, request, url_for
from quart.typing import ResponseReturnValue

from ... import passkey_requests
from ...api_errors import error_answer, is_api_request
from ...app_objects import app_objects
from ...fastpaths.rendering import render
from ...reauthentication import WRONG_CURRENT_PASSWORD_MESSAGE, is_them, recent_password_required
from ...request_facts import count_mail_asked, log_event, request_browser
from ...services import email_flows, security_log, sessions, users
from ...services.admin import Refused
from ...services.passkeys import MAX_ANSWER_LENGTH, NOT_ONE_OF_YOURS_MESSAGE, NOT_VALID_MESSAGE, Refused as PasskeyRefused
from ...services.security_log import Event
from ...services.paging import MAX_ID
from ...services.sessions import SignedIn
from ...services.tokens import Purpose
from ...services.two_step import CODE_MESSAGES, NotSetUp
from ...services.two_step_codes import Check
from ...signed_in import TwoStepNotSetUp, remove_session_cookie, set_session_cookie, signed_in_required, two_step_required_of
from .forms import AddPasskeyForm, ChangeEmailForm, ChangePasswordForm, DeleteAccountForm, TwoStepSetupForm

blueprint = Blueprint("account", __name__, template_folder="templates")
blueprint.add_app_template_global(security_log.label_of, "event_label")

# A session id beyond BIGINT is nobody's: the route does not match it (404), so no database sees it.
ENDING_MESSAGES = {
    sessions.Ending.ENDED: ("That session was ended.", "success"),
    sessions.Ending.IN_USE: ("That is this browser's session: to end it, log out.", "info"),
    sessions.Ending.NOT_THEIRS: ("That session is not one of yours, or it has ended already.", "danger"),
}
TWO_STEP_NOT_SET_UP_MESSAGE = "Set up two-step sign-in to continue."


@blueprint.get("/account")
@signed_in_required
async def overview(signed_in: SignedIn) -> ResponseReturnValue:
    return await _overview(signed_in)


async def _overview(
    signed_in: SignedIn, password_form: ChangePasswordForm | None = None, email_form: ChangeEmailForm | None = None
) -> ResponseReturnValue:
    db, now, user = app_objects().database, app_objects().now(), signed_in.user
    live = await sessions.live_sessions(db, signed_in, now)
    activity = await security_log.recent_activity_of(db, user.id)
    two_step = app_objects().two_step
    return await render(
        "account/overview.html",
        signed_in=signed_in,
        recovery_codes_left=await two_step.recovery_codes_left(user.id) if user.has_two_step else 0,
        trusted_browsers=await two_step.trusted_browsers(user.id, now) if user.has_two_step else 0,
        passkeys=await app_objects().passkeys.of_user(user.id),
        sessions=live,
        email_change=await email_flows.pending_email_change(db, signed_in.user, now),
        password_form=password_form or await ChangePasswordForm.create_form(),
        email_form=email_form or await ChangeEmailForm.create_form(),
        activity=activity,
    )


@blueprint.post(f"/account/sessions/<int(min=1, max={MAX_ID}):session_id>/end")
@signed_in_required
async def end_session(signed_in: SignedIn, session_id: int) -> ResponseReturnValue:
    ending = await sessions.end_other_session(app_objects().database, signed_in, session_id)
    if ending is sessions.Ending.ENDED:
        await log_event(Event.SESSION_ENDED, user=signed_in.user, detail={"session_id": session_id})
    await flash(*ENDING_MESSAGES[ending])
    return redirect(url_for("account.overview"))


@blueprint.post("/account/sessions/end-others")
@signed_in_required
@recent_password_required
async def end_other_sessions(signed_in: SignedIn) -> ResponseReturnValue:
    ended = await sessions.end_other_sessions(app_objects().database, signed_in)
    await log_event(Event.OTHER_SESSIONS_ENDED, user=signed_in.user, detail={"sessions": ended})
    await flash("You were logged out everywhere else.", "success")
    return redirect(url_for("account.overview"))


@blueprint.post("/account/password")
@signed_in_required
async def change_password(signed_in: SignedIn) -> ResponseReturnValue:
    form = await ChangePasswordForm.create_form()
    form.email = signed_in.user.email
    if await form.validate_on_submit():
        if await is_them(signed_in, form.current_password, form.code, page="change password", wrong_password=WRONG_CURRENT_PASSWORD_MESSAGE):
            objects = app_objects()
            renewed = await users.change_password(
                objects.database, objects.password_hasher, signed_in, new=form.new_password.data, now=objects.now(), mailer=objects.mailer
            )
            set_session_cookie(renewed, remember=renewed.session.remembered)
            await log_event(Event.PASSWORD_CHANGED, user=signed_in.user)
            await flash("Your password was changed.", "success")
            return redirect(url_for("account.overview"))
    return await _overview(signed_in, password_form=form)


@blueprint.post("/account/email")
@signed_in_required
async def change_email(signed_in: SignedIn) -> ResponseReturnValue:
    """Mail a link to the new address; the email changes when it is opened."""
    form, user = await ChangeEmailForm.create_form(), signed_in.user
    if await form.validate_on_submit():
        new_email = form.new_email.data
        if new_email == user.email:
            form.new_email.errors.append("That is your email address already.")
        elif await is_them(signed_in, form.current_password, form.code, page="change email", wrong_password=WRONG_CURRENT_PASSWORD_MESSAGE):
            await count_mail_asked(user.email, Purpose.CHANGE_EMAIL)
            await email_flows.ask_email_change(app_objects().database, app_objects().mailer, user, new_email, app_objects().now())
            await log_event(Event.EMAIL_CHANGE_ASKED, user=user)
            # The same words whether or not the address has an account: the form reveals none.
            await flash(f"We sent a link to {new_email}: your email changes when it is opened.", "success")
            return redirect(url_for("account.overview"))
    return await _overview(signed_in, email_form=form)


@blueprint.post("/account/email/cancel")
@signed_in_required
async def cancel_email_change(signed_in: SignedIn) -> ResponseReturnValue:
    if not await email_flows.cancel_email_change(app_objects().database, signed_in.user):
        await flash("No change of your email address was waiting: nothing was cancelled.", "info")
        return redirect(url_for("account.overview"))
    await log_event(Event.EMAIL_CHANGE_CANCELLED, user=signed_in.user)
    await flash("The change of your email address was cancelled: the link sent to the new address no longer works.", "success")
    return redirect(url_for("account.overview"))


@blueprint.route("/account/delete", methods=["GET", "POST"])
@signed_in_required
async def delete(signed_in: SignedIn) -> ResponseReturnValue:
    """The second step of deleting the account: the password, and a last click."""
    form, refusal = await DeleteAccountForm.create_form(), None
    if await form.validate_on_submit():
        if not await is_them(signed_in, form.password, form.code, page="delete account"):
            return await render("account/delete.html", form=form, refusal=None)
        try:
            deletion = await users.delete_account(
                app_objects().database, signed_in, mailer=app_objects().mailer, now=app_objects().now()
            )
        except Refused as refused:
            refusal = str(refused)
        else:
            if deletion is users.Deletion.DELETED:
                await log_event(Event.ACCOUNT_DELETED, email=signed_in.user.email, detail={"user_id": signed_in.user.id})
            remove_session_cookie()
            await flash("Your account was deleted." if deletion is users.Deletion.DELETED else "This account was deleted already.", "info")
            return redirect(url_for("auth.login"))
    return await render("account/delete.html", form=form, refusal=refusal)


# --- two-step sign-in ----------------------------------------------------------------------


@blueprint.app_errorhandler(TwoStepNotSetUp)
async def two_step_required(error: TwoStepNotSetUp) -> ResponseReturnValue:
    """TWO_STEP_REQUIRED: set it up before anything else (as REQUIRE_VERIFIED_EMAIL asks for
    the address to be verified)."""
    if is_api_request():
        return error_answer(403, TWO_STEP_NOT_SET_UP_MESSAGE, code="two_step_required")
    await flash(TWO_STEP_NOT_SET_UP_MESSAGE, "info")
    return redirect(url_for("account.two_step"))


@blueprint.route("/account/two-step", methods=["GET", "POST"])
@signed_in_required
@recent_password_required
async def two_step(signed_in: SignedIn) -> ResponseReturnValue:
    """Set up an authenticator app: the key on the page; on when a code from it is right."""
    user, objects = signed_in.user, app_objects()
    if user.has_two_step:
        await flash("Two-step sign-in is on already.", "info")
        return redirect(url_for("account.overview", _anchor="two-step"))
    form = await TwoStepSetupForm.create_form()
    # A post without a code is the Confirm it's you form, answered: the page is what it asked for.
    if "code" in await request.form and await form.validate_on_submit():
        try:
            codes = await objects.two_step.turn_on(user, form.code.data, objects.now())
        except NotSetUp:
            await flash("Two-step sign-in is on already.", "info")
            return redirect(url_for("account.overview", _anchor="two-step"))
        if codes is not None:
            await log_event(Event.TWO_STEP_ON, user=user)
            await flash("Two-step sign-in is on.", "success")
            return await _recovery_codes_page(codes)
        form.code.errors.append(CODE_MESSAGES[Check.WRONG])
    setup = await objects.two_step.setup(user)
    return await render("account/two_step.html", form=form, setup=setup)


@blueprint.post("/account/two-step/recovery-codes")
@signed_in_required
@recent_password_required
async def new_recovery_codes(signed_in: SignedIn) -> ResponseReturnValue:
    if not signed_in.user.has_two_step:
        await flash("Two-step sign-in is off: recovery codes come with it.", "info")
        return redirect(url_for("account.overview", _anchor="two-step"))
    codes = await app_objects().two_step.new_recovery_codes(signed_in.user, app_objects().now())
    await log_event(Event.RECOVERY_CODES_RENEWED, user=signed_in.user)
    await flash("Your new recovery codes replace the old ones.", "success")
    return await _recovery_codes_page(codes)


async def _recovery_codes_page(codes: list[str]) -> ResponseReturnValue:
    """The codes, this once: the page is not stored (no-store) and never shows them again."""
    return await render("account/recovery_codes.html", codes=codes, codes_text="\n".join(codes) + "\n")


@blueprint.post("/account/two-step/off")
@signed_in_required
@recent_password_required
async def turn_two_step_off(signed_in: SignedIn) -> ResponseReturnValue:
    user = signed_in.user
    if not user.has_two_step:
        await flash("Two-step sign-in is off already.", "info")
    elif two_step_required_of(user):
        await flash("Your account must have two-step sign-in: it stays on.", "danger")
    else:
        await app_objects().two_step.turn_off(user, app_objects().now())
        await log_event(Event.TWO_STEP_OFF, user=user)
        await flash("Two-step sign-in is off.", "success")
    return redirect(url_for("account.overview", _anchor="two-step"))


@blueprint.post("/account/two-step/trusted-browsers/forget")
@signed_in_required
async def forget_trusted_browsers(signed_in: SignedIn) -> ResponseReturnValue:
    forgotten = await app_objects().two_step.forget_trusted_browsers(signed_in.user.id)
    await log_event(Event.TRUSTED_BROWSERS_FORGOTTEN, user=signed_in.user, detail={"browsers": forgotten})
    await flash("Your trusted browsers were forgotten: each asks for a code at its next login.", "success")
    return redirect(url_for("account.overview", _anchor="two-step"))


# --- passkeys ------------------------------------------------------------------------------

# A credential id is base64url; longer than this, it is nobody's (the route does not match it).
CREDENTIAL_ID = f"<string(maxlength={MAX_ANSWER_LENGTH}):credential_id>"


@blueprint.route("/account/passkeys/add", methods=["GET", "POST"])
@signed_in_required
@recent_password_required
async def add_passkey(signed_in: SignedIn) -> ResponseReturnValue:
    """The page that adds a passkey, shown once the password is recent: the options for the
    browser are on it (their challenge, for this account and browser, is the proof that it
    was confirmed, so the answer's post need not ask again)."""
    objects, party = app_objects(), passkey_requests.relying_party()
    if party is None:
        return await render("account/add_passkey.html", form=None, options=None, relying_party=objects.relying_party)
    browser = passkey_requests.browser_token_to_bind()
    options = await objects.passkeys.options_to_add(signed_in.user, browser, party, objects.now())
    page = await render("account/add_passkey.html", form=await AddPasskeyForm.create_form(), options=options, relying_party=party)
    return passkey_requests.bound_to_browser(await make_response(page), browser)


@blueprint.post("/account/passkeys")
@signed_in_required
async def save_passkey(signed_in: SignedIn) -> ResponseReturnValue:
    """The browser's answer to the add page's options: the passkey added, or why not."""
    form, objects, party = await AddPasskeyForm.create_form(), app_objects(), passkey_requests.relying_party()
    if not await form.validate_on_submit() or not form.passkey.data or party is None:
        await flash(next(iter(form.name.errors), NOT_VALID_MESSAGE), "danger")
        return redirect(url_for("account.add_passkey"))
    name = form.name.data.strip() or await request_browser()
    try:
        passkey = await objects.passkeys.add(signed_in.user, passkey_requests.browser_token() or "", form.passkey.data, name, party, objects.now())
    except PasskeyRefused as refused:
        await flash(refused.message, "danger")
        return redirect(url_for("account.add_passkey"))
    await log_event(Event.PASSKEY_ADDED, user=signed_in.user, detail={"passkey": passkey.name})
    await flash("Passkey added.", "success")
    return redirect(url_for("account.overview", _anchor="passkeys"))


@blueprint.post(f"/account/passkeys/{CREDENTIAL_ID}/remove")
@signed_in_required
@recent_password_required
async def remove_passkey(signed_in: SignedIn, credential_id: str) -> ResponseReturnValue:
    name = await app_objects().passkeys.remove(signed_in.user, credential_id, app_objects().now())
    if name is None:
        await flash(NOT_ONE_OF_YOURS_MESSAGE, "info")
    else:
        await log_event(Event.PASSKEY_REMOVED, user=signed_in.user, detail={"passkey": name})
        await flash("Passkey removed.", "success")
    return redirect(url_for("account.overview", _anchor="passkeys"))
