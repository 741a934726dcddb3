"""Row 16: signing in with a passkey, which costs no bcrypt hash: the options asked for
(``POST /login/passkey/options``), the browser's answer signed (by the tests' software
authenticator, here in the load's own process), and the answer posted (``POST /login/passkey``).

Each account gets a passkey stored by hand; each browser signs in to its own account again
and again (its device cookie known after the first time, as an owner's would be), dropping
the session it got and opening the login page again. First at saturation on 8 connections, against the bcrypt limit; then one
at a time, for the sign-in's own latency (the answer's request; the options' too).
"""
from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from quartauth.db import connect
from quartauth.repository.passkeys import insert_passkey, keep_user_passkey_handle
from tests.soft_authenticator import SoftAuthenticator, SoftPasskey, decode, encode

from . import seed
from .browser import Browser

CONNECTIONS = 8  # a thread each, as a browser: options, signature, answer
SATURATION_SECONDS = 20
SIGN_INS_ONE_AT_A_TIME = 64
HOST = "localhost"  # the relying party: PUBLIC_URL's host (bench/server.py)


@dataclass(frozen=True)
class Passkeys:
    sign_ins: int
    seconds: float
    failures: int
    answer_ms: list[float]  # one at a time: the answer's request
    options_ms: list[float]  # one at a time: the options' request

    @property
    def rate(self) -> float:
        return self.sign_ins / self.seconds

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.answer_ms)

    @property
    def p99_ms(self) -> float:
        return sorted(self.answer_ms)[int(len(self.answer_ms) * 0.99)]

    @property
    def options_p50_ms(self) -> float:
        return statistics.median(self.options_ms)


@dataclass
class Owner:
    """A browser at the login page and the passkey of its account."""

    browser: Browser
    authenticator: SoftAuthenticator
    passkey: SoftPasskey
    token: str = ""

    def sign_in(self, timings: tuple[list[float], list[float]] | None = None) -> bool:
        """One passkey sign-in; ``timings``: where the two requests' times go."""
        if not self.token:
            self.token = self.browser.csrf_token("/login")
        started = time.perf_counter()
        status, text = self.browser.request("POST", "/login/passkey/options", headers={"X-CSRFToken": self.token})
        asked = time.perf_counter()
        if status != 200:
            return False
        answer = self.authenticator.get(json.loads(text), self.passkey, origin=f"https://{HOST}:{self.browser.port}")
        sending = time.perf_counter()
        status, _ = self.browser.request("POST", "/login/passkey", {"csrf_token": self.token, "passkey": answer})
        answered = time.perf_counter()
        signed_in = status == 302 and any(name.endswith("quartauth_session") for name in self.browser.cookies)
        for name in [name for name in self.browser.cookies if name.endswith("quartauth_session")]:
            del self.browser.cookies[name]  # logged out, as far as this browser knows: it signs in again
        self.token = ""  # a sign-in renews the CSRF seed: the next starts from the login page
        if timings is not None:
            timings[0].append((asked - started) * 1000)
            timings[1].append((answered - sending) * 1000)
        return signed_in


def set_up(url: str, port: int, numbers: range) -> list[Owner]:
    """A passkey each for the seeded users ``numbers``, and a browser each at the login page."""
    return [Owner(Browser(port, keep_alive=True, host=HOST), authenticator, passkey) for authenticator, passkey in asyncio.run(_store(url, numbers))]


async def _store(url: str, numbers: range) -> list[tuple[SoftAuthenticator, SoftPasskey]]:
    database, made = connect(url), []
    await database.open()
    try:
        for number in numbers:
            user = await seed.seeded_user(database, number)
            handle = await keep_user_passkey_handle(database, user.id, encode(secrets.token_bytes(32)))
            authenticator = SoftAuthenticator()
            passkey = authenticator.make(HOST, decode(handle or ""))
            await insert_passkey(
                database, credential_id=passkey.id, user_id=user.id, public_key=encode(passkey.cose_public_key()),
                sign_count=0, name="Bench", created_at=datetime.now(UTC),
            )
            made.append((authenticator, passkey))
    finally:
        await database.close()
    return made


def measure(owners: list[Owner]) -> Passkeys:
    for owner in owners:  # the first sign-in gives each browser its device cookie: no notice mail after
        if not owner.sign_in():
            raise RuntimeError("a passkey sign-in was refused before the bench began")
    counts, failures = [0] * CONNECTIONS, [0] * CONNECTIONS
    deadline = time.monotonic() + SATURATION_SECONDS

    def load(index: int) -> None:
        owner = owners[index]
        while time.monotonic() < deadline:
            if owner.sign_in():
                counts[index] += 1
            else:
                failures[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=load, args=(index,)) for index in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    timings: tuple[list[float], list[float]] = ([], [])
    alone = owners[CONNECTIONS]
    for _ in range(SIGN_INS_ONE_AT_A_TIME):
        if not alone.sign_in(timings):
            failures[0] += 1
    return Passkeys(sum(counts), seconds, sum(failures), answer_ms=timings[1], options_ms=timings[0])
