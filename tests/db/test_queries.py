"""Named SQL files, bound per dialect."""
from __future__ import annotations

import pytest

from quartauth.db.queries import QueryLibrary


@pytest.fixture
def sql_root(tmp_path):
    (tmp_path / "things").mkdir()
    (tmp_path / "things" / "select_thing.sql").write_text(
        "SELECT id::text FROM things\n WHERE name = :name AND owner = :owner OR alias = :name;\n"
    )
    (tmp_path / "things" / "now.sql").write_text("SELECT CURRENT_TIMESTAMP")
    (tmp_path / "things" / "now.sqlite.sql").write_text("SELECT datetime('now')")
    return tmp_path


def test_postgres_gets_numbered_parameters_and_keeps_casts(sql_root):
    query = QueryLibrary(sql_root, "postgres", positional=True).get("things/select_thing")

    assert query.text == "SELECT id::text FROM things\n WHERE name = $1 AND owner = $2 OR alias = $1"
    assert query.positional({"owner": 7, "name": "n"}) == ["n", 7]


def test_sqlite_keeps_named_parameters(sql_root):
    query = QueryLibrary(sql_root, "sqlite", positional=False).get("things/select_thing")

    assert ":name" in query.text and ":owner" in query.text
    assert query.named({"name": "n", "owner": 7, "unused": 1}) == {"name": "n", "owner": 7}


def test_a_missing_parameter_is_an_error_not_a_null(sql_root):
    query = QueryLibrary(sql_root, "postgres", positional=True).get("things/select_thing")
    with pytest.raises(KeyError):
        query.positional({"name": "n"})


def test_a_dialect_file_wins_over_the_shared_one(sql_root):
    assert QueryLibrary(sql_root, "sqlite", False).get("things/now").text == "SELECT datetime('now')"
    assert QueryLibrary(sql_root, "postgres", True).get("things/now").text == "SELECT CURRENT_TIMESTAMP"


def test_an_unknown_query_is_a_clear_error(sql_root):
    with pytest.raises(LookupError, match="things/nope"):
        QueryLibrary(sql_root, "sqlite", False).get("things/nope")
