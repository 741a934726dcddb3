"""Two-step sign-in, the rules: set up and turned on by a right code, a code spent once even
by two checks at once, recovery codes used once, trust kept and ended, all of it ended by
turning it off; on SQLite and Postgres."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.users import select_user_by_id
from quartauth.services import users
from quartauth.services.mail import Mailer
from quartauth.services.two_step import NotSetUp, Proof, TwoStep, end_trust
from quartauth.services.two_step_codes import Check, KeyBox

from ..helpers import PASSWORD

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SECRET_KEY = "a test key, long enough to seal the authenticator keys with"


@pytest.fixture
def two_step(database) -> TwoStep:  # type: ignore[no-untyped-def]
    return TwoStep(database, KeyBox(SECRET_KEY), Mailer("http://localhost"), issuer="quartauth")


@pytest.fixture
async def person(database, hasher):  # type: ignore[no-untyped-def]
    return await users.register(database, hasher, email="person@example.com", password=PASSWORD)


async def turned_on(database, two_step: TwoStep, person) -> tuple[str, list[str], object]:  # type: ignore[no-untyped-def]
    setup = await two_step.setup(await select_user_by_id(database, person.id))
    codes = await two_step.turn_on(await select_user_by_id(database, person.id), pyotp.TOTP(setup.key).at(NOW), NOW)
    assert codes is not None
    return setup.key, codes, await select_user_by_id(database, person.id)


async def test_a_wrong_code_leaves_it_off_and_a_right_one_turns_it_on_with_ten_codes(database, two_step, person):
    setup = await two_step.setup(person)
    user = await select_user_by_id(database, person.id)
    wrong = "000000" if pyotp.TOTP(setup.key).at(NOW) != "000000" else "111111"

    assert await two_step.turn_on(user, wrong, NOW) is None
    assert not (await select_user_by_id(database, person.id)).has_two_step
    codes = await two_step.turn_on(user, pyotp.TOTP(setup.key).at(NOW), NOW)

    assert codes is not None and len(codes) == 10
    on = await select_user_by_id(database, person.id)
    assert on.has_two_step and on.two_step_on_since == NOW
    assert await two_step.recovery_codes_left(person.id) == 10
    with pytest.raises(NotSetUp):  # on already: a second turn-on changes nothing
        await two_step.turn_on(on, pyotp.TOTP(setup.key).at(NOW + timedelta(seconds=30)), NOW)


async def test_the_code_that_turned_it_on_is_spent(database, two_step, person):
    key, _, user = await turned_on(database, two_step, person)

    assert (await two_step.check(user, pyotp.TOTP(key).at(NOW), NOW)).result is Check.USED


async def test_two_checks_of_one_code_at_once_accept_it_once(database, two_step, person):
    key, _, user = await turned_on(database, two_step, person)
    later = NOW + timedelta(seconds=30)
    code = pyotp.TOTP(key).at(later)

    results = await asyncio.gather(*(two_step.check(user, code, later) for _ in range(10)))

    assert [result.result for result in results].count(Check.ACCEPTED) == 1
    assert all(result.result in (Check.ACCEPTED, Check.USED) for result in results)


async def test_a_recovery_code_works_once_and_its_owner_is_told(database, two_step, person):
    _, codes, user = await turned_on(database, two_step, person)
    mail_before = await count_unsent_outbox_messages(database)

    first = await two_step.check(user, codes[3], NOW)
    again = await two_step.check(user, codes[3], NOW)

    assert first.result is Check.ACCEPTED and first.proof is Proof.RECOVERY_CODE and first.recovery_codes_left == 9
    assert again.result is Check.WRONG
    assert await count_unsent_outbox_messages(database) == mail_before + 1


async def test_trust_lasts_thirty_days_and_ends_with_end_trust(database, two_step, person):
    await two_step.trust(person.id, "a-browser-nonce", NOW)

    assert await two_step.is_trusted(person.id, "a-browser-nonce", NOW + timedelta(days=29))
    assert not await two_step.is_trusted(person.id, "a-browser-nonce", NOW + timedelta(days=30, seconds=1))
    assert not await two_step.is_trusted(person.id, "another-browser", NOW)
    await end_trust(database, person.id)
    assert not await two_step.is_trusted(person.id, "a-browser-nonce", NOW)


async def test_turning_it_off_ends_the_key_the_codes_and_the_trust(database, two_step, person):
    key, codes, user = await turned_on(database, two_step, person)
    await two_step.trust(person.id, "a-browser-nonce", NOW)

    await two_step.turn_off(user, NOW)

    off = await select_user_by_id(database, person.id)
    assert not off.has_two_step and off.two_step_key is None
    assert await two_step.recovery_codes_left(person.id) == 0
    assert not await two_step.is_trusted(person.id, "a-browser-nonce", NOW)
    assert (await two_step.check(off, codes[0], NOW)).result is Check.WRONG


async def test_a_key_sealed_under_another_secret_key_gives_no_code(database, two_step, person):
    key, _, user = await turned_on(database, two_step, person)
    elsewhere = TwoStep(database, KeyBox("another secret key, as after SECRET_KEY changed"), Mailer("http://localhost"), "quartauth")

    assert (await elsewhere.check(user, pyotp.TOTP(key).at(NOW + timedelta(seconds=30)), NOW + timedelta(seconds=30))).result is Check.WRONG
