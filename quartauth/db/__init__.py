"""The database: one handle per app, SQLite or Postgres, picked by DATABASE_URL.

Nothing outside ``quartauth.repository`` and the migration runner runs SQL; they
name a query kept under ``sql/queries`` and pass its parameters by name.
"""
from .base import Connection, Database, DatabaseError, DatabaseUnavailable, Executor, Row, UniqueViolation
from .connect import connect

__all__ = [
    "Connection",
    "Database",
    "DatabaseError",
    "DatabaseUnavailable",
    "Executor",
    "Row",
    "UniqueViolation",
    "connect",
]
