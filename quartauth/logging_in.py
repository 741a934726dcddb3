"""Logging in, on the request's side: the request's facts handed to the sign-in flow, the
outcomes that are not the view's to word (429 and 503 pages), the session started, the
device cookie given, and the cookie that binds a pending sign-in to its browser."""
from __future__ import annotations

from datetime import timedelta

from quart import current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from .app_objects import app_objects
from .repository.sessions import BROWSER
from .repository.users import User
from .request_facts import request_browser
from .services import sessions
from .services.admission import HashingBusy
from .services.devices import DeviceCookie
from .services.sign_in_flow import PENDING_LIFETIME, Facts, Outcome, Result, Step, StepOutcome
from .services.throttle import Refusal, TooManyAttempts
from .services.two_step import SecondStep
from .signed_in import set_session_cookie

# A device cookie outlives sessions and logging out: a year after the last login it gave.
DEVICE_COOKIE_LIFETIME = timedelta(days=365)


async def check_password(email: str, password: str, *, page: str | None = None) -> Outcome:
    """The sign-in flow's outcome for ``password`` (see ``services.sign_in_flow``); refused
    and busy become the app's 429 and 503 pages. ``page``: the signed-in page asking for the
    password again, None for the login page."""
    outcome = await app_objects().sign_in_flow.check(await attempt_facts(page), email, password)
    if outcome.result is Result.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    if outcome.result is Result.BUSY:
        raise HashingBusy()
    return outcome


async def check_code(user: User, code: str, *, page: str | None = None) -> SecondStep:
    """``code`` checked as ``user``'s second step by the sign-in flow; refused is a 429."""
    checked = await app_objects().sign_in_flow.check_code(await attempt_facts(page), user, code)
    if isinstance(checked, Refusal):
        raise TooManyAttempts(checked)
    return checked


async def await_second_step(user: User, *, remember: bool, next_path: str, after_reset: bool = False) -> BaseResponse:
    """No session yet: a pending sign-in, bound to this browser by a cookie, and the page
    that asks for the second step (any pending sign-in the browser had ends)."""
    flow = app_objects().sign_in_flow
    await flow.abandon(pending_sign_in_token())
    token = await flow.await_second_step(user, remembered=remember, next_path=next_path, after_reset=after_reset)
    response = redirect(url_for("auth.second_step"))
    set_site_cookie(response, "SECOND_STEP_COOKIE_NAME", token, PENDING_LIFETIME)
    return response


async def second_step(code: str, *, token: str | None = None, kind: str = BROWSER) -> StepOutcome:
    """The pending sign-in given ``code`` (an app's ``token``, else the browser's cookie's),
    starting a session of ``kind``; refused is a 429."""
    outcome = await app_objects().sign_in_flow.second_step(
        await attempt_facts(None), token or pending_sign_in_token(), code, kind=kind
    )
    if outcome.result is Step.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    return outcome


def pending_sign_in_token() -> str | None:
    return request.cookies.get(current_app.config["SECOND_STEP_COOKIE_NAME"])


def forget_pending_sign_in(response: BaseResponse) -> None:
    config = current_app.config
    response.delete_cookie(config["SECOND_STEP_COOKIE_NAME"], path="/", secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")


async def attempt_facts(page: str | None) -> Facts:
    return Facts(request.remote_addr, await request_browser(), device_cookie(), page)


async def start_session(user: User, *, remember: bool) -> None:
    objects = app_objects()
    started = await sessions.start_session(
        objects.database,
        user,
        lifetimes=objects.lifetimes,
        remembered=remember,
        now=objects.now(),
        client_address=request.remote_addr,  # the client's, as the trusted proxies report it
        browser=await request_browser(),
    )
    set_session_cookie(started, remember=remember)


def device_cookie() -> DeviceCookie | None:
    """The request's device cookie, when this site signed it; checked once a request (the
    login line and the sign-in flow both ask)."""
    if "device_cookie" not in g:
        g.device_cookie = app_objects().device_cookies.read(request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"]))
    return g.device_cookie


def give_device_cookie(response: BaseResponse, user: User) -> str:
    """A new device cookie for ``user``'s account: its nonce, which names the browser."""
    value = app_objects().device_cookies.issue(user.id)
    set_site_cookie(response, "DEVICE_COOKIE_NAME", value, DEVICE_COOKIE_LIFETIME)
    return value.partition(".")[0]


def set_site_cookie(response: BaseResponse, setting: str, value: str, lifetime: timedelta) -> None:
    """A cookie of the site's own: for every path, never for scripts, and Secure in production."""
    config = current_app.config
    response.set_cookie(
        config[setting], value, max_age=int(lifetime.total_seconds()), path="/",
        secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
    )


async def trust_this_browser(response: BaseResponse, user: User) -> None:
    """This browser skips the second step of ``user``'s account for 30 days: trust rides on
    its device cookie (a new one when it has none for the account)."""
    cookie = device_cookie()
    if app_objects().device_cookies.vouches_for(cookie, user.id):
        assert cookie is not None
        browser = cookie.browser
    else:
        browser = give_device_cookie(response, user)
    await app_objects().two_step.trust(user.id, browser, app_objects().now())
