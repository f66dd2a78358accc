"""A Parquet extract every row of which validation would keep is loaded inside DuckDB, straight from
the file (queries/intake.py): no batch of it becomes a frame. That is the usual national extract,
written by a system: ten million bookings took 13 s through the checks row by row, and take 2 here.

Whether a file is such a one is told from the file's own column types, a DuckDB scan for any cell
that might be reported (a check wider than validation's), and validation's own parsing of the few
distinct values of each code and plan-name column. Any doubt, and the file goes the way every other
file goes (validate.py), which finds and names each problem; the answer is the same either way."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.contract import Column, TableSpec
from dashboard.ingest.readers import header_name
from dashboard.ingest.validate import HETU_SHAPE, TOTAL_ROW, RowRule, map_headers, normalise_header, parse_text
from queries.intake import Check, Load, distinct_values, insert_rows, row_count, suspect_rows

# Days a date column may hold here; others (which validation may not read as dates) go row by row.
_EARLIEST, _LATEST = "1000-01-01", "9999-12-31"


@dataclass
class CleanFile:
    """A file validation would keep whole: its rows, and how each target column is loaded."""

    path: str
    rows: int
    loads: list[Load] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # contract column -> the file's header

    def insert(self, cursor: duckdb.DuckDBPyConnection, table: str, extra: list[Load] = ()) -> None:
        insert_rows(cursor, table, self.path, [*self.loads, *extra])


def clean_file(
    cursor: duckdb.DuckDBPyConnection, path, spec: TableSpec, refs: dict, rules: tuple[RowRule, ...] = ()
) -> CleanFile | None:
    """The file as a CleanFile, or None where validation has to read it row by row."""
    try:
        return _clean_file(cursor, str(path), spec, refs, rules)
    except (duckdb.Error, pa.ArrowException, OSError):  # unreadable, bytes not UTF-8, ...: validation says so
        return None


def _clean_file(cursor, path: str, spec: TableSpec, refs: dict, rules: tuple[RowRule, ...]) -> CleanFile | None:
    schema = pq.read_schema(path)
    names = [str(name) for name in schema.names]
    if len(set(names)) != len(names) or any(name != header_name(name) for name in names):
        return None
    mapping, duplicate = map_headers(names, spec)
    if duplicate or any(column.required and column.name not in mapping for column in spec.columns):
        return None
    if any(rule.column in mapping and not _is_listed(spec.column(rule.column)) for rule in rules):
        return None
    canonical = {header: name for name, header in mapping.items()}
    checks: list[Check] = []
    listed: list[tuple[Column, str]] = []
    clean = CleanFile(path, 0, sources=dict(mapping))
    for name in names:
        shape = _shape(schema.field(name).type)
        if name not in canonical:  # not the contract's: only text can hide what must not get in
            if shape == "text":
                checks.append(Check(name, "text"))
            elif shape is None:
                return None
            continue
        column = spec.column(canonical[name])
        if shape == "empty" and not column.required:
            continue  # a column of nothing but nulls (pandas writes an empty column so): none loaded
        load = _load(column, name, shape)
        if load is None:
            return None
        if _is_listed(column):
            listed.append((column, name))
        else:
            checks.append(_check(column, name, shape))
            clean.loads.append(load)
    order = [(mapping["start_date"], mapping["end_date"])] if {"start_date", "end_date"} <= mapping.keys() else []
    clean.rows = row_count(cursor, path)
    if not clean.rows or suspect_rows(cursor, path, checks, order, (_EARLIEST, _LATEST)):
        return None
    for column, name in listed:
        load = _listed_load(column, name, distinct_values(cursor, path, name), refs, rules)
        if load is None:
            return None
        clean.loads.append(load)
    return clean


def _shape(kind: pa.DataType) -> str | None:
    if pa.types.is_null(kind):
        return "empty"
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_integer(kind):
        return "whole"
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind) and kind.tz is None:
        return "timestamp"
    return None


def _is_listed(column: Column) -> bool:
    """Codes and plan names: a column of millions holds a handful of them, checked one by one."""
    return column.kind == "enum" or (column.kind == "text" and column.ref is not None)


def _load(column: Column, name: str, shape: str | None) -> Load | None:
    """How a contract column is loaded from a file column of this shape, if as validation reads it."""
    wanted = {"text": ("text",), "enum": ("text",), "date": ("date", "timestamp"), "bool": ("bool",)}
    if column.kind in ("int", "decimal"):
        return Load(column.name, name, "number") if shape in ("whole", "float") else None
    if shape not in wanted.get(column.kind, ()):
        return None
    kind = {"date": "date", "bool": "bool"}.get(column.kind, "text")
    return Load(column.name, name, kind, optional=not column.required)


def _check(column: Column, name: str, shape: str) -> Check:
    if column.kind in ("int", "decimal"):
        kind = "whole" if column.kind == "int" else "number"
        return Check(name, kind, column.required, column.minimum, column.maximum, floats=shape == "float")
    return Check(name, shape, column.required)


def _listed_load(column: Column, name: str, values: list, refs: dict, rules: tuple[RowRule, ...]) -> Load | None:
    """The load of a code or plan-name column from its distinct values, parsed by validation itself;
    None if any of them would be reported. Written as the plan or the contract spells them, the
    column is loaded as it is; otherwise through each spelling's value."""
    text = pd.Series(["" if value is None else value for value in values], dtype=pd.StringDtype("pyarrow"))
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    if not pc.all(pc.equal(pc.utf8_trim_whitespace(cells), cells)).as_py():
        return None  # validation reads trimmed text: such a column goes that way
    if _might_be_reported(text, name):
        return None
    parsed, faults = parse_text(column, text, refs)
    if any(mask.any() for _, mask in faults):
        return None
    for rule in rules:
        if rule.column == column.name and rule.flags(parsed).fillna(False).astype(bool).any():
            return None
    spellings = [value for value in values if value is not None]
    meant = [parsed.iat[i] for i, value in enumerate(values) if value is not None]
    if all(spelling == value for spelling, value in zip(spellings, meant, strict=True)):
        return Load(column.name, name, "text", optional=not column.required)
    return Load(column.name, name, "text", lookup=(spellings, [None if pd.isna(v) else v for v in meant]))


def _might_be_reported(text: pd.Series, header: str) -> bool:
    """Whether a value looks like an identity code, a total row's label or the column's own name."""
    if text.str.contains(HETU_SHAPE, regex=True).any():
        return True
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    if pc.any(pc.match_substring_regex(cells, f"^(?:{TOTAL_ROW})$", ignore_case=True)).as_py():
        return True
    return any(normalise_header(value) == normalise_header(header) for value in text)
