"""Users: creating one, checking who someone is, and what people do with their own account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from ..db import Database, UniqueViolation
from ..repository.sessions import delete_other_sessions_of_user
from ..repository.users import User, delete_user, insert_user, select_user_by_email, update_user_password_hash
from .admin import Refused, keep_another_admin
from . import tokens
from .email_flows import send_verification
from .mail import Letter, Mailer
from .passwords import PasswordHasher
from .sessions import SignedIn, note_reauthentication, renew_token

EMAIL_TAKEN_MESSAGE = "Email already registered"
LAST_ADMIN_DELETION_MESSAGE = (
    "You are the last admin who can sign in: make another admin before you delete your account."
)


class EmailTaken(Exception):
    pass


async def register(
    db: Database,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    is_admin: bool = False,
    mailer: Mailer | None = None,
    now: datetime | None = None,
) -> User:
    """Create the account; ``email`` is already normalized. Raises ``EmailTaken``. With a
    ``mailer``, a link to verify the address is queued in the same transaction.

    The unique index decides a race between two sign-ups for one email, not a prior read.
    """
    password_hash = await hasher.hash(password)
    now = now or datetime.now(UTC)
    try:
        async with db.transaction() as connection:
            user = await insert_user(connection, email=email, password_hash=password_hash, is_admin=is_admin, created_at=now)
            if mailer is not None:
                await send_verification(connection, mailer, user, now)
    except UniqueViolation:
        raise EmailTaken(email) from None
    return user


@dataclass(frozen=True)
class Authentication:
    """What a login attempt found: ``user`` when they may sign in; otherwise whose account
    the email names, if anyone's, and why it failed (for the security log, never the page)."""

    user: User | None
    account: User | None = None
    failure: str | None = None


async def authenticate(
    db: Database, hasher: PasswordHasher, *, email: str, password: str, trusted: bool = False
) -> Authentication:
    """Whether the password is the account's and they may sign in, in the same time either
    way: a disabled user's password is checked too, and then refused.

    ``trusted``: the browser is known to the account (its checks go first). Raises
    ``HashingBusy`` when the check waited too long for its turn."""
    user = await select_user_by_email(db, email)
    if user is None:
        await hasher.verify_against_dummy(password)
        return Authentication(None, failure="unknown email")
    verification = await hasher.verify(password, user.password_hash, known_to=user.id if trusted else None)
    if not verification.matches:
        return Authentication(None, user, "wrong password")
    if user.is_disabled:
        return Authentication(None, user, "account disabled")
    if verification.needs_rehash:
        await update_user_password_hash(db, user.id, await hasher.hash(password))
    return Authentication(user, user)


async def change_password(
    db: Database,
    hasher: PasswordHasher,
    signed_in: SignedIn,
    *,
    current: str,
    new: str,
    now: datetime,
    mailer: Mailer | None = None,
) -> SignedIn | None:
    """Replace the password when ``current`` is right (else None, and nothing changes).

    Every other session ends, since one of them may be whoever made the change necessary;
    the session in use carries on under a new token, which the caller hands to the browser.
    Every mailed link stops working, and a ``mailer`` tells the address (a security notice).
    """
    if not await password_is_theirs(hasher, signed_in.user, current):
        return None
    password_hash = await hasher.hash(new)
    async with db.transaction() as connection:
        await update_user_password_hash(connection, signed_in.user.id, password_hash)
        await delete_other_sessions_of_user(connection, signed_in.user.id, signed_in.session.id)
        await tokens.end_every_link(connection, signed_in.user.id)
        renewed = await renew_token(connection, signed_in, now)
        if mailer is not None:
            await mailer.send(connection, Letter.PASSWORD_CHANGED, signed_in.user.email, now)
    return renewed


async def password_is_theirs(hasher: PasswordHasher, user: User, password: str) -> bool:
    """Whether ``password`` is ``user``'s: for the signed-in person's own checks."""
    return (await hasher.verify(password, user.password_hash)).matches


async def reauthenticate(
    db: Database, hasher: PasswordHasher, signed_in: SignedIn, *, password: str, now: datetime
) -> SignedIn | None:
    """Confirm it's them: when ``password`` is theirs, the session vouches for them from ``now``."""
    if not await password_is_theirs(hasher, signed_in.user, password):
        return None
    return await note_reauthentication(db, signed_in, now)


class Deletion(Enum):
    DELETED = "deleted"
    WRONG_PASSWORD = "the password was not theirs"
    GONE = "deleted already, by another request"


async def delete_account(
    db: Database,
    hasher: PasswordHasher,
    signed_in: SignedIn,
    *,
    password: str,
    mailer: Mailer | None = None,
    now: datetime | None = None,
) -> Deletion:
    """Delete the signed-in user and everything of theirs, when ``password`` is theirs (a
    ``mailer`` tells the address).

    Raises ``Refused`` for the last admin who can sign in. Of two requests at once, one
    deletes; the other finds nothing to delete (``GONE``) and tells nobody.
    """
    user = signed_in.user
    if not await password_is_theirs(hasher, user, password):
        return Deletion.WRONG_PASSWORD
    async with db.transaction() as connection:
        if user.is_admin:
            try:
                await keep_another_admin(connection, user.id)
            except Refused:
                raise Refused(LAST_ADMIN_DELETION_MESSAGE) from None
        if await delete_user(connection, user.id) == 0:  # sessions and links go with it (ON DELETE CASCADE)
            return Deletion.GONE  # one deletion, one notice, one event: the other request's
        if mailer is not None:
            await mailer.send(connection, Letter.ACCOUNT_DELETED, user.email, now or datetime.now(UTC))
    return Deletion.DELETED
