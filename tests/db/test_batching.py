"""Concurrent lookups share a query, and never one sent before they were asked."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from quartauth.db.batching import BatchLoader


class Table:
    """A stand-in for a database table: answers after a round trip, records each query."""

    def __init__(self, rows: dict[str, str]) -> None:
        self.rows = rows
        self.queries: list[list[str]] = []
        self.failure: Exception | None = None
        self.in_flight = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()

    async def fetch(self, keys: Sequence[str]) -> dict[str, str]:
        self.queries.append(list(keys))
        snapshot = {key: self.rows[key] for key in keys if key in self.rows}  # as of sending
        self.in_flight.set()
        await self.release.wait()
        self.in_flight.clear()
        if self.failure is not None:
            raise self.failure
        return snapshot


async def test_lookups_made_together_share_one_query():
    table = Table({"a": "row a", "b": "row b"})
    loader = BatchLoader(table.fetch)

    found = await asyncio.gather(loader.load("a"), loader.load("b"), loader.load("a"), loader.load("missing"))

    assert found == ["row a", "row b", "row a", None]
    assert table.queries == [["a", "b", "missing"]]


async def test_a_lookup_made_during_a_query_waits_for_the_next_one():
    table = Table({"a": "old"})
    table.release.clear()
    loader = BatchLoader(table.fetch)
    first = asyncio.create_task(loader.load("a"))
    await table.in_flight.wait()

    table.rows["a"] = "new"  # written after the first query was sent
    second = asyncio.create_task(loader.load("a"))
    table.release.set()

    assert await first == "old"
    assert await second == "new"
    assert table.queries == [["a"], ["a"]]


async def test_a_failed_query_fails_every_lookup_in_it_and_the_next_query_runs():
    table = Table({"a": "row a"})
    table.failure = ConnectionError("database down")
    loader = BatchLoader(table.fetch)

    results = await asyncio.gather(loader.load("a"), loader.load("b"), return_exceptions=True)
    assert [type(result) for result in results] == [ConnectionError, ConnectionError]

    table.failure = None
    assert await loader.load("a") == "row a"


async def test_a_cancelled_lookup_leaves_the_others_answered():
    table = Table({"a": "row a", "b": "row b"})
    table.release.clear()
    loader = BatchLoader(table.fetch)
    abandoned = asyncio.create_task(loader.load("a"))
    kept = asyncio.create_task(loader.load("b"))
    await table.in_flight.wait()

    abandoned.cancel()
    table.release.set()

    assert await kept == "row b"
    with pytest.raises(asyncio.CancelledError):
        await abandoned
