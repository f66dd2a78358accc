"""The one owner of the DuckDB connection. A DuckDB connection must not be shared across threads,
but cursors from one parent may: every query runs on a fresh cursor. Values reach SQL only as
bound parameters (`$name` in the .sql files); nothing is pasted into SQL text."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
import uuid
import weakref
from collections import OrderedDict
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from queries.arrays import ARRAYS_FILE, ArrayFile
from queries.intake import Load, insert_rows
from queries.sizes import approximate_bytes

SQL_DIR = Path(__file__).parent / "sql"
SCHEMA = Path(__file__).parent / "schema.sql"
INTAKE = Path(__file__).parent / "intake.sql"
DERIVED = Path(__file__).parent / "derived.sql"
# The types of intake.sql's code and plan-name columns of the two largest extracts: an enum of the
# values a validated row can hold where the caller lists them, text where it does not.
LISTED_TYPES = ("implementer_id", "municipality", "cost_category", "day_type")


@cache
def sql_text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file() or path.parent != SQL_DIR:
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


CACHE_BYTES = 384 << 20  # query results and computed results kept per store, by their size (ESR_CACHE_MB)
DEFAULT_MEMORY_LIMIT = "2GB"  # a national programme's tables take 1.3 GB


class Store:
    """A loaded, immutable data set. Because nothing changes it after loading (a reload builds a new
    store and swaps it in), query results can be cached per store: the pages of one view ask the
    same questions many times. Each caller gets its own copy of a cached frame."""

    def __init__(self, connection: duckdb.DuckDBPyConnection | None, reopen=None):
        self._connection = connection
        # A store opened from a snapshot file reconnects in a forked child (a DuckDB connection
        # must not cross a fork): `reopen` makes the connection again, `_pid` says whose it is.
        self._reopen = reopen
        self._pid = os.getpid()
        # Query results and memo values in one least-recently-used cache bounded by bytes: (value, size).
        self._cache: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._cached_bytes = 0
        self.cache_limit = cache_bytes_from_env()
        self._cache_lock = threading.Lock()
        self._built: dict[tuple, object] = {}
        self._arrays: ArrayFile | None = None  # a build into a file writes its arrays beside it

    @classmethod
    def create_empty(
        cls, memory_limit: str = DEFAULT_MEMORY_LIMIT, path: Path | None = None, listed: dict[str, list[str]] | None = None
    ) -> Store:
        """An empty database whose memory DuckDB keeps within `memory_limit` (its tables and its
        working memory; beyond it, it spills to a directory of this store's own). By default DuckDB
        takes up to 80 % of the machine and frees late: a national load peaked at 3.9 GiB in one
        process, and gunicorn runs several. With `path`, the database is that file (a snapshot
        being built: see finish_file), and the arrays of the running totals are written beside it
        as they are made (queries/arrays.py). `listed` gives, for each of LISTED_TYPES, every value
        its column can hold (a value outside them cannot be loaded)."""
        # Private (concurrent spills must not share files), and made by DuckDB only if it spills.
        spill = str(Path(tempfile.gettempdir()) / f"esr-seuranta-duckdb-{uuid.uuid4().hex}")
        config = {"memory_limit": memory_limit, "temp_directory": spill}
        connection = duckdb.connect(str(path) if path else ":memory:", config=config)
        # The extract rows go to a database of their own in memory (spilling as the rest does):
        # into a file DuckDB compresses every row as it is inserted, three times the work, and the
        # rows are read once, by derive.
        connection.execute("attach ':memory:' as intake")
        # The tables derived.sql makes only for the running totals to be read from, once, at the
        # build (the profile's spells, the area numbers): never written to a snapshot's file, where
        # compressing them and reading them back cost 0.3 s of a national build and more.
        connection.execute("attach ':memory:' as scratch")
        connection.execute(SCHEMA.read_text(encoding="utf-8"))
        _create_listed_types(connection, listed or {})
        connection.execute(INTAKE.read_text(encoding="utf-8"))
        store = cls(connection)
        if path:
            store._arrays = ArrayFile(Path(path).with_name(ARRAYS_FILE))
        # Closed with the store (a reload replaces it). Not at exit, where a background thread (the
        # page warm-up) may still be reading it: there only the spilled files go.
        weakref.finalize(store, _close, connection, spill).atexit = False
        atexit.register(shutil.rmtree, spill, ignore_errors=True)
        return store

    @classmethod
    def open_read_only(cls, path: Path, built: dict, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> Store:
        """A published snapshot's database, never written to (any number of processes open it at
        once), with the running totals made when it was built. It connects at the first query, so
        that a process that forks its workers after opening (gunicorn --preload) holds none."""

        def connect() -> duckdb.DuckDBPyConnection:
            # One spill folder per process: DuckDB shares one instance per file in a process, and
            # only if every connection to it is configured alike.
            spill = str(Path(tempfile.gettempdir()) / f"esr-seuranta-duckdb-read-{os.getpid()}")
            atexit.register(shutil.rmtree, spill, ignore_errors=True)
            connection = duckdb.connect(str(path), read_only=True, config={"memory_limit": memory_limit, "temp_directory": spill})
            weakref.finalize(store, _close, connection, "").atexit = False
            return connection

        store = cls(None, reopen=connect)
        store._built.update(built)
        return store

    def disconnect(self) -> None:
        """Close this process's connection to a snapshot's database (before a fork: DuckDB's
        threads do not survive one); the next query connects again."""
        if self._reopen is not None and self._connection is not None and self._pid == os.getpid():
            with self._cache_lock:
                self._connection.close()
                self._connection = None

    def finish_file(self) -> tuple[bytes, list[tuple[int, int]]]:
        """End a build into a file: write everything out, close the database, and hand over the
        running totals made from it: their pickled structure and where each of their arrays is in
        the arrays file beside the database."""
        self._connection.execute("checkpoint")
        self._connection.close()
        return self._arrays.spans(dict(self._built))

    def spilled(self, value):
        """A structure being built, with its arrays moved to the arrays file of a build into a file
        (unchanged in memory otherwise): made in parts, the running profile is not held whole."""
        return value if self._arrays is None else self._arrays.spilled(value)

    def built_items(self) -> dict:
        return dict(self._built)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        if self._reopen is not None and (self._connection is None or os.getpid() != self._pid):
            with self._cache_lock:  # the first query, or the first in a forked child: a connection of its own
                if self._connection is None or os.getpid() != self._pid:
                    self._connection, self._pid = self._reopen(), os.getpid()
        return self._connection.cursor()

    def _forget_all(self) -> None:
        with self._cache_lock:
            self._cache.clear()
            self._cached_bytes = 0

    def _recall(self, key: tuple):
        """(True, value) if cached (now the most recently used), else (False, None). Under the lock."""
        entry = self._cache.get(key)
        if entry is None:
            return False, None
        self._cache.move_to_end(key)
        return True, entry[0]

    def _keep(self, key: tuple, value: object) -> object:
        """Cache the value, then forget the least recently used until the cache fits its limit.
        A value larger than the whole limit is returned, not kept. Sized outside the lock."""
        size = approximate_bytes(value)
        with self._cache_lock:
            if key in self._cache:  # another thread made it meanwhile: keep one
                return self._cache[key][0]
            if size > self.cache_limit:
                return value
            self._cache[key] = (value, size)
            self._cached_bytes += size
            while self._cached_bytes > self.cache_limit:
                _, (_, dropped) = self._cache.popitem(last=False)
                self._cached_bytes -= dropped
        return value

    @property
    def cached_bytes(self) -> int:
        return self._cached_bytes

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        """Append a DataFrame whose columns are named as the table's (load time only)."""
        self._forget_all()
        cursor = self._cursor()
        try:
            columns = [row[0] for row in cursor.execute(f"describe {_identifier(table)}").fetchall()]
            cursor.register("incoming", frame[columns])
            cursor.execute(f"insert into {_identifier(table)} select * from incoming")
            cursor.unregister("incoming")
        finally:
            cursor.close()

    def appending(self, table: str) -> Appender:
        """Rows appended to a table in a transaction of their own, then committed or rolled back
        (load time only: an extract file refused part way takes back the batches it added)."""
        self._forget_all()
        return Appender(self._cursor(), _identifier(table))

    def screening(self) -> duckdb.DuckDBPyConnection:
        """A cursor outside every load's transaction, for the checks of files about to be added
        (queries/intake.py), on a thread of its own (load time only): it writes nothing."""
        return self._cursor()

    def derive(self) -> None:
        """Build the derived tables (derived.sql) once every table has been inserted (load time only)."""
        self._forget_all()
        cursor = self._cursor()
        try:
            cursor.execute(DERIVED.read_text(encoding="utf-8"))
        finally:
            cursor.close()

    def release_intake(self) -> None:
        """A build into a file lets go of the extract rows once the derived tables are made: they
        are never written to it. A store in memory keeps them (it writes nothing anywhere, and tests
        hold its derived tables against straightforward queries over the rows)."""
        if self._arrays is not None:
            self._connection.execute("detach intake")

    def drop_scratch(self) -> None:
        """Let go of the scratch database, whose tables the running totals have been made from (load
        time only): a national data set's spells take hundreds of megabytes."""
        self._connection.execute("detach scratch")

    def fetch(self, name: str, **params) -> pd.DataFrame:
        return self._fetch(name, params)

    def fetch_many_rows(self, name: str, **params) -> pd.DataFrame:
        """As fetch, for results of hundreds of thousands of rows: text columns stay Arrow strings
        rather than becoming one Python object per value (half the time of a national profile). Not
        cached: their callers keep what they make of them, and a national data set's running totals
        are made from millions of rows that need not stay in memory."""
        cursor = self._cursor()
        try:
            return cursor.sql(sql_text(name), params=_used(name, params)).to_arrow_table().to_pandas()
        finally:
            cursor.close()

    def fetch_numpy(self, name: str, **params) -> dict[str, np.ndarray]:
        """As fetch_many_rows, for numeric results that go straight into numpy: a column each, no
        frame in between (the running profile reads tens of millions of numbers at a build)."""
        cursor = self._cursor()
        try:
            table = cursor.sql(sql_text(name), params=_used(name, params)).to_arrow_table()
            return {name: column.to_numpy() for name, column in zip(table.column_names, table.columns, strict=True)}
        finally:
            cursor.close()

    def _fetch(self, name: str, params: dict) -> pd.DataFrame:
        used = _used(name, params)
        key = ("query", name, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in used.items())))
        with self._cache_lock:
            found, cached = self._recall(key)
        if found:
            return cached.copy()
        cursor = self._cursor()
        try:
            frame = cursor.execute(sql_text(name), used).df()
        finally:
            cursor.close()
        return self._keep(key, frame).copy()

    def memo(self, key: tuple, compute):
        """A computed result kept for this store (the same immutability argument as the query cache).
        Callers treat what they get as read-only."""
        with self._cache_lock:
            found, value = self._recall(("memo", *key))
        if found:
            return value
        return self._keep(("memo", *key), compute())

    def built(self, key: tuple, build):
        """A structure made from the whole data set (running totals), kept for the store's life: the
        memo above forgets the least recently used, and these are the oldest and the dearest to remake."""
        with self._cache_lock:
            if key in self._built:
                return self._built[key]
        value = self.spilled(build())
        with self._cache_lock:
            return self._built.setdefault(key, value)

    def fetch_one(self, name: str, **params) -> dict:
        frame = self.fetch(name, **params)
        return frame.iloc[0].to_dict() if len(frame) else {}


