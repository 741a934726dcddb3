"""Logging in, on the request's side: the request's facts handed to the sign-in flow, the
outcomes that are not the view's to word (429 and 503 pages), the session started and the
device cookie given."""
from __future__ import annotations

from datetime import timedelta

from quart import Response, current_app, g, request

from .app_objects import app_objects
from .repository.users import User
from .request_facts import request_browser
from .services import sessions
from .services.admission import HashingBusy
from .services.devices import DeviceCookie
from .services.sign_in_flow import Facts, Outcome, Result
from .services.throttle import TooManyAttempts
from .signed_in import set_session_cookie

# A device cookie outlives sessions and logging out: a year after the last login it gave.
DEVICE_COOKIE_LIFETIME = timedelta(days=365)


async def check_password(email: str, password: str, *, page: str | None = None) -> Outcome:
    """The sign-in flow's outcome for ``password`` (see ``services.sign_in_flow``); refused
    and busy become the app's 429 and 503 pages. ``page``: the signed-in page asking for the
    password again, None for the login page."""
    facts = Facts(request.remote_addr, await request_browser(), device_cookie(), page)
    outcome = await app_objects().sign_in_flow.check(facts, email, password)
    if outcome.result is Result.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    if outcome.result is Result.BUSY:
        raise HashingBusy()
    return outcome


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


def give_device_cookie(response: Response, user: User) -> None:
    config = current_app.config
    response.set_cookie(
        config["DEVICE_COOKIE_NAME"],
        app_objects().device_cookies.issue(user.id),
        max_age=int(DEVICE_COOKIE_LIFETIME.total_seconds()),
        path="/",
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
