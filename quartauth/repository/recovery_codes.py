"""Recovery codes (``recovery_codes``): only their SHA-256 is stored, and a used one is deleted."""
from __future__ import annotations

from collections.abc import Iterable

from ..db import Executor


async def insert_recovery_codes(db: Executor, user_id: int, code_hashes: Iterable[str]) -> None:
    for code_hash in code_hashes:
        await db.execute("recovery_codes/insert_recovery_code", user_id=user_id, code_hash=code_hash)


async def delete_recovery_codes_of_user(db: Executor, user_id: int) -> int:
    return await db.execute("recovery_codes/delete_recovery_codes_of_user", user_id=user_id)


async def take_recovery_code(db: Executor, user_id: int, code_hash: str) -> bool:
    """Whether the code was one of the user's, deleting it."""
    return await db.fetch_one("recovery_codes/take_recovery_code", user_id=user_id, code_hash=code_hash) is not None


async def count_recovery_codes_of_user(db: Executor, user_id: int) -> int:
    row = await db.fetch_one("recovery_codes/count_recovery_codes_of_user", user_id=user_id)
    return int(row["left_over"]) if row else 0
