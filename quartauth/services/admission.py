"""Admission: who gets a turn at the hash threads, and when a flood is on.

A password check costs a quarter of a second of one core, so this is where a flood of
guesses would take the CPU from pages and from the people whose passwords are right. The
words, as the README's glossary has them:

- **known browser**: a login post whose device cookie is valid (signed by this site): a
  browser that logged in to some account before. One post per browser at a time goes on;
  its check goes to the **front**.
- **stranger**: a login post without a valid device cookie.
- **line**: where posts wait before their form is even read: a stranger's for a **place**
  (``PLACES_PER_THREAD`` per hash thread, at most a **share**, half of them, for one address), a
  known browser's for its own previous post to end.
- **turn**: a check's go at a hash thread. The front gets the next free one, network by
  network in rotation. One thread more than ``threads`` serves the front alone, and only
  networks that are not **crowded** (a check of theirs running, or more than one waiting):
  a lone owner's check starts at once, while a crowd of one's own accounts behind one or
  two addresses takes pool turns only, at a lower priority, and cannot keep the front, or
  the CPU, from anyone else.
- **flood**: more strangers came than the line holds (and for ``FLOOD_MEMORY_SECONDS``
  after), or more wait for turns than ``FLOOD_WAITERS_PER_THREAD`` per thread: strangers
  then hash one at a time, at the lower priority.
- **busy**: a check or a post that waited its longest (``STRANGER_WAIT_SECONDS``, or
  ``KNOWN_BROWSER_WAIT_SECONDS`` for a known browser) is turned away: a 503 with Retry-After.

Nothing here knows HTTP: ``login_line`` puts posts in the line, and the sign-in flow asks
for turns.
"""
from __future__ import annotations

import asyncio
import math
import os
import random
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum

from .per_key import PerKey

# The longest a stranger's check waits for its turn, and a stranger's post for its place in
# the line: then it is turned away, so neither ever holds more than this much hashing. It
# waits rather than being answered at once because a flood answered at once comes straight
# back, and its answers would take the event loop from everyone else.
STRANGER_WAIT_SECONDS = 2.0
# A known browser's check waits longer (it is someone who logged in before), but not for
# ever: a crowd of known browsers of one's own cannot pile up behind the front.
KNOWN_BROWSER_WAIT_SECONDS = 5.0
PLACES_PER_THREAD = 4
# One client address holds at most this part of the line's places, so that posts from one
# address that arrive faster than they are checked leave room for others; half, so that
# people behind one address (an office, the bench) still keep both hash threads busy.
ADDRESS_SHARE = 0.5
FLOOD_MEMORY_SECONDS = 2.0
FLOOD_WAITERS_PER_THREAD = 4
# Hash threads run at the normal priority, as the event loop does: under page load, logins
# keep their share of the CPU. A flood's checks run at a lower priority, so pages and the
# front keep theirs; only a little lower, as a check begun during a flood may end after it.
FLOOD_THREAD_NICENESS = 5


class HashingBusy(Exception):
    """A check, or a stranger's post, waited its longest for its turn."""


@dataclass(frozen=True)
class KnownBrowser:
    """A browser whose valid device cookie vouches for the account: ``browser`` names the
    cookie, ``network`` is its client address's throttle key."""

    browser: str
    network: str


class _Thread(Enum):
    POOL = "pool"  # one of ``threads``, at the normal priority
    LOW = "low"  # one of ``threads``, at a lower priority
    FRONT = "front"  # the front's own


class Admission:
    """Turns at ``threads`` hash threads (plus the front's own), and the strangers' line."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._executors: dict[_Thread, Executor] = {
            _Thread.POOL: ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bcrypt"),
            _Thread.FRONT: ThreadPoolExecutor(max_workers=1, thread_name_prefix="bcrypt-front"),
            _Thread.LOW: ThreadPoolExecutor(
                max_workers=threads, thread_name_prefix="bcrypt-low", initializer=_lower_priority, initargs=(FLOOD_THREAD_NICENESS,)
            ),
        }
        self._pool_busy = 0
        self._strangers_busy = 0
        self._front_thread_busy = False
        self._front: dict[str, deque[asyncio.Future[_Thread]]] = {}  # by network, in rotation
        self._strangers: deque[asyncio.Future[_Thread]] = deque()
        self._browsers_at_front: set[str] = set()
        self._checking: dict[str, int] = {}  # front checks running, by network
        self._crowded_at = -math.inf
        self.line = Line(self, threads * PLACES_PER_THREAD)

    @property
    def flooded(self) -> bool:
        return (
            len(self._strangers) > FLOOD_WAITERS_PER_THREAD * self.threads
            or time.monotonic() - self._crowded_at < FLOOD_MEMORY_SECONDS
        )

    def crowded(self) -> None:
        """More strangers came than the line holds: a flood, for a while."""
        self._crowded_at = time.monotonic()

    @asynccontextmanager
    async def turn(self, known: KnownBrowser | None = None) -> AsyncIterator[Executor]:
        """A turn at a hash thread: the executor to check on. Raises ``HashingBusy``."""
        # A browser with a check at the front already waits as a stranger does.
        front = known if known is not None and known.browser not in self._browsers_at_front else None
        if front is None:
            thread = await self._stranger_turn()
        else:
            self._browsers_at_front.add(front.browser)
            try:
                thread = await self._front_turn(front.network)
            except BaseException:
                self._browsers_at_front.discard(front.browser)
                raise
        try:
            yield self._executors[thread]
        finally:
            if front is not None:
                self._browsers_at_front.discard(front.browser)
            self._end(thread, front.network if front else None)

    async def _front_turn(self, network: str) -> _Thread:
        if not self._front_thread_busy and not self._crowded(network):
            return self._start_at_front(network, _Thread.FRONT)
        if not self._front and self._pool_busy < self.threads:
            return self._start_at_front(network, _Thread.POOL)
        waiters = self._front.setdefault(network, deque())
        return await self._wait(waiters, KNOWN_BROWSER_WAIT_SECONDS, network)

    def _crowded(self, network: str) -> bool:
        """A network with a check running, or more than one waiting at the front: many
        browsers behind one address, as an attacker's own accounts would be."""
        return bool(self._checking.get(network)) or len(self._front.get(network, ())) > 1

    def _start_at_front(self, network: str, thread: _Thread) -> _Thread:
        """The front's own thread goes only to a network that is not crowded, and a crowded
        network's pool turns run at the lower priority: a network of many browsers leaves
        the front's thread, and the CPU, to the others."""
        if thread is _Thread.FRONT:
            self._front_thread_busy = True
        else:
            self._pool_busy += 1
            if self._crowded(network):
                thread = _Thread.LOW
        self._checking[network] = self._checking.get(network, 0) + 1
        return thread

    async def _stranger_turn(self) -> _Thread:
        if not self._front and not self._strangers and self._stranger_may_start():
            return self._start_stranger()
        return await self._wait(self._strangers, STRANGER_WAIT_SECONDS, None)

    async def _wait(self, waiters: deque[asyncio.Future[_Thread]], patience: float, network: str | None) -> _Thread:
        """Wait in ``waiters`` (the front's of ``network``, or the strangers' for None)."""
        waiter: asyncio.Future[_Thread] = asyncio.get_running_loop().create_future()
        waiters.append(waiter)
        try:
            await asyncio.wait([waiter], timeout=patience)
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._end(waiter.result(), network)  # handed a turn just as it gave up: pass it on
            raise
        finally:
            if not waiter.done():
                waiter.cancel()
            if waiter in waiters:
                waiters.remove(waiter)
            if network is not None and self._front.get(network) is waiters and not waiters:
                del self._front[network]
        if waiter.cancelled():
            raise HashingBusy()
        return waiter.result()

    def _stranger_may_start(self) -> bool:
        return self._pool_busy < self.threads and self._strangers_busy < (1 if self.flooded else self.threads)

    def _start_stranger(self) -> _Thread:
        self._pool_busy += 1
        self._strangers_busy += 1
        return _Thread.LOW if self.flooded else _Thread.POOL

    def _end(self, thread: _Thread, network: str | None) -> None:
        """A turn ended: a front turn of ``network``'s, or a stranger's (None)."""
        if thread is _Thread.FRONT:
            self._front_thread_busy = False
        else:
            self._pool_busy -= 1
            self._strangers_busy -= network is None
        if network is not None:
            self._checking[network] -= 1
            if not self._checking[network]:
                del self._checking[network]
        self._hand_on()

    def _hand_on(self) -> None:
        """Give free threads to the front first, network by network in rotation, then to
        strangers in their order."""
        while self._front:
            if not self._front_thread_busy and self._hand_to_front(_Thread.FRONT, lambda network: not self._crowded(network)):
                continue
            if self._pool_busy >= self.threads or not self._hand_to_front(_Thread.POOL, lambda network: True):
                break
        while self._strangers and self._stranger_may_start():
            waiter = self._strangers.popleft()
            if not waiter.done():
                waiter.set_result(self._start_stranger())

    def _hand_to_front(self, thread: _Thread, eligible: Callable[[str], bool]) -> bool:
        """Give ``thread`` to the first waiting network in the rotation that is ``eligible``,
        and send that network to the back; False when none is."""
        for network in list(self._front):
            if not eligible(network):
                continue
            waiters = self._front[network]
            while waiters and waiters[0].done():
                waiters.popleft()  # gave up
            if not waiters:
                del self._front[network]
                continue
            started = self._start_at_front(network, thread)  # judged with its waiters still counted
            del self._front[network]
            waiter = waiters.popleft()
            if waiters:
                self._front[network] = waiters  # to the back of the rotation
            waiter.set_result(started)
            return True
        return False

    def close(self) -> None:
        for executor in self._executors.values():
            executor.shutdown(wait=False, cancel_futures=True)


