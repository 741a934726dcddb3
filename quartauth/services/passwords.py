"""Password policy and hashing: bcrypt over SHA-256, run off the event loop.

The policy is NIST SP 800-63B's: 8 to 128 characters as the hash will see them (after
NFKC normalization), no composition rules, no expiry; and no password that is easy to guess
(zxcvbn's offline estimate, told the email and the site's name) or built from the email.

bcrypt reads at most 72 bytes, so a long passphrase would be cut short without a word.
Each password is first reduced to its SHA-256 hex digest (64 ASCII bytes, as Django's
BCryptSHA256PasswordHasher does), so every character counts. The stored value names its
scheme, ``bcrypt_sha256$<bcrypt hash>``, so a future scheme can sit beside it and accounts
move over as they log in.
"""
from __future__ import annotations

import asyncio
import hashlib
import math
import os
import threading
import time
import unicodedata
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

import bcrypt
from zxcvbn import zxcvbn

SCHEME = "bcrypt_sha256"
MIN_LENGTH = 8
MAX_LENGTH = 128
LENGTH_MESSAGE = f"Password must be between {MIN_LENGTH} and {MAX_LENGTH} characters."
MISMATCH_MESSAGE = "Passwords must match."
UNREADABLE_MESSAGE = "The password contains characters that could not be read."
FROM_EMAIL_MESSAGE = "A password must not be built from your email address."
GUESSABLE_MESSAGE = "This password is too easy to guess: add a word or two that others would not think of."
RULE = (
    f"At least {MIN_LENGTH} characters (at most {MAX_LENGTH}), not easy to guess and not made from your email: "
    "a few unrelated words make a good one."
)
SITE_NAME = "quartauth"
# zxcvbn's scores run 0 to 4; 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_GUESS_SCORE = 3
# The estimate reads this much of a password: zxcvbn refuses more than 72 characters and
# slows with length, and a long password is at least as strong as its start.
GUESS_WINDOW = 64
UNREADABLE = "\ufffd"  # what the form decoder leaves for bytes that are not UTF-8

# Hash threads run at the normal priority, as the event loop does: under page load, logins
# keep their share of the CPU (at a lower priority they starved, at 1 login/s of 9), and
# pages keep theirs. During a flood, strangers' guesses are checked on one thread at a lower
# priority instead: they get little of the CPU that pages and owners want. Not much lower: a
# check begun during a flood ends after it, and at nice 15 under page load that took 13 s.
_FLOOD_THREAD_NICENESS = 5
# The longest a password check from an unknown browser waits for its turn at the hash
# threads; then it is turned away (a 503), so the line never holds more than this much
# hashing. It waits rather than being answered at once because a flood answered at once
# comes straight back, and its answers would take the event loop from everyone else.
MAX_HASH_WAIT_SECONDS = 2.0
# A flood: more strangers came at once than the login line lets in (and for this long after
# the last time they did), or more than this many wait here per hash thread. Not strangers
# turned away because checks are slow: under page load that would keep a flood going for good,
# and the one-at-a-time checks it brings would turn every stranger away.
FLOOD_MEMORY_SECONDS = 2.0
FLOOD_LINE_PER_THREAD = 4


class HashingBusy(Exception):
    """A check from a browser the account does not know waited its longest for a turn."""


