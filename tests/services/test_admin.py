"""What admins may do to users: the rule that some admin can always sign in, and the search."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import insert_user, select_user_by_id
from quartauth.services import admin, sessions
from tests.support import plans

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def add_user(database, email: str, *, is_admin: bool = False):  # type: ignore[no-untyped-def]
    return await insert_user(database, email=email, password_hash="x", is_admin=is_admin, created_at=NOW)


async def test_the_last_admin_who_can_sign_in_is_neither_disabled_nor_demoted(database):
    boss = await add_user(database, "boss@example.com", is_admin=True)
    disabled_admin = await add_user(database, "gone@example.com", is_admin=True)
    await admin.disable(database, disabled_admin.id, by=None, now=NOW)  # another admin remained then

    for change in (admin.disable(database, boss.id, by=None, now=NOW), admin.remove_admin(database, boss.id, by=None)):
        with pytest.raises(admin.Refused, match="last admin"):
            await change

    assert (await select_user_by_id(database, boss.id)) == boss


async def test_two_admins_demoting_each_other_at_once_leave_one(database):
    first = await add_user(database, "first@example.com", is_admin=True)
    second = await add_user(database, "second@example.com", is_admin=True)

    outcomes = await asyncio.gather(
        admin.remove_admin(database, second.id, by=first.id),
        admin.remove_admin(database, first.id, by=second.id),
        return_exceptions=True,
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Refused", "User"]
    admins = [user for user in (await select_user_by_id(database, first.id), await select_user_by_id(database, second.id)) if user.is_admin]
    assert len(admins) == 1


async def test_disabling_ends_every_session_of_the_user(database):
    person = await add_user(database, "person@example.com")
    for _ in range(3):
        await sessions.start_session(database, person, lifetimes=sessions.Lifetimes(), remembered=False, now=NOW)

    await admin.disable(database, person.id, by=None, now=NOW)

    assert await select_sessions_of_user(database, person.id) == []
    assert (await select_user_by_id(database, person.id)).disabled_at == NOW


async def test_changing_an_unknown_user_says_so(database):
    for change in (admin.disable(database, 404, by=None, now=NOW), admin.enable(database, 404), admin.make_admin(database, 404)):
        with pytest.raises(admin.UnknownUser):
            await change


@pytest.mark.parametrize(
    ("prefix", "after"),
    [("abc", "abd"), ("a", "b"), ("x@example.co", "x@example.cp"), ("\ud7ff", "\ue000"), ("é", "ê")],
)
def test_a_prefix_ends_at_the_least_string_after_it(prefix, after):
    assert admin.after_prefix(prefix) == after
    assert prefix + "\U0010fffd" < after and not after.startswith(prefix)


@pytest.mark.parametrize("search", [" Person@EXAMPLE ", "person@example"])
def test_a_search_is_the_stored_form_of_an_emails_start(search):
    assert admin.search_prefix(search) == "person@example"


async def test_the_search_reads_the_email_index_not_the_table(database, migrated_database_url):
    """The plan at any size; at 1,000,000 users the bench checks it again, unforced."""
    for number in range(200):
        await add_user(database, f"user-{number}@example.com")

    plan = await plans.email_search_plan(migrated_database_url, "user-1", forbid_scans=True)

    assert plans.reads_an_index_range(migrated_database_url, plan), plan
