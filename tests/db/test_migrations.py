"""Migrations: in order, once, each in a transaction, per dialect."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quartauth.db import connect, migrations
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

# Queries written for the schema as it stood at an older migration.
OLD_SHAPES = Path(__file__).resolve().parent / "sql"


@pytest.fixture
async def empty_database(database_url: str):
    handle = connect(database_url)
    await handle.open()
    yield handle
    await handle.close()


async def test_migrate_applies_everything_then_is_a_no_op(empty_database):
    before = await migrations.status(empty_database)
    assert before.applied == [] and before.pending

    first = await migrations.migrate(empty_database)
    second = await migrations.migrate(empty_database)

    assert [m.version for m in first] == [m.version for m in before.pending]
    assert second == []
    after = await migrations.status(empty_database)
    assert after.pending == [] and [m.version for m in after.applied] == [m.version for m in first]


async def test_the_schema_works_after_migrating(empty_database):
    await migrations.migrate(empty_database)
    rows = await empty_database.fetch_all("users/select_user_by_email", email="x@example.com")
    assert rows == []


def _write(folder: Path, name: str, sql: str) -> None:
    (folder / name).write_text(sql, encoding="utf-8")


async def test_a_failing_migration_is_rolled_back_and_stays_pending(empty_database, tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    folder.mkdir()
    _write(folder, "0001_good.sql", "CREATE TABLE good (id INTEGER PRIMARY KEY);")
    _write(folder, "0002_bad.sql", "CREATE TABLE half (id INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;")
    original = migrations.discover
    monkeypatch.setattr(migrations, "discover", lambda dialect: original(dialect, folder))

    with pytest.raises(Exception):
        await migrations.migrate(empty_database)

    current = await migrations.status(empty_database)
    assert [m.label for m in current.applied] == ["0001_good"]
    assert [m.label for m in current.pending] == ["0002_bad"]
    with pytest.raises(Exception):  # the half-made table went with its transaction
        await _select_from(empty_database, "half")


async def _select_from(database, table: str) -> None:
    async with database.connection() as connection:
        await connection.execute_script(f"SELECT * FROM {table}")


def test_a_dialect_variant_replaces_the_shared_file(tmp_path):
    for name in ("0001_users.sql", "0001_users.postgres.sql", "0002_more.sql", "0003_only_sqlite.sqlite.sql"):
        _write(tmp_path, name, "SELECT 1;")

    postgres = [m.path.name for m in migrations.discover("postgres", tmp_path)]
    sqlite = [m.path.name for m in migrations.discover("sqlite", tmp_path)]

    assert postgres == ["0001_users.postgres.sql", "0002_more.sql"]
    assert sqlite == ["0001_users.sql", "0002_more.sql", "0003_only_sqlite.sqlite.sql"]


def test_a_badly_named_migration_is_refused(tmp_path):
    _write(tmp_path, "add_users.sql", "SELECT 1;")
    with pytest.raises(ValueError, match="NNNN_name"):
        migrations.discover("sqlite", tmp_path)


async def test_a_database_at_0001_moves_forward_without_losing_a_row(database_url, empty_database):
    await migrate_to(empty_database, "0001")
    now = datetime.now(UTC)
    old_queries = connect(database_url, sql_root=OLD_SHAPES)
    await old_queries.open()
    try:
        for email in ("old@example.com", "other@example.com"):
            await old_queries.execute(
                "insert_user_as_at_0001", email=email, password_hash="bcrypt_sha256$x", is_admin=True, created_at=now
            )
        old_id = (await old_queries.fetch_one("select_user_id_as_at_0001", email="old@example.com"))["id"]
        await old_queries.execute(
            "insert_session_as_at_0001", token_hash="hash", user_id=old_id, created_at=now, expires_at=now + timedelta(days=1)
        )
    finally:
        await old_queries.close()

    applied = await migrations.migrate(empty_database)

    later = [migration.version for migration in migrations.discover(empty_database.dialect) if migration.version > "0001"]
    assert [migration.version for migration in applied] == later
    user = await select_user_by_email(empty_database, "old@example.com")
    assert user is not None and await select_user_by_email(empty_database, "other@example.com") is not None
    assert (user.id, user.is_admin, user.created_at) == (old_id, True, now)
    assert user.disabled_at is None  # every account from before disabling existed is enabled
    [session] = await select_sessions_of_user(empty_database, user.id)
    # It began with the password, which vouches for it as a sign-in's would.
    assert session.reauthenticated_at == now
    assert session.created_at == now and session.client_address is None and session.browser is None
    # Its idle end is its latest end: nothing about its use was known before.
    assert session.idle_expires_at == session.expires_at and session.remembered is False
    assert session.previous_sign_in is None


async def migrate_to(database, version: str) -> None:
    """Apply the migrations up to ``version`` only, as a deployment of that time did."""
    for migration in migrations.discover(database.dialect):
        if migration.version > version:
            break
        async with database.transaction() as connection:
            await connection.execute_script(migration.path.read_text(encoding="utf-8"))
        await database.execute("migrations/create_schema_migrations")
        await database.execute(
            "migrations/insert_applied_version", version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
        )
