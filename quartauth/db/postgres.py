"""Postgres through an asyncpg pool, for deployments with many workers and hosts."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from .base import Connection, Database, DatabaseUnavailable, Row, UniqueViolation
from .queries import QueryLibrary

CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 10.0
# A busy moment queues requests for a connection; only a longer wait is an outage.
POOL_WAIT_S = 10.0

# What a stopped, restarting or overloaded server looks like to a client; asyncpg's
# InternalClientError is a connection left mid-operation by such a failure.
_UNAVAILABLE = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)


@asynccontextmanager
async def _translated_errors() -> AsyncIterator[None]:
    try:
        yield
    except asyncpg.UniqueViolationError as error:
        raise UniqueViolation(str(error)) from error
    except _UNAVAILABLE as error:
        raise DatabaseUnavailable(f"{type(error).__name__}: {error}") from error


def _rows_touched(status: str) -> int:
    # asyncpg answers a command tag such as "UPDATE 3" or "INSERT 0 1".
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """The app changes no session state (no SET, LISTEN, held cursors or session-level
    locks), so asyncpg's default reset on release, a round trip of RESET ALL and friends,
    would double the cost of every query. asyncpg still rolls back an open transaction;
    a connection that failed is dropped by ``PostgresDatabase._borrowed`` instead."""


class PostgresConnection(Connection):
    def __init__(self, connection: asyncpg.Connection, queries: QueryLibrary) -> None:
        self._connection = connection
        self._queries = queries

    async def fetch_one(self, query: str, **params: Any) -> Row | None:
        bound = self._queries.get(query)
        row = await self._connection.fetchrow(bound.text, *bound.positional(params))
        return dict(row) if row is not None else None

    async def fetch_all(self, query: str, **params: Any) -> list[Row]:
        bound = self._queries.get(query)
        rows = await self._connection.fetch(bound.text, *bound.positional(params))
        return [dict(row) for row in rows]

    async def execute(self, query: str, **params: Any) -> int:
        bound = self._queries.get(query)
        return _rows_touched(await self._connection.execute(bound.text, *bound.positional(params)))

    async def execute_script(self, sql: str) -> None:
        await self._connection.execute(sql)


class PostgresDatabase(Database):
    dialect = "postgres"

    def __init__(self, dsn: str, queries: QueryLibrary, pool_size: int = 10) -> None:
        super().__init__(queries)
        self.dsn = dsn
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        async with _translated_errors():
            self._pool = await asyncpg.create_pool(
                self.dsn,
                min_size=1,
                max_size=self.pool_size,
                timeout=CONNECT_TIMEOUT_S,
                command_timeout=COMMAND_TIMEOUT_S,
                reset=_nothing_to_reset,
            )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the database is not open")
        return self._pool

    @asynccontextmanager
    async def _borrowed(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire(timeout=POOL_WAIT_S) as connection:
            try:
                yield connection
            except _UNAVAILABLE:
                # With no reset query on release, nothing else would notice that this
                # connection broke (a server shutting down can leave it mid-operation):
                # close it, so that the pool opens a fresh one instead of lending it again.
                connection.terminate()
                raise

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        async with _translated_errors(), self._borrowed() as connection:
            yield PostgresConnection(connection, self.queries)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with _translated_errors(), self._borrowed() as connection, connection.transaction():
            yield PostgresConnection(connection, self.queries)
