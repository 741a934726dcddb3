"""Semaphores by key: a key's holders are bounded, other keys are not held up, a wait that
runs out leaves nothing behind, and a key nobody uses is forgotten."""
from __future__ import annotations

import asyncio

import pytest

from quartauth.services.per_key import PerKey


async def test_a_key_has_at_most_its_holders_and_other_keys_go_on():
    keys = PerKey(2)
    await keys.acquire("a")
    await keys.acquire("a")

    with pytest.raises(asyncio.TimeoutError):
        await keys.acquire("a", 0.01)
    await keys.acquire("b", 0.01)

    keys.release("a")
    await keys.acquire("a", 0.01)


async def test_a_waiter_gets_the_key_when_it_is_released():
    keys = PerKey(1)
    await keys.acquire("a")
    waiting = asyncio.create_task(keys.acquire("a"))
    await asyncio.sleep(0)
    assert not waiting.done()

    keys.release("a")

    await asyncio.wait_for(waiting, 1)


async def test_a_key_nobody_holds_or_awaits_is_forgotten():
    keys = PerKey(1)
    await keys.acquire("held")
    with pytest.raises(asyncio.TimeoutError):
        await keys.acquire("held", 0.01)  # gave up: counts no more
    for key in ("once", "twice"):
        await keys.acquire(key)
        keys.release(key)

    assert set(keys._semaphores) == {"held"}
    keys.release("held")
    assert not keys._semaphores and not keys._users
