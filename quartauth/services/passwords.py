"""Password policy and hashing: bcrypt over SHA-256, run off the event loop.

bcrypt reads at most 72 bytes, so a long passphrase would be cut short without a word.
Each password is first reduced to its SHA-256 hex digest (64 ASCII bytes, as Django's
BCryptSHA256PasswordHasher does), so every character counts. The stored value names its
scheme, ``bcrypt_sha256$<bcrypt hash>``, so a future scheme can sit beside it and accounts
move over as they log in.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import bcrypt

SCHEME = "bcrypt_sha256"
MIN_LENGTH = 8
MAX_LENGTH = 128
LENGTH_MESSAGE = f"Password must be between {MIN_LENGTH} and {MAX_LENGTH} characters."
MISMATCH_MESSAGE = "Passwords must match."
RULE = f"At least {MIN_LENGTH} characters (at most {MAX_LENGTH}); a few words make a good one."

# Hash threads yield the CPU to the event loop, so pages stay fast while logins pour in.
_HASH_THREAD_NICENESS = 10


def password_problem(password: str) -> str | None:
    """What is wrong with ``password`` as a new password, or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return LENGTH_MESSAGE
    return None


@dataclass(frozen=True)
class Verification:
    matches: bool
    needs_rehash: bool


class PasswordHasher:
    """Hashes and checks passwords in a bounded pool of threads (bcrypt releases the GIL)."""

    def __init__(self, rounds: int, threads: int) -> None:
        self.rounds = rounds
        self._executor = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="bcrypt", initializer=_lower_priority
        )
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self._run(self._hash_now, password)

    async def verify(self, password: str, stored_hash: str) -> Verification:
        matches = await self._run(_matches, password, stored_hash)
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

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _run(self, function, *args):  # type: ignore[no-untyped-def]
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _hash_now(self, password: str) -> str:
        hashed = bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds))
        return f"{SCHEME}${hashed.decode('ascii')}"

    def _is_outdated(self, stored_hash: str) -> bool:
        scheme, _, hashed = stored_hash.partition("$")
        return scheme != SCHEME or _bcrypt_rounds(hashed) != self.rounds


def _prehash(password: str) -> bytes:
    # NFKC: the same password typed on another keyboard or OS gives the same bytes.
    normalized = unicodedata.normalize("NFKC", password)
    return hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest().encode("ascii")


def _matches(password: str, stored_hash: str) -> bool:
    scheme, _, hashed = stored_hash.partition("$")
    if scheme != SCHEME:
        return False
    try:
        return bcrypt.checkpw(_prehash(password), hashed.encode("ascii"))
    except ValueError:  # a malformed stored hash matches nothing
        return False


def _bcrypt_rounds(hashed: str) -> int | None:
    # "$2b$12$..." -> 12
    parts = hashed.split("$")
    return int(parts[2]) if len(parts) > 3 and parts[2].isdigit() else None


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _HASH_THREAD_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass

