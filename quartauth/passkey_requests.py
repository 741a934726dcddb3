"""Passkeys on the request's side: whether this page's address is the relying party's, the
cookie that binds the challenges a browser is given to that browser, the options the page's
script asks for (JSON), and a browser's answer handed to the sign-in flow.

The script (``static/passkeys.js``) asks for options with a POST carrying the page's CSRF
token in a header, hands them to ``navigator.credentials``, and posts the answer in the
``passkey`` field of an ordinary form: everything after the options is a form post like any
other, with its redirects and flashed messages.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from quart import Response, current_app, jsonify, request
from quart.typing import ResponseReturnValue

from .app_objects import app_objects
from .logging_in import attempt_facts, set_site_cookie
from .repository.sessions import BROWSER
from .repository.users import User
from .services.passkeys import CHALLENGE_LIFETIME, RelyingParty
from .services.secret_tokens import new_token, plausible
from .services.sign_in_flow import Outcome, Result, StepOutcome, Step
from .services.throttle import TooManyAttempts

UNAVAILABLE_MESSAGE = "Passkeys do not work at this address: open the site at its own address."


def relying_party() -> RelyingParty | None:
    """The relying party, when this page is at its origin: only there can a browser use a
    passkey of the site (never at an IP address, nor at another name of the site)."""
    party = app_objects().relying_party
    return party if party is not None and request.host.lower() == urlsplit(party.origin).netloc else None


def browser_token() -> str | None:
    token = request.cookies.get(current_app.config["PASSKEY_COOKIE_NAME"])
    return token if token and plausible(token) else None


def browser_token_to_bind(*, app_client: bool = False) -> str:
    """The token a challenge is bound to: a new one for an app, which sends it back itself;
    for a browser, its cookie's, or a new one for it (``bound_to_browser``)."""
    return (None if app_client else browser_token()) or new_token()


def bound_to_browser(response: Response, token: str) -> Response:
    """``response`` with the cookie the challenges it hands out are bound to."""
    set_site_cookie(response, "PASSKEY_COOKIE_NAME", token, CHALLENGE_LIFETIME)
    return response


async def options(make: Callable[[str, RelyingParty], Awaitable[str]]) -> ResponseReturnValue:
    """The options ``make`` gives for this browser (JSON), with the cookie their challenge is
    bound to; a problem is JSON too, for the script to show."""
    party = relying_party()
    if party is None:
        return problem(UNAVAILABLE_MESSAGE, 409)
    token = browser_token_to_bind()
    return bound_to_browser(current_app.response_class(await make(token, party), content_type="application/json"), token)


def problem(message: str, status: int) -> ResponseReturnValue:
    return jsonify({"error": message}), status


async def sign_in(answer: str, *, binding: str | None = None) -> Outcome:
    """A passkey's answer, signing in (see ``SignInFlow.sign_in_with_passkey``), to a challenge
    bound to an app's ``binding`` or else to this browser's cookie; refused is a 429."""
    party = relying_party()
    if party is None:
        return Outcome(Result.WRONG, problem=UNAVAILABLE_MESSAGE)
    outcome = await app_objects().sign_in_flow.sign_in_with_passkey(
        await attempt_facts(None), binding or browser_token() or "", answer, party
    )
    if outcome.result is Result.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    return outcome


async def second_step(
    pending_token: str | None, answer: str, *, binding: str | None = None, kind: str = BROWSER
) -> StepOutcome:
    """A passkey's answer as the second step of a pending sign-in, starting a session of
    ``kind``; its challenge bound to an app's ``binding`` or else to this browser's cookie;
    refused is a 429."""
    party = relying_party()
    if party is None:
        return StepOutcome(Step.WRONG, problem=UNAVAILABLE_MESSAGE)
    outcome = await app_objects().sign_in_flow.second_step_with_passkey(
        await attempt_facts(None), pending_token, binding or browser_token() or "", answer, party, kind=kind
    )
    if outcome.result is Step.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    return outcome


async def confirm(user: User, answer: str, *, page: str) -> str | None:
    """Why a passkey's answer does not confirm that signed-in ``user`` is them, or None;
    refused is a 429."""
    party = relying_party()
    if party is None:
        return UNAVAILABLE_MESSAGE
    outcome = await app_objects().sign_in_flow.check_passkey(await attempt_facts(page), user, browser_token() or "", answer, party)
    if outcome.result is Result.REFUSED:
        assert outcome.refusal is not None
        raise TooManyAttempts(outcome.refusal)
    return outcome.problem if outcome.result is not Result.SIGNED_IN else None
