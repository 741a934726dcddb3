from __future__ import annotations

from ..db import Database


async def database_answers(db: Database) -> None:
    """Returns when the database answers a trivial query; raises ``DatabaseUnavailable`` otherwise."""
    await db.fetch_one("health/select_one")
