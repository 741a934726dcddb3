"""The JSON API, ``/api/v1``: what the pages do, for single-page and phone apps, under the
same rules (the same sign-in flow, limits, security log and mail).

Two kinds of client. A **browser** client (a single-page app on this site) is signed in by
the session cookie, and its unsafe requests carry the CSRF token in ``X-CSRF-Token`` (from
``GET /api/v1/session``). An **app** sends ``Authorization: Bearer <token>``, the token of an
app session that ``POST /api/v1/login`` gave it once; it has no CSRF token to send. Bodies
are JSON, with ``Content-Type: application/json`` only, so that no plain HTML form can post
one; errors have one shape (``api_errors``).
"""
from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from quart import Blueprint, Response, current_app, request
from quart.typing import ResponseReturnValue

from ... import csrf, passkey_requests, signing_up
from ...api_errors import error_answer
from ...admin_actions import ACTIONS
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
from ...logging_in import (
    attempt_facts,
    await_second_step as browser_awaits_second_step,
    check_password,
    give_device_cookie,
    pending_sign_in_token,
    second_step as browser_second_step,
)
from ...reauthentication import WRONG_CURRENT_PASSWORD_MESSAGE, WRONG_PASSWORD_MESSAGE, is_recent, problems_confirming
from ...repository.sessions import APP, Session
from ...request_facts import count_mail_asked, log_event, request_browser
from ...services import admin, email_flows, password_policy, sessions, users
from ...services.admin import Refused, UserSummary
from ...services.paging import MAX_ID
from ...services.emails import InvalidEmail, normalize_email
from ...services.passkeys import NOT_ONE_OF_YOURS_MESSAGE, NOT_VALID_MESSAGE, Purpose as PasskeyPurpose, Refused as PasskeyRefused
from ...services.secret_tokens import new_token
from ...services.tokens import Purpose
from ...services.security_log import Event
from ...services.sessions import SignedIn
from ...services.sign_in_flow import Result, Step, StepOutcome
from ...services.throttle import TooManyAttempts
from ...services.two_step import CODE_MESSAGES, CODE_MISSING_MESSAGE
from ...services.two_step_codes import Check
from ...signed_in import (
    NOT_SIGNED_IN_MESSAGE,
    current_sign_in,
    remove_session_cookie,
    set_session_cookie,
    signed_in_by_bearer,
)
from .schemas import (
    ChangeEmailBody,
    ChangePasswordBody,
    ConfirmBody,
    DeleteAccountBody,
    Done,
    EmailBody,
    NewPasskeyBody,
    PasskeyList,
    PasskeyLoginBody,
    PasskeyOptions,
    PasskeyOut,
    PasskeyStepBody,
    PendingBody,
    PasswordChanged,
    ResetBody,
    SignUpBody,
    Ended,
    LoggedIn,
    LoginBody,
    SecondStepBody,
    SecondStepDue,
    SessionOut,
    Sessions,
    TokenBody,
    UserPage,
    UserSearch,
    UserSummaryOut,
    AdminDone,
    UserOut,
    WhoAmI,
)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
Model = TypeVar("Model", bound=BaseModel)

WRONG_LOGIN_MESSAGE = "Invalid email and/or password."
JSON_ONLY_MESSAGE = "Send JSON, with Content-Type: application/json."
NOT_AN_OBJECT_MESSAGE = "The body must be a JSON object."
PASSWORD_CHANGED_MESSAGE = "Your password was changed."
NOT_AN_ADMIN_MESSAGE = "You do not have permission to see this page."
NO_SUCH_USER_MESSAGE = "There is no such user."
SAME_EMAIL_MESSAGE = "That is your email address already."
CONFIRM_FIRST_MESSAGE = "Confirm it's you first: POST /api/v1/confirm with your password."
STEP_ENDED_MESSAGES = {
    Step.ENDED: "That sign-in has ended. Log in again.",
    Step.TOO_MANY_WRONG: "Too many wrong codes. Log in again.",
}
ENDING_ANSWERS = {
    sessions.Ending.IN_USE: (409, "That is this browser's session: to end it, log out."),
    sessions.Ending.NOT_THEIRS: (404, "That session is not one of yours, or it has ended already."),
}
# The answers every operation may give, whatever it does: each is in the document.
COMMON_ERRORS = (415, 429, 503)
TOO_LARGE = 413  # a body over MAX_CONTENT_LENGTH
SIGNED_IN_ERRORS = (401, 403)

