"""SQL kept in files under ``sql/queries``, loaded by name and bound per dialect.

A query ``users/select_user_by_email`` is the file ``sql/queries/users/select_user_by_email.sql``,
or ``select_user_by_email.postgres.sql`` / ``.sqlite.sql`` beside it where the dialects differ.
Parameters are written ``:name`` in every file; Postgres wants ``$1, $2, ...``, so the text is
rewritten once, here, and the values are always sent bound, never formatted into the SQL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ``:name`` but not the ``::type`` cast of Postgres.
_NAMED_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    parameters: tuple[str, ...]

    def positional(self, values: dict[str, Any]) -> list[Any]:
        return [values[name] for name in self.parameters]

    def named(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: values[name] for name in self.parameters}


class QueryLibrary:
    def __init__(self, root: Path, dialect: str, positional: bool) -> None:
        self.root = root
        self.dialect = dialect
        self.positional = positional
        self._cache: dict[str, Query] = {}

    def get(self, name: str) -> Query:
        query = self._cache.get(name)
        if query is None:
            query = self._cache[name] = self._load(name)
        return query

    def _load(self, name: str) -> Query:
        text = self._path(name).read_text(encoding="utf-8").strip().rstrip(";")
        parameters: list[str] = []
        for parameter in _NAMED_PARAMETER.findall(text):
            if parameter not in parameters:
                parameters.append(parameter)
        if self.positional:
            text = _NAMED_PARAMETER.sub(lambda match: f"${parameters.index(match[1]) + 1}", text)
        return Query(name, text, tuple(parameters))

    def _path(self, name: str) -> Path:
        for candidate in (f"{name}.{self.dialect}.sql", f"{name}.sql"):
            path = self.root / candidate
            if path.is_file():
                return path
        raise LookupError(f"no SQL file for query {name!r} under {self.root}")
