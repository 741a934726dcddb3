"""What mailed links do, as services: a link's page shows without acting, its button acts
once, and a reset or a change of address is a security change."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_id
from quartauth.services import email_flows, sessions, tokens, users
from quartauth.services.email_flows import EmailChange
from quartauth.services.mail import Mailer
from quartauth.services.tokens import Purpose

from ..helpers import PASSWORD

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def person(database, hasher):  # type: ignore[no-untyped-def]
    return await users.register(database, hasher, email="person@example.com", password=PASSWORD)


async def test_opening_a_link_acts_on_nothing_and_its_button_verifies(database, person):
    token = await tokens.issue(database, person.id, Purpose.VERIFY, NOW)

    opened = await email_flows.open_link(database, token, Purpose.VERIFY, NOW)
    assert opened is not None and not (await select_user_by_id(database, person.id)).is_verified

    before = await email_flows.verify(database, token, NOW)

    assert before is not None and not before.is_verified
    assert (await select_user_by_id(database, person.id)).is_verified
    again = await email_flows.verify(database, token, NOW)  # a second click says it is done
    assert again is not None and again.is_verified


async def test_an_expired_link_opens_nothing(database, person):
    token = await tokens.issue(database, person.id, Purpose.RESET, NOW)

    assert await email_flows.open_link(database, token, Purpose.RESET, NOW + timedelta(days=3)) is None


async def test_a_reset_ends_every_session_and_link_and_proves_the_address(database, hasher, person):
    await sessions.start_session(database, person, lifetimes=sessions.Lifetimes(), remembered=False, now=NOW)
    change = await tokens.issue(database, person.id, Purpose.CHANGE_EMAIL, NOW, new_email="new@example.com")
    reset = await tokens.issue(database, person.id, Purpose.RESET, NOW)

    user = await email_flows.reset_password(database, hasher, Mailer("http://localhost"), token=reset, password="a new secret", now=NOW)

    assert user is not None and await select_sessions_of_user(database, person.id) == []
    assert await email_flows.open_link(database, change, Purpose.CHANGE_EMAIL, NOW) is None
    stored = await select_user_by_id(database, person.id)
    assert stored.is_verified and (await hasher.verify("a new secret", stored.password_hash)).matches


async def test_a_change_of_address_moves_the_account_unless_the_address_was_taken_meanwhile(database, hasher, person):
    mailer = Mailer("http://localhost")
    await users.register(database, hasher, email="taken@example.com", password=PASSWORD)
    taken = await tokens.issue(database, person.id, Purpose.CHANGE_EMAIL, NOW, new_email="taken@example.com")
    assert (await email_flows.change_email(database, mailer, taken, NOW)).result is EmailChange.TAKEN
    assert (await select_user_by_id(database, person.id)).email == "person@example.com"
    reset = await tokens.issue(database, person.id, Purpose.RESET, NOW)
    change = await tokens.issue(database, person.id, Purpose.CHANGE_EMAIL, NOW, new_email="new@example.com")

    outcome = await email_flows.change_email(database, mailer, change, NOW)

    assert outcome.result is EmailChange.CHANGED and outcome.old_email == "person@example.com"
    assert (await select_user_by_id(database, person.id)).email == "new@example.com"
    assert await email_flows.open_link(database, reset, Purpose.RESET, NOW) is None  # a security change