class Line:
    """Login posts wait here before their form is read. Strangers' wait for a place:
    ``places`` in all, a share of them per client network; that any must wait is the sign
    of a flood. A known browser's wait for that browser's previous post to end: one post
    per browser at a time, however many connections it opens."""

    def __init__(self, admission: Admission, places: int) -> None:
        self._admission = admission
        self._places = asyncio.Semaphore(places)
        self._shares = PerKey(max(1, int(places * ADDRESS_SHARE)))  # by network
        self._browsers = PerKey(1)

    async def enter(self, network: str) -> None:
        """Wait for a place for a post from ``network``; raises ``HashingBusy``."""
        if self._places.locked():
            self._admission.crowded()
        # Each waits its own while, so that a flood's turn-aways do not all fall due, and come
        # back, at one moment: answered together they stall the event loop for everyone.
        deadline = time.monotonic() + STRANGER_WAIT_SECONDS * random.uniform(0.75, 1.0)
        try:
            await self._shares.acquire(network, deadline - time.monotonic())
        except asyncio.TimeoutError:
            raise HashingBusy() from None
        try:
            await asyncio.wait_for(self._places.acquire(), max(0.0, deadline - time.monotonic()))
        except BaseException as error:
            self._shares.release(network)
            raise HashingBusy() if isinstance(error, asyncio.TimeoutError) else error from None

    def leave(self, network: str) -> None:
        self._places.release()
        self._shares.release(network)

    async def enter_known(self, browser: str) -> None:
        """Wait for ``browser``'s previous post to end; raises ``HashingBusy``."""
        try:
            await self._browsers.acquire(browser, KNOWN_BROWSER_WAIT_SECONDS)
        except asyncio.TimeoutError:
            raise HashingBusy() from None

    def leave_known(self, browser: str) -> None:
        self._browsers.release(browser)


def _lower_priority(niceness: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass
