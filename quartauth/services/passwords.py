"""Hashing and checking passwords: bcrypt over SHA-256, run off the event loop, each check
in its turn (``admission``).

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import bcrypt

from .admission import Admission, KnownBrowser
from .password_policy import normalized

SCHEME = "bcrypt_sha256"
T = TypeVar("T")


@dataclass(frozen=True)
class Verification:
    matches: bool
    needs_rehash: bool


class PasswordHasher:
    """Hashes and checks passwords on ``threads`` threads (bcrypt releases the GIL), each
    hash or check when ``admission`` gives it a turn."""

    def __init__(self, rounds: int, threads: int) -> None:
        self.rounds = rounds
        self.admission = Admission(threads)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self._run(self._hash_now, password)

    async def verify(self, password: str, stored_hash: str, *, known: KnownBrowser | None = None) -> Verification:
        """Whether ``password`` is the one ``stored_hash`` was made from, in the time a check
        at the current cost takes, whatever the stored hash: an account hashed at an older
        cost, or with a hash that is broken, cannot be told apart by how fast it says no.

        ``known``: the browser, when its device cookie vouches for the account (its check
        goes to the front). Raises ``HashingBusy`` when it waited its longest for a turn."""
        await self.prepare()
        matches = await self._run(self._check_in_full_time, password, stored_hash, known=known)
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
        self.admission.close()

    async def _run(self, function: Callable[..., T], *args: object, known: KnownBrowser | None = None) -> T:
        async with self.admission.turn(known) as executor:
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
