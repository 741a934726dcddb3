"""Two-step sign-in, the rules: setting it up and turning it on, turning it off (by its owner)
or resetting it (by an admin), recovery codes, trusted browsers, and a second step checked.

A second step is a six-digit code from the authenticator app or a recovery code, typed in
the same field. A code counts once (the step accepted is stored, see
``two_step_codes.check_code``), a recovery code works once (it is deleted), and of two
requests with the same one, the database lets one through. What the codes are made of is
``two_step_codes``; who may sign in with them is the sign-in flow's.

Whatever ends two-step sign-in (off, reset) ends its recovery codes, its trusted browsers
and its half-finished sign-ins with it, in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from ..db import Connection, Database, Executor
from ..repository.pending_sign_ins import delete_pending_sign_ins_of_user
from ..repository.recovery_codes import (
    count_recovery_codes_of_user,
    delete_recovery_codes_of_user,
    insert_recovery_codes,
    take_recovery_code,
)
from ..repository.trusted_browsers import (
    count_trusted_browsers_of_user,
    delete_trusted_browsers_expired_before,
    delete_trusted_browsers_of_user,
    insert_trusted_browser,
    is_trusted_browser,
)
from ..repository.users import (
    User,
    accept_user_two_step_step,
    select_user_by_id,
    turn_user_two_step_off,
    turn_user_two_step_on,
    update_user_two_step_key,
)
from . import two_step_codes
from .mail import Letter, Mailer
from .secret_tokens import hash_token
from .two_step_codes import Check, KeyBox

TRUST_LIFETIME = timedelta(days=30)
# When this few recovery codes are left, the home page says so.
FEW_RECOVERY_CODES = 2
# What a typed second step can be at most: a recovery code with spaces or dashes around it.
LONGEST_CODE = 64
CODE_MISSING_MESSAGE = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
CODE_HINT = "The 6-digit code from your authenticator app, or one of your recovery codes."
CODE_MESSAGES = {
    Check.WRONG: "That code is not right.",
    Check.USED: "That code was already used. Wait for the next one.",
}


class Proof(Enum):
    """What a second step was given as."""

    CODE = "code"
    RECOVERY_CODE = "recovery code"
    PASSKEY = "passkey"


@dataclass(frozen=True)
class SecondStep:
    """A second step checked: ``recovery_codes_left`` when a recovery code was used;
    ``problem``: what the page says of a passkey that did not count."""

    result: Check
    proof: Proof
    recovery_codes_left: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Setup:
    """What the page shows to set up an authenticator app: the key, and the same as a link
    and as a QR code of the link."""

    key: str
    key_in_groups: str
    link: str
    qr_code_svg: str


class NotSetUp(Exception):
    """The account has no key being set up (or two-step sign-in is on already)."""


class TwoStep:
    def __init__(self, db: Database, key_box: KeyBox, mailer: Mailer, issuer: str) -> None:
        self._db = db
        self._key_box = key_box
        self._mailer = mailer
        self._issuer = issuer

    # --- turning it on -------------------------------------------------------------------

    async def setup(self, user: User) -> Setup:
        """The key to set up, kept sealed on the account until a code proves it: the same one
        each time the page is shown, so a phone that read it once keeps working."""
        key = self._open(user) if user.two_step_key else None
        if key is None:
            key = two_step_codes.new_key()
            await update_user_two_step_key(self._db, user.id, self._key_box.seal(key, user.id))
        link = two_step_codes.setup_link(key, user.email, self._issuer)
        return Setup(key, two_step_codes.key_in_groups(key), link, two_step_codes.qr_code_svg(link))

    async def turn_on(self, user: User, code: str, now: datetime) -> list[str] | None:
        """Turn it on when ``code`` is right for the key being set up: the new recovery codes,
        shown once; None when the code is not right."""
        fresh = await select_user_by_id(self._db, user.id)
        key = self._open(fresh) if fresh and fresh.two_step_key and not fresh.has_two_step else None
        if fresh is None or key is None:
            raise NotSetUp()
        checked = two_step_codes.check_code(key, code, now, last_step=None)
        if checked.result is not Check.ACCEPTED or checked.step is None:
            return None
        async with self._db.transaction() as connection:
            if not await turn_user_two_step_on(connection, user.id, fresh.two_step_key or "", checked.step, now):
                raise NotSetUp()  # turned on meanwhile, by another request
            codes = await self._replace_recovery_codes(connection, user.id)
            await self._mailer.send(connection, Letter.TWO_STEP_ON, user.email, now)
        return codes

    # --- turning it off -----------------------------------------------------------------

    async def turn_off(self, user: User, now: datetime, *, by_admin: bool = False) -> None:
        """Off, with everything that came with it; its owner is told (reset: by an admin)."""
        async with self._db.transaction() as connection:
            await turn_user_two_step_off(connection, user.id)
            await delete_recovery_codes_of_user(connection, user.id)
            await end_trust(connection, user.id)
            await self._mailer.send(connection, Letter.TWO_STEP_RESET if by_admin else Letter.TWO_STEP_OFF, user.email, now)

    # --- recovery codes -------------------------------------------------------------------

    async def new_recovery_codes(self, user: User, now: datetime) -> list[str]:
        """Ten new recovery codes, shown once; the old ones stop working."""
        async with self._db.transaction() as connection:
            codes = await self._replace_recovery_codes(connection, user.id)
            await self._mailer.send(connection, Letter.NEW_RECOVERY_CODES, user.email, now)
        return codes

    async def recovery_codes_left(self, user_id: int) -> int:
        return await count_recovery_codes_of_user(self._db, user_id)

    async def _replace_recovery_codes(self, connection: Connection, user_id: int) -> list[str]:
        codes = two_step_codes.new_recovery_codes()
        await delete_recovery_codes_of_user(connection, user_id)
        await insert_recovery_codes(connection, user_id, [two_step_codes.recovery_code_digest(code) for code in codes])
        return codes

    # --- a second step ---------------------------------------------------------------------

    async def check(self, user: User, typed: str, now: datetime, *, db: Executor | None = None) -> SecondStep:
        """``typed`` checked as the second step of ``user`` (two-step on): six digits are a code
        from the app, anything else a recovery code. Either counts once: a right one is spent
        in ``db``, the caller's transaction when it is given."""
        db = db or self._db
        bare = "".join(typed.split())
        if bare.isascii() and bare.isdigit() and len(bare) == 6:  # not "１２３４５６": digits of other scripts
            return SecondStep(await self._check_code(db, user, bare, now), Proof.CODE)
        if not bare or len(typed) > LONGEST_CODE:
            return SecondStep(Check.WRONG, Proof.RECOVERY_CODE)
        if not await take_recovery_code(db, user.id, two_step_codes.recovery_code_digest(bare)):
            return SecondStep(Check.WRONG, Proof.RECOVERY_CODE)
        left = await count_recovery_codes_of_user(db, user.id)
        await self._mailer.send(db, Letter.RECOVERY_CODE_USED, user.email, now, left=left)
        return SecondStep(Check.ACCEPTED, Proof.RECOVERY_CODE, recovery_codes_left=left)

    async def _check_code(self, db: Executor, user: User, code: str, now: datetime) -> Check:
        key = self._open(user)
        if key is None or not user.has_two_step:
            return Check.WRONG
        checked = two_step_codes.check_code(key, code, now, user.two_step_last_step)
        if checked.result is not Check.ACCEPTED or checked.step is None:
            return checked.result
        # The step read with the user may be old: the database decides whether it is taken.
        return Check.ACCEPTED if await accept_user_two_step_step(db, user.id, checked.step) else Check.USED

    def _open(self, user: User) -> str | None:
        return self._key_box.open(user.two_step_key, user.id) if user.two_step_key else None

    # --- trusted browsers --------------------------------------------------------------------

    async def trust(self, user_id: int, browser: str, now: datetime) -> None:
        """``browser`` (a device cookie's nonce) skips the second step for 30 days."""
        await insert_trusted_browser(
            self._db, user_id=user_id, browser_hash=hash_token(browser), created_at=now, expires_at=now + TRUST_LIFETIME
        )

    async def is_trusted(self, user_id: int, browser: str, now: datetime) -> bool:
        return await is_trusted_browser(self._db, user_id, hash_token(browser), now)

    async def trusted_browsers(self, user_id: int, now: datetime) -> int:
        return await count_trusted_browsers_of_user(self._db, user_id, now)

    async def forget_trusted_browsers(self, user_id: int) -> int:
        return await delete_trusted_browsers_of_user(self._db, user_id)


async def end_trust(db: Executor, user_id: int) -> None:
    """What lets someone past the second step without a code: run it in the transaction of
    each change that must end it (the password changed or reset, two-step turned off or
    reset). Half-finished sign-ins end too: their password may be the one replaced."""
    await delete_trusted_browsers_of_user(db, user_id)
    await delete_pending_sign_ins_of_user(db, user_id)


async def prune(db: Database, now: datetime) -> int:
    return await delete_trusted_browsers_expired_before(db, now)
