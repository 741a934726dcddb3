"""Users: creating one, and what people do with their own account (whose password the
sign-in flow has checked)."""
from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from ..db import Database, UniqueViolation
from ..repository.sessions import delete_other_sessions_of_user
from ..repository.users import User, delete_user, insert_user, update_user_password_hash
from .admin import Refused, keep_another_admin
from . import tokens
from .email_flows import send_verification
from .mail import Letter, Mailer
from .passwords import PasswordHasher
from .sessions import SignedIn, renew_token
from .two_step import end_trust

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


async def change_password(
    db: Database,
    hasher: PasswordHasher,
    signed_in: SignedIn,
    *,
    new: str,
    now: datetime,
    mailer: Mailer | None = None,
) -> SignedIn:
    """Replace the password (the caller checked the current one with the sign-in flow).

    Every other session ends, since one of them may be whoever made the change necessary;
    the session in use carries on under a new token, which the caller hands to the browser.
    Every mailed link, trusted browser and pending sign-in ends, and a ``mailer`` tells the address (a security notice).
    """
    password_hash = await hasher.hash(new)
    async with db.transaction() as connection:
        await update_user_password_hash(connection, signed_in.user.id, password_hash)
        await delete_other_sessions_of_user(connection, signed_in.user.id, signed_in.session.id)
        await tokens.end_every_link(connection, signed_in.user.id)
        await end_trust(connection, signed_in.user.id)
        renewed = await renew_token(connection, signed_in, now)
        if mailer is not None:
            await mailer.send(connection, Letter.PASSWORD_CHANGED, signed_in.user.email, now)
    return renewed


class Deletion(Enum):
    DELETED = "deleted"
    GONE = "deleted already, by another request"


async def delete_account(
    db: Database, signed_in: SignedIn, *, mailer: Mailer | None = None, now: datetime | None = None
) -> Deletion:
    """Delete the signed-in user and everything of theirs (the caller checked their password
    with the sign-in flow); a ``mailer`` tells the address.

    Raises ``Refused`` for the last admin who can sign in. Of two requests at once, one
    deletes; the other finds nothing to delete (``GONE``) and tells nobody.
    """
    user = signed_in.user
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
