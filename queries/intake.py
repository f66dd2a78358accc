"""A Parquet file's rows checked and loaded inside DuckDB, which reads the file in parallel and
never makes a Python object of a cell. The caller (dashboard/ingest/parquet_intake.py) knows the
contract and says, column by column, what a good cell is; this module only writes that as SQL.

The checks here are deliberately wider than validation's: they only have to tell a file every row
of which validation would keep (the usual extract a system writes) from one it might not. Such a
file is loaded here; any other is read and checked row by row (dashboard/ingest/validate.py), which
names each problem by file, row and column. A check that is too wide costs time, never a result.

Column names come from the file and are quoted; every value is a bound parameter."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# Cells a person might have written rather than a system: an identity code's shape (with any
# digit), a total row's words, white space or control characters at either end.
SUSPECT_TEXT = (
    r"[0-9\p{Nd}]{6}[-+A-FU-Ya-fu-y][0-9\p{Nd}]{3}[0-9\p{Nd}A-Ya-y]"
    r"|(?i:yht|total|sum)"
    r"|^[\s\p{Z}\p{Cc}\p{Cf}]|[\s\p{Z}\p{Cc}\p{Cf}]$"
)


@dataclass(frozen=True)
class Check:
    """What a good cell of one file column is. `kind`: text (free text, scanned for SUSPECT_TEXT and
    its own header), listed (codes and plan names, checked by the caller over its distinct values),
    date, timestamp (a date and midnight), number, whole (a whole number) or bool."""

    name: str
    kind: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    floats: bool = False  # a floating-point column: NaN and infinity are not numbers


@dataclass(frozen=True)
class Load:
    """One target column and the file column it comes from: as it is, through `lookup` (the
    caller's (spellings, values) for a listed column written otherwise), or empty text as null."""

    target: str
    source: str
    kind: str  # text, date, number
    lookup: tuple[list, list] | None = None
    optional: bool = False


def _reading_nan(cursor: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The cursor with DuckDB's statistics propagation off. A Parquet file's minimum and maximum
    leave NaN out, and DuckDB 2.0 trusts them: over a column of 1.0, NaN and 2.5 it answered
    isnan() false for every row, and let NaN through nullif(). (This cursor's setting only.)"""
    cursor.execute("set disabled_optimizers = 'statistics_propagation'")
    return cursor


def scratch_connection(memory_limit: str) -> duckdb.DuckDBPyConnection:
    """A connection of its own, for a check that builds nothing."""
    return duckdb.connect(":memory:", config={"memory_limit": memory_limit})


def suspect_rows(
    cursor: duckdb.DuckDBPyConnection, path: str, checks: list[Check], before: list[tuple[str, str]], days: tuple[str, str]
) -> int:
    """How many rows might hold something validation would report. `before` pairs (earlier, later)
    date columns whose order is a rule (an entry's start and end); `days` are the first and the last
    day a date may be."""
    params: dict[str, object] = {"path": path, "suspect": SUSPECT_TEXT, "first_day": days[0], "last_day": days[1]}
    conditions = []
    for number, check in enumerate(checks):
        column = quoted(check.name)
        if check.required:
            conditions.append(f"{column} is null")
        if check.kind == "text":
            params[f"header_{number}"] = check.name.strip().lower()
            conditions.append(f"regexp_matches({column}, $suspect)")
            conditions.append(f"lower({column}) = $header_{number}")
            if check.required:
                conditions.append(f"{column} = ''")
        elif check.kind in ("date", "timestamp"):
            conditions.append(f"{column}::date not between $first_day::date and $last_day::date")
            if check.kind == "timestamp":
                conditions.append(f"{column}::date::timestamp <> {column}")
        elif check.kind in ("number", "whole"):
            # NaN is an empty cell to validation (and to DuckDB larger than any number)
            value = f"nullif({column}::double, 'NaN'::double)"
            if check.floats:
                conditions.append(f"isinf({column})")
                if check.required:
                    conditions.append(f"isnan({column})")
            if check.kind == "whole" and check.floats:
                conditions.append(f"{value} <> floor({value})")
            for bound, compare in (("minimum", "<"), ("maximum", ">")):
                if getattr(check, bound) is not None:
                    params[f"{bound}_{number}"] = float(getattr(check, bound))
                    conditions.append(f"{value} {compare} ${bound}_{number}")
    for earlier, later in before:
        conditions.append(f"{quoted(later)}::date < {quoted(earlier)}::date")
    where = " or ".join(f"coalesce({condition}, false)" for condition in conditions) or "false"
    used = {name: value for name, value in params.items() if name == "path" or f"${name}" in where}
    return _reading_nan(cursor).execute(f"select count(*) from read_parquet($path) where {where}", used).fetchone()[0]


def row_count(cursor: duckdb.DuckDBPyConnection, path: str) -> int:
    return cursor.execute("select count(*) from read_parquet($path)", {"path": path}).fetchone()[0]


def distinct_values(cursor: duckdb.DuckDBPyConnection, path: str, name: str) -> list:
    """A column's distinct values (None among them if it has nulls)."""
    column = quoted(name)
    return [row[0] for row in cursor.execute(f"select distinct {column} from read_parquet($path)", {"path": path}).fetchall()]


def insert_rows(cursor: duckdb.DuckDBPyConnection, table: str, path: str, loads: list[Load]) -> None:
    """Append the file's rows to `table` (an identifier from code), in the file's order."""
    params: dict[str, object] = {"path": path}
    values = []
    for number, load in enumerate(loads):
        value = quoted(load.source)
        if load.lookup is not None:
            params[f"from_{number}"], params[f"to_{number}"] = list(load.lookup[0]), list(load.lookup[1])
            value = f"$to_{number}[list_position($from_{number}, {value})]"
        elif load.kind == "text" and load.optional:
            value = f"nullif({value}, '')"
        elif load.kind == "date":
            value = f"{value}::date"
        elif load.kind == "number":  # as validation reads a number, whatever the file's type; NaN as none
            value = f"nullif({value}::double, 'NaN'::double)"
        values.append(value)
    targets = ", ".join(quoted(load.target) for load in loads)
    _reading_nan(cursor).execute(f"insert into {table} ({targets}) select {', '.join(values)} from read_parquet($path)", params)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