class HashQueue:
    """Turns at the hash threads: checks from browsers the account knows (``trusted``: a
    device cookie) go first; the others wait their turn at most ``MAX_HASH_WAIT_SECONDS``
    and are then turned away with ``HashingBusy``. During a flood of guesses (``crowded``),
    strangers hash one at a time: the CPU their guesses would take goes to pages and to the
    owners' checks instead."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._busy = 0
        self._strangers_busy = 0
        self._trusted: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()
        self._crowded_at = -math.inf

    def crowded(self) -> None:
        """More strangers came at once than may wait for checks: a flood, for a while."""
        self._crowded_at = time.monotonic()

    @property
    def flooded(self) -> bool:
        """A crowd of strangers came lately, or more of them wait than can be checked soon."""
        return (
            len(self._others) > FLOOD_LINE_PER_THREAD * self.threads
            or time.monotonic() - self._crowded_at < FLOOD_MEMORY_SECONDS
        )

    @asynccontextmanager
    async def turn(self, *, trusted: bool) -> AsyncIterator[None]:
        line = self._trusted if trusted else self._others
        if not self._trusted and (trusted or not self._others) and self._may_start(trusted):
            self._start(trusted)
        else:
            waiter = asyncio.get_running_loop().create_future()
            line.append(waiter)
            try:
                if trusted:
                    await waiter
                else:
                    await asyncio.wait([waiter], timeout=MAX_HASH_WAIT_SECONDS)
                    if not waiter.done():
                        line.remove(waiter)
                        raise HashingBusy()
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._finish(trusted)  # handed the turn just as it gave up: pass it on
                elif waiter in line:
                    line.remove(waiter)
                raise
        try:
            yield
        finally:
            self._finish(trusted)

    def _may_start(self, trusted: bool) -> bool:
        if self._busy >= self.threads:
            return False
        return trusted or self._strangers_busy < (1 if self.flooded else self.threads)

    def _start(self, trusted: bool) -> None:
        self._busy += 1
        self._strangers_busy += not trusted

    def _finish(self, trusted: bool) -> None:
        self._busy -= 1
        self._strangers_busy -= not trusted
        for line, trusted_line in ((self._trusted, True), (self._others, False)):
            while line and self._may_start(trusted_line):
                waiter = line.popleft()
                if not waiter.done():
                    self._start(trusted_line)
                    waiter.set_result(None)


def password_problem(password: str, *, email: str = "") -> str | None:
    """What is wrong with ``password`` as a new password for ``email``'s account, in one
    sentence, or None. The estimate takes milliseconds of CPU: call it off the event loop."""
    return shape_problem(password) or guessing_problem(password, email=email)


def shape_problem(password: str, *, chosen: bool = True) -> str | None:
    """What makes ``password`` unusable whatever the account: unreadable, too long, or (one
    being ``chosen``) too short. Lengths count the normalized password, as it is hashed, so a
    password accepted at sign-up is never refused as too long when it is entered again."""
    if UNREADABLE in password:
        return UNREADABLE_MESSAGE
    length = len(normalized(password))
    if length > MAX_LENGTH or (chosen and length < MIN_LENGTH):
        return LENGTH_MESSAGE
    return None


def guessing_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` would be easy to guess for ``email``'s account, or None."""
    text = normalized(password)
    local_part = email.partition("@")[0].lower()
    if email and (email.lower() in text.lower() or _built_from(text.lower(), local_part)):
        return FROM_EMAIL_MESSAGE
    estimate = zxcvbn(text[:GUESS_WINDOW], user_inputs=[word for word in (email, local_part, SITE_NAME) if word])
    if estimate["score"] >= MIN_GUESS_SCORE:
        return None
    warning = estimate["feedback"]["warning"].strip().rstrip(".")
    if not warning:
        return GUESSABLE_MESSAGE
    return f"This password is too easy to guess: {warning[0].lower()}{warning[1:]}."


def normalized(password: str) -> str:
    """The password as it is hashed and counted: the same on every keyboard and OS."""
    return unicodedata.normalize("NFKC", password)


def _built_from(text: str, local_part: str) -> bool:
    # "alice2024!" for alice@...: what is left without the name is too short to be a password.
    return len(local_part) >= 3 and local_part in text and len(text.replace(local_part, "")) < MIN_LENGTH


@dataclass(frozen=True)
class Verification:
    matches: bool
    needs_rehash: bool


