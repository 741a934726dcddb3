"""What every dialect offers: named queries run on a connection or in a transaction."""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from typing import Any

from .queries import QueryLibrary

Row = dict[str, Any]


class DatabaseError(Exception):
    """Base of the errors the database layer turns driver errors into."""


class UniqueViolation(DatabaseError):
    """A row with the same unique key exists already."""


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached or is too busy to answer now; retrying may work."""


class Connection(ABC):
    """One connection, borrowed from the pool for a statement or a transaction."""

    @abstractmethod
    async def fetch_one(self, query: str, **params: Any) -> Row | None: ...

    @abstractmethod
    async def fetch_all(self, query: str, **params: Any) -> list[Row]: ...

    @abstractmethod
    async def execute(self, query: str, **params: Any) -> int:
        """Run a statement that returns no rows; answer how many rows it touched."""

    @abstractmethod
    async def execute_script(self, sql: str) -> None:
        """Run several statements with no parameters (migrations only)."""


class Database(ABC):
    """A pool of connections to one database, opened at start-up and closed at shutdown."""

    dialect: str

    def __init__(self, queries: QueryLibrary) -> None:
        self.queries = queries

    @abstractmethod
    async def open(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def connection(self) -> AbstractAsyncContextManager[Connection]:
        """Borrow a connection in autocommit mode: each statement stands alone."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """Borrow a connection inside a transaction, committed when the block ends cleanly."""

    async def fetch_one(self, query: str, **params: Any) -> Row | None:
        async with self.connection() as connection:
            return await connection.fetch_one(query, **params)

    async def fetch_all(self, query: str, **params: Any) -> list[Row]:
        async with self.connection() as connection:
            return await connection.fetch_all(query, **params)

    async def execute(self, query: str, **params: Any) -> int:
        async with self.connection() as connection:
            return await connection.execute(query, **params)


# What a repository function runs its statement on: the database (a statement of its own)
# or a connection inside a transaction (with the others of that transaction).
Executor = Connection | Database
