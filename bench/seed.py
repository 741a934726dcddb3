"""Databases for the bench: migrated, then filled with users in bulk by SQL."""
from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from quartauth.db import connect
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


async def add_users(url: str, first: int, last: int, hashed: str) -> None:
    database = connect(url, sql_root=SQL_ROOT)
    await database.open()
    try:
        async with database.transaction() as connection:
            await connection.execute(
                "seed_users", first=first, last=last, password_hash=hashed, created_at=datetime.now(UTC)
            )
    finally:
        await database.close()


async def postgres_reachable() -> bool:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError):
        return False
    await connection.close()
    return True


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def create_postgres_database() -> tuple[str, str]:
    name = f"quartauth_bench_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return name, POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
