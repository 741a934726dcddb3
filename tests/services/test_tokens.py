"""Mailed links: each security change ends every outstanding link of the account, so a link
mailed before the change cannot undo it."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quartauth.services import admin, email_flows, sessions, tokens, users
from quartauth.services.mail import Mailer
from quartauth.services.tokens import Purpose

from ..helpers import PASSWORD

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new secret"


@pytest.fixture
def mailer() -> Mailer:
    return Mailer("http://localhost")


async def outstanding_links(database, user) -> dict[Purpose, str]:  # type: ignore[no-untyped-def]
    """One working link of every purpose, as a person (or an attacker) may hold them."""
    return {
        Purpose.VERIFY: await tokens.issue(database, user.id, Purpose.VERIFY, NOW),
        Purpose.RESET: await tokens.issue(database, user.id, Purpose.RESET, NOW),
        Purpose.CHANGE_EMAIL: await tokens.issue(database, user.id, Purpose.CHANGE_EMAIL, NOW, new_email="attacker@example.net"),
    }


async def change_password(database, hasher, mailer, signed_in, links):  # type: ignore[no-untyped-def]
    assert await users.change_password(database, hasher, signed_in, new=NEW_PASSWORD, now=NOW, mailer=mailer)


async def reset_password(database, hasher, mailer, signed_in, links):  # type: ignore[no-untyped-def]
    token = links[Purpose.RESET]
    assert await email_flows.reset_password(database, hasher, mailer, token=token, password=NEW_PASSWORD, now=NOW)


async def change_email(database, hasher, mailer, signed_in, links):  # type: ignore[no-untyped-def]
    changed = await tokens.issue(database, signed_in.user.id, Purpose.CHANGE_EMAIL, NOW, new_email="owner@example.org")
    outcome = await email_flows.change_email(database, mailer, changed, NOW)
    assert outcome.result is email_flows.EmailChange.CHANGED


async def log_out_everywhere_else(database, hasher, mailer, signed_in, links):  # type: ignore[no-untyped-def]
    await sessions.end_other_sessions(database, signed_in)


async def disable(database, hasher, mailer, signed_in, links):  # type: ignore[no-untyped-def]
    await admin.disable(database, signed_in.user.id, by=None, now=NOW)


async def log_out_everywhere_by_an_admin(database, hasher, mailer, signed_in, links):  # type: ignore[no-untyped-def]
    await admin.end_sessions(database, signed_in.user.id)


@pytest.mark.parametrize(
    "security_change",
    [change_password, reset_password, change_email, log_out_everywhere_else, disable, log_out_everywhere_by_an_admin],
)
async def test_a_security_change_ends_every_link_of_the_account(database, hasher, mailer, security_change):
    user = await users.register(database, hasher, email="person@example.com", password=PASSWORD)
    signed_in = await sessions.start_session(database, user, lifetimes=sessions.Lifetimes(), remembered=False, now=NOW)
    links = await outstanding_links(database, user)

    await security_change(database, hasher, mailer, signed_in, links)

    for purpose, token in links.items():
        assert await tokens.peek(database, token, purpose, NOW) is None, f"the {purpose} link still works"


async def test_a_security_change_leaves_other_accounts_links_alone(database, hasher):
    person = await users.register(database, hasher, email="person@example.com", password=PASSWORD)
    other = await users.register(database, hasher, email="other@example.com", password=PASSWORD)
    signed_in = await sessions.start_session(database, person, lifetimes=sessions.Lifetimes(), remembered=False, now=NOW)
    others_links = await outstanding_links(database, other)

    await sessions.end_other_sessions(database, signed_in)

    for purpose, token in others_links.items():
        assert await tokens.peek(database, token, purpose, NOW) is not None


async def test_asking_for_a_link_kills_only_the_older_links_of_its_purpose(database, hasher):
    user = await users.register(database, hasher, email="person@example.com", password=PASSWORD)
    links = await outstanding_links(database, user)

    newer = await tokens.issue(database, user.id, Purpose.RESET, NOW)

    assert await tokens.peek(database, links[Purpose.RESET], Purpose.RESET, NOW) is None
    assert await tokens.peek(database, newer, Purpose.RESET, NOW) is not None
    assert await tokens.peek(database, links[Purpose.VERIFY], Purpose.VERIFY, NOW) is not None
    assert await tokens.peek(database, links[Purpose.CHANGE_EMAIL], Purpose.CHANGE_EMAIL, NOW) is not None
