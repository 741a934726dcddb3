"""SQLite's file: its owner alone can read it, and the files SQLite keeps beside it."""
from __future__ import annotations

import os
import stat

from quartauth.db import connect
from quartauth.repository.health import database_answers


async def test_the_database_and_its_wal_and_shm_files_are_private(tmp_path):
    path = tmp_path / "instance" / "quartauth.sqlite3"
    old_umask = os.umask(0o022)  # what most shells have: new files readable by everyone
    try:
        database = connect(f"sqlite:///{path}")
        await database.open()
        await database.execute("migrations/create_schema_migrations")
        await database_answers(database)
        modes = {
            name: stat.S_IMODE(os.stat(f"{path}{name}").st_mode) for name in ("", "-wal", "-shm")
        }
        await database.close()
    finally:
        os.umask(old_umask)

    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
