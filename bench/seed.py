"""Users for the bench, added in bulk by SQL, all with one real password hash."""
from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

from quartauth.db import DatabaseUnavailable, connect
from quartauth.repository.users import select_user_by_email, update_user_is_admin
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
            async with database.transaction() as connection:
                await connection.execute(
                    "seed_users", first=chunk_first, last=chunk_last, password_hash=hashed, created_at=datetime.now(UTC)
                )
    finally:
        await database.close()



async def make_admin(url: str, email: str, tries: int = 5) -> None:
    """Make ``email`` an admin. On SQLite the server's own writes (the mail it delivers after
    the login phases, among them) can hold the one write lock past the busy timeout: try again."""
    database = connect(url)
    await database.open()
    try:
        user = await select_user_by_email(database, email)
        if user is None:
            raise RuntimeError(f"no seeded user {email}")
        for attempt in range(1, tries + 1):
            try:
                await update_user_is_admin(database, user.id, True)
                return
            except DatabaseUnavailable:
                if attempt == tries:
                    raise
                print(f"making {email} an admin: the database is busy, trying again", flush=True)
                await asyncio.sleep(1)
    finally:
        await database.close()


async def failed_logins(url: str) -> int:
    database = connect(url, sql_root=SQL_ROOT)
    await database.open()
    try:
        row = await database.fetch_one("count_failed_logins")
        assert row is not None
        return int(row["total"])
    finally:
        await database.close()
