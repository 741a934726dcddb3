"""What people reach from a link in their mail, and the forms that send such links: verify
the address, forgot and reset the password, confirm a new address."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, url_for
from quart.typing import ResponseReturnValue

from ...api_errors import error_answer, is_api_request
from ...app_objects import app_objects
from ...fastpaths.rendering import render
from ...logging_in import await_second_step, give_device_cookie, start_session
from ...mailed_links import (
    DEAD_CHANGE_LINK,
    DEAD_RESET_LINK,
    DEAD_VERIFY_LINK,
    FORGOT_ANSWER,
    PASSWORD_RESET,
    VERIFIED,
    VERIFIED_ALREADY,
    new_link_sent,
    send_reset_link,
)
from ...request_facts import count_mail_asked, log_event
from ...services import email_flows
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

# A dead link's page: what it was for, and where to ask for a new one.
DEAD_LINKS = {
    "verify": (DEAD_VERIFY_LINK, "email.resend_page"),
    "reset": (DEAD_RESET_LINK, "email.forgot"),
    "change": (DEAD_CHANGE_LINK, "account.overview"),
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
        await flash(VERIFIED_ALREADY, "info")
        return redirect(url_for("core.home"))
    await count_mail_asked(user.email, Purpose.VERIFY)
    await email_flows.resend_verification(app_objects().database, app_objects().mailer, user, app_objects().now())
    await log_event(Event.VERIFICATION_SENT, user=user)
    await flash(new_link_sent(user.email), "success")
    return redirect(url_for("core.home"))


@blueprint.route("/forgot", methods=["GET", "POST"])
async def forgot() -> ResponseReturnValue:
    form = await ForgotForm.create_form()
    if await form.validate_on_submit():
        await count_mail_asked(None)
        send_reset_link(form.email.data)
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
            await flash(PASSWORD_RESET, "success")
            return await await_second_step(user, remember=False, next_path=url_for("core.home"), after_reset=True)
        await start_session(user, remember=False)
        await flash(PASSWORD_RESET, "success")
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



async def _dead_link(kind: str) -> ResponseReturnValue:
    message, again = DEAD_LINKS[kind]
    return await dead_link_page(message, url_for(again))