class BadBody(Exception):
    """The request's body is not what the operation takes: a 415 or a 422."""

    def __init__(self, status: int, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


@blueprint.errorhandler(BadBody)
async def bad_body(error: BadBody) -> ResponseReturnValue:
    return error_answer(error.status, error.message, fields=error.fields)


@blueprint.before_request
async def check_request() -> None:
    """JSON only; and the CSRF token of every unsafe request signed in by the session cookie
    (or anonymous with the header: a browser client). An app's bearer requests have none."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if await request.get_data() and request.mimetype != "application/json":
        raise BadBody(415, JSON_ONLY_MESSAGE)
    if signed_in_by_bearer():
        return
    if current_sign_in() is not None or request.headers.get("X-CSRF-Token") is not None:
        await csrf.check_header_token()


@blueprint.after_request
async def allow_listed_origins(response: Response) -> Response:
    """No other site's pages may call the API, but those CORS_ORIGINS lists (exactly), with
    their credentials."""
    origin = request.headers.get("Origin")
    if origin is None or origin not in current_app.config["CORS_ORIGINS"]:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Access-Control-Expose-Headers"] = "X-CSRF-Token, Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, X-CSRF-Token, Authorization"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    return response


async def body(model: type[Model]) -> Model:
    """The request's JSON body as ``model``; ``BadBody`` (422) with what is wrong, field by field."""
    raw = await request.get_data(as_text=False)
    try:
        data = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        data = None
    if not isinstance(data, dict):
        raise BadBody(422, NOT_AN_OBJECT_MESSAGE)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, []).append(problem["msg"])
        raise BadBody(422, "Some fields are not right.", fields) from None


def answer(model: BaseModel, status: int = 200) -> Response:
    return current_app.response_class(model.model_dump_json(), status=status, content_type="application/json")


@dataclass(frozen=True)
class Operation:
    """What the document says of an operation: its body, its answers by status (errors:
    the error shape), whether it needs a session, its tag. ``document.py`` reads it."""

    answers: dict[int, type[BaseModel]]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    signed_in: bool = False
    tags: tuple[str, ...] = field(default=("sessions",))
    query: type[BaseModel] | None = None


