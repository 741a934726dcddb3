"""Who is signed in on a request: the session cookie, or an app's bearer token, checked
against the sessions table.

quart-auth reads and writes the session cookie and proves that we signed it; the cookie
carries a session token. An app sends its token in ``Authorization: Bearer``, to the JSON API
only (never in a query string). Before every view the token is looked up once, and the
request's sign-in becomes a plain value, ``SignedIn`` or None, that views and templates read
as it is. Each token counts only the way it was handed over: a browser session's in the
cookie, an app session's in the header. A cookie whose session has ended signs nobody in and
is removed from the browser.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from quart import Quart, current_app, g, request
from quart_auth import Action, AuthUser, QuartAuth, Unauthorized, current_user, login_user, logout_user

from . import csrf
from .app_objects import app_objects
from .repository.users import User
from .repository.sessions import APP, BROWSER
from .services.secret_tokens import plausible
from .services.sessions import SignedIn

P = ParamSpec("P")
R = TypeVar("R")
_SIGNED_IN = "quartauth_signed_in"
_BEARER = "quartauth_bearer"
NOT_SIGNED_IN_MESSAGE = "Please log in to access this page."
API_PREFIX = "/api/"


# What someone who has not confirmed their address may still do when REQUIRE_VERIFIED_EMAIL
# is on: confirm it (or ask for another link), and log out.
OPEN_TO_UNVERIFIED = frozenset({"auth.confirm_logout", "auth.logout", "email.resend_page", "email.resend_verification"})


# What someone who must set up two-step sign-in (TWO_STEP_REQUIRED) and has not may still do:
# set it up (after Confirm it's you), and log out.
OPEN_WITHOUT_TWO_STEP = frozenset({"auth.confirm_logout", "auth.logout", "auth.confirm", "account.two_step"})


class EmailNotVerified(Exception):
    """REQUIRE_VERIFIED_EMAIL is on, and the signed-in person has not confirmed the address."""


class TwoStepNotSetUp(Exception):
    """TWO_STEP_REQUIRED covers the signed-in person, who has not set up two-step sign-in."""


class SessionCookie(AuthUser):
    """quart-auth's view of the session cookie: ``auth_id`` is the session token, if any.

    Whether that session is still live is for ``current_sign_in()`` to say.
    """

    @property
    async def is_authenticated(self) -> bool:
        return current_sign_in() is not None


def current_sign_in() -> SignedIn | None:
    """The request's sign-in, resolved before the view; None for an anonymous request."""
    return g.get(_SIGNED_IN)


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer <token>`` on a request to the JSON API."""
    if not request.path.startswith(API_PREFIX):
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def signed_in_by_bearer() -> bool:
    """Whether the request's sign-in came with a bearer token (an app: no CSRF to check)."""
    return bool(g.get(_BEARER))


def signed_in_required(view: Callable[Concatenate[SignedIn, P], Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """The view runs for a signed-in request only, and is handed its ``SignedIn`` first;
    anyone else is sent to log in (see ``Unauthorized`` in the auth blueprint)."""

    @wraps(view)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        signed_in = current_sign_in()
        if signed_in is None:
            raise Unauthorized()
        if (
            not signed_in.user.is_verified
            and current_app.config["REQUIRE_VERIFIED_EMAIL"]
            and request.endpoint not in OPEN_TO_UNVERIFIED
        ):
            raise EmailNotVerified()
        if must_set_up_two_step(signed_in) and request.endpoint not in OPEN_WITHOUT_TWO_STEP:
            raise TwoStepNotSetUp()
        return await view(signed_in, *args, **kwargs)

    return guarded


def must_set_up_two_step(signed_in: SignedIn) -> bool:
    return not signed_in.user.has_two_step and two_step_required_of(signed_in.user)


def two_step_required_of(user: User) -> bool:
    """Whether TWO_STEP_REQUIRED covers ``user``."""
    required = current_app.config["TWO_STEP_REQUIRED"]
    return required == "everyone" or (required == "admins" and user.is_admin)


def set_session_cookie(signed_in: SignedIn, *, remember: bool) -> None:
    """Hand the new session's token to the browser, from this response on."""
    csrf.renew_seed()  # nothing from before the sign-in carries over into it
    login_user(SessionCookie(signed_in.token), remember=remember)
    setattr(g, _SIGNED_IN, signed_in)


def remove_session_cookie() -> None:
    """Remove the session cookie from the browser (the caller ends the session itself)."""
    csrf.renew_seed()
    logout_user()
    setattr(g, _SIGNED_IN, None)


def init_app(app: Quart) -> None:
    QuartAuth(app, user_class=SessionCookie)  # type: ignore[arg-type]

    @app.before_request
    async def resolve_sign_in() -> None:
        if request.endpoint == "static":
            return
        if (token := bearer_token()) is not None:  # an app's request: never the cookie's session
            signed_in = await app_objects().session_lookup.resolve(token) if plausible(token) else None
            setattr(g, _BEARER, True)
            setattr(g, _SIGNED_IN, signed_in if signed_in is not None and signed_in.session.kind == APP else None)
            return
        cookie: Any = current_user._get_current_object()  # type: ignore[attr-defined]
        signed_in = None
        if cookie.auth_id is not None:
            signed_in = await app_objects().session_lookup.resolve(cookie.auth_id)
            if signed_in is not None and signed_in.session.kind != BROWSER:
                signed_in = None
            if signed_in is None:
                cookie.action = Action.DELETE  # drop the dead cookie from the browser
        setattr(g, _SIGNED_IN, signed_in)

    @app.context_processor
    async def signed_in_for_templates() -> dict[str, SignedIn | None]:
        return {"signed_in": current_sign_in()}
