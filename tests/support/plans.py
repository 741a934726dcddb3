"""What the database plans for the admin area's email search, asked with EXPLAIN (tests, bench)."""
from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from quartauth.db import connect
from quartauth.db.connect import SQL_ROOT
from quartauth.services.admin import PAGE_SIZE, after_prefix

SEARCH_QUERY = "users/select_user_summaries_from_email"
# What each dialect's plan says when it reads a range of the email index.
INDEX_RANGES = {
    "sqlite": "SEARCH u USING INDEX users_email_key (email>? AND email<?)",
    "postgres": "Index Scan using users_email_prefix_idx on users u",
}
# ... and when it reads the whole table, or sorts what it read.
SCANS_OR_SORTS = ("SCAN u\n", "TEMP B-TREE", "Seq Scan on users", "Sort")


async def email_search_plan(database_url: str, prefix: str, *, forbid_scans: bool = False) -> str:
    """The plan of one page of the email search for ``prefix``, one step a line.

    ``forbid_scans``: on Postgres, make a scan the last resort, as on a small table it is the
    cheaper plan; what is left shows whether the index can serve the query at all.
    """
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgres"
    query = (SQL_ROOT / "queries" / f"{SEARCH_QUERY}.{dialect}.sql").read_text(encoding="utf-8")
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "queries").mkdir()
        (Path(folder) / "queries" / "explain.sql").write_text(explain + query, encoding="utf-8")
        database = connect(database_url, sql_root=Path(folder))
        await database.open()
        try:
            async with database.connection() as connection:
                if forbid_scans and dialect == "postgres":
                    await connection.execute_script("SET enable_seqscan = off; SET enable_bitmapscan = off")
                rows = await connection.fetch_all(
                    "explain", start_email=prefix, end_email=after_prefix(prefix), limit=PAGE_SIZE + 1,
                    now=datetime.now(UTC),
                )
                if forbid_scans and dialect == "postgres":
                    await connection.execute_script("RESET enable_seqscan; RESET enable_bitmapscan")
        finally:
            await database.close()
    return "\n".join(str(value) for row in rows for value in row.values()) + "\n"


def reads_an_index_range(database_url: str, plan: str) -> bool:
    """Whether ``plan`` reads a range of the email index, and neither scans nor sorts."""
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgres"
    return INDEX_RANGES[dialect] in plan and not any(step in plan for step in SCANS_OR_SORTS)
