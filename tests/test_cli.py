"""The quartauth command: migrate, create-admin, --version (serve: tests/test_serving.py)."""
from __future__ import annotations

import asyncio
import importlib.metadata
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from click.testing import CliRunner

import quartauth
from quartauth.cli import main
from quartauth.db import Database, connect
from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.passkeys import insert_passkey, select_passkeys_of_user
from quartauth.repository.recovery_codes import count_recovery_codes_of_user, insert_recovery_codes
from quartauth.repository.users import User, insert_user, select_user_by_email, turn_user_two_step_on, update_user_two_step_key
from quartauth.services import security_log, sessions

from .helpers import PASSWORD


T = TypeVar("T")


def run(database_url: str, *args: str, input: str | None = None):
    env = {"QUARTAUTH_ENV": "testing", "DATABASE_URL": database_url, "BCRYPT_ROUNDS": "4"}
    return CliRunner().invoke(main, list(args), input=input, env=env)


def looked_up(database_url: str, look: Callable[[Database], Awaitable[T]]) -> T:
    """What ``look`` finds (or arranges) in the database, opened for it and closed after."""

    async def open_and_look() -> T:
        database = connect(database_url)
        await database.open()
        try:
            return await look(database)
        finally:
            await database.close()

    return asyncio.run(open_and_look())


def stored_user(database_url: str, email: str) -> User | None:
    return looked_up(database_url, lambda database: select_user_by_email(database, email))


def test_migrate_applies_then_reports_nothing_to_do(database_url):
    first = run(database_url, "migrate")
    second = run(database_url, "migrate")

    assert first.exit_code == 0 and "Applied 0001_" in first.output
    assert second.exit_code == 0 and "Nothing to apply" in second.output


def test_migrate_status_lists_pending_then_applied(database_url):
    before = run(database_url, "migrate", "--status")
    run(database_url, "migrate")
    after = run(database_url, "migrate", "--status")

    assert "pending  0001_" in before.output and "applied" not in before.output
    assert "applied  0001_" in after.output and "pending" not in after.output


