"""Signing in: one flow from an email and a password to what comes out of them.

Every answer ``POST /login`` can give is decided here, or in what this calls:

1. **The attempt** (``Facts``): the client address, the browser's name, and its device
   cookie when the cookie is valid. The cookie makes the browser *known* to the account
   when it vouches for the account the email names (``devices``).
2. **The limits** (``throttle``): failures counted per address, per account and per pair of
   both (a known browser: per device instead), and successes per address, account and
   device. A key past its limit is refused without a check: ``REFUSED``, a 429 with the
   minutes to wait, written once to the security log.
3. **The turn** (``admission``): the check waits for a hash thread; a known browser's at the
   front. One that waited its longest is ``BUSY``: a 503 with Retry-After.
4. **The check** (``passwords``): the same time whether the email has an account or not, or
   the account is disabled.
5. **The record**: a failure counts in the limits and is on the security log (``WRONG``:
   the seed's "Invalid email and/or password."); a success counts too, and, on the login
   page, is logged and, from a browser new to the account, mailed to its owner
   (``SIGNED_IN``).

Before the flow, a login post meets ``login_line`` (its body within 10 s, else 408; a
stranger's post waits for a place in the line, else 503) and the CSRF check (400).

The pages where a signed-in person enters their password again (Confirm it's you, change
password, change email, delete account) go through the same flow with ``Facts.page`` set:
a wrong password there counts as a failed login, so a stolen session cannot guess it.
``SECOND_STEP_DUE`` is kept for a password that is right when a second step must follow.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..db import Database
from ..repository.users import User, select_user_by_email, update_user_password_hash
from .. import moments
from . import security_log
from .admission import HashingBusy, KnownBrowser
from .devices import DeviceCookie, DeviceCookies
from .mail import Letter, Mailer
from .passwords import PasswordHasher
from .sessions import Clock
from .throttle import LoginAttempt, Refusal, Throttle, network_of


@dataclass(frozen=True)
class Facts:
    """What the request tells of the attempt. ``page``: None for the login page, else the
    signed-in page that asks for the password again ("change password")."""

    client_address: str | None
    browser: str
    device_cookie: DeviceCookie | None = None
    page: str | None = None


class Result(Enum):
    SIGNED_IN = "signed in"
    WRONG = "wrong"
    REFUSED = "refused"
    BUSY = "busy"
    SECOND_STEP_DUE = "second step due"


@dataclass(frozen=True)
class Outcome:
    """What came out: ``user`` when the password was right; ``refusal`` when ``REFUSED``;
    ``known_browser``: the browser's device cookie vouched for the account."""

    result: Result
    user: User | None = None
    refusal: Refusal | None = None
    known_browser: bool = False


class SignInFlow:
    def __init__(
        self, db: Database, hasher: PasswordHasher, throttle: Throttle, device_cookies: DeviceCookies, mailer: Mailer, clock: Clock
    ) -> None:
        self._db = db
        self._hasher = hasher
        self._throttle = throttle
        self._device_cookies = device_cookies
        self._mailer = mailer
        self._clock = clock

    async def check(self, facts: Facts, email: str, password: str) -> Outcome:
        """Whether ``password`` is that of ``email``'s account (``email`` normalized)."""
        # Whom the email names is needed first only to judge a device cookie: without one, a
        # refused attempt costs no look-up.
        user = await select_user_by_email(self._db, email) if facts.device_cookie else None
        cookie = facts.device_cookie if user and self._device_cookies.vouches_for(facts.device_cookie, user.id) else None
        known = KnownBrowser(cookie.browser, network_of(facts.client_address)) if cookie else None
        attempt = LoginAttempt(facts.client_address, email, device=cookie.browser if cookie else None)
        async with self._throttle.login(attempt) as turn:
            if (refusal := turn.refusal) is not None:
                if refusal.first:  # a flood is logged once per refusal, not per attempt
                    await self._record(facts, security_log.Event.LOGIN_REFUSED, email=email)
                return Outcome(Result.REFUSED, refusal=refusal)
            if not facts.device_cookie:
                user = await select_user_by_email(self._db, email)
            try:
                failure = await self._check(user, password, known)
            except HashingBusy:
                return Outcome(Result.BUSY)
            if failure is None:
                await self._throttle.succeeded(turn)
            else:
                await self._throttle.failed(turn)
        if failure is not None:
            await self._record_failure(facts, user, email, failure)
            return Outcome(Result.WRONG)
        assert user is not None
        if facts.page is None:
            await self._record_login(facts, user, known=known is not None)
        return Outcome(Result.SIGNED_IN, user=user, known_browser=known is not None)

    async def _check(self, user: User | None, password: str, known: KnownBrowser | None) -> str | None:
        """Why the password does not sign ``user`` in (for the security log only), or None."""
        if user is None:
            await self._hasher.verify_against_dummy(password)
            return "unknown email"
        verification = await self._hasher.verify(password, user.password_hash, known=known)
        if not verification.matches:
            return "wrong password"
        if user.is_disabled:
            return "account disabled"
        if verification.needs_rehash:
            await update_user_password_hash(self._db, user.id, await self._hasher.hash(password))
        return None

    async def _record_failure(self, facts: Facts, user: User | None, email: str, reason: str) -> None:
        if facts.page is None:  # the reason is for the log only: the answer is the same whatever it is
            await self._record(facts, security_log.Event.LOGIN_FAILED, user=user, email=email, detail={"reason": reason})
        else:
            await self._record(facts, security_log.Event.PASSWORD_CHECK_FAILED, user=user, email=email, detail={"on": facts.page})

    async def _record_login(self, facts: Facts, user: User, *, known: bool) -> None:
        await self._record(facts, security_log.Event.LOGIN, user=user, email=user.email, detail={"known_device": known})
        if not known:  # a browser new to the account: tell its owner
            now = self._clock()
            await self._mailer.send(
                self._db,
                Letter.NEW_BROWSER_LOGIN,
                user.email,
                now,
                browser=facts.browser,
                client_address=facts.client_address or "an unknown address",
                when=moments.written(now),
            )

    async def _record(
        self, facts: Facts, event: security_log.Event, *, email: str, user: User | None = None, detail: dict[str, object] | None = None
    ) -> None:
        await security_log.record(
            self._db,
            event,
            now=self._clock(),
            where=security_log.Where(facts.client_address, facts.browser),
            user_id=user.id if user else None,
            email=user.email if user else email,
            detail=detail,
        )
