"""The one owner of the DuckDB connection. A DuckDB connection must not be shared across threads,
but cursors from one parent may: every query runs on a fresh cursor. Values reach SQL only as
bound parameters (`$name` in the .sql files); nothing is pasted into SQL text."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"
SCHEMA = Path(__file__).parent / "schema.sql"


@cache
def sql_text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file() or path.parent != SQL_DIR:
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self._connection = connection

    @classmethod
    def create_empty(cls) -> Store:
        connection = duckdb.connect(":memory:")
        connection.execute(SCHEMA.read_text(encoding="utf-8"))
        return cls(connection)

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        """Append a DataFrame whose columns are named as the table's (load time only)."""
        cursor = self._connection.cursor()
        try:
            columns = [row[0] for row in cursor.execute(f"describe {_identifier(table)}").fetchall()]
            cursor.register("incoming", frame[columns])
            cursor.execute(f"insert into {_identifier(table)} select * from incoming")
            cursor.unregister("incoming")
        finally:
            cursor.close()

    def fetch(self, name: str, **params) -> pd.DataFrame:
        cursor = self._connection.cursor()
        try:
            return cursor.execute(sql_text(name), _used(name, params)).df()
        finally:
            cursor.close()

    def fetch_one(self, name: str, **params) -> dict:
        frame = self.fetch(name, **params)
        return frame.iloc[0].to_dict() if len(frame) else {}


def _used(name: str, params: dict) -> dict:
    """DuckDB rejects parameters a query does not use: pass only those the SQL names."""
    text = sql_text(name)
    return {key: value for key, value in params.items() if re.search(rf"\${key}\b", text)}


_TABLES = {
    "project",
    "implementers",
    "municipalities",
    "budget",
    "financing",
    "targets",
    "participants",
    "person_days",
    "spending",
}


def _identifier(table: str) -> str:
    if table not in _TABLES:  # table names come from code, never from a request, but check anyway
        raise ValueError(f"unknown table {table!r}")
    return table