def test_create_admin_with_email_and_password_on_stdin(migrated_database_url):
    result = run(migrated_database_url, "create-admin", "--email", "Admin@Example.com", input=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert "Admin admin@example.com created." in result.output
    admin = stored_user(migrated_database_url, "admin@example.com")
    assert admin is not None and admin.is_admin


def test_create_admin_answers_every_prompt_from_stdin(migrated_database_url):
    result = run(migrated_database_url, "create-admin", input=f"admin@example.com\n{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert stored_user(migrated_database_url, "admin@example.com") is not None


@pytest.mark.parametrize(
    ("email", "lines", "message"),
    [
        ("admin@example.com", [PASSWORD, PASSWORD + "!"], "Passwords must match."),
        ("not-an-email", [PASSWORD], "An email address must have an @-sign."),
        ("admin@example.com", ["short"], "Password must be between 8 and 128 characters."),
        ("admin@example.com", [], "Password is required"),
        ("admin@example.com", ["password"], "This password is too easy to guess"),
        ("admin@example.com", ["admin2026!"], "A password must not be built from your email address."),
    ],
)
def test_create_admin_refuses_bad_input_and_writes_nothing(migrated_database_url, email, lines, message):
    result = run(migrated_database_url, "create-admin", "--email", email, input="".join(f"{line}\n" for line in lines))

    assert result.exit_code != 0
    assert message in result.output
    assert stored_user(migrated_database_url, "admin@example.com") is None


def test_create_admin_refuses_an_existing_email(migrated_database_url):
    run(migrated_database_url, "create-admin", "--email", "admin@example.com", input=f"{PASSWORD}\n")

    result = run(migrated_database_url, "create-admin", "--email", "ADMIN@example.com", input="another password\n")

    assert result.exit_code != 0
    assert "Email already registered" in result.output


def test_create_admin_on_an_unmigrated_database_says_to_migrate(database_url):
    result = run(database_url, "create-admin", "--email", "admin@example.com", input=f"{PASSWORD}\n")

    assert result.exit_code != 0
    assert "quartauth migrate" in result.output


def test_create_admin_checks_the_email_before_asking_for_the_password(migrated_database_url):
    # Piped without --email: the first line is taken as the email, and it is not one.
    result = run(migrated_database_url, "create-admin", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code != 0
    assert "email" in result.output.lower() and "Password is required" not in result.output
    assert "Password:" not in result.output


def test_create_admin_piped_nothing_without_email_says_an_email_is_required(migrated_database_url):
    result = run(migrated_database_url, "create-admin", input="")

    assert result.exit_code != 0
    assert "an email is required: pass --email" in result.output


def test_version_names_the_installed_version():
    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    assert result.output.strip() == f"quartauth, version {quartauth.__version__}"
    assert quartauth.__version__ == importlib.metadata.version("quartauth")


def test_prune_deletes_ended_sessions_and_says_how_many(migrated_database_url):
    async def arrange() -> None:
        database = connect(migrated_database_url)
        await database.open()
        try:
            user = await insert_user(database, email="p@example.com", password_hash="x", is_admin=False, created_at=datetime.now(UTC))
            long_ago = datetime.now(UTC) - timedelta(days=2)
            for now in (datetime.now(UTC), long_ago):  # a sign-in sweeps older ended ones itself
                await sessions.start_session(database, user, lifetimes=sessions.Lifetimes(), remembered=False, now=now)
        finally:
            await database.close()

    asyncio.run(arrange())
    result = run(migrated_database_url, "prune")

    assert result.exit_code == 0, result.output
    assert "Deleted 1 ended session." in result.output
    assert "Deleted 0 ended sessions." in run(migrated_database_url, "prune").output


def test_prune_deletes_security_log_events_past_their_retention(migrated_database_url):
    async def arrange() -> None:
        database = connect(migrated_database_url)
        await database.open()
        try:
            for days_ago in (400, 366, 10):
                await security_log.record(
                    database, security_log.Event.LOGIN, now=datetime.now(UTC) - timedelta(days=days_ago), where=security_log.Where()
                )
        finally:
            await database.close()

    asyncio.run(arrange())

    assert "Deleted 2 security log events older than 365 days." in run(migrated_database_url, "prune").output
    env_kept = run(migrated_database_url, "prune").output
    assert "Deleted 0 security log events" in env_kept


# --- users ------------------------------------------------------------------------------


def with_users(database_url: str, *emails: str, admins: tuple[str, ...] = ()) -> None:
    async def arrange() -> None:
        database = connect(database_url)
        await database.open()
        try:
            for email in emails:
                await insert_user(database, email=email, password_hash="x", is_admin=email in admins, created_at=datetime.now(UTC))
        finally:
            await database.close()

    asyncio.run(arrange())


def test_users_list_shows_every_user_newest_first(migrated_database_url):
    with_users(migrated_database_url, *(f"user-{number:03d}@example.com" for number in range(60)), "boss@example.com", admins=("boss@example.com",))

    result = run(migrated_database_url, "users", "list")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "email" in lines[0] and "admin" in lines[0] and "disabled" in lines[0]
    emails = [line.split()[1] for line in lines[1:]]
    assert emails == ["boss@example.com", *(f"user-{number:03d}@example.com" for number in reversed(range(60)))]
    assert lines[1].split()[-2:] == ["yes", "no"]  # boss: admin, not disabled


def test_users_list_searches_by_the_start_of_the_email(migrated_database_url):
    with_users(migrated_database_url, "ann@example.com", "anna@example.com", "bob@example.com")

    result = run(migrated_database_url, "users", "list", "--search", "ANN")

    assert result.exit_code == 0, result.output
    assert [line.split()[1] for line in result.output.splitlines()[1:]] == ["ann@example.com", "anna@example.com"]
    refused = run(migrated_database_url, "users", "list", "--search", "a\x01")
    assert refused.exit_code == 1 and "no email address has" in refused.output


def test_users_disable_enable_make_and_remove_admin(migrated_database_url):
    with_users(migrated_database_url, "boss@example.com", "person@example.com", admins=("boss@example.com",))

    steps = [
        ("disable", "person@example.com was disabled", lambda user: user.is_disabled),
        ("enable", "person@example.com was enabled", lambda user: not user.is_disabled),
        ("make-admin", "person@example.com is now an admin", lambda user: user.is_admin),
        ("remove-admin", "person@example.com is no longer an admin", lambda user: not user.is_admin),
    ]
    for command, said, holds in steps:
        result = run(migrated_database_url, "users", command, "Person@Example.com")
        assert result.exit_code == 0, result.output
        assert said in result.output and holds(stored_user(migrated_database_url, "person@example.com"))


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("disable", "person@example.com was disabled already: nothing changed."),
        ("enable", "person@example.com is not disabled: nothing changed."),
        ("make-admin", "person@example.com is an admin already: nothing changed."),
        ("remove-admin", "person@example.com is not an admin: nothing changed."),
    ],
)
def test_a_users_command_that_was_done_already_says_so(migrated_database_url, command, said):
    with_users(migrated_database_url, "boss@example.com", "person@example.com", admins=("boss@example.com",))
    if command in ("disable", "make-admin"):
        run(migrated_database_url, "users", command, "person@example.com")

    result = run(migrated_database_url, "users", command, "person@example.com")

    assert result.exit_code == 0 and said in result.output


@pytest.mark.parametrize("command", ["disable", "enable", "make-admin", "remove-admin"])
def test_a_users_command_for_an_unknown_or_invalid_email_fails_clearly(migrated_database_url, command):
    unknown = run(migrated_database_url, "users", command, "nobody@example.com")
    invalid = run(migrated_database_url, "users", command, "not an email")

    assert unknown.exit_code == 1 and "No user has the email nobody@example.com." in unknown.output
    assert invalid.exit_code == 1 and "Error:" in invalid.output


@pytest.mark.parametrize("command", ["disable", "remove-admin"])
def test_the_last_admin_who_can_sign_in_stays(migrated_database_url, command):
    with_users(migrated_database_url, "boss@example.com", admins=("boss@example.com",))

    result = run(migrated_database_url, "users", command, "boss@example.com")

    assert result.exit_code == 1 and "last admin who can sign in" in result.output
    boss = stored_user(migrated_database_url, "boss@example.com")
    assert boss.is_admin and not boss.is_disabled


def test_users_commands_on_an_unmigrated_database_say_to_migrate(database_url):
    result = run(database_url, "users", "list")

    assert result.exit_code == 1 and "run `quartauth migrate` first" in result.output


def with_two_step(database_url: str, email: str) -> None:
    async def arrange(database: Database) -> None:
        user = await select_user_by_email(database, email)
        await update_user_two_step_key(database, user.id, "sealed")
        await turn_user_two_step_on(database, user.id, "sealed", step=1, on_since=datetime.now(UTC))
        await insert_recovery_codes(database, user.id, ["a", "b"])

    looked_up(database_url, arrange)


def test_users_reset_two_step_turns_it_off_logs_it_and_tells_the_user(migrated_database_url):
    with_users(migrated_database_url, "person@example.com")
    with_two_step(migrated_database_url, "person@example.com")

    reset = run(migrated_database_url, "users", "reset-two-step", "person@example.com")
    again = run(migrated_database_url, "users", "reset-two-step", "person@example.com")

    assert reset.exit_code == 0 and "person@example.com had two-step sign-in reset" in reset.output
    assert not stored_user(migrated_database_url, "person@example.com").has_two_step
    assert again.exit_code == 0 and "does not have two-step sign-in on: nothing changed." in again.output

    async def look(database: Database) -> tuple[int, list[str], int]:
        user = await select_user_by_email(database, "person@example.com")
        events = await security_log.events_page(database, email="person@example.com", event="", before=None)
        return await count_recovery_codes_of_user(database, user.id), [event.event for event in events.events], await count_unsent_outbox_messages(database)

    codes_left, events, mail = looked_up(migrated_database_url, look)
    assert codes_left == 0 and events == ["two_step_reset"] and mail == 1


def with_passkey(database_url: str, email: str) -> None:
    async def arrange(database: Database) -> None:
        user = await select_user_by_email(database, email)
        await insert_passkey(
            database, credential_id="AAAA", user_id=user.id, public_key="pk", sign_count=0, name="Phone",
            created_at=datetime.now(UTC),
        )

    looked_up(database_url, arrange)


def test_users_remove_passkeys_removes_them_logs_it_and_tells_the_user(migrated_database_url):
    with_users(migrated_database_url, "person@example.com")
    with_passkey(migrated_database_url, "person@example.com")

    removed = run(migrated_database_url, "users", "remove-passkeys", "person@example.com")
    again = run(migrated_database_url, "users", "remove-passkeys", "person@example.com")

    assert removed.exit_code == 0 and "person@example.com had its passkeys removed" in removed.output
    assert again.exit_code == 1 and "has no passkey: there is nothing to remove." in again.output

    async def look(database: Database) -> tuple[int, list[str], int]:
        user = await select_user_by_email(database, "person@example.com")
        events = await security_log.events_page(database, email="person@example.com", event="", before=None)
        return len(await select_passkeys_of_user(database, user.id)), [event.event for event in events.events], await count_unsent_outbox_messages(database)

    left, events, mail = looked_up(migrated_database_url, look)
    assert left == 0 and events == ["passkeys_removed"] and mail == 1
