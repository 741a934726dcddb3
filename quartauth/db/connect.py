"""Pick the dialect from DATABASE_URL."""
from __future__ import annotations

from pathlib import Path

from ..shipped import shipped
from .base import Database
from .queries import QueryLibrary

SQL_ROOT = shipped("sql")


def connect(url: str, sql_root: Path = SQL_ROOT, **options: int) -> Database:
    """Build (not yet open) the database that ``url`` names.

    ``sqlite:///relative/path.db`` and ``sqlite:////absolute/path.db`` pick SQLite;
    ``postgresql://...`` (or ``postgres://...``) picks Postgres. ``options`` go to the
    dialect (``pool_size``).
    """
    # Each dialect's driver is imported when it is picked: a worker loads one, not both.
    queries_root = sql_root / "queries"
    if url.startswith("sqlite:///"):
        from .sqlite import SQLiteDatabase

        path = Path(url.removeprefix("sqlite:///"))
        return SQLiteDatabase(path, QueryLibrary(queries_root, "sqlite", positional=False), **options)
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresDatabase

        return PostgresDatabase(url, QueryLibrary(queries_root, "postgres", positional=True), **options)
    raise ValueError(
        "DATABASE_URL must start with sqlite:/// or postgresql:// "
        f"(got {url.split(':', 1)[0]!r})"
    )

