"""The JSON API: who am I, logging in (a password, its second step, a passkey) and out, the
sessions of an account, and Confirm it's you."""
from __future__ import annotations



from quart import request
from quart.typing import ResponseReturnValue

from ... import csrf, passkey_requests
from ...api_errors import error_answer
from ...app_objects import app_objects
from ...logging_in import (
    check_password,
    pending_sign_in_token,
    second_step as browser_second_step,
)
from ...reauthentication import is_recent, problems_confirming
from ...repository.sessions import APP
from ...request_facts import log_event
from ...services import sessions
from ...services.emails import InvalidEmail, normalize_email
from ...services.passkeys import NOT_VALID_MESSAGE, Purpose as PasskeyPurpose
from ...services.security_log import Event
from ...services.sessions import SignedIn
from ...services.sign_in_flow import Result, Step, StepOutcome
from ...services.two_step import CODE_MESSAGES
from ...services.two_step_codes import Check
from ...signed_in import (
    NOT_SIGNED_IN_MESSAGE,
    current_sign_in,
    remove_session_cookie,
    signed_in_by_bearer,
)
from .schemas import (
    ConfirmBody,
    PasskeyLoginBody,
    PasskeyOptions,
    PasskeyStepBody,
    PendingBody,
    Ended,
    LoggedIn,
    LoginBody,
    SecondStepBody,
    SecondStepDue,
    Sessions,
    WhoAmI,
)
from .base import (
    relying_party,
    logged_in,
    options_answer,
    second_step_due,
    signed_in_answer,
    CONFIRM_FIRST_MESSAGE,
    ENDING_ANSWERS,
    STEP_ENDED_MESSAGES,
    WRONG_LOGIN_MESSAGE,
    answer,
    api_signed_in,
    blueprint,
    body,
    operation,
    session_out,
    who_am_i,
)


@blueprint.get("/session")
@operation({200: WhoAmI}, signed_in=True)
async def session() -> ResponseReturnValue:
    """Who am I: the signed-in user and this session.

    A browser client also gets the CSRF token its unsafe requests carry; before it logs in,
    the 401 answer carries one in its X-CSRF-Token header, for the login.
    """
    signed_in = current_sign_in()
    if signed_in is None:
        headers = {"WWW-Authenticate": "Bearer"}
        if not signed_in_by_bearer():
            headers["X-CSRF-Token"] = csrf.new_header_token()
        return error_answer(401, NOT_SIGNED_IN_MESSAGE, headers=headers)
    return answer(who_am_i(signed_in))


# --- logging in and out ------------------------------------------------------------------------


@blueprint.post("/login")
@operation({200: LoggedIn, 202: SecondStepDue}, 401, 403, 422, body=LoginBody)
async def login() -> ResponseReturnValue:
    """Log in with an email and a password.

    An app (no X-CSRF-Token header) gets a bearer token, once; a browser client (with the
    header) gets the session cookie. With two-step sign-in on, the answer is 202: send a
    code to POST /api/v1/login/two-step.
    """
    data = await body(LoginBody)
    app_client = request.headers.get("X-CSRF-Token") is None
    try:  # as the login form's field does: what cannot be an address goes no further
        email = normalize_email(data.email)
    except InvalidEmail as error:
        return error_answer(422, str(error), fields={"email": [str(error)]})
    outcome = await check_password(email, data.password)
    if outcome.user is None:
        return error_answer(401, WRONG_LOGIN_MESSAGE, code="wrong_login")
    if outcome.result is Result.SECOND_STEP_DUE:
        return await second_step_due(outcome.user, remember=data.remember, app_client=app_client)
    return await logged_in(outcome.user, remember=data.remember, app_client=app_client, known_browser=outcome.known_browser)


@blueprint.post("/login/two-step")
@operation({200: LoggedIn}, 401, 403, 422, body=SecondStepBody)
async def second_step() -> ResponseReturnValue:
    """The second step of a login: a code from the authenticator app, or a recovery code.

    An app sends the pending sign-in the login gave it; a browser client's is in its cookie.
    """
    data = await body(SecondStepBody)
    kind = APP if data.pending is not None else sessions.BROWSER
    return _second_step_answer(await browser_second_step(data.code, token=data.pending, kind=kind))


def _second_step_answer(outcome: StepOutcome) -> ResponseReturnValue:
    if outcome.result in STEP_ENDED_MESSAGES:
        return error_answer(401, STEP_ENDED_MESSAGES[outcome.result], code="sign_in_ended")
    if outcome.result is not Step.SIGNED_IN or outcome.signed_in is None:
        if outcome.problem is not None:  # a passkey's answer that did not count
            return error_answer(401, outcome.problem, code="passkey_refused")
        message = CODE_MESSAGES[Check.USED if outcome.result is Step.USED else Check.WRONG]
        return error_answer(401, message, code="wrong_code", fields={"code": [message]})
    return signed_in_answer(outcome.signed_in, remember=outcome.remembered, known_browser=outcome.known_browser)


@blueprint.post("/login/passkey/options")
@operation({200: PasskeyOptions}, 403, 409)
async def passkey_options() -> ResponseReturnValue:
    """The options to sign in with a passkey: a challenge, kept for 5 minutes, used once, and
    no account named. An app's is bound to the binding in the answer, a browser client's to
    its cookie."""
    party = relying_party()
    objects, app_client = app_objects(), request.headers.get("X-CSRF-Token") is None
    binding = passkey_requests.browser_token_to_bind(app_client=app_client)
    options = await objects.passkeys.options_to_check(PasskeyPurpose.SIGN_IN, binding, party, objects.now())
    return options_answer(options, binding, app_client=app_client)


