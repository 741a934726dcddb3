"""The sign-in flow: every outcome of an email and a password, what each records, and the
same time for every no."""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from quartauth.repository.security_log import select_security_events
from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.services import admin, users
from quartauth.services.admission import HashingBusy
from quartauth.services.devices import DeviceCookies
from quartauth.services.mail import Mailer
from quartauth.services.passkeys import Passkeys
from quartauth.services.passwords import PasswordHasher
from quartauth.services.sign_in_flow import Facts, Result, SignInFlow
from quartauth.services.sessions import Lifetimes
from quartauth.services.throttle import Rules, Throttle
from quartauth.services.two_step import TwoStep
from quartauth.services.two_step_codes import KeyBox

from ..helpers import PASSWORD

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SECRET_KEY = "a test key, long enough to be a key for the device cookies"
ADDRESS = "198.51.100.7"


class CountingHasher(PasswordHasher):
    """The real hasher, counting the checks it makes."""

    def __init__(self, rounds: int = 4) -> None:
        super().__init__(rounds=rounds, threads=1)
        self.checks = 0

    async def verify(self, password, stored_hash, **options):  # type: ignore[no-untyped-def]
        self.checks += 1
        return await super().verify(password, stored_hash, **options)

    async def verify_against_dummy(self, password: str) -> None:
        self.checks += 1
        await super().verify_against_dummy(password)


@pytest.fixture
def hasher():  # type: ignore[no-untyped-def]
    hasher = CountingHasher()
    yield hasher
    hasher.close()


def flow_of(database, hasher, rules: Rules = Rules()) -> SignInFlow:  # type: ignore[no-untyped-def]
    mailer = Mailer("http://localhost")
    two_step = TwoStep(database, KeyBox(SECRET_KEY), mailer, issuer="quartauth")
    throttle = Throttle(database, lambda: NOW, rules)
    passkeys = Passkeys(database, mailer)
    return SignInFlow(database, hasher, throttle, DeviceCookies(SECRET_KEY), mailer, two_step, passkeys, Lifetimes(), lambda: NOW)


def facts(**changes: object) -> Facts:
    return replace(Facts(client_address=ADDRESS, browser="Firefox on Linux"), **changes)  # type: ignore[arg-type]


async def events_of(database, email: str = "person@example.com") -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    entries = await select_security_events(database, before_id=2**63 - 1, email=email, event="", limit=100)
    return [(entry.event, json.loads(entry.detail)) for entry in reversed(entries)]


@pytest.fixture
async def person(database, hasher):  # type: ignore[no-untyped-def]
    return await users.register(database, hasher, email="person@example.com", password=PASSWORD)


async def test_the_right_password_signs_in_logs_it_and_tells_the_owner_of_a_new_browser(database, hasher, person):
    outcome = await flow_of(database, hasher).check(facts(), "person@example.com", PASSWORD)

    assert outcome.result is Result.SIGNED_IN and outcome.user == person and not outcome.known_browser
    assert await events_of(database) == [("login", {"known_device": False})]
    assert await count_unsent_outbox_messages(database) == 1  # "New sign-in to your account"


async def test_a_browser_whose_device_cookie_vouches_for_the_account_is_known_and_not_announced(database, hasher, person):
    cookies = DeviceCookies(SECRET_KEY)
    own = cookies.read(cookies.issue(person.id))
    others = cookies.read(cookies.issue(person.id + 1))

    known = await flow_of(database, hasher).check(facts(device_cookie=own), "person@example.com", PASSWORD)
    unknown = await flow_of(database, hasher).check(facts(device_cookie=others), "person@example.com", PASSWORD)

    assert known.known_browser and not unknown.known_browser
    assert await count_unsent_outbox_messages(database) == 1  # for the other account's cookie only


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("person@example.com", "not my password", "wrong password"),
        ("nobody@example.com", PASSWORD, "unknown email"),
        ("disabled@example.com", PASSWORD, "account disabled"),
    ],
)
async def test_every_no_is_wrong_after_one_check_and_logged_with_its_reason(database, hasher, person, email, password, reason):
    disabled = await users.register(database, hasher, email="disabled@example.com", password=PASSWORD)
    await admin.disable(database, disabled.id, by=None, now=NOW)
    hasher.checks = 0

    outcome = await flow_of(database, hasher).check(facts(), email, password)

    assert outcome.result is Result.WRONG and outcome.user is None
    assert hasher.checks == 1  # one bcrypt check, whatever the reason
    assert (await events_of(database, email))[-1] == ("login_failed", {"reason": reason})


