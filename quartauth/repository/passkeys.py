"""Passkeys (``passkeys``), the challenges handed out for them (``passkey_challenges``), and
the user handle an account's passkeys carry (``users.passkey_handle``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Executor, Row


@dataclass(frozen=True)
class Passkey:
    credential_id: str  # base64url, as browsers name it
    user_id: int
    public_key: str  # COSE, base64url
    sign_count: int  # 0: the authenticator keeps no counter
    name: str
    created_at: datetime
    last_used_at: datetime | None
    user_handle: str | None = None  # the account's, base64url
    owner_disabled: bool = False  # an admin disabled the account

    @classmethod
    def from_row(cls, row: Row) -> Passkey:
        return cls(
            credential_id=row["credential_id"],
            user_id=row["user_id"],
            public_key=row["public_key"],
            sign_count=int(row["sign_count"]),
            name=row["name"],
            created_at=row["created_at"],
            last_used_at=row["last_used_at"],
            user_handle=row["passkey_handle"],
            owner_disabled=row["disabled_at"] is not None,
        )


async def keep_user_passkey_handle(db: Executor, user_id: int, handle: str) -> str | None:
    """The account's user handle: the one it has, else ``handle`` from now on; None when the
    account is gone."""
    row = await db.fetch_one("users/keep_user_passkey_handle", user_id=user_id, handle=handle)
    return None if row is None else row["passkey_handle"]


async def insert_passkey(
    db: Executor, *, credential_id: str, user_id: int, public_key: str, sign_count: int, name: str, created_at: datetime
) -> bool:
    """Whether it was added: a credential id is known once (a second add of it is not)."""
    added = await db.execute(
        "passkeys/insert_passkey", credential_id=credential_id, user_id=user_id, public_key=public_key,
        sign_count=sign_count, name=name, created_at=created_at,
    )
    return added == 1


async def select_passkey(db: Executor, credential_id: str) -> Passkey | None:
    row = await db.fetch_one("passkeys/select_passkey", credential_id=credential_id)
    return None if row is None else Passkey.from_row(row)


async def select_passkeys_of_user(db: Executor, user_id: int) -> list[Passkey]:
    return [Passkey.from_row(row) for row in await db.fetch_all("passkeys/select_passkeys_of_user", user_id=user_id)]


async def count_passkeys_of_user(db: Executor, user_id: int) -> int:
    row = await db.fetch_one("passkeys/count_passkeys_of_user", user_id=user_id)
    return int(row["passkeys"]) if row else 0


async def use_passkey(db: Executor, credential_id: str, sign_count: int, now: datetime) -> bool:
    """Whether the counter moved on to ``sign_count`` (or stays at 0): of two answers with the
    same counter, one does."""
    row = await db.fetch_one("passkeys/use_passkey", credential_id=credential_id, sign_count=sign_count, now=now)
    return row is not None


async def delete_passkey_of_user(db: Executor, user_id: int, credential_id: str) -> str | None:
    """The name of the passkey removed; None when the account has no such passkey."""
    row = await db.fetch_one("passkeys/delete_passkey_of_user", user_id=user_id, credential_id=credential_id)
    return None if row is None else row["name"]


async def delete_passkeys_of_user(db: Executor, user_id: int) -> int:
    return await db.execute("passkeys/delete_passkeys_of_user", user_id=user_id)


async def insert_passkey_challenge(
    db: Executor, *, challenge_hash: str, browser_hash: str, purpose: str, user_id: int | None,
    created_at: datetime, expires_at: datetime,
) -> None:
    await db.execute(
        "passkey_challenges/insert_passkey_challenge", challenge_hash=challenge_hash, browser_hash=browser_hash,
        purpose=purpose, user_id=user_id, created_at=created_at, expires_at=expires_at,
    )


@dataclass(frozen=True)
class TakenChallenge:
    user_id: int | None


async def take_passkey_challenge(
    db: Executor, *, challenge_hash: str, browser_hash: str, purpose: str, now: datetime
) -> TakenChallenge | None:
    """The challenge, deleted so that it is used once; None when it is not this browser's for
    ``purpose``, has expired, or was used."""
    row = await db.fetch_one(
        "passkey_challenges/take_passkey_challenge", challenge_hash=challenge_hash, browser_hash=browser_hash,
        purpose=purpose, now=now,
    )
    return None if row is None else TakenChallenge(row["user_id"])


async def delete_passkey_challenges_expired_before(db: Executor, before: datetime) -> int:
    return await db.execute("passkey_challenges/delete_passkey_challenges_expired_before", before=before)
