"""One query for many concurrent lookups by key, instead of one round trip each.

Every signed-in request looks up its session. Under load, many requests wait for that
lookup at the same moment; sending their keys together costs the database, the driver and
the event loop one round trip instead of dozens, and the work per request falls as the load
grows. When the site is quiet, a batch holds one key and costs what a single query costs.
"""
from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class BatchLoader(Generic[Key, Value]):
    """``await loader.load(key)`` answers what ``fetch`` returned for ``key``, or None.

    One batch is in flight at a time; keys asked for meanwhile wait for the next one. So a
    lookup never joins a query that was sent before it was asked, and it sees every write
    committed before then: a session ended a moment ago is never found.
    """

    def __init__(self, fetch: Callable[[Sequence[Key]], Awaitable[dict[Key, Value]]]) -> None:
        self._fetch = fetch
        self._waiting: dict[Key, list[asyncio.Future[Value | None]]] = {}
        self._sender: asyncio.Task[None] | None = None

    async def load(self, key: Key) -> Value | None:
        future: asyncio.Future[Value | None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        if self._sender is None:
            # A context of its own: the batch belongs to no one request.
            self._sender = asyncio.create_task(self._send_batches(), context=contextvars.Context())
        return await future

    async def _send_batches(self) -> None:
        batch: dict[Key, list[asyncio.Future[Value | None]]] = {}
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, {}
                try:
                    found = await self._fetch(list(batch))
                except Exception as error:
                    _fail(batch, error)
                else:
                    _answer(batch, found)
        finally:
            self._sender = None
            # Only when this task is cancelled (the app is stopping) is anyone left waiting.
            for future in _futures(batch) + _futures(self._waiting):
                future.cancel()
            self._waiting = {}


Waiting = dict[Any, list["asyncio.Future[Any]"]]


def _answer(batch: Waiting, found: dict[Any, Any]) -> None:
    for key, futures in batch.items():
        for future in futures:
            if not future.done():  # its request may have been cancelled meanwhile
                future.set_result(found.get(key))


def _fail(batch: Waiting, error: Exception) -> None:
    for future in _futures(batch):
        if not future.done():
            future.set_exception(error)


def _futures(batch: Waiting) -> list[asyncio.Future[Any]]:
    return [future for futures in batch.values() for future in futures]