def operation(
    answers: dict[int, type[BaseModel]], *errors: int, body: type[BaseModel] | None = None, signed_in: bool = False,
    tag: str = "sessions", query: type[BaseModel] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Describe the view for the document: its ``answers``, and each error it may give, with
    the common ones (and, ``signed_in``, 401 and 403)."""
    every_error = tuple(sorted({
        *errors, *COMMON_ERRORS, *(SIGNED_IN_ERRORS if signed_in else ()), *((TOO_LARGE,) if body is not None else ()),
    }))

    def describe(view: Callable[..., Any]) -> Callable[..., Any]:
        view.api_operation = Operation(answers, every_error, body, signed_in, (tag,), query)  # type: ignore[attr-defined]
        return view

    return describe


def api_signed_in(view: Callable[..., Awaitable[ResponseReturnValue]]) -> Callable[..., Awaitable[ResponseReturnValue]]:
    """The view runs for a signed-in request only (either kind), and is handed its sign-in."""

    @wraps(view)
    async def guarded(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        signed_in = current_sign_in()
        if signed_in is None:
            return error_answer(401, NOT_SIGNED_IN_MESSAGE, headers={"WWW-Authenticate": "Bearer"})
        return await view(signed_in, *args, **kwargs)

    return guarded


# --- who is signed in ----------------------------------------------------------------------


def user_out(user: Any) -> UserOut:
    return UserOut(id=user.id, email=user.email, is_admin=user.is_admin, email_verified=user.is_verified, two_step=user.has_two_step)


def session_out(session: Session, signed_in: SignedIn) -> SessionOut:
    return SessionOut(
        id=session.id, kind=session.kind, browser=session.browser, client_address=session.client_address,
        created_at=session.created_at, last_seen_at=session.last_seen_at, expires_at=session.expires_at,
        current=session.id == signed_in.session.id,
    )


def who_am_i(signed_in: SignedIn) -> WhoAmI:
    csrf_token = None if signed_in.session.kind == APP else csrf.new_header_token()
    return WhoAmI(user=user_out(signed_in.user), session=session_out(signed_in.session, signed_in), csrf_token=csrf_token)


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
    return await _logged_in(user, remember=False, app_client=request.headers.get("X-CSRF-Token") is None, known_browser=False, status=201)


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
        return await _second_step_due(outcome.user, remember=data.remember, app_client=app_client)
    return await _logged_in(outcome.user, remember=data.remember, app_client=app_client, known_browser=outcome.known_browser)


async def _second_step_due(user: Any, *, remember: bool, app_client: bool, after_reset: bool = False) -> Response:
    """No session yet: a pending sign-in, an app's in the answer, a browser client's in its cookie."""
    if app_client:
        pending = await app_objects().sign_in_flow.await_second_step(user, remembered=True, next_path="/", after_reset=after_reset)
        return answer(SecondStepDue(pending=pending, message=CODE_MISSING_MESSAGE), 202)
    redirected = await browser_awaits_second_step(user, remember=remember, next_path="/", after_reset=after_reset)
    response = answer(SecondStepDue(pending=None, message=CODE_MISSING_MESSAGE), 202)
    for cookie in redirected.headers.getlist("Set-Cookie"):
        response.headers.add("Set-Cookie", cookie)
    return response


async def _logged_in(user: Any, *, remember: bool, app_client: bool, known_browser: bool, status: int = 200) -> Response:
    objects = app_objects()
    started = await sessions.start_session(
        objects.database, user, lifetimes=objects.lifetimes, remembered=remember or app_client, now=objects.now(),
        client_address=request.remote_addr, browser=await request_browser(), kind=APP if app_client else sessions.BROWSER,
    )
    return _signed_in_answer(started, remember=remember, known_browser=known_browser, status=status)


def _signed_in_answer(started: SignedIn, *, remember: bool, known_browser: bool, status: int = 200) -> Response:
    """An app's session: its token, this once. A browser client's: the session cookie (and a
    device cookie for a browser new to the account)."""
    if started.session.kind == APP:
        return answer(LoggedIn(**who_am_i(started).model_dump(), token=started.token), status)
    set_session_cookie(started, remember=remember)
    response = answer(LoggedIn(**who_am_i(started).model_dump(), token=None), status)
    if not known_browser:
        give_device_cookie(response, started.user)
    return response


@blueprint.post("/login/two-step")
@operation({200: LoggedIn}, 401, 403, 422, body=SecondStepBody)
async def second_step() -> ResponseReturnValue:
    """The second step of a login: a code from the authenticator app, or a recovery code.

    An app sends the pending sign-in the login gave it; a browser client's is in its cookie.
    """
    data = await body(SecondStepBody)
    if data.pending is not None:
        outcome = await app_objects().sign_in_flow.second_step(await attempt_facts(None), data.pending, data.code, kind=APP)
        if outcome.result is Step.REFUSED:
            assert outcome.refusal is not None
            raise TooManyAttempts(outcome.refusal)
    else:
        outcome = await browser_second_step(data.code)
    return _second_step_answer(outcome)


def _second_step_answer(outcome: StepOutcome) -> ResponseReturnValue:
    if outcome.result in STEP_ENDED_MESSAGES:
        return error_answer(401, STEP_ENDED_MESSAGES[outcome.result], code="sign_in_ended")
    if outcome.result is not Step.SIGNED_IN or outcome.signed_in is None:
        if outcome.problem is not None:  # a passkey's answer that did not count
            return error_answer(401, outcome.problem, code="passkey_refused")
        message = CODE_MESSAGES[Check.USED if outcome.result is Step.USED else Check.WRONG]
        return error_answer(401, message, code="wrong_code", fields={"code": [message]})
    return _signed_in_answer(outcome.signed_in, remember=outcome.remembered, known_browser=outcome.known_browser)


@blueprint.post("/login/passkey/options")
@operation({200: PasskeyOptions}, 403, 409)
async def passkey_options() -> ResponseReturnValue:
    """The options to sign in with a passkey: a challenge, kept for 5 minutes, used once, and
    no account named. An app's is bound to the binding in the answer, a browser client's to
    its cookie."""
    party = passkey_requests.relying_party()
    if party is None:
        return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")
    objects, app_client = app_objects(), request.headers.get("X-CSRF-Token") is None
    binding = new_token() if app_client else passkey_requests.browser_token_to_bind()
    options = await objects.passkeys.options_to_check(PasskeyPurpose.SIGN_IN, binding, party, objects.now())
    return _options_answer(options, binding, app_client=app_client)


@blueprint.post("/login/passkey")
@operation({200: LoggedIn}, 401, 403, 409, 422, body=PasskeyLoginBody)
async def login_with_passkey() -> ResponseReturnValue:
    """Sign in with a passkey's answer to the options: no password, no second step (the
    passkey verified its person). An app sends the binding its options came with."""
    data = await body(PasskeyLoginBody)
    party = passkey_requests.relying_party()
    if party is None:
        return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")
    app_client = data.binding is not None
    binding = data.binding if app_client else passkey_requests.browser_token()
    outcome = await app_objects().sign_in_flow.sign_in_with_passkey(await attempt_facts(None), binding or "", data.answer, party)
    if outcome.result is Result.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    if outcome.result is not Result.SIGNED_IN or outcome.user is None:
        return error_answer(401, outcome.problem or NOT_VALID_MESSAGE, code="passkey_refused")
    return await _logged_in(outcome.user, remember=data.remember, app_client=app_client, known_browser=outcome.known_browser)


@blueprint.post("/login/two-step/passkey/options")
@operation({200: PasskeyOptions}, 401, 403, 409, 422, body=PendingBody)
async def second_step_passkey_options() -> ResponseReturnValue:
    """The options to use a passkey as the second step: a challenge for the passkeys of the
    account whose sign-in is pending (an app's, named by its pending sign-in)."""
    data = await body(PendingBody)
    party = passkey_requests.relying_party()
    if party is None:
        return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")
    objects, app_client = app_objects(), data.pending is not None
    user = await objects.sign_in_flow.pending_user(data.pending if app_client else pending_sign_in_token())
    if user is None:
        return error_answer(401, STEP_ENDED_MESSAGES[Step.ENDED], code="sign_in_ended")
    binding = new_token() if app_client else passkey_requests.browser_token_to_bind()
    options = await objects.passkeys.options_to_check(PasskeyPurpose.SECOND_STEP, binding, party, objects.now(), user=user)
    return _options_answer(options, binding, app_client=app_client)


def _options_answer(options: str, binding: str, *, app_client: bool) -> Response:
    """Passkey options: an app's with the binding to send back, a browser client's bound to its cookie."""
    response = answer(PasskeyOptions(options=json.loads(options), binding=binding if app_client else None))
    return response if app_client else passkey_requests.bound_to_browser(response, binding)


@blueprint.post("/login/two-step/passkey")
@operation({200: LoggedIn}, 401, 403, 409, 422, body=PasskeyStepBody)
async def second_step_with_passkey() -> ResponseReturnValue:
    """A passkey as the second step, in place of a code, under the same tries and limits."""
    data = await body(PasskeyStepBody)
    party = passkey_requests.relying_party()
    if party is None:
        return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")
    app_client = data.pending is not None
    outcome = await app_objects().sign_in_flow.second_step_with_passkey(
        await attempt_facts(None), data.pending if app_client else pending_sign_in_token(),
        (data.binding if app_client else passkey_requests.browser_token()) or "", data.answer, party,
        kind=APP if app_client else sessions.BROWSER,
    )
    if outcome.result is Step.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
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
        return await _second_step_due(user, remember=False, app_client=app_client, after_reset=True)
    return await _logged_in(user, remember=False, app_client=app_client, known_browser=False)


# --- the admin area -------------------------------------------------------------------------------


def summary_out(summary: UserSummary) -> UserSummaryOut:
    return UserSummaryOut(
        id=summary.id, email=summary.email, is_admin=summary.is_admin, disabled=summary.is_disabled,
        email_verified=summary.email_verified_at is not None, two_step=summary.has_two_step,
        created_at=summary.created_at, last_sign_in_at=summary.last_sign_in_at, live_sessions=summary.live_sessions,
    )


def api_admin_required(view: Callable[..., Awaitable[ResponseReturnValue]]) -> Callable[..., Awaitable[ResponseReturnValue]]:
    """Signed in, and an admin (else 403)."""

    @api_signed_in
    @wraps(view)
    async def guarded(signed_in: SignedIn, *args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not signed_in.user.is_admin:
            return error_answer(403, NOT_AN_ADMIN_MESSAGE)
        return await view(signed_in, *args, **kwargs)

    return guarded


@blueprint.get("/admin/users")
@operation({200: UserPage}, 422, signed_in=True, tag="admin", query=UserSearch)
@api_admin_required
async def admin_users(signed_in: SignedIn) -> ResponseReturnValue:
    """The users: those whose email starts with search, in email order, or else every user,
    newest first; 50 a page."""
    try:
        query = UserSearch.model_validate(request.args.to_dict())
    except ValidationError:
        return error_answer(422, "search and start must be short text.", fields={"search": ["Too long."]})
    try:
        page = await admin.user_page(app_objects().database, search=(query.search or "").strip(), start=query.start, now=app_objects().now())
    except admin.InvalidSearch as invalid:
        return error_answer(422, str(invalid), fields={"search": [str(invalid)]})
    return answer(UserPage(users=[summary_out(user) for user in page.users], next_start=page.next_start))


@blueprint.get(f"/admin/users/<int(min=1, max={MAX_ID}):user_id>")
@operation({200: UserSummaryOut}, 404, signed_in=True, tag="admin")
@api_admin_required
async def admin_user(signed_in: SignedIn, user_id: int) -> ResponseReturnValue:
    """One user, as the admin area shows them."""
    summary = await admin.user_summary(app_objects().database, user_id, app_objects().now())
    if summary is None:
        return error_answer(404, NO_SUCH_USER_MESSAGE)
    return answer(summary_out(summary))


ACTION_NAMES = ", ".join(f'"{name}"' for name in ACTIONS)  # quoted: some have a hyphen


@blueprint.post(f"/admin/users/<int(min=1, max={MAX_ID}):user_id>/<any({ACTION_NAMES}):action>")
@operation({200: AdminDone}, 404, 409, signed_in=True, tag="admin")
@api_admin_required
async def admin_action(signed_in: SignedIn, user_id: int, action: str) -> ResponseReturnValue:
    """An admin action on a user: disable, enable, make-admin, remove-admin, end-sessions,
    reset-two-step, remove-passkeys. Needs a recent Confirm it's you (403 with code
    "confirm_first" until then); it is logged, and the user told by mail where the pages do."""
    if not is_recent(signed_in):
        return error_answer(403, CONFIRM_FIRST_MESSAGE, code="confirm_first")
    chosen = ACTIONS[action]
    try:
        user = await chosen.change(app_objects().database, user_id, signed_in, app_objects().now())
    except admin.UnknownUser:
        return error_answer(404, NO_SUCH_USER_MESSAGE)
    except admin.Refused as refusal:
        return error_answer(409, str(refusal))
    await log_event(chosen.event, user=user, detail={"by": signed_in.user.email})
    summary = await admin.user_summary(app_objects().database, user_id, app_objects().now())
    assert summary is not None
    return answer(AdminDone(message=chosen.message.format(email=user.email), user=summary_out(summary)))


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
    party = passkey_requests.relying_party()
    if party is None:
        return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")
    objects, app_client = app_objects(), signed_in_by_bearer()
    binding = new_token() if app_client else passkey_requests.browser_token_to_bind()
    options = await objects.passkeys.options_to_add(signed_in.user, binding, party, objects.now())
    return _options_answer(options, binding, app_client=app_client)


@blueprint.post("/passkeys")
@operation({201: PasskeyOut}, 409, 422, body=NewPasskeyBody, signed_in=True)
@api_signed_in
async def add_passkey(signed_in: SignedIn) -> ResponseReturnValue:
    """Add the passkey of the browser's answer to the options; its owner is told by mail.
    The options' challenge, given only after Confirm it's you, carries that confirmation."""
    data = await body(NewPasskeyBody)
    party = passkey_requests.relying_party()
    if party is None:
        return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")
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
