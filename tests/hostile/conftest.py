"""A site with one resident account, and a way to tell whether anything in the database changed."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from quartauth.db import Database
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import User, count_users, select_user_by_email

RESIDENT_EMAIL = "resident@example.com"


@dataclass(frozen=True)
class Snapshot:
    users: int
    resident: User | None
    resident_sessions: tuple[int, ...]


async def snapshot(database: Database) -> Snapshot:
    resident = await select_user_by_email(database, RESIDENT_EMAIL)
    sessions = await select_sessions_of_user(database, resident.id) if resident else []
    # The two-step setup page keeps the key it shows on its GET, on purpose (a phone that read
    # it once keeps working); a key being set up turns nothing on until a code proves it.
    resident = replace(resident, two_step_key=None) if resident else None
    return Snapshot(await count_users(database), resident, tuple(s.id for s in sessions))


@pytest.fixture
async def resident(auth, database) -> Snapshot:  # type: ignore[no-untyped-def]
    """An account that exists and is signed in on ``client``; the database as it stands then."""
    response = await auth.register(RESIDENT_EMAIL)
    assert response.status_code == 302
    return await snapshot(database)
