"""Limits on failed logins and sign-ups: the arithmetic of each rule, and the counts kept in
the database, on SQLite and Postgres."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from quartauth.repository.throttle import insert_throttle_events
from quartauth.services import throttle
from quartauth.services.throttle import LoginAttempt, Rule, Throttle

from ..helpers import Clock

BURST = Rule("address", 10, timedelta(minutes=1))
DELAY = Rule("pair", 5, timedelta(minutes=15), burst=False)


def newest_first(clock: Clock, *seconds_ago: float):  # type: ignore[no-untyped-def]
    return sorted((clock.now - timedelta(seconds=ago) for ago in seconds_ago), reverse=True)


def test_a_burst_rule_refuses_for_the_rest_of_its_window(clock):
    assert BURST.refused_until(newest_first(clock, *range(9))) is None
    ten = newest_first(clock, *range(10))
    assert BURST.refused_until(ten) == ten[-1] + timedelta(minutes=1)


def test_a_burst_rule_ignores_failures_spread_out(clock):
    every_half_minute = newest_first(clock, *(30 * n for n in range(10)))  # 10 in 4.5 minutes
    assert BURST.refused_until(every_half_minute) is None


def test_a_burst_rule_refuses_longer_as_it_keeps_on(clock):
    first_burst = newest_first(clock, *(300 + n for n in range(10)))
    second_burst = newest_first(clock, *range(10))

    until = BURST.refused_until(second_burst + first_burst)

    assert until == second_burst[9] + timedelta(minutes=2)


@pytest.mark.parametrize(("failures", "delay_minutes"), [(4, None), (5, 1), (6, 2), (7, 4), (9, 15), (12, 15), (40, 15)])
def test_a_delay_rule_grows_with_each_failure_past_its_limit(clock, failures, delay_minutes):
    events = newest_first(clock, *(10 * n for n in range(failures)))

    until = DELAY.refused_until(events)

    assert until == (None if delay_minutes is None else events[0] + timedelta(minutes=delay_minutes))


def test_a_refusal_says_minutes_rounded_up_and_at_least_one(clock):
    refusal = throttle.Refusal(clock.now + timedelta(seconds=61))

    assert refusal.message(clock.now) == "Too many failed attempts. Try again in 2 minutes."
    assert refusal.retry_after(clock.now) == 61
    assert throttle.Refusal(clock.now + timedelta(seconds=5)).message(clock.now).endswith("in 1 minute.")


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::ffff:1", "2001:db8::/64"),
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("::ffff:198.51.100.9", "198.51.100.9"),
        (None, "unknown"),
    ],
)
def test_ipv6_clients_count_by_their_slash_64_and_mapped_ipv4_clients_by_their_address(address, key):
    assert throttle.network_of(address) == key


async def attempt_fails(limits: Throttle, attempt: LoginAttempt) -> throttle.Refusal | None:
    async with limits.login(attempt) as turn:
        if turn.refusal is None:
            await limits.failed(turn)
    return turn.refusal


async def test_five_failures_of_a_pair_refuse_it_but_not_the_account_elsewhere(database, clock):
    limits = Throttle(database, clock)
    attacker = LoginAttempt("203.0.113.7", "person@example.com")
    for _ in range(5):
        assert await attempt_fails(limits, attacker) is None

    refused = await attempt_fails(limits, attacker)

    assert refused is not None and refused.until == clock.now + timedelta(minutes=1)
    assert await attempt_fails(limits, LoginAttempt("198.51.100.1", "person@example.com")) is None
    clock.advance(minutes=1, seconds=1)
    assert await attempt_fails(limits, attacker) is None  # one more try; then two minutes
    assert (await attempt_fails(limits, attacker)).until == clock.now + timedelta(minutes=2)


async def test_an_attempt_naming_no_account_counts_by_its_address_alone(database, clock):
    """A passkey names no account until it is checked: its failures count for its address."""
    limits = Throttle(database, clock)
    passkey = LoginAttempt("203.0.113.7", None)
    for _ in range(10):
        assert await limits.refusal(passkey) is None
        await limits.count_failure(passkey)

    assert await limits.refusal(passkey) is not None
    assert await attempt_fails(limits, LoginAttempt("203.0.113.7", "person@example.com")) is not None
    assert await limits.refusal(LoginAttempt("198.51.100.1", None)) is None


async def test_an_address_failing_on_many_accounts_is_refused(database, clock):
    limits = Throttle(database, clock)
    for number in range(10):
        assert await attempt_fails(limits, LoginAttempt("203.0.113.7", f"user{number}@example.com")) is None

    assert await attempt_fails(limits, LoginAttempt("203.0.113.7", "someone.else@example.com")) is not None
    assert await attempt_fails(limits, LoginAttempt("198.51.100.1", "someone.else@example.com")) is None


async def test_an_account_hammered_from_many_addresses_is_refused_to_strangers_only(database, clock):
    limits = Throttle(database, clock)
    for number in range(20):
        assert await attempt_fails(limits, LoginAttempt(f"203.0.113.{number}", "person@example.com")) is None

    assert await attempt_fails(limits, LoginAttempt("198.51.100.1", "person@example.com")) is not None
    owner = LoginAttempt("198.51.100.1", "person@example.com", device="the owner's browser")
    async with limits.login(owner) as turn:
        assert turn.refusal is None


async def test_a_device_has_its_own_small_limit(database, clock):
    limits = Throttle(database, clock)
    device = LoginAttempt("198.51.100.1", "person@example.com", device="a stolen laptop")
    for _ in range(10):
        assert await attempt_fails(limits, device) is None

    assert await attempt_fails(limits, device) is not None


async def test_a_burst_of_concurrent_attempts_spends_only_the_remaining_budget(database, clock):
    limits = Throttle(database, clock)
    attacker = LoginAttempt("203.0.113.7", "person@example.com")
    checked = 0

    async def guess() -> bool:
        nonlocal checked
        async with limits.login(attacker) as turn:
            if turn.refusal is not None:
                return False
            checked += 1
            await asyncio.sleep(0.01)  # the password check
            await limits.failed(turn)
            return True

    outcomes = await asyncio.gather(*(guess() for _ in range(30)))

    assert checked == 5 and outcomes.count(True) == 5


async def test_concurrent_correct_attempts_are_never_refused(database, clock):
    limits = Throttle(database, clock)
    owner = LoginAttempt("203.0.113.7", "person@example.com")

    async def correct() -> bool:
        async with limits.login(owner) as turn:
            await asyncio.sleep(0.005)
            return turn.refusal is None

    assert all(await asyncio.gather(*(correct() for _ in range(30))))


async def test_sign_ups_are_limited_per_address(database, clock):
    limits = Throttle(database, clock)
    for _ in range(10):
        assert await limits.sign_up("203.0.113.7") is None

    refused = await limits.sign_up("203.0.113.7")

    assert refused is not None and "Too many sign-ups" in refused.message(clock.now)
    assert await limits.sign_up("198.51.100.1") is None
    clock.advance(hours=1, seconds=1)
    assert await limits.sign_up("203.0.113.7") is None


async def test_prune_forgets_what_no_rule_looks_at(database, clock):
    limits = Throttle(database, clock)
    await attempt_fails(limits, LoginAttempt("203.0.113.7", "person@example.com"))
    clock.advance(minutes=30)
    assert await throttle.prune(database, clock.now) == 0
    clock.advance(minutes=31)

    assert await throttle.prune(database, clock.now) == 3  # its address, pair and account rows


async def test_attempts_within_the_budget_are_checked_side_by_side(database, clock):
    limits = Throttle(database, clock)
    in_flight = most_in_flight = 0

    async def correct(number: int) -> bool:
        nonlocal in_flight, most_in_flight
        async with limits.login(LoginAttempt("203.0.113.7", f"user{number}@example.com")) as turn:
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
            await asyncio.sleep(0.05)  # the password check
            in_flight -= 1
            return turn.refusal is None

    outcomes = await asyncio.gather(*(correct(number) for number in range(20)))

    # The address's budget is ten failures: ten checks at once, the others after them.
    assert all(outcomes) and most_in_flight == 10


async def test_a_correct_attempt_leaves_nothing_to_count(database, clock):
    limits = Throttle(database, clock)
    owner = LoginAttempt("203.0.113.7", "person@example.com")
    for _ in range(12):
        async with limits.login(owner) as turn:
            assert turn.refusal is None

    for _ in range(4):
        assert await attempt_fails(limits, owner) is None
    assert await attempt_fails(limits, owner) is None  # the fifth failure: the limit is reached
    assert await attempt_fails(limits, owner) is not None


async def test_two_workers_spend_at_most_the_budget_plus_one_each(database, clock):
    workers = [Throttle(database, clock), Throttle(database, clock)]
    attacker = LoginAttempt("203.0.113.7", "person@example.com")
    checked = 0

    async def guess(limits: Throttle) -> None:
        nonlocal checked
        async with limits.login(attacker) as turn:
            if turn.refusal is None:
                checked += 1
                await asyncio.sleep(0.01)
                await limits.failed(turn)

    await asyncio.gather(*(guess(workers[number % 2]) for number in range(30)))

    assert 5 <= checked <= 5 + len(workers)


async def test_places_held_by_a_check_that_never_ended_are_let_go_after_a_minute(database, clock):
    limits = Throttle(database, clock)
    attacker = LoginAttempt("203.0.113.7", "person@example.com")
    buckets = [(rule.bucket, key) for rule, key in attacker.keys(limits.rules)]
    for number in range(5):  # a worker stopped while five checks held the pair's places
        await insert_throttle_events(database, buckets, clock.now, hold=f"stopped-{number}")

    async def take_turn() -> throttle.Turn:
        async with limits.login(attacker) as turn:
            return turn

    waiting = asyncio.create_task(take_turn())
    await asyncio.sleep(0.3)
    assert not waiting.done()  # the places might still fail: it waits for them

    clock.advance(minutes=1, seconds=1)

    turn = await asyncio.wait_for(waiting, timeout=2)
    assert turn.refusal is None


async def test_a_standing_refusal_is_answered_without_reading_the_counts(database, clock, monkeypatch):
    limits = Throttle(database, clock)
    attacker = LoginAttempt("203.0.113.7", "person@example.com")
    for _ in range(5):
        await attempt_fails(limits, attacker)
    first = await attempt_fails(limits, attacker)
    reads = 0
    original = throttle.select_recent_throttle_events_of_keys

    async def counted_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        return await original(*args, **kwargs)

    monkeypatch.setattr(throttle, "select_recent_throttle_events_of_keys", counted_read)

    again = [await attempt_fails(limits, attacker) for _ in range(20)]

    assert reads == 0 and all(refusal is not None and refusal.until == first.until for refusal in again)
    assert not any(refusal.first for refusal in again)  # logged once, with the first
    clock.advance(minutes=1, seconds=1)
    assert await attempt_fails(limits, attacker) is None and reads > 0  # it has passed: counts again


async def test_failures_counted_without_a_turn_refuse_as_failed_logins_do(database, clock):
    """A pending sign-in's wrong codes: counted where a failed login counts, and refused alike."""
    limits = Throttle(database, clock)
    guesser = LoginAttempt("203.0.113.7", "person@example.com")
    for _ in range(5):
        assert await limits.refusal(guesser) is None
        await limits.count_failure(guesser)

    assert (await limits.refusal(guesser)).until == clock.now + timedelta(minutes=1)
    assert await attempt_fails(limits, guesser) is not None  # and the password is refused too
