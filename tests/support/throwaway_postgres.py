"""Databases made for one test or one bench run on a Postgres server, and dropped after."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg


async def unreachable_reason(admin_url: str) -> str | None:
    """Why the server at ``admin_url`` cannot be used, or None when it answers."""
    try:
        connection = await asyncpg.connect(admin_url, timeout=3)
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as error:
        return f"Postgres at {admin_url} is unreachable ({error})"
    await connection.close()
    return None


async def create_database(admin_url: str, prefix: str) -> tuple[str, str]:
    """A new, empty database: its name, and the URL that reaches it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _execute(admin_url, f'CREATE DATABASE "{name}"')
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


async def drop_database(admin_url: str, name: str) -> None:
    await _execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _execute(admin_url: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
