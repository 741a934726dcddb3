"""Users: creating one, and checking who someone is."""
from __future__ import annotations

from datetime import UTC, datetime

from ..db import Database, UniqueViolation
from ..repository.users import User, insert_user, select_user_by_email, update_user_password_hash
from .passwords import PasswordHasher

EMAIL_TAKEN_MESSAGE = "Email already registered"


class EmailTaken(Exception):
    pass


async def register(
    db: Database, hasher: PasswordHasher, *, email: str, password: str, is_admin: bool = False
) -> User:
    """Create the account; ``email`` is already normalized. Raises ``EmailTaken``.

    The unique index decides a race between two sign-ups for one email, not a prior read.
    """
    password_hash = await hasher.hash(password)
    try:
        return await insert_user(
            db,
            email=email,
            password_hash=password_hash,
            is_admin=is_admin,
            created_at=datetime.now(UTC),
        )
    except UniqueViolation:
        raise EmailTaken(email) from None


async def authenticate(db: Database, hasher: PasswordHasher, *, email: str, password: str) -> User | None:
    """The user when the password is theirs, else None, in the same time either way."""
    user = await select_user_by_email(db, email)
    if user is None:
        await hasher.verify_against_dummy(password)
        return None
    verification = await hasher.verify(password, user.password_hash)
    if not verification.matches:
        return None
    if verification.needs_rehash:
        await update_user_password_hash(db, user.id, await hasher.hash(password))
    return user
