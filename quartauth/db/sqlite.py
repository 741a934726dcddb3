"""SQLite through aiosqlite: a small pool of connections to one file in WAL mode.

WAL lets readers carry on while one connection writes, and the busy timeout makes a writer
wait for another (in this process or another hypercorn worker) rather than fail at once.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from ..private_files import create_private_file, private_folder
from .base import Connection, Database, DatabaseUnavailable, Row, UniqueViolation
from .queries import QueryLibrary

# Timestamps are stored as ISO 8601 text with a fixed width, so that comparing them as text
# in SQL orders them in time, and they come back as aware datetimes as they do from Postgres.
sqlite3.register_adapter(datetime, lambda value: value.isoformat(timespec="microseconds"))
# SQLite has no arrays: a list goes as JSON text, which queries read with json_each().
sqlite3.register_adapter(list, json.dumps)
sqlite3.register_converter("TIMESTAMPTZ", lambda raw: datetime.fromisoformat(raw.decode()))
sqlite3.register_converter("BOOLEAN", lambda raw: raw not in (b"0", b""))

BUSY_TIMEOUT_MS = 5000


@asynccontextmanager
async def _translated_errors() -> AsyncIterator[None]:
    try:
        yield
    except sqlite3.IntegrityError as error:
        if "UNIQUE" in str(error):
            raise UniqueViolation(str(error)) from error
        raise
    except sqlite3.OperationalError as error:
        message = str(error)
        if "locked" in message or "busy" in message or "unable to open" in message:
            raise DatabaseUnavailable(message) from error
        raise


class SQLiteConnection(Connection):
    def __init__(self, connection: aiosqlite.Connection, queries: QueryLibrary) -> None:
        self._connection = connection
        self._queries = queries

    async def fetch_one(self, query: str, **params: Any) -> Row | None:
        rows = await self.fetch_all(query, **params)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, **params: Any) -> list[Row]:
        # One trip to aiosqlite's thread, where execute + fetch + close would take three.
        bound = self._queries.get(query)
        rows = await self._connection.execute_fetchall(bound.text, bound.named(params))
        return [dict(row) for row in rows]

    async def execute(self, query: str, **params: Any) -> int:
        bound = self._queries.get(query)
        # One trip to aiosqlite's thread: closing the cursor would take a second, and a
        # statement that returns no rows leaves nothing open (sqlite3 has reset it already).
        cursor = await self._connection.execute(bound.text, bound.named(params))
        return cursor.rowcount

    async def execute_script(self, sql: str) -> None:
        # executescript() would commit the open transaction first; run statement by statement.
        for statement in _split_statements(sql):
            await self._connection.execute(statement)


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: Path, queries: QueryLibrary, pool_size: int = 4) -> None:
        super().__init__(queries)
        self.path = path
        self.pool_size = pool_size
        self._idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        self._create_private_file()
        async with _translated_errors():
            for _ in range(self.pool_size):
                connection = await self._connect()
                self._all.append(connection)
                self._idle.put_nowait(connection)

    def _create_private_file(self) -> None:
        """The file holds password and session hashes: its owner alone may read it. SQLite
        gives the -wal and -shm files beside it the same mode."""
        private_folder(self.path.parent)
        if not self.path.exists():
            create_private_file(self.path)

    async def _connect(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(
            self.path, isolation_level=None, detect_types=sqlite3.PARSE_DECLTYPES
        )
        connection.row_factory = sqlite3.Row
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        return connection

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()
        self._all.clear()
        self._idle = asyncio.Queue()

    @asynccontextmanager
    async def _borrowed(self) -> AsyncIterator[aiosqlite.Connection]:
        connection = await self._idle.get()
        try:
            yield connection
        finally:
            self._idle.put_nowait(connection)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        async with _translated_errors(), self._borrowed() as connection:
            yield SQLiteConnection(connection, self.queries)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with _translated_errors(), self._borrowed() as connection:
            try:
                # IMMEDIATE takes the write lock up front: a deferred transaction that reads
                # and then writes can fail at once with "database is locked" instead of waiting.
                # Inside the try: a request cancelled while it waits for the lock (its client
                # went away) leaves the BEGIN to finish in aiosqlite's thread, and the rollback,
                # queued behind it, ends it before the connection goes back to the pool; else
                # the pool would lend out a connection holding the write lock, and every writer
                # of every worker would wait behind it.
                await connection.execute("BEGIN IMMEDIATE")
                yield SQLiteConnection(connection, self.queries)
            except BaseException:
                await connection.rollback()  # a no-op when the BEGIN itself failed
                raise
            await connection.commit()


def _split_statements(sql: str) -> list[str]:
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
