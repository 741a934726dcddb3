"""What both dialects promise alike: values round-trip, unique keys, transactions."""
from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import UTC, datetime

import pytest

from quartauth.db import UniqueViolation
from quartauth.repository.users import (
    count_users,
    insert_user,
    select_user_by_email,
    select_user_by_id,
    select_users_after,
)


async def _insert(database, email="person@example.com", **extra):
    return await insert_user(
        database,
        email=email,
        password_hash="bcrypt_sha256$x",
        is_admin=extra.get("is_admin", False),
        created_at=extra.get("created_at", datetime.now(UTC)),
    )


async def test_rows_come_back_with_python_types(database):
    created_at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    inserted = await _insert(database, is_admin=True, created_at=created_at)

    loaded = await select_user_by_id(database, inserted.id)

    assert loaded == inserted
    assert loaded.is_admin is True
    assert loaded.created_at == created_at and loaded.created_at.tzinfo is not None


async def test_a_duplicate_unique_key_raises_unique_violation(database):
    await _insert(database)
    with pytest.raises(UniqueViolation):
        await _insert(database)


async def test_a_failed_transaction_leaves_nothing_behind(database):
    with pytest.raises(RuntimeError):
        async with database.transaction() as connection:
            await _insert(connection, "inside@example.com")
            raise RuntimeError("abort")

    assert await select_user_by_email(database, "inside@example.com") is None


async def test_a_clean_transaction_commits(database):
    async with database.transaction() as connection:
        await _insert(connection, "inside@example.com")

    assert await select_user_by_email(database, "inside@example.com") is not None


async def test_a_transaction_given_up_while_it_waits_leaves_no_transaction_open(database):
    # A request whose client goes away is cancelled wherever it waits: here, behind another
    # transaction (for SQLite's write lock; for Postgres, the row the other is writing).
    async def same_email_in_a_transaction():
        async with database.transaction() as connection:
            await _insert(connection, "holder@example.com")

    async with database.transaction() as holder:
        await _insert(holder, "holder@example.com")
        waiting = asyncio.create_task(same_email_in_a_transaction())
        await asyncio.sleep(0.3)
        waiting.cancel()
        with suppress(asyncio.CancelledError):
            await waiting

    # Every connection the pool lends afterwards starts, writes and commits a transaction of its own.
    for number in range(2 * database.pool_size):
        async with database.transaction() as connection:
            await _insert(connection, f"after-{number}@example.com")
    assert await count_users(database) == 1 + 2 * database.pool_size


async def test_parameters_are_bound_never_spliced(database):
    hostile = "x@example.com' OR '1'='1"
    await _insert(database, "person@example.com")

    assert await select_user_by_email(database, hostile) is None


async def test_users_are_counted_and_paged_in_id_order(database):
    for number in range(5):
        await _insert(database, f"person{number}@example.com")

    first_page = await select_users_after(database, 0, 3)
    second_page = await select_users_after(database, first_page[-1].id, 3)

    assert await count_users(database) == 5
    assert [u.email for u in first_page + second_page] == [f"person{n}@example.com" for n in range(5)]
