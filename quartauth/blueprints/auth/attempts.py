"""Password attempts as the throttle sees them: from which address, on which account, and
whether this browser's device cookie vouches for it; and the device cookie itself."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from quart import Response, current_app, request

from ... import extensions
from ...repository.users import User, select_user_by_email
from ...security_log import log_event
from ...services import throttle
from ...services.audit import Event

# A device cookie outlives sessions and logging out: a year after the last login it gave.
DEVICE_COOKIE_LIFETIME = timedelta(days=365)
T = TypeVar("T")


async def counted(email: str, check: Awaitable[T], *, wrong: Callable[[T], bool]) -> T:
    """``check`` (of the signed-in person's password, for ``email``'s account) under the
    login limits: a wrong password counts as a failed login, so a stolen session cannot
    guess the password either. Raises ``TooManyAttempts`` when refused, unchecked."""
    attempt = await login_attempt(email)
    async with extensions.throttle().login(attempt) as refusal:
        if refusal is not None:
            if hasattr(check, "close"):
                check.close()  # never started: say so, rather than leave it unawaited
            if refusal.first:
                await log_event(Event.LOGIN_REFUSED, email=email)
            raise throttle.TooManyAttempts(refusal)
        outcome = await check
        if wrong(outcome):
            await extensions.throttle().failed(attempt)
    return outcome


async def login_attempt(email: str) -> throttle.LoginAttempt:
    """The attempt, with its device nonce when this browser's device cookie vouches for
    the account behind ``email``."""
    proof = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    device = None
    if proof:
        user = await select_user_by_email(extensions.database(), email)
        device = extensions.device_proofs().nonce_for(proof, user.id) if user else None
    return throttle.LoginAttempt(client_address=request.remote_addr, email=email, device=device)


def give_device_proof(response: Response, user: User) -> None:
    config = current_app.config
    response.set_cookie(
        config["DEVICE_COOKIE_NAME"],
        extensions.device_proofs().issue(user.id),
        max_age=int(DEVICE_COOKIE_LIFETIME.total_seconds()),
        path="/",
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
