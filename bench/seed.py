"""Users for the bench, added in bulk by SQL, all with one real password hash."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import os
from datetime import UTC, datetime
from pathlib import Path

from quartauth.db import Database, DatabaseUnavailable, connect
from quartauth.repository.users import User, select_user_by_email, update_user_is_admin
from quartauth.services.passwords import PasswordHasher

SQL_ROOT = Path(__file__).resolve().parent / "sql"
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench password 1"


def email_of(number: int) -> str:
    return f"bench-user-{number}@example.com"


async def password_hash(rounds: int) -> str:
    """One real hash at the configured cost, shared by every seeded user."""
    hasher = PasswordHasher(rounds=rounds, threads=1)
    try:
        return await hasher.hash(PASSWORD)
    finally:
        hasher.close()


# Users added per statement: each must finish within the app's statement timeout, with every
# index of users to keep up to date.
SEED_CHUNK = 100_000


async def add_users(url: str, first: int, last: int, hashed: str) -> None:
    database = connect(url, sql_root=SQL_ROOT)
    await database.open()
    try:
        for chunk_first in range(first, last + 1, SEED_CHUNK):
            chunk_last = min(chunk_first + SEED_CHUNK - 1, last)

            async def add_chunk(chunk_first: int = chunk_first, chunk_last: int = chunk_last) -> None:
                async with database.transaction() as connection:
                    await connection.execute(
                        "seed_users", first=chunk_first, last=chunk_last, password_hash=hashed, created_at=datetime.now(UTC)
                    )

            await while_the_server_writes(add_chunk, f"adding users {chunk_first:,} to {chunk_last:,}")
    finally:
        await database.close()


async def seeded_user(database: Database, number: int) -> User:
    """Seeded user ``number``; an error when the seed has not made them."""
    user = await select_user_by_email(database, email_of(number))
    if user is None:
        raise RuntimeError(f"no seeded user {email_of(number)}")
    return user


async def make_admin(url: str, email: str) -> None:
    database = connect(url)
    await database.open()
    try:
        user = await select_user_by_email(database, email)
        if user is None:
            raise RuntimeError(f"no seeded user {email}")
        await while_the_server_writes(lambda: update_user_is_admin(database, user.id, True), f"making {email} an admin")
    finally:
        await database.close()


async def while_the_server_writes(write: Callable[[], Awaitable[object]], what: str, tries: int = 5) -> None:
    """``write``, tried again while the database is busy: on SQLite the server's own writes
    (the mail it delivers after the login phases, among them) can keep the one write lock
    from another process past the busy timeout."""
    for attempt in range(1, tries + 1):
        try:
            await write()
            return
        except DatabaseUnavailable:
            if attempt == tries:
                raise
            print(f"{what}: the database is busy, trying again", flush=True)
            await asyncio.sleep(1)


async def failed_logins(url: str) -> int:
    database = connect(url, sql_root=SQL_ROOT)
    await database.open()
    try:
        row = await database.fetch_one("count_failed_logins")
        assert row is not None
        return int(row["total"])
    finally:
        await database.close()
