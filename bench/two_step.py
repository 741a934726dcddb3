"""Row 15: logins with a second step: the login form (a bcrypt check), then the code from the
authenticator app, which costs no hash. As row 2's logins, each comes from a browser that has
the login page already (its CSRF cookie and token) and no device cookie.

A code counts once, so each login is another account with two-step sign-in on; the accounts
are set up first, their keys sealed with the server's SECRET_KEY, and their apps' codes
worked out ahead for the minutes the phase lasts. First at saturation, both steps chained on
each connection (the rate against the bcrypt limit); then second steps alone, one at a time,
for sign-ins whose password was just right (the second step's own latency).
"""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pyotp

from quartauth.db import connect
from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.users import turn_user_two_step_on, update_user_two_step_key
from quartauth.services.two_step_codes import KeyBox, new_key

from . import seed, wrk
from .browser import Browser

CONNECTIONS = 8  # a thread each: the script chains the two steps on its connection
SATURATION_SECONDS = 20
SECOND_STEPS = 64  # sign-ins waiting for their code, then sent one at a time
SECOND_STEP_SECONDS = 5  # at most: wrk stops once every one was answered
IDENTITIES = 16  # browsers on the login page, as in row 2
CODE_STEPS = 4  # the codes listed per account: two minutes of an app's codes


@dataclass(frozen=True)
class TwoStep:
    saturated: wrk.Load
    second_steps: wrk.Load

    @property
    def failures(self) -> int:
        return self.saturated.failures + self.second_steps.failures


def set_up(url: str, numbers: range, secret_key: str) -> dict[str, str]:
    """Two-step sign-in on for the seeded users ``numbers``: their emails and their app keys."""
    return asyncio.run(_turn_on(url, numbers, secret_key))


async def _turn_on(url: str, numbers: range, secret_key: str) -> dict[str, str]:
    database, box, keys = connect(url), KeyBox(secret_key), {}
    await database.open()
    try:
        for number in numbers:
            user = await seed.seeded_user(database, number)
            key, user_id = new_key(), user.id
            sealed = box.seal(key, user_id)

            async def turn_it_on(user_id: int = user_id, sealed: str = sealed) -> None:
                await update_user_two_step_key(database, user_id, sealed)
                await turn_user_two_step_on(database, user_id, sealed, step=0, on_since=datetime.now(UTC))

            await seed.while_the_server_writes(turn_it_on, f"turning two-step sign-in on for {user.email}")
            keys[user.email] = key
    finally:
        await database.close()
    return keys


def measure(url: str, port: int, keys: dict[str, str], workdir: Path, url_of_database: str) -> TwoStep:
    workdir.mkdir(exist_ok=True)
    accounts = list(keys.items())
    identities = [_on_the_login_page(port) for _ in range(IDENTITIES)]
    logins = _write_logins(workdir / "two-step-logins.tsv", accounts[SECOND_STEPS:], identities)
    saturated = wrk.run(
        url, "two_step.lua", str(logins), str(CONNECTIONS), connections=CONNECTIONS, threads=CONNECTIONS, seconds=SATURATION_SECONDS
    )
    steps = _write_second_steps(workdir / "second-steps.tsv", port, accounts[:SECOND_STEPS], identities)
    asyncio.run(_mail_delivered(url_of_database))  # the notices of the logins just made: not the second steps' cost
    second_steps = wrk.run(url, "second_step.lua", str(steps), connections=1, seconds=SECOND_STEP_SECONDS)
    return TwoStep(saturated, second_steps)


async def _mail_delivered(database_url: str, seconds: float = 60) -> None:
    """Wait until the server's delivery task has sent every mail waiting in the outbox."""
    database = connect(database_url)
    await database.open()
    try:
        deadline = time.monotonic() + seconds
        while await count_unsent_outbox_messages(database) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    finally:
        await database.close()


def log_in(browser: Browser, email: str, key: str) -> None:
    """Both steps, as the account's owner with the app at hand."""
    token = browser.csrf_token("/login")
    status, _ = browser.request("POST", "/login", {"csrf_token": token, "email": email, "password": seed.PASSWORD})
    if status == 302:
        status, _ = browser.request("POST", "/login/two-step", {"csrf_token": token, "code": pyotp.TOTP(key).now()})
    if status != 302 or not any(name.endswith("quartauth_session") for name in browser.cookies):
        raise RuntimeError(f"logging in as {email} in two steps answered {status}")


def _on_the_login_page(port: int) -> tuple[str, str]:
    browser = Browser(port)
    token = browser.csrf_token("/login")
    return browser.cookie_header(), token


def _write_logins(path: Path, accounts: list[tuple[str, str]], identities: list[tuple[str, str]]) -> Path:
    first = int(time.time() // 30)
    lines = []
    for number, (email, key) in enumerate(accounts):
        cookie, token = identities[number % len(identities)]
        body = urlencode({"csrf_token": token, "email": email, "password": seed.PASSWORD})
        codes = ",".join(pyotp.TOTP(key).generate_otp(first + step) for step in range(CODE_STEPS))
        lines.append(f"{cookie}\t{body}\t{token}\t{first}\t{codes}\n")
    path.write_text("".join(lines))
    return path


def _write_second_steps(path: Path, port: int, accounts: list[tuple[str, str]], identities: list[tuple[str, str]]) -> Path:
    """Sign-ins whose password was right, each with its app's code: sent within the minute,
    the code is still taken."""

    def password(numbered: tuple[int, tuple[str, str]]) -> str:
        number, (email, key) = numbered
        cookie, token = identities[number % len(identities)]
        browser = Browser(port, dict(pair.split("=", 1) for pair in cookie.split("; ")))
        status, _ = browser.request("POST", "/login", {"csrf_token": token, "email": email, "password": seed.PASSWORD})
        if status != 302:
            raise RuntimeError(f"logging in as {email} answered {status}")
        return f"{browser.cookie_header()}\t{urlencode({'csrf_token': token, 'code': pyotp.TOTP(key).now()})}\n"

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        lines = list(pool.map(password, enumerate(accounts)))
    path.write_text("".join(lines))
    return path