class Appender:
    """One table's rows coming in batch by batch, on one cursor and in one transaction."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, table: str):
        self._cursor, self._table = cursor, table
        self.columns = [row[0] for row in cursor.execute(f"describe {table}").fetchall()]
        cursor.begin()

    def add_file(self, path: str, loads: list[Load]) -> None:
        """Append a Parquet file's rows straight from the file, as `loads` say (queries/intake.py)."""
        insert_rows(self._cursor, self._table, path, loads)

    def add(self, frame: pd.DataFrame) -> None:
        """Append a frame whose columns are named as the table's. Made an Arrow table first: DuckDB
        reads one without the GIL and without a Python call per text cell (ten million bookings
        went in in 3.5 s instead of 6)."""
        self._cursor.register("incoming", pa.Table.from_pandas(frame[self.columns], preserve_index=False))
        self._cursor.execute(f"insert into {self._table} select * from incoming")
        self._cursor.unregister("incoming")

    def commit(self) -> None:
        self._cursor.commit()
        self._close()

    def rollback(self) -> None:
        self._cursor.rollback()
        self._close()

    def _close(self) -> None:
        self._cursor.close()


def cache_bytes_from_env() -> int:
    """ESR_CACHE_MB: the size of each loaded data set's result cache (default 384)."""
    value = os.environ.get("ESR_CACHE_MB", "").strip()
    if not value:
        return CACHE_BYTES
    if not value.isdigit():
        raise ValueError(f"ESR_CACHE_MB must be a whole number of megabytes, not {value!r}")
    return int(value) << 20