class PasswordHasher:
    """Hashes and checks passwords in a bounded pool of threads (bcrypt releases the GIL).

    One more thread, at the normal priority, is kept for checks from browsers the account
    knows: under a flood of guesses the owner's check starts at once and runs at full speed;
    when it is taken, the next such check goes to the front of the pool's line. One such
    check per account at a time: while it runs, the account's others wait as strangers' do,
    so an account of one's own, logged in to again and again, cannot keep the front of the
    line from everyone else's owners."""

    def __init__(self, rounds: int, threads: int) -> None:
        self.rounds = rounds
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bcrypt")
        self._flood_executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="bcrypt-flood", initializer=_lower_priority, initargs=(_FLOOD_THREAD_NICENESS,)
        )
        self._trusted_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bcrypt-trusted")
        self._trusted_lane = asyncio.Lock()
        self._accounts_checking: set[int] = set()  # whose known browsers have a check at the front
        self.queue = HashQueue(threads)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self._run(self._hash_now, password)

    async def verify(self, password: str, stored_hash: str, *, known_to: int | None = None) -> Verification:
        """Whether ``password`` is the one ``stored_hash`` was made from, in the time a check
        at the current cost takes, whatever the stored hash: an account hashed at an older
        cost, or with a hash that is broken, cannot be told apart by how fast it says no.

        ``known_to``: the account whose device cookie the browser carries (its check goes first)."""
        await self.prepare()
        matches = await self._run(self._check_in_full_time, password, stored_hash, known_to=known_to)
        return Verification(matches=matches, needs_rehash=matches and self._is_outdated(stored_hash))

    async def prepare(self) -> None:
        """Make the dummy hash now, so that the first unknown email is not the slow one."""
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(os.urandom(16).hex())

    async def verify_against_dummy(self, password: str) -> None:
        """Spend the time a real check takes, for an email with no account behind it."""
        await self.prepare()
        assert self._dummy_hash is not None
        await self._run(_matches, password, self._dummy_hash)

    def _check_in_full_time(self, password: str, stored_hash: str) -> bool:
        assert self._dummy_hash is not None
        scheme, _, hashed = stored_hash.partition("$")
        rounds = _bcrypt_rounds(hashed) if scheme == SCHEME else None
        if rounds is None:  # nothing we can check against: spend the time of a check anyway
            _matches(password, self._dummy_hash)
            return False
        matches = _matches(password, stored_hash)
        if not matches and rounds < self.rounds:
            # As Django's harden_runtime: redo the cheaper work until it adds up to a check
            # at the current cost (each round of cost doubles the work).
            try:
                salt = hashed[:29].encode("ascii")
                for _ in range(2 ** (self.rounds - rounds) - 1):
                    bcrypt.hashpw(_prehash(password), salt)
            except ValueError:  # a broken stored hash: a check at the current cost instead
                _matches(password, self._dummy_hash)
        return matches

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._trusted_executor.shutdown(wait=False, cancel_futures=True)
        self._flood_executor.shutdown(wait=False, cancel_futures=True)

    async def _run(self, function, *args, known_to: int | None = None):  # type: ignore[no-untyped-def]
        if known_to is None or known_to in self._accounts_checking:
            return await self._in_turn(function, *args, trusted=False)
        self._accounts_checking.add(known_to)
        try:
            if not self._trusted_lane.locked():
                async with self._trusted_lane:
                    return await asyncio.get_running_loop().run_in_executor(self._trusted_executor, function, *args)
            return await self._in_turn(function, *args, trusted=True)
        finally:
            self._accounts_checking.discard(known_to)

    async def _in_turn(self, function, *args, trusted: bool):  # type: ignore[no-untyped-def]
        async with self.queue.turn(trusted=trusted):
            executor = self._flood_executor if self.queue.flooded and not trusted else self._executor
            return await asyncio.get_running_loop().run_in_executor(executor, function, *args)

    def _hash_now(self, password: str) -> str:
        hashed = bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds))
        return f"{SCHEME}${hashed.decode('ascii')}"

    def _is_outdated(self, stored_hash: str) -> bool:
        scheme, _, hashed = stored_hash.partition("$")
        return scheme != SCHEME or _bcrypt_rounds(hashed) != self.rounds


def _prehash(password: str) -> bytes:
    return hashlib.sha256(normalized(password).encode("utf-8", "surrogatepass")).hexdigest().encode("ascii")


def _matches(password: str, stored_hash: str) -> bool:
    scheme, _, hashed = stored_hash.partition("$")
    if scheme != SCHEME:
        return False
    try:
        return bcrypt.checkpw(_prehash(password), hashed.encode("ascii"))
    except ValueError:  # a malformed stored hash matches nothing
        return False


def _bcrypt_rounds(hashed: str) -> int | None:
    # "$2b$12$..." -> 12; None for what is not a bcrypt hash
    parts = hashed.split("$")
    if len(parts) != 4 or not parts[2].isdigit() or len(parts[3]) != 53:
        return None
    return int(parts[2])


def _lower_priority(niceness: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass

