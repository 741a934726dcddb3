"""Whether the app can serve: what the health check that load balancers ask reports."""
from __future__ import annotations

from ..db import Database, DatabaseUnavailable
from ..repository.health import database_answers


async def database_is_up(db: Database) -> bool:
    try:
        await database_answers(db)
    except DatabaseUnavailable:
        return False
    return True
