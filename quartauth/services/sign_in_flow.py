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

**The second step** (``two_step``): on the login page, a right password of an account with
two-step sign-in on is ``SECOND_STEP_DUE``, unless the browser is trusted. No session starts
yet: ``await_second_step`` keeps a *pending sign-in* on the server, bound to the browser by a
token in a cookie, for five minutes and five codes; ``second_step`` checks a code against it,
under the same limits as a password (a wrong code counts as a failed login), and of the
requests that bring a right code, one finishes it: in one transaction, the code is spent,
the session starts, the login is logged and the owner told of a new browser. The signed-in pages that ask for the password again ask for
a code too (``check_code``).

**Passkeys** (``passkeys``): a passkey's answer signs in without the password and without a
second step (``sign_in_with_passkey``); it can be the second step after a password
(``second_step_with_passkey``), and it answers Confirm it's you (``check_passkey``). A
refused answer counts as a failed login, per client address (a passkey names no account
until it is checked), and a disabled account's passkey is refused as an unknown one is.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from ..db import Connection, Database, Executor
from ..repository.pending_sign_ins import (
    PendingSignIn,
    delete_pending_sign_in,
    delete_pending_sign_ins_expired_before,
    insert_pending_sign_in,
    select_pending_sign_in,
    take_a_try,
    take_pending_sign_in,
)
from ..repository.sessions import BROWSER
from ..repository.users import User, select_user_by_email, select_user_by_id, update_user_password_hash
from .. import moments
from . import security_log
from .admission import HashingBusy, KnownBrowser
from .devices import DeviceCookie, DeviceCookies
from .mail import Letter, Mailer
from .passkeys import NOT_KNOWN_MESSAGE, Passkeys, Purpose, Refused, RelyingParty
from .passwords import PasswordHasher
from .secret_tokens import hash_token, new_token, plausible
from .sessions import Clock, Lifetimes, SignedIn, start_session
from .throttle import LoginAttempt, Refusal, Throttle, network_of
from .two_step import Proof, SecondStep, TwoStep
from .two_step_codes import Check

PENDING_LIFETIME = timedelta(minutes=5)
MAX_TRIES = 5


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
    problem: str | None = None  # why a passkey's answer did not count, for the page


class _FinishedElsewhere(Exception):
    """Another request finished the pending sign-in first (with another right code)."""


class Step(Enum):
    SIGNED_IN = "signed in"
    WRONG = "wrong code"
    USED = "code used already"
    TOO_MANY_WRONG = "too many wrong codes: the pending sign-in ended"
    ENDED = "no pending sign-in: expired, ended, or never begun"
    REFUSED = "refused"


@dataclass(frozen=True)
class StepOutcome:
    """What a second step came to; when ``SIGNED_IN``: whose, and what the login page asked
    for (``remembered``, ``next_path``), and the recovery codes left if one was used."""

    result: Step
    user: User | None = None
    signed_in: SignedIn | None = None  # the session started, for the browser's cookie
    remembered: bool = False
    next_path: str = ""
    after_reset: bool = False
    known_browser: bool = False
    recovery_codes_left: int | None = None
    refusal: Refusal | None = None
    problem: str | None = None  # why a passkey's answer did not count, for the page


# A second step's proof, checked for the user in the transaction that finishes the sign-in.
Prove = Callable[[User, Connection, datetime], Awaitable[SecondStep]]


class SignInFlow:
    def __init__(
        self,
        db: Database,
        hasher: PasswordHasher,
        throttle: Throttle,
        device_cookies: DeviceCookies,
        mailer: Mailer,
        two_step: TwoStep,
        passkeys: Passkeys,
        lifetimes: Lifetimes,
        clock: Clock,
    ) -> None:
        self._db = db
        self._hasher = hasher
        self._throttle = throttle
        self._device_cookies = device_cookies
        self._mailer = mailer
        self._two_step = two_step
        self._passkeys = passkeys
        self._lifetimes = lifetimes
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
            if user.has_two_step and not (cookie and await self._two_step.is_trusted(user.id, cookie.browser, self._clock())):
                return Outcome(Result.SECOND_STEP_DUE, user=user, known_browser=known is not None)
            how = {"second_step": "trusted browser"} if user.has_two_step else {}
            await self._record_login(facts, user, known=known is not None, **how)
        return Outcome(Result.SIGNED_IN, user=user, known_browser=known is not None)

    # --- the second step -------------------------------------------------------------------

    async def await_second_step(self, user: User, *, remembered: bool, next_path: str, after_reset: bool = False) -> str:
        """Keep a pending sign-in of ``user``, for five minutes: the token for the browser's
        cookie, which ``second_step`` is handed."""
        token, now = new_token(), self._clock()
        await insert_pending_sign_in(
            self._db, token_hash=hash_token(token), user_id=user.id, remembered=remembered, next_path=next_path,
            after_reset=after_reset, created_at=now, expires_at=now + PENDING_LIFETIME,
        )
        return token

    async def pending_user(self, token: str | None) -> User | None:
        """The account of the pending sign-in of ``token``, while it waits for its second step."""
        waiting = await select_pending_sign_in(self._db, hash_token(token), self._clock()) if token and plausible(token) else None
        return await select_user_by_id(self._db, waiting.user_id) if waiting else None

    async def abandon(self, token: str | None) -> None:
        """End a pending sign-in (logging out, or logging in again, on its browser)."""
        if token and plausible(token):
            await delete_pending_sign_in(self._db, hash_token(token))

    async def second_step(self, facts: Facts, token: str | None, code: str, *, kind: str = BROWSER) -> StepOutcome:
        """The pending sign-in of ``token`` given ``code``, a code from the app or a recovery code.

        A try is taken from the pending sign-in before the code is checked, so it never sees
        more than five codes, however many arrive at once; and since its tries are bounded so,
        the code holds no places in the limits (a password does: its check takes a while). A
        wrong code counts as a failed login all the same.
        """

        async def prove(user: User, connection: Connection, now: datetime) -> SecondStep:
            return await self._two_step.check(user, code, now, db=connection)

        return await self._second_step(facts, token, prove, kind=kind)

    async def second_step_with_passkey(
        self, facts: Facts, token: str | None, browser: str, answer: str, party: RelyingParty, *, kind: str = BROWSER
    ) -> StepOutcome:
        """The pending sign-in of ``token`` given a passkey's ``answer`` in place of a code:
        under the same tries and limits; the passkey must be the account's."""

        async def prove(user: User, connection: Connection, now: datetime) -> SecondStep:
            try:
                await self._passkeys.check(
                    Purpose.SECOND_STEP, browser, answer, party, now, user=user, db=connection, where=_where(facts)
                )
            except Refused as refused:
                return SecondStep(Check.WRONG, Proof.PASSKEY, problem=refused.message)
            return SecondStep(Check.ACCEPTED, Proof.PASSKEY)

        return await self._second_step(facts, token, prove, kind=kind)

    async def _second_step(self, facts: Facts, token: str | None, prove: Prove, *, kind: str = BROWSER) -> StepOutcome:
        now = self._clock()
        token_hash = hash_token(token) if token and plausible(token) else None
        waiting = await take_a_try(self._db, token_hash, now, MAX_TRIES) if token_hash else None
        if token_hash is None or waiting is None:
            return StepOutcome(Step.ENDED)
        user = await select_user_by_id(self._db, waiting.user_id)
        if user is None or user.is_disabled or not user.has_two_step:
            await delete_pending_sign_in(self._db, token_hash)
            return StepOutcome(Step.ENDED)
        known = self._device_cookies.vouches_for(facts.device_cookie, user.id)
        attempt = self._attempt(facts, user)
        if (refusal := await self._throttle.refusal(attempt)) is not None:
            await self._record_refusal(facts, user, refusal)
            return StepOutcome(Step.REFUSED, refusal=refusal)
        try:
            checked, signed_in = await self._finish(facts, user, token_hash, waiting, prove, known=known, kind=kind)
        except _FinishedElsewhere:
            return StepOutcome(Step.ENDED)
        if checked.result is not Check.ACCEPTED:
            await self._record_code(facts, user, checked)
            await self._throttle.count_failure(attempt)
            if waiting.tries >= MAX_TRIES:
                await delete_pending_sign_in(self._db, token_hash)
                return StepOutcome(Step.TOO_MANY_WRONG)
            return StepOutcome(Step.USED if checked.result is Check.USED else Step.WRONG, problem=checked.problem)
        return StepOutcome(
            Step.SIGNED_IN, user=user, signed_in=signed_in, remembered=waiting.remembered, next_path=waiting.next_path,
            after_reset=waiting.after_reset, known_browser=known, recovery_codes_left=checked.recovery_codes_left,
        )

    async def _finish(
        self, facts: Facts, user: User, token_hash: str, waiting: PendingSignIn, prove: Prove, *, known: bool,
        kind: str = BROWSER,
    ) -> tuple[SecondStep, SignedIn | None]:
        """Check the code (or passkey), and when it is right, finish the sign-in in the same transaction: the
        code spent, the pending sign-in taken, the session started, the login logged and its
        notice queued, all or none (of two right codes at once, one signs in and the other's is
        not spent). Raises ``_FinishedElsewhere`` when another request took the sign-in first."""
        now = self._clock()
        async with self._db.transaction() as connection:
            checked = await prove(user, connection, now)
            if checked.result is not Check.ACCEPTED:
                return checked, None  # what the check used up (a passkey's challenge) stays used
            if not await take_pending_sign_in(connection, token_hash, now):
                raise _FinishedElsewhere()  # rolls the spent code back
            signed_in = await start_session(
                connection, user, lifetimes=self._lifetimes, remembered=waiting.remembered, now=now,
                client_address=facts.client_address, browser=facts.browser, kind=kind,
            )
            await self._record_code(facts, user, checked, db=connection)
            if not waiting.after_reset:
                await self._record_login(facts, user, known=known, db=connection, second_step=checked.proof.value)
        return checked, signed_in

    async def check_code(self, facts: Facts, user: User, code: str) -> SecondStep | Refusal:
        """``code`` checked as the second step of ``user``, signed in, on a page that asks for
        it again: under the limits of a login, holding places as a password check does (a
        signed-in page has no pending sign-in to bound its tries). A wrong code counts as a
        failed login and is on the security log; a used recovery code is too."""
        async with self._throttle.login(self._attempt(facts, user)) as turn:
            if (refusal := turn.refusal) is not None:
                await self._record_refusal(facts, user, refusal)
                return refusal
            checked = await self._two_step.check(user, code, self._clock())
            if checked.result is not Check.ACCEPTED:
                await self._throttle.failed(turn)
        await self._record_code(facts, user, checked)
        return checked

    # --- passkeys ----------------------------------------------------------------------------

    async def sign_in_with_passkey(self, facts: Facts, browser: str, answer: str, party: RelyingParty) -> Outcome:
        """Whether a passkey's ``answer`` signs its account in: no password, no second step
        (the passkey verified its person: two factors by itself). ``browser``: the token of
        the cookie its challenge is bound to."""
        attempt = LoginAttempt(facts.client_address, None)
        if (refusal := await self._throttle.refusal(attempt)) is not None:
            if refusal.first:
                await self._record(facts, security_log.Event.LOGIN_REFUSED, email="", detail={"with": "passkey"})
            return Outcome(Result.REFUSED, refusal=refusal)
        try:
            checked = await self._passkeys.check(Purpose.SIGN_IN, browser, answer, party, self._clock(), where=_where(facts))
            user = await select_user_by_id(self._db, checked.passkey.user_id)
            if user is None or user.is_disabled:  # told as an unknown passkey is
                raise Refused(NOT_KNOWN_MESSAGE, "account disabled")
        except Refused as refused:
            await self._throttle.count_failure(attempt)
            await self._record(facts, security_log.Event.LOGIN_FAILED, email="", detail={"with": "passkey", "reason": refused.reason})
            return Outcome(Result.WRONG, problem=refused.message)
        known = self._device_cookies.vouches_for(facts.device_cookie, user.id)
        await self._record_login(facts, user, known=known, **{"with": "passkey"})
        return Outcome(Result.SIGNED_IN, user=user, known_browser=known)

    async def check_passkey(self, facts: Facts, user: User, browser: str, answer: str, party: RelyingParty) -> Outcome:
        """Whether a passkey's ``answer`` is signed-in ``user``'s (Confirm it's you): under the
        limits of a login; a refused one counts as a failed login and is on the security log."""
        attempt = self._attempt(facts, user)
        if (refusal := await self._throttle.refusal(attempt)) is not None:
            await self._record_refusal(facts, user, refusal)
            return Outcome(Result.REFUSED, refusal=refusal)
        try:
            await self._passkeys.check(Purpose.CONFIRM, browser, answer, party, self._clock(), user=user, where=_where(facts))
        except Refused as refused:
            await self._throttle.count_failure(attempt)
            await self._record(
                facts, security_log.Event.PASSWORD_CHECK_FAILED, email=user.email, user=user,
                detail={"on": facts.page or "", "with": "passkey", "reason": refused.reason},
            )
            return Outcome(Result.WRONG, user=user, problem=refused.message)
        return Outcome(Result.SIGNED_IN, user=user)

    def _attempt(self, facts: Facts, user: User) -> LoginAttempt:
        cookie = facts.device_cookie if self._device_cookies.vouches_for(facts.device_cookie, user.id) else None
        return LoginAttempt(facts.client_address, user.email, device=cookie.browser if cookie else None)

    async def _record_refusal(self, facts: Facts, user: User, refusal: Refusal) -> None:
        if refusal.first:  # a flood is logged once per refusal, not per attempt
            await self._record(facts, security_log.Event.LOGIN_REFUSED, email=user.email, user=user)

    async def _record_code(self, facts: Facts, user: User, checked: SecondStep, *, db: Executor | None = None) -> None:
        if checked.result is not Check.ACCEPTED:
            reason = "code used already" if checked.result is Check.USED else f"wrong {checked.proof.value}"
            await self._record(
                facts, security_log.Event.SECOND_STEP_FAILED, email=user.email, user=user,
                detail={"reason": reason, "on": facts.page or "login"}, db=db,
            )
        elif checked.proof is Proof.RECOVERY_CODE:
            await self._record(
                facts, security_log.Event.RECOVERY_CODE_USED, email=user.email, user=user,
                detail={"left": checked.recovery_codes_left, "on": facts.page or "login"}, db=db,
            )

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

    async def _record_login(
        self, facts: Facts, user: User, *, known: bool, db: Executor | None = None, **how: object
    ) -> None:
        """``how``: what came with the password (``second_step``), or in its place (``with``)."""
        detail: dict[str, object] = {"known_device": known, **how}
        await self._record(facts, security_log.Event.LOGIN, user=user, email=user.email, detail=detail, db=db)
        if not known:  # a browser new to the account: tell its owner
            now = self._clock()
            await self._mailer.send(
                db or self._db,
                Letter.NEW_BROWSER_LOGIN,
                user.email,
                now,
                browser=facts.browser,
                client_address=facts.client_address or "an unknown address",
                when=moments.written(now),
            )

    async def _record(
        self,
        facts: Facts,
        event: security_log.Event,
        *,
        email: str,
        user: User | None = None,
        detail: dict[str, object] | None = None,
        db: Executor | None = None,
    ) -> None:
        await security_log.record(
            db or self._db,
            event,
            now=self._clock(),
            where=_where(facts),
            user_id=user.id if user else None,
            email=user.email if user else email,
            detail=detail,
        )


def _where(facts: Facts) -> security_log.Where:
    return security_log.Where(facts.client_address, facts.browser)


async def prune(db: Database, now: datetime) -> int:
    """Delete the pending sign-ins that ended unfinished; answer how many."""
    return await delete_pending_sign_ins_expired_before(db, now)
