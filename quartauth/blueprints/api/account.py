"""The JSON API: signing up, the mailed links, and the signed-in person's own account: the
password, the email, deleting it, and the passkeys."""
from __future__ import annotations



from quart import current_app, request
from quart.typing import ResponseReturnValue

from ... import passkey_requests, signing_up
from ...api_errors import error_answer
from ...app_objects import app_objects
from ...mailed_links import (
    DEAD_RESET_LINK,
    DEAD_VERIFY_LINK,
    FORGOT_ANSWER,
    VERIFIED,
    VERIFIED_ALREADY,
    new_link_sent,
    send_reset_link,
)
from ...reauthentication import WRONG_CURRENT_PASSWORD_MESSAGE, WRONG_PASSWORD_MESSAGE, is_recent, problems_confirming
from ...repository.sessions import APP
from ...request_facts import count_mail_asked, log_event, request_browser
from ...services import email_flows, password_policy, users
from ...services.admin import Refused
from ...services.emails import InvalidEmail, normalize_email
from ...services.passkeys import NOT_ONE_OF_YOURS_MESSAGE, Refused as PasskeyRefused
from ...services.tokens import Purpose
from ...services.security_log import Event
from ...services.sessions import SignedIn
from ...signed_in import (
    remove_session_cookie,
    set_session_cookie,
    signed_in_by_bearer,
)
from .schemas import (
    ChangeEmailBody,
    ChangePasswordBody,
    DeleteAccountBody,
    Done,
    EmailBody,
    NewPasskeyBody,
    PasskeyList,
    PasskeyOptions,
    PasskeyOut,
    PasswordChanged,
    ResetBody,
    SignUpBody,
    LoggedIn,
    SecondStepDue,
    TokenBody,
)
from .base import (
    relying_party,
    logged_in,
    options_answer,
    second_step_due,
    CONFIRM_FIRST_MESSAGE,
    PASSWORD_CHANGED_MESSAGE,
    SAME_EMAIL_MESSAGE,
    answer,
    api_signed_in,
    blueprint,
    body,
    operation,
)


# --- signing up -------------------------------------------------------------------------------


@blueprint.post("/sign-up")
@operation({201: LoggedIn, 202: Done}, 403, 409, 422, body=SignUpBody)
async def sign_up() -> ResponseReturnValue:
    """Sign up with an email and a password, under the sign-up page's rules.

    The account starts at once, signed in as login would (201; 409 when the address has an
    account); or, with SIGN_UP_REVEALS_ACCOUNTS off, a link goes to the address, with the
    same 202 answer whether or not it has an account.
    """
    data = await body(SignUpBody)
    try:
        email = normalize_email(data.email)
    except InvalidEmail as error:
        return error_answer(422, str(error), fields={"email": [str(error)]})
    problem = await password_policy.new_password_problem(
        data.password, email=email, breaches=app_objects().breached_passwords, site_name=current_app.config["SITE_NAME"]
    )
    if problem is not None:
        return error_answer(422, problem, fields={"password": [problem]})
    await signing_up.count_sign_up(email)
    if not current_app.config["SIGN_UP_REVEALS_ACCOUNTS"]:
        await signing_up.ask_by_link(email, data.password)
        return answer(Done(message=signing_up.sent_message(email)), 202)
    objects = app_objects()
    try:
        user = await users.register(
            objects.database, objects.password_hasher, email=email, password=data.password, mailer=objects.mailer, now=objects.now()
        )
    except users.EmailTaken:
        return error_answer(409, users.EMAIL_TAKEN_MESSAGE, code="email_taken", fields={"email": [users.EMAIL_TAKEN_MESSAGE]})
    await log_event(Event.SIGN_UP, user=user)
    return await logged_in(user, remember=False, app_client=request.headers.get("X-CSRF-Token") is None, known_browser=False, status=201)


# --- the account -----------------------------------------------------------------------------


async def _not_them(signed_in: SignedIn, password: str, code: str | None, *, page: str, field: str = "current_password") -> ResponseReturnValue | None:
    """A 403 when ``password`` (and ``code``) are not the signed-in person's, as the pages say it; else None."""
    wrong = WRONG_CURRENT_PASSWORD_MESSAGE if field == "current_password" else WRONG_PASSWORD_MESSAGE
    problems = await problems_confirming(signed_in, password, code, page=page, password_field=field, wrong_password=wrong)
    if not problems:
        return None
    return error_answer(403, next(iter(problems.values()))[0], code="not_you", fields=problems)


@blueprint.post("/password")
@operation({200: PasswordChanged}, 422, body=ChangePasswordBody, signed_in=True)
@api_signed_in
async def change_password(signed_in: SignedIn) -> ResponseReturnValue:
    """Change my password: the current one (and a code, with two-step sign-in on), then the new
    one, under the sign-up rules. Every other session ends; this one carries on under a new
    token (an app's is in the answer)."""
    data = await body(ChangePasswordBody)
    objects = app_objects()
    problem = await password_policy.new_password_problem(
        data.new_password, email=signed_in.user.email, breaches=objects.breached_passwords, site_name=current_app.config["SITE_NAME"]
    )
    if problem is not None:
        return error_answer(422, problem, fields={"new_password": [problem]})
    if (refused := await _not_them(signed_in, data.current_password, data.code, page="change password")) is not None:
        return refused
    renewed = await users.change_password(
        objects.database, objects.password_hasher, signed_in, new=data.new_password, now=objects.now(), mailer=objects.mailer
    )
    await log_event(Event.PASSWORD_CHANGED, user=signed_in.user)
    if renewed.session.kind == APP:
        return answer(PasswordChanged(message=PASSWORD_CHANGED_MESSAGE, token=renewed.token))
    set_session_cookie(renewed, remember=renewed.session.remembered)
    return answer(PasswordChanged(message=PASSWORD_CHANGED_MESSAGE, token=None))


@blueprint.post("/email")
@operation({202: Done}, 422, body=ChangeEmailBody, signed_in=True)
@api_signed_in
async def change_email(signed_in: SignedIn) -> ResponseReturnValue:
    """Change my email: a link goes to the new address, and the email changes when it is
    opened. The answer is the same whether or not the address has an account."""
    data = await body(ChangeEmailBody)
    try:
        new_email = normalize_email(data.new_email)
    except InvalidEmail as error:
        return error_answer(422, str(error), fields={"new_email": [str(error)]})
    if new_email == signed_in.user.email:
        return error_answer(422, SAME_EMAIL_MESSAGE, fields={"new_email": [SAME_EMAIL_MESSAGE]})
    if (refused := await _not_them(signed_in, data.current_password, data.code, page="change email")) is not None:
        return refused
    await count_mail_asked(signed_in.user.email, Purpose.CHANGE_EMAIL)
    objects = app_objects()
    await email_flows.ask_email_change(objects.database, objects.mailer, signed_in.user, new_email, objects.now())
    await log_event(Event.EMAIL_CHANGE_ASKED, user=signed_in.user)
    return answer(Done(message=f"We sent a link to {new_email}: your email changes when it is opened."), 202)


@blueprint.delete("/account")
@operation({200: Done}, 409, 422, body=DeleteAccountBody, signed_in=True)
@api_signed_in
async def delete_account(signed_in: SignedIn) -> ResponseReturnValue:
    """Delete my account, with my password (and a code, with two-step sign-in on): the user,
    its sessions and its passkeys, for good."""
    data = await body(DeleteAccountBody)
    if (refused := await _not_them(signed_in, data.password, data.code, page="delete account", field="password")) is not None:
        return refused
    try:
        deletion = await users.delete_account(app_objects().database, signed_in, mailer=app_objects().mailer, now=app_objects().now())
    except Refused as refusal:
        return error_answer(409, str(refusal))
    if deletion is users.Deletion.DELETED:
        await log_event(Event.ACCOUNT_DELETED, email=signed_in.user.email, detail={"user_id": signed_in.user.id})
    if not signed_in_by_bearer():
        remove_session_cookie()
    return answer(Done(message="Your account was deleted." if deletion is users.Deletion.DELETED else "This account was deleted already."))


# --- the mailed links --------------------------------------------------------------------------


@blueprint.post("/verify")
@operation({200: Done}, 404, 422, body=TokenBody)
async def verify() -> ResponseReturnValue:
    """Verify the email address, with the token of the link mailed to it."""
    data = await body(TokenBody)
    before = await email_flows.verify(app_objects().database, data.token, app_objects().now())
    if before is None:
        return error_answer(404, DEAD_VERIFY_LINK, code="dead_link")
    if not before.is_verified:
        await log_event(Event.EMAIL_VERIFIED, user=before)
    return answer(Done(message=VERIFIED))


@blueprint.post("/verify/resend")
@operation({202: Done}, 409, signed_in=True)
@api_signed_in
async def resend_verification(signed_in: SignedIn) -> ResponseReturnValue:
    """Send another link to verify my email address (one a minute at most)."""
    user = signed_in.user
    if user.is_verified:
        return error_answer(409, VERIFIED_ALREADY, code="verified_already")
    await count_mail_asked(user.email, Purpose.VERIFY)
    await email_flows.resend_verification(app_objects().database, app_objects().mailer, user, app_objects().now())
    await log_event(Event.VERIFICATION_SENT, user=user)
    return answer(Done(message=new_link_sent(user.email)), 202)


@blueprint.post("/forgot")
@operation({202: Done}, 422, body=EmailBody)
async def forgot() -> ResponseReturnValue:
    """Forgot the password: a link to reset it goes to the address when it has an account.
    The answer is the same, in the same time, whether or not it has one."""
    data = await body(EmailBody)
    try:
        email = normalize_email(data.email)
    except InvalidEmail as error:
        return error_answer(422, str(error), fields={"email": [str(error)]})
    await count_mail_asked(None)
    send_reset_link(email)
    return answer(Done(message=FORGOT_ANSWER), 202)


