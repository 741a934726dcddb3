"""Numbered SQL migrations, applied in order, each in its own transaction, recorded once.

``sql/migrations/0001_create_users.sql`` serves every dialect; ``0001_create_users.sqlite.sql``
and ``0001_create_users.postgres.sql`` replace it where the dialects must differ. A migration
that has been applied anywhere is never edited: a change is a new, higher number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .base import Database
from .connect import SQL_ROOT, connect

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>\w+?)(?:\.(?P<dialect>sqlite|postgres))?\.sql$")


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.version}_{self.name}"


@dataclass(frozen=True)
class MigrationStatus:
    applied: list[Migration]
    pending: list[Migration]


def discover(dialect: str, root: Path = SQL_ROOT / "migrations") -> list[Migration]:
    """The migrations for ``dialect``, in order."""
    chosen: dict[str, Migration] = {}
    for path in sorted(root.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise ValueError(f"migration file {path.name!r} is not named NNNN_name[.dialect].sql")
        if match["dialect"] not in (None, dialect):
            continue
        version = match["version"]
        if version in chosen and match["dialect"] is None:
            continue  # a dialect's own variant wins over the shared file
        chosen[version] = Migration(version, match["name"], path)
    return [chosen[version] for version in sorted(chosen)]


async def status(database: Database) -> MigrationStatus:
    applied = await _applied_versions(database)
    known = discover(database.dialect)
    return MigrationStatus(
        applied=[migration for migration in known if migration.version in applied],
        pending=[migration for migration in known if migration.version not in applied],
    )


async def migrate(database: Database) -> list[Migration]:
    """Apply every pending migration; answer the ones this call applied."""
    done = []
    for migration in (await status(database)).pending:
        async with database.transaction() as connection:
            # Two deploys migrating at once: the second waits here, then finds it done.
            await connection.execute("migrations/lock_migrations")
            if await connection.fetch_one("migrations/select_applied_version", version=migration.version):
                continue
            await connection.execute_script(migration.path.read_text(encoding="utf-8"))
            await connection.execute(
                "migrations/insert_applied_version",
                version=migration.version,
                name=migration.name,
                applied_at=datetime.now(UTC),
            )
        done.append(migration)
    return done


async def migrate_url(url: str) -> list[Migration]:
    """Open the database that ``url`` names, apply what is pending, and close it again."""
    database = connect(url)
    await database.open()
    try:
        return await migrate(database)
    finally:
        await database.close()


async def _applied_versions(database: Database) -> set[str]:
    await database.execute("migrations/create_schema_migrations")
    rows = await database.fetch_all("migrations/select_applied_versions")
    return {row["version"] for row in rows}
