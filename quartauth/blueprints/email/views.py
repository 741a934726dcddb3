"""What people reach from a link in their mail, and the forms that send such links: verify
the address, forgot and reset the password, confirm a new address."""
from __future__ import annotations

import logging

from quart import Blueprint, current_app, flash, redirect, request, url_for
from quart.typing import ResponseReturnValue

from ...api_errors import error_answer, is_api_request
from ...app_objects import app_objects
from ...fastpaths.rendering import render
from ...logging_in import await_second_step, give_device_cookie, start_session
from ...request_facts import count_mail_asked, log_event
from ...services import email_flows, security_log
from ...services.security_log import Event
from ...services.email_flows import EmailChange
from ...services.tokens import Purpose
from ...services.sessions import SignedIn
from ...signed_in import EmailNotVerified, current_sign_in, signed_in_required
from ...forms import ButtonForm
from ...link_pages import button_page, dead_link_page
from .forms import ForgotForm, ResetForm

NOT_VERIFIED_MESSAGE = "Verify your email address first: open the link we sent you."
blueprint = Blueprint("email", __name__, template_folder="templates")
logger = logging.getLogger("quartauth.mail")

VERIFIED = "Your email address is verified."
FORGOT_ANSWER = "If that address has an account, we sent a link to reset its password."
# A dead link's page: what it was for, and where to ask for a new one.
DEAD_LINKS = {
    "verify": ("This link to verify your email address has expired or was already used.", "email.resend_page"),
    "reset": ("This link to reset your password has expired or was already used.", "email.forgot"),
    "change": ("This link to change your email address has expired or was already used.", "account.overview"),
}


# A link's GET (and HEAD, which mail scanners send) only shows a page; its one button acts.
@blueprint.get("/verify/<token>")
async def verify_page(token: str) -> ResponseReturnValue:
    link = await email_flows.open_link(app_objects().database, token, Purpose.VERIFY, app_objects().now())
    signed_in = current_sign_in()
    if (link and link.user.is_verified) or (link is None and signed_in and signed_in.user.is_verified):
        return await render("links/button.html", heading="Your email address is verified", message=VERIFIED)
    if link is None:
        return await _dead_link("verify")
    return await button_page(
        heading="Verify your email address",
        message=f"Verify that {link.user.email} is your email address.",
        button="Verify email address",
        action=url_for("email.verify", token=token),
    )


@blueprint.post("/verify/<token>")
async def verify(token: str) -> ResponseReturnValue:
    before = await email_flows.verify(app_objects().database, token, app_objects().now())
    if before is None:
        return await _dead_link("verify")
    if not before.is_verified:
        await log_event(Event.EMAIL_VERIFIED, user=before)
    await flash(VERIFIED, "success")
    return redirect(url_for("core.home" if current_sign_in() else "auth.login"))


@blueprint.get("/verify")
@signed_in_required
async def resend_page(signed_in: SignedIn) -> ResponseReturnValue:
    """Where a dead verify link sends people: the Resend button, or word that all is done."""
    return await render("email/verify.html", signed_in=signed_in, form=await ButtonForm.create_form())


@blueprint.app_errorhandler(EmailNotVerified)
async def not_verified(error: EmailNotVerified) -> ResponseReturnValue:
    """REQUIRE_VERIFIED_EMAIL: the page says what to do instead of what was asked for."""
    if is_api_request():
        return error_answer(403, NOT_VERIFIED_MESSAGE, code="email_not_verified")
    signed_in = current_sign_in()
    return await render("email/verify.html", signed_in=signed_in, form=await ButtonForm.create_form(), required=True), 403


@blueprint.post("/verify/resend")
@signed_in_required
async def resend_verification(signed_in: SignedIn) -> ResponseReturnValue:
    form = await ButtonForm.create_form()
    if not await form.validate_on_submit():  # only the CSRF token, which the app checked already
        return redirect(url_for("email.resend_page"))
    user = signed_in.user
    if user.is_verified:
        await flash("Your email address is verified already.", "info")
        return redirect(url_for("core.home"))
    await count_mail_asked(user.email, Purpose.VERIFY)
    await email_flows.resend_verification(app_objects().database, app_objects().mailer, user, app_objects().now())
    await log_event(Event.VERIFICATION_SENT, user=user)
    await flash(f"We sent a new link to {user.email}.", "success")
    return redirect(url_for("core.home"))


