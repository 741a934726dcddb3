"""The signed-in person's own account: who they are, their sessions, their password, and
deleting it all."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, request, url_for
from quart.typing import ResponseReturnValue

from ... import extensions
from ...fastpaths.rendering import render
from ...security_log import log_event
from ...services import audit, email_flows, sessions, throttle, users
from ...services.admin import Refused
from ...services.audit import Event
from ...services.paging import MAX_ID
from ...services.sessions import SignedIn
from ...services.tokens import Purpose
from ...signed_in import sign_in, sign_out, signed_in_required
from ..auth import attempts
from ..auth.reauthentication import WRONG_PASSWORD_MESSAGE, recent_password_required
from .forms import ChangeEmailForm, ChangePasswordForm, DeleteAccountForm

blueprint = Blueprint("account", __name__, template_folder="templates")
blueprint.add_app_template_global(audit.label_of, "event_label")

# A session id beyond BIGINT is nobody's: the route does not match it (404), so no database sees it.
ENDING_MESSAGES = {
    sessions.Ending.ENDED: ("That session was ended.", "success"),
    sessions.Ending.IN_USE: ("That is this browser's session: to end it, log out.", "info"),
    sessions.Ending.NOT_THEIRS: ("That session is not one of yours, or it has ended already.", "danger"),
}
WRONG_CURRENT_PASSWORD = "That is not your current password."


@blueprint.get("/account")
@signed_in_required
async def overview(signed_in: SignedIn) -> ResponseReturnValue:
    return await _overview(signed_in)


async def _overview(
    signed_in: SignedIn, password_form: ChangePasswordForm | None = None, email_form: ChangeEmailForm | None = None
) -> ResponseReturnValue:
    db, now = extensions.database(), extensions.clock()()
    live = await sessions.live_sessions(db, signed_in, now)
    activity = await audit.recent_activity_of(db, signed_in.user.id)
    return await render(
        "account/overview.html",
        signed_in=signed_in,
        sessions=live,
        email_change=await email_flows.pending_email_change(db, signed_in.user, now),
        password_form=password_form or await ChangePasswordForm.create_form(),
        email_form=email_form or await ChangeEmailForm.create_form(),
        activity=activity,
    )


@blueprint.post(f"/account/sessions/<int(min=1, max={MAX_ID}):session_id>/end")
@signed_in_required
async def end_session(signed_in: SignedIn, session_id: int) -> ResponseReturnValue:
    ending = await sessions.end_other_session(extensions.database(), signed_in, session_id)
    if ending is sessions.Ending.ENDED:
        await log_event(Event.SESSION_ENDED, user=signed_in.user, detail={"session_id": session_id})
    await flash(*ENDING_MESSAGES[ending])
    return redirect(url_for("account.overview"))


@blueprint.post("/account/sessions/end-others")
@signed_in_required
@recent_password_required
async def end_other_sessions(signed_in: SignedIn) -> ResponseReturnValue:
    ended = await sessions.end_other_sessions(extensions.database(), signed_in)
    await log_event(Event.OTHER_SESSIONS_ENDED, user=signed_in.user, detail={"sessions": ended})
    await flash("You were logged out everywhere else.", "success")
    return redirect(url_for("account.overview"))


@blueprint.post("/account/password")
@signed_in_required
async def change_password(signed_in: SignedIn) -> ResponseReturnValue:
    form = await ChangePasswordForm.create_form()
    form.email = signed_in.user.email
    if await form.validate_on_submit():
        renewed = await attempts.counted(
            signed_in.user,
            users.change_password(
                extensions.database(),
                extensions.password_hasher(),
                signed_in,
                current=form.current_password.data,
                new=form.new_password.data,
                now=extensions.clock()(),
                mailer=extensions.mailer(),
            ),
            wrong=lambda outcome: outcome is None,
            on="change password",
        )
        if renewed is None:
            form.current_password.errors.append(WRONG_CURRENT_PASSWORD)
        else:
            sign_in(renewed, remember=renewed.session.remembered)
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
        elif not await attempts.counted(
            user,
            users.password_is_theirs(extensions.password_hasher(), user, form.current_password.data),
            wrong=lambda right: not right,
            on="change email",
        ):
            form.current_password.errors.append(WRONG_CURRENT_PASSWORD)
        else:
            refusal = await extensions.throttle().mail(request.remote_addr, user.email, Purpose.CHANGE_EMAIL)
            if refusal is not None:
                raise throttle.TooManyAttempts(refusal)
            await email_flows.ask_email_change(extensions.database(), extensions.mailer(), user, new_email, extensions.clock()())
            await log_event(Event.EMAIL_CHANGE_ASKED, user=user)
            # The same words whether or not the address has an account: the form reveals none.
            await flash(f"We sent a link to {new_email}: your email changes when it is opened.", "success")
            return redirect(url_for("account.overview"))
    return await _overview(signed_in, email_form=form)


@blueprint.post("/account/email/cancel")
@signed_in_required
async def cancel_email_change(signed_in: SignedIn) -> ResponseReturnValue:
    if not await email_flows.cancel_email_change(extensions.database(), signed_in.user):
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
        try:
            deletion = await attempts.counted(
                signed_in.user,
                users.delete_account(
                    extensions.database(),
                    extensions.password_hasher(),
                    signed_in,
                    password=form.password.data,
                    mailer=extensions.mailer(),
                    now=extensions.clock()(),
                ),
                wrong=lambda outcome: outcome is users.Deletion.WRONG_PASSWORD,
                on="delete account",
            )
        except Refused as refused:
            refusal = str(refused)
        else:
            if deletion is users.Deletion.GONE:
                sign_out()
                await flash("This account was deleted already.", "info")
                return redirect(url_for("auth.login"))
            if deletion is users.Deletion.DELETED:
                await log_event(Event.ACCOUNT_DELETED, email=signed_in.user.email, detail={"user_id": signed_in.user.id})
                sign_out()
                await flash("Your account was deleted.", "info")
                return redirect(url_for("auth.login"))
            form.password.errors.append(WRONG_PASSWORD_MESSAGE)
    return await render("account/delete.html", form=form, refusal=refusal)
