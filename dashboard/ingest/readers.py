"""Read one extract or plan file into a RawTable: every cell as text, rows numbered as a
spreadsheet shows them (the header is row 1, the first record row 2), whatever the format."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

HEADER_ROW = 1


class ReadError(Exception):
    """The file cannot be read at all; the message says why, in plain words."""


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame  # str cells ('' = empty), original header names as columns
    rows: pd.Series  # spreadsheet row number of each record, aligned with frame


def read_table(path: Path) -> RawTable:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = _read_csv(path.read_bytes())
        elif suffix == ".parquet":
            frame = _read_parquet(path)
        elif suffix == ".xlsx":
            frame = _read_xlsx(path)
        else:
            raise ReadError(f"unsupported file type {suffix!r}")
    except ReadError:
        raise
    except Exception as exc:  # any parser failure means the file is unreadable as a whole
        raise ReadError(f"cannot read file: {type(exc).__name__}: {exc}".strip()) from exc
    frame.columns = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    rows = pd.Series(range(HEADER_ROW + 1, HEADER_ROW + 1 + len(frame)), index=frame.index)
    keep = (frame != "").any(axis=1) if len(frame.columns) else pd.Series(False, index=frame.index)
    return RawTable(path, frame[keep].reset_index(drop=True), rows[keep].reset_index(drop=True))


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, else Windows-1252 (what Excel on Finnish Windows writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ReadError("text is neither UTF-8 nor Windows-1252") from exc


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes) -> pd.DataFrame:
    if b"\x00" in data:
        raise ReadError("binary content, not a CSV text file")
    text = decode(data)
    if not text.strip():
        raise ReadError("the file is empty")
    delimiter = sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = list(reader)
    header, body = records[0], records[1:]
    if not any(h.strip() for h in header):
        raise ReadError("the first row must hold the column names")
    width = len(header)
    # Pad short rows and keep long ones visible: a cell beyond the header is an error later.
    body = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return frame.map(lambda v: v.strip()) if len(frame) else frame


def _read_parquet(path: Path) -> pd.DataFrame:
    """Typed Parquet columns become text column by column in Arrow (millions of rows in a second),
    written as _cell_text writes a cell: dates ISO, whole numbers without ".0", nulls empty."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    names = [str(name) for name in table.column_names]
    if len(set(names)) != len(names):
        raise ReadError("two columns have the same name")
    return pd.DataFrame({name: _arrow_text(column) for name, column in zip(names, table.columns, strict=True)})


def _arrow_text(column) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            column = column.cast(pa.timestamp(kind.unit))
        seconds = column.cast(pa.timestamp("s"), safe=False)
        midnight = pc.equal(seconds.cast(pa.date32()).cast(pa.timestamp("s")), seconds)
        text = pc.if_else(midnight, pc.strftime(seconds, "%Y-%m-%d"), pc.strftime(seconds, "%Y-%m-%dT%H:%M:%S"))
    elif pa.types.is_date(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        text = column.cast(pa.string())
    elif pa.types.is_floating(kind):
        text = pc.if_else(pc.is_nan(column), pa.scalar(None, pa.string()), column.cast(pa.string()))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = pc.utf8_trim_whitespace(column)
    else:  # decimals, binary, nested types: the general, slower way
        return column.to_pandas().astype(object).map(_cell_text)
    return pd.Series(pc.fill_null(text, "").to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow")))


def _read_xlsx(path: Path) -> pd.DataFrame:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise ReadError("the first sheet is empty")
    header = ["" if h is None else str(h) for h in rows[0]]
    frame = pd.DataFrame([list(r) for r in rows[1:]], columns=header, dtype=object)
    return _cells_to_text(frame)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cells_to_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).map(_cell_text) if len(frame) else frame.astype(object)