def _used(name: str, params: dict) -> dict:
    """DuckDB rejects parameters a query does not use: pass only those the SQL names."""
    text = sql_text(name)
    return {key: value for key, value in params.items() if re.search(rf"\${key}\b", text)}


# The extract rows' tables are in the intake database (intake.sql).
INTAKE_TABLES = {"participants", "person_days", "spending", "followups"}
_TABLES = {
    "project",
    "plan_versions",
    "implementers",
    "municipalities",
    "budget",
    "financing",
    "targets",
    "participants",
    "person_days",
    "spending",
    "payment_periods",
    "claims",
    "followups",
}


def _create_listed_types(connection: duckdb.DuckDBPyConnection, listed: dict[str, list[str]]) -> None:
    """Each of LISTED_TYPES in the intake database. An enum's values are kept in sort order, which
    is the order DuckDB sorts them in as text, and its cells are small integers: ten million
    bookings grouped by implementer and category in 0.5 s instead of 1.0 s, and a national intake
    fits its memory instead of spilling."""
    for name in LISTED_TYPES:
        if name in listed:
            values = sorted({str(value) for value in listed[name]})
            connection.execute(f"create type intake.{name} as enum (select unnest($values::varchar[]))", {"values": values})
        else:
            connection.execute(f"create type intake.{name} as varchar")


def _close(connection: duckdb.DuckDBPyConnection, spill: str) -> None:
    """A store's end: its connection, and any files DuckDB spilled."""
    try:
        connection.close()
    finally:
        if spill:
            shutil.rmtree(spill, ignore_errors=True)


def _identifier(table: str) -> str:
    if table not in _TABLES:  # table names come from code, never from a request, but check anyway
        raise ValueError(f"unknown table {table!r}")
    return f"intake.{table}" if table in INTAKE_TABLES else table