@blueprint.route("/forgot", methods=["GET", "POST"])
async def forgot() -> ResponseReturnValue:
    form = await ForgotForm.create_form()
    if await form.validate_on_submit():
        await count_mail_asked(None)
        # Everything that depends on the account happens after the answer, so the answer
        # takes the same time whether or not there is one.
        current_app.add_background_task(_send_reset_link, form.email.data, request.remote_addr)
        return redirect(url_for("email.forgot_sent"))
    return await render("email/forgot.html", form=form)


@blueprint.get("/forgot/sent")
async def forgot_sent() -> ResponseReturnValue:
    return await render(
        "links/sent.html", message=FORGOT_ANSWER, lasts="The link works for an hour.", again=url_for("email.forgot")
    )


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
async def reset(token: str) -> ResponseReturnValue:
    db, now = app_objects().database, app_objects().now()
    link = await email_flows.open_link(db, token, Purpose.RESET, now)
    if link is None:
        return await _dead_link("reset")
    form = await ResetForm.create_form()
    form.email = link.user.email
    if await form.validate_on_submit():
        user = await email_flows.reset_password(
            db, app_objects().password_hasher, app_objects().mailer, token=token, password=form.new_password.data, now=now
        )
        if user is None:
            return await _dead_link("reset")
        await log_event(Event.PASSWORD_RESET, user=user)
        if user.has_two_step:  # the link proves the mailbox, not the second factor (ASVS 6.4.3)
            await flash("Your password was reset.", "success")
            return await await_second_step(user, remember=False, next_path=url_for("core.home"), after_reset=True)
        await start_session(user, remember=False)
        await flash("Your password was reset.", "success")
        response = redirect(url_for("core.home"))
        give_device_cookie(response, user)
        return response
    return await render("email/reset.html", form=form, token=token)


@blueprint.get("/confirm-email/<token>")
async def confirm_email_page(token: str) -> ResponseReturnValue:
    link = await email_flows.open_link(app_objects().database, token, Purpose.CHANGE_EMAIL, app_objects().now())
    if link is None:
        return await _dead_link("change")
    return await button_page(
        heading="Change your email address",
        message=f"Change the email address of your account from {link.user.email} to {link.new_email}.",
        button="Change email address",
        action=url_for("email.confirm_email", token=token),
    )


@blueprint.post("/confirm-email/<token>")
async def confirm_email(token: str) -> ResponseReturnValue:
    outcome = await email_flows.change_email(app_objects().database, app_objects().mailer, token, app_objects().now())
    if outcome.result is EmailChange.DEAD_LINK:
        return await _dead_link("change")
    if outcome.result is EmailChange.TAKEN:
        return await dead_link_page(
            "Another account uses that address now, so your email address did not change.",
            url_for("account.overview"),
            status=409,
        )
    assert outcome.user is not None
    await log_event(Event.EMAIL_CHANGED, user=outcome.user, detail={"from": outcome.old_email})
    await flash("Your email address was changed.", "success")
    return redirect(url_for("account.overview" if current_sign_in() else "auth.login"))


async def _send_reset_link(email: str, client_address: str | None) -> None:
    """After /forgot answered: a link when the address is an account's, at most one a minute."""
    db, now = app_objects().database, app_objects().now()
    try:
        if await app_objects().throttle.mail(None, email, Purpose.RESET) is not None:
            return  # one went less than a minute ago, and its link still works
        user = await email_flows.ask_reset(db, app_objects().mailer, email, now)
        if user is not None:
            await security_log.record(db, Event.RESET_ASKED, now=now, where=security_log.Where(client_address), user_id=user.id, email=user.email)
    except Exception:  # a background task has nobody to answer: the log has to do
        logger.exception("a link to reset a password could not be queued")


async def _dead_link(kind: str) -> ResponseReturnValue:
    message, again = DEAD_LINKS[kind]
    return await dead_link_page(message, url_for(again))
