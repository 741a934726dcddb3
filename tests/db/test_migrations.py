"""Migrations: in order, once, each in a transaction, per dialect."""
from __future__ import annotations

from pathlib import Path

import pytest

from quartauth.db import connect, migrations


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