@blueprint.post("/reset")
@operation({200: LoggedIn, 202: SecondStepDue}, 404, 422, body=ResetBody)
async def reset() -> ResponseReturnValue:
    """Reset the password with the token of the mailed link, under the sign-up rules: every
    session ends, and this client is signed in (with two-step sign-in on, after its code: 202)."""
    data = await body(ResetBody)
    objects = app_objects()
    link = await email_flows.open_link(objects.database, data.token, Purpose.RESET, objects.now())
    if link is None:
        return error_answer(404, DEAD_RESET_LINK, code="dead_link")
    problem = await password_policy.new_password_problem(
        data.new_password, email=link.user.email, breaches=objects.breached_passwords, site_name=current_app.config["SITE_NAME"]
    )
    if problem is not None:
        return error_answer(422, problem, fields={"new_password": [problem]})
    user = await email_flows.reset_password(
        objects.database, objects.password_hasher, objects.mailer, token=data.token, password=data.new_password, now=objects.now()
    )
    if user is None:
        return error_answer(404, DEAD_RESET_LINK, code="dead_link")
    await log_event(Event.PASSWORD_RESET, user=user)
    app_client = request.headers.get("X-CSRF-Token") is None
    if user.has_two_step:  # the link proves the mailbox, not the second factor
        return await second_step_due(user, remember=False, app_client=app_client, after_reset=True)
    return await logged_in(user, remember=False, app_client=app_client, known_browser=False)


# --- my passkeys ------------------------------------------------------------------------------------


@blueprint.get("/passkeys")
@operation({200: PasskeyList}, signed_in=True)
@api_signed_in
async def list_passkeys(signed_in: SignedIn) -> ResponseReturnValue:
    """My passkeys: each with its name, when it was added and last used."""
    found = await app_objects().passkeys.of_user(signed_in.user.id)
    return answer(PasskeyList(passkeys=[
        PasskeyOut(id=each.credential_id, name=each.name, created_at=each.created_at, last_used_at=each.last_used_at) for each in found
    ]))


@blueprint.post("/new-passkey/options")  # not under /passkeys/, where a passkey's id goes
@operation({200: PasskeyOptions}, 409, signed_in=True)
@api_signed_in
async def new_passkey_options(signed_in: SignedIn) -> ResponseReturnValue:
    """The options to add a passkey (navigator.credentials.create): a verified resident key,
    not one the account has. Needs a recent Confirm it's you (403 "confirm_first")."""
    if not is_recent(signed_in):
        return error_answer(403, CONFIRM_FIRST_MESSAGE, code="confirm_first")
    party = relying_party()
    objects, app_client = app_objects(), signed_in_by_bearer()
    binding = passkey_requests.browser_token_to_bind(app_client=app_client)
    options = await objects.passkeys.options_to_add(signed_in.user, binding, party, objects.now())
    return options_answer(options, binding, app_client=app_client)


@blueprint.post("/passkeys")
@operation({201: PasskeyOut}, 409, 422, body=NewPasskeyBody, signed_in=True)
@api_signed_in
async def add_passkey(signed_in: SignedIn) -> ResponseReturnValue:
    """Add the passkey of the browser's answer to the options; its owner is told by mail.
    The options' challenge, given only after Confirm it's you, carries that confirmation."""
    data = await body(NewPasskeyBody)
    party = relying_party()
    binding = data.binding if signed_in_by_bearer() else passkey_requests.browser_token()
    objects = app_objects()
    try:
        added = await objects.passkeys.add(
            signed_in.user, binding or "", data.answer, data.name.strip() or await request_browser(), party, objects.now()
        )
    except PasskeyRefused as refused:
        return error_answer(422, refused.message, code="passkey_refused", fields={"answer": [refused.message]})
    await log_event(Event.PASSKEY_ADDED, user=signed_in.user, detail={"passkey": added.name})
    return answer(PasskeyOut(id=added.credential_id, name=added.name, created_at=added.created_at, last_used_at=None), 201)


@blueprint.delete("/passkeys/<string(maxlength=16384):credential_id>")
@operation({200: Done}, 404, signed_in=True)
@api_signed_in
async def remove_passkey(signed_in: SignedIn, credential_id: str) -> ResponseReturnValue:
    """Remove one of my passkeys (my password keeps working); its owner is told by mail.
    Needs a recent Confirm it's you (403 "confirm_first")."""
    if not is_recent(signed_in):
        return error_answer(403, CONFIRM_FIRST_MESSAGE, code="confirm_first")
    name = await app_objects().passkeys.remove(signed_in.user, credential_id, app_objects().now())
    if name is None:
        return error_answer(404, NOT_ONE_OF_YOURS_MESSAGE)
    await log_event(Event.PASSKEY_REMOVED, user=signed_in.user, detail={"passkey": name})
    return answer(Done(message="Passkey removed."))
