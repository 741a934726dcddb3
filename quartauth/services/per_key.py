"""Semaphores by key, in this process: at most ``size`` holders of one key at a time; a key
that nobody holds or awaits is forgotten, so keys made up by a flood cost nothing after it."""
from __future__ import annotations

import asyncio


class PerKey:
    def __init__(self, size: int) -> None:
        self._size = size
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}  # holding or awaiting each key

    async def acquire(self, key: str, seconds: float | None = None) -> None:
        """Hold ``key``, waiting at most ``seconds`` (None: as long as it takes); raises
        ``asyncio.TimeoutError`` when the wait ran out."""
        self._users[key] = self._users.get(key, 0) + 1
        semaphore = self._semaphores.setdefault(key, asyncio.Semaphore(self._size))
        try:
            await asyncio.wait_for(semaphore.acquire(), seconds)
        except BaseException:
            self._forget(key)
            raise

    def release(self, key: str) -> None:
        self._semaphores[key].release()
        self._forget(key)

    def _forget(self, key: str) -> None:
        self._users[key] -= 1
        if not self._users[key]:
            del self._users[key], self._semaphores[key]
