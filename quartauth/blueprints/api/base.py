"""The JSON API, ``/api/v1``: what the pages do, for single-page and phone apps, under the
same rules (the same sign-in flow, limits, security log and mail). Here, its common ground:
the blueprint, the checks every request meets, bodies read and answers written, and the
answers that sign a client in; the operations are in ``signing_in``, ``account`` and ``admin``.

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

import msgspec
from quart import Blueprint, Response, current_app, request
from quart.typing import ResponseReturnValue

from ... import csrf, passkey_requests
from ...api_errors import error_answer
from ...app_objects import app_objects
from ...logging_in import await_second_step as browser_awaits_second_step, give_device_cookie
from ...repository.sessions import APP, Session
from ...request_facts import request_browser
from ...services import sessions
from ...services.passkeys import RelyingParty
from ...services.sessions import SignedIn
from ...services.sign_in_flow import Step
from ...services.two_step import CODE_MISSING_MESSAGE
from ...signed_in import NOT_SIGNED_IN_MESSAGE, current_sign_in, set_session_cookie, signed_in_by_bearer
from .schemas import Answer, LoggedIn, PasskeyOptions, SecondStepDue, SessionOut, UserOut, WhoAmI

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
Model = TypeVar("Model", bound=msgspec.Struct)

WRONG_LOGIN_MESSAGE = "Invalid email and/or password."
JSON_ONLY_MESSAGE = "Send JSON, with Content-Type: application/json."
NOT_AN_OBJECT_MESSAGE = "The body must be a JSON object."
MISSING_FIELD_MESSAGE = "This field is required."
UNKNOWN_FIELD_MESSAGE = "This operation takes no such field."
# msgspec's names of JSON's types, in its messages, as people say them.
TYPE_WORDS = {
    "str": "a string", "int": "an integer", "bool": "true or false", "null": "null", "float": "a number",
    "object": "an object", "array": "an array",
}
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


class PasskeysUnavailable(Exception):
    """Passkeys cannot work at the address the request came to: a 409."""


@blueprint.errorhandler(BadBody)
async def bad_body(error: BadBody) -> ResponseReturnValue:
    return error_answer(error.status, error.message, fields=error.fields)


@blueprint.errorhandler(PasskeysUnavailable)
async def passkeys_unavailable(error: PasskeysUnavailable) -> ResponseReturnValue:
    return error_answer(409, passkey_requests.UNAVAILABLE_MESSAGE, code="passkeys_unavailable")


def relying_party() -> RelyingParty:
    """The relying party, when this request's address is its origin; else ``PasskeysUnavailable``."""
    if (party := passkey_requests.relying_party()) is None:
        raise PasskeysUnavailable()
    return party


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
    return validated(model, data)


def query(model: type[Model]) -> Model:
    """The request's query string as ``model``; ``BadBody`` (422) as for a body."""
    return validated(model, request.args.to_dict())


def validated(model: type[Model], data: dict[str, Any]) -> Model:
    """``data`` as ``model``; ``BadBody`` (422) with what is wrong, field by field."""
    try:
        return msgspec.convert(data, model, strict=True)
    except msgspec.ValidationError:
        raise BadBody(422, "Some fields are not right.", field_problems(model, data)) from None


def field_problems(model: type[msgspec.Struct], data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with each field of ``data`` as ``model`` (msgspec stops at the first)."""
    fields = msgspec.structs.fields(model)
    problems = {name: [UNKNOWN_FIELD_MESSAGE] for name in data.keys() - {each.name for each in fields}}
    for each in fields:
        if each.name not in data:
            if each.required:
                problems[each.name] = [MISSING_FIELD_MESSAGE]
            continue
        try:
            msgspec.convert(data[each.name], each.type, strict=True)
        except msgspec.ValidationError as error:
            problems[each.name] = [_readable(str(error))]
    return problems


def _readable(problem: str) -> str:
    """msgspec's "Expected `str` of length <= 254" as "Expected a string of length <= 254"."""
    for name, words in TYPE_WORDS.items():
        problem = problem.replace(f"`{name}`", words)
    return problem + "."


def answer(model: Answer, status: int = 200) -> Response:
    return current_app.response_class(msgspec.json.encode(model), status=status, content_type="application/json")


@dataclass(frozen=True)
class Operation:
    """What the document says of an operation: its body, its answers by status (errors:
    the error shape), whether it needs a session, its tag. ``document.py`` reads it."""

    answers: dict[int, type[Answer]]
    errors: tuple[int, ...] = ()
    body: type[msgspec.Struct] | None = None
    signed_in: bool = False
    tags: tuple[str, ...] = field(default=("sessions",))
    query: type[msgspec.Struct] | None = None


def operation(
    answers: dict[int, type[Answer]], *errors: int, body: type[msgspec.Struct] | None = None, signed_in: bool = False,
    tag: str = "sessions", query: type[msgspec.Struct] | None = None,
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


# --- answers that sign in ----------------------------------------------------------------------


async def second_step_due(user: Any, *, remember: bool, app_client: bool, after_reset: bool = False) -> Response:
    """No session yet: a pending sign-in, an app's in the answer, a browser client's in its cookie."""
    if app_client:
        pending = await app_objects().sign_in_flow.await_second_step(user, remembered=True, next_path="/", after_reset=after_reset)
        return answer(SecondStepDue(pending=pending, message=CODE_MISSING_MESSAGE), 202)
    redirected = await browser_awaits_second_step(user, remember=remember, next_path="/", after_reset=after_reset)
    response = answer(SecondStepDue(pending=None, message=CODE_MISSING_MESSAGE), 202)
    for cookie in redirected.headers.getlist("Set-Cookie"):
        response.headers.add("Set-Cookie", cookie)
    return response


async def logged_in(user: Any, *, remember: bool, app_client: bool, known_browser: bool, status: int = 200) -> Response:
    objects = app_objects()
    started = await sessions.start_session(
        objects.database, user, lifetimes=objects.lifetimes, remembered=remember or app_client, now=objects.now(),
        client_address=request.remote_addr, browser=await request_browser(), kind=APP if app_client else sessions.BROWSER,
    )
    return signed_in_answer(started, remember=remember, known_browser=known_browser, status=status)


def signed_in_answer(started: SignedIn, *, remember: bool, known_browser: bool, status: int = 200) -> Response:
    """An app's session: its token, this once. A browser client's: the session cookie (and a
    device cookie for a browser new to the account)."""
    if started.session.kind == APP:
        return answer(LoggedIn(**msgspec.structs.asdict(who_am_i(started)), token=started.token), status)
    set_session_cookie(started, remember=remember)
    response = answer(LoggedIn(**msgspec.structs.asdict(who_am_i(started)), token=None), status)
    if not known_browser:
        give_device_cookie(response, started.user)
    return response


def options_answer(options: str, binding: str, *, app_client: bool) -> Response:
    """Passkey options: an app's with the binding to send back, a browser client's bound to its cookie."""
    response = answer(PasskeyOptions(options=json.loads(options), binding=binding if app_client else None))
    return response if app_client else passkey_requests.bound_to_browser(response, binding)
