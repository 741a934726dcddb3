"""Password attempts as the throttle sees them: from which address, on which account, and
whether this browser's device cookie vouches for it; and the device cookie itself."""
from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from quart import Quart, Response, current_app, g, request

from ... import extensions
from ...repository.users import User, select_user_by_email
from ...security_log import log_event
from ...services import passwords, throttle
from ...services.audit import Event

# A device cookie outlives sessions and logging out: a year after the last login it gave.
DEVICE_COOKIE_LIFETIME = timedelta(days=365)
T = TypeVar("T")


async def counted(user: User, check: Awaitable[T], *, wrong: Callable[[T], bool], on: str) -> T:
    """``check`` (of the signed-in ``user``'s password, on the page ``on``) under the login
    limits: a wrong password counts as a failed login, so a stolen session cannot guess the
    password either, and is on the security log. Raises ``TooManyAttempts`` when refused,
    unchecked."""
    email = user.email
    attempt = await login_attempt(email)
    async with extensions.throttle().login(attempt) as turn:
        if (refusal := turn.refusal) is not None:
            if hasattr(check, "close"):
                check.close()  # never started: say so, rather than leave it unawaited
            if refusal.first:
                await log_event(Event.LOGIN_REFUSED, email=email)
            raise throttle.TooManyAttempts(refusal)
        outcome = await check
        if wrong(outcome):
            await extensions.throttle().failed(turn)
    if wrong(outcome):
        await log_event(Event.PASSWORD_CHECK_FAILED, user=user, detail={"on": on})
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


class StrangersLine:
    """How many login posts from browsers without a device cookie this worker works on at
    once: ``per_thread`` per hash thread. The others wait here, before their form is even
    read, and after ``MAX_HASH_WAIT_SECONDS`` are turned away (``HashingBusy``, a 503).
    That any must wait is the sign of a flood: ``queue`` hears of it at once.

    A flood of guesses thus costs the event loop little while it waits, and pages and
    owners (whose browsers carry the cookie, and skip the line) keep their turns; without
    it, two hundred guesses arriving at once would each be parsed, checked against the
    limits and looked up before the first of them waited anywhere."""

    def __init__(self, queue: passwords.HashQueue, per_thread: int = 4) -> None:
        self._queue = queue
        self._places = asyncio.Semaphore(queue.threads * per_thread)

    async def enter(self) -> None:
        if self._places.locked():
            self._queue.crowded()
        # Each waits its own while, so that a flood's turn-aways do not all fall due, and come
        # back, at one moment: answered together they stall the event loop for everyone.
        patience = passwords.MAX_HASH_WAIT_SECONDS * random.uniform(0.75, 1.0)
        try:
            await asyncio.wait_for(self._places.acquire(), patience)
        except asyncio.TimeoutError:
            raise passwords.HashingBusy() from None

    def leave(self) -> None:
        self._places.release()


def init_app(app: Quart, hasher: passwords.PasswordHasher) -> None:
    """Put login posts from strangers in their line; before the CSRF check, which reads the
    form, so register this first."""
    line = StrangersLine(hasher.queue)

    @app.before_request
    async def enter_the_line() -> None:
        if request.method == "POST" and request.endpoint == "auth.login" and not _carries_device_proof():
            await line.enter()
            g.in_strangers_line = True

    @app.teardown_request
    async def leave_the_line(_: BaseException | None) -> None:
        if g.pop("in_strangers_line", False):
            line.leave()


def _carries_device_proof() -> bool:
    return bool(request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"]))


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