async def test_a_signed_in_page_logs_a_wrong_password_by_its_name_and_a_right_one_not_at_all(database, hasher, person):
    flow = flow_of(database, hasher)

    wrong = await flow.check(facts(page="change password"), "person@example.com", "not my password")
    right = await flow.check(facts(page="change password"), "person@example.com", PASSWORD)

    assert wrong.result is Result.WRONG and right.result is Result.SIGNED_IN
    assert await events_of(database) == [("password_check_failed", {"on": "change password"})]
    assert await count_unsent_outbox_messages(database) == 0


async def test_past_the_limit_an_attempt_is_refused_unchecked_and_logged_once(database, hasher, person):
    flow = flow_of(database, hasher, Rules(pair=replace(Rules().pair, limit=2)))
    for _ in range(2):
        await flow.check(facts(), "person@example.com", "not my password")
    hasher.checks = 0

    refused = [await flow.check(facts(), "person@example.com", PASSWORD) for _ in range(3)]

    assert {outcome.result for outcome in refused} == {Result.REFUSED} and hasher.checks == 0
    assert refused[0].refusal is not None and "Too many failed attempts" in refused[0].refusal.message(NOW)
    assert [event for event, _ in await events_of(database)].count("login_refused") == 1


async def test_successful_logins_count_too_and_are_refused_past_their_own_limit(database, hasher, person):
    flow = flow_of(database, hasher, Rules(login_account=replace(Rules().login_account, limit=3)))
    signed_in = [await flow.check(facts(), "person@example.com", PASSWORD) for _ in range(3)]

    refused = await flow.check(facts(client_address="203.0.113.9"), "person@example.com", PASSWORD)

    assert {outcome.result for outcome in signed_in} == {Result.SIGNED_IN}
    assert refused.result is Result.REFUSED and refused.refusal is not None
    assert refused.refusal.message(NOW) == "Too many logins. Try again in 15 minutes."


async def test_a_check_that_waited_its_longest_is_busy_and_counts_nothing(database, hasher, person, monkeypatch):
    async def busy(*args: object, **kwargs: object) -> None:
        raise HashingBusy()

    monkeypatch.setattr(hasher, "verify", busy)
    flow = flow_of(database, hasher, Rules(pair=replace(Rules().pair, limit=1)))

    outcome = await flow.check(facts(), "person@example.com", "not my password")

    assert outcome.result is Result.BUSY
    monkeypatch.undo()
    assert (await flow.check(facts(), "person@example.com", PASSWORD)).result is Result.SIGNED_IN  # nothing was held


@pytest.mark.slow
async def test_every_no_takes_as_long_as_a_wrong_password(database):
    """Over 30 tries each, interleaved: unknown email, wrong password, disabled account, and
    an account hashed at an older cost answer in the same time (medians within 25 %)."""
    current, older = PasswordHasher(rounds=9, threads=1), PasswordHasher(rounds=6, threads=1)
    await users.register(database, current, email="person@example.com", password=PASSWORD)
    old = await users.register(database, older, email="older@example.com", password=PASSWORD)
    older.close()
    disabled = await users.register(database, current, email="disabled@example.com", password=PASSWORD)
    await admin.disable(database, disabled.id, by=None, now=NOW)
    await current.prepare()
    roomy = Rules(**{name: replace(rule, limit=100_000) for name, rule in vars(Rules()).items()})
    flow = flow_of(database, current, roomy)
    kinds = {"unknown": "nobody@example.com", "wrong": "person@example.com", "disabled": disabled.email, "older": old.email}
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    try:
        for _ in range(30):
            for kind, email in kinds.items():
                started = time.perf_counter()
                outcome = await flow.check(facts(), email, "not the password")
                timings[kind].append(time.perf_counter() - started)
                assert outcome.result is Result.WRONG
    finally:
        current.close()

    wrong = statistics.median(timings["wrong"])
    for kind in ("unknown", "disabled", "older"):
        assert abs(statistics.median(timings[kind]) - wrong) <= 0.25 * wrong, (kind, timings)