@blueprint.post("/login/passkey")
@operation({200: LoggedIn}, 401, 403, 409, 422, body=PasskeyLoginBody)
async def login_with_passkey() -> ResponseReturnValue:
    """Sign in with a passkey's answer to the options: no password, no second step (the
    passkey verified its person). An app sends the binding its options came with."""
    data = await body(PasskeyLoginBody)
    relying_party()  # 409 where passkeys cannot work
    app_client = data.binding is not None
    outcome = await passkey_requests.sign_in(data.answer, binding=data.binding)
    if outcome.result is not Result.SIGNED_IN or outcome.user is None:
        return error_answer(401, outcome.problem or NOT_VALID_MESSAGE, code="passkey_refused")
    return await logged_in(outcome.user, remember=data.remember, app_client=app_client, known_browser=outcome.known_browser)


@blueprint.post("/login/two-step/passkey/options")
@operation({200: PasskeyOptions}, 401, 403, 409, 422, body=PendingBody)
async def second_step_passkey_options() -> ResponseReturnValue:
    """The options to use a passkey as the second step: a challenge for the passkeys of the
    account whose sign-in is pending (an app's, named by its pending sign-in)."""
    data = await body(PendingBody)
    party = relying_party()
    objects, app_client = app_objects(), data.pending is not None
    user = await objects.sign_in_flow.pending_user(data.pending if app_client else pending_sign_in_token())
    if user is None:
        return error_answer(401, STEP_ENDED_MESSAGES[Step.ENDED], code="sign_in_ended")
    binding = passkey_requests.browser_token_to_bind(app_client=app_client)
    options = await objects.passkeys.options_to_check(PasskeyPurpose.SECOND_STEP, binding, party, objects.now(), user=user)
    return options_answer(options, binding, app_client=app_client)


@blueprint.post("/login/two-step/passkey")
@operation({200: LoggedIn}, 401, 403, 409, 422, body=PasskeyStepBody)
async def second_step_with_passkey() -> ResponseReturnValue:
    """A passkey as the second step, in place of a code, under the same tries and limits."""
    data = await body(PasskeyStepBody)
    relying_party()  # 409 where passkeys cannot work
    app_client = data.pending is not None
    outcome = await passkey_requests.second_step(
        data.pending if app_client else pending_sign_in_token(), data.answer, binding=data.binding,
        kind=APP if app_client else sessions.BROWSER,
    )
    return _second_step_answer(outcome)


@blueprint.post("/logout")
@operation({200: Ended}, signed_in=True)
@api_signed_in
async def logout(signed_in: SignedIn) -> ResponseReturnValue:
    """Log out: end this session, of either kind (a browser client's cookie goes too)."""
    await app_objects().sign_in_flow.abandon(pending_sign_in_token())
    await sessions.end_session(app_objects().database, signed_in.token)
    await log_event(Event.LOGOUT, user=signed_in.user)
    if not signed_in_by_bearer():
        remove_session_cookie()
    return answer(Ended(ended=1))


# --- sessions ------------------------------------------------------------------------------------


@blueprint.get("/sessions")
@operation({200: Sessions}, signed_in=True)
@api_signed_in
async def list_sessions(signed_in: SignedIn) -> ResponseReturnValue:
    """My sessions: every live one, browsers and apps, this one first."""
    live = await sessions.live_sessions(app_objects().database, signed_in, app_objects().now())
    return answer(Sessions(sessions=[session_out(each, signed_in) for each in live]))


@blueprint.delete("/sessions/<int(min=1, max=9223372036854775807):session_id>")
@operation({200: Ended}, 404, 409, signed_in=True)
@api_signed_in
async def end_session(signed_in: SignedIn, session_id: int) -> ResponseReturnValue:
    """End another of my sessions (this one ends by logging out)."""
    ending = await sessions.end_other_session(app_objects().database, signed_in, session_id)
    if ending in ENDING_ANSWERS:
        status, message = ENDING_ANSWERS[ending]
        return error_answer(status, message)
    await log_event(Event.SESSION_ENDED, user=signed_in.user, detail={"session_id": session_id})
    return answer(Ended(ended=1))


@blueprint.post("/sessions/end-others")
@operation({200: Ended}, signed_in=True)
@api_signed_in
async def end_other_sessions(signed_in: SignedIn) -> ResponseReturnValue:
    """Log out everywhere else. Needs a recent Confirm it's you (403 with code
    "confirm_first" until then)."""
    if not is_recent(signed_in):
        return error_answer(403, CONFIRM_FIRST_MESSAGE, code="confirm_first")
    ended = await sessions.end_other_sessions(app_objects().database, signed_in)
    await log_event(Event.OTHER_SESSIONS_ENDED, user=signed_in.user, detail={"sessions": ended})
    return answer(Ended(ended=ended))


@blueprint.post("/confirm")
@operation({200: WhoAmI}, 422, body=ConfirmBody, signed_in=True)
@api_signed_in
async def confirm(signed_in: SignedIn) -> ResponseReturnValue:
    """Confirm it's you: the password again (and a code, with two-step sign-in on), for what
    needs it within the next REAUTH_MINUTES."""
    data = await body(ConfirmBody)
    problems = await problems_confirming(signed_in, data.password, data.code, page="confirm it's you")
    if problems:
        message = next(iter(problems.values()))[0]
        return error_answer(403, message, code="not_you", fields=problems)
    confirmed = await sessions.note_reauthentication(app_objects().database, signed_in, app_objects().now())
    return answer(who_am_i(confirmed))
