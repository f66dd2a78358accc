"""Read one extract or plan file into RawTables: every cell as text, rows numbered as a
spreadsheet shows them (the header is row 1, the first record row 2), whatever the format. A CSV
or Parquet file is read in batches (read_batches), so that a file of millions of rows is checked
and loaded in bounded memory; read_table joins them for the small files of a plan.

A row that cannot be split into the header's columns (too many or too few fields, a quote that is
never closed) is never shifted into the wrong columns: it is kept out of the table and listed in
`RawTable.malformed` with its row number, for validation to report and set aside."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

HEADER_ROW = 1
DELIMITERS = (";", "\t", ",")
# Bounds that keep a hostile or broken workbook from taking the machine: a real extract is far
# below each. XLSX sheets cannot hold more rows than this; no contract table has more columns.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMNS = 200
XLSX_MAX_UNPACKED_BYTES = 1 << 30
_SNIFF_BYTES = 1 << 16
BATCH_BYTES = 16 << 20  # CSV text per batch: about 200 000 participant rows
BATCH_ROWS = 250_000  # Parquet rows per batch
_SCAN_BYTES = 16 << 20
_TEXT_SHOWN = 60  # characters of a malformed row kept for its problem message


class ReadError(Exception):
    """The file cannot be read at all; the message says why, in plain words."""


@dataclass(frozen=True)
class MalformedRow:
    row: int  # spreadsheet row number
    code: str  # problem code: field_count, other_delimiter, unclosed_quote
    params: dict
    text: str  # the row as written, for the rows set aside


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame  # str cells ('' = empty), original header names as columns
    rows: pd.Series  # spreadsheet row number of each record, aligned with frame
    malformed: list[MalformedRow] = field(default_factory=list)
    # Columns the file itself types as numbers or dates (Parquet), by header: float values (NaN for
    # none) or datetime64 days. Validation takes them as they are instead of parsing their text
    # again, and knows that no identity code or total label can hide in them.
    typed: dict[str, pd.Series] = field(default_factory=dict)
    # The same columns as the file holds them. Their text is written only for the rows it is asked
    # of (`cells`: the rows a problem names or that are set aside); `frame` holds "" for them until
    # then. Writing ten million dates and amounts as text took 2.5 s of a national check.
    arrow: dict[str, pa.Array] = field(default_factory=dict)

    def cells(self, header: str, rows: pd.Series | None = None) -> pd.Series:
        """A column's text (by a header that is written once), of the rows where `rows` is True, or of all."""
        if header not in self.arrow:  # the rows first: a problem's few cells, not the whole column, made str
            column = self.frame[header]
            return (column if rows is None else column[rows]).astype(str)
        index = self.frame.index if rows is None else self.frame.index[rows.to_numpy(dtype=bool)]
        column = self.arrow[header] if rows is None else self.arrow[header].take(pa.array(index.to_numpy()))
        return _arrow_text(column).set_axis(index)  # the frame's index counts its rows from 0

    def with_text(self) -> RawTable:
        """This table with the text of every typed column written out in `frame`."""
        if not self.arrow:
            return self
        frame = self.frame.assign(**{header: self.cells(header) for header in self.arrow})
        return RawTable(self.path, frame, self.rows, self.malformed, self.typed)


def read_table(path: Path) -> RawTable:
    """The whole file as one table (plan files; an extract is read in batches)."""
    batches = [batch.with_text() for batch in read_batches(path)]
    if len(batches) == 1:
        return batches[0]
    frame = pd.concat([b.frame for b in batches], ignore_index=True)
    rows = pd.concat([b.rows for b in batches], ignore_index=True)
    typed = {name: pd.concat([b.typed[name] for b in batches], ignore_index=True) for name in batches[0].typed}
    return RawTable(path, frame, rows, [m for b in batches for m in b.malformed], typed)


def read_batches(path: Path, batch_bytes: int | None = None, batch_rows: int | None = None) -> Iterator[RawTable]:
    """The file's records in batches, each numbered as in the whole file, and at least one (a file
    of a header alone gives one without rows), so that the header is always checked. A file that
    turns out unreadable part way raises ReadError then: its batches so far must be taken back."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".xlsx"):
        raise ReadError(f"unsupported file type {suffix!r}")
    try:
        if suffix == ".csv":
            batches = _csv_batches(path, batch_bytes or BATCH_BYTES)
        elif suffix == ".parquet":
            batches = _parquet_batches(path, batch_rows or BATCH_ROWS)
        else:
            batches = iter([_read_xlsx(path)])
        for frame, rows, malformed, *typed in batches:
            yield _raw_table(path, frame, rows, malformed, *(typed or ({}, {})))
    except ReadError:
        raise
    except Exception as exc:  # any parser failure means the file is unreadable as a whole
        raise ReadError(f"cannot read file: {type(exc).__name__}: {exc}".strip()) from exc


def _raw_table(path: Path, frame: pd.DataFrame, rows, malformed: list[MalformedRow], typed: dict, arrow: dict) -> RawTable:
    frame.columns = [header_name(c) for c in frame.columns]
    typed = {header_name(name): values for name, values in typed.items()}
    arrow = {header_name(name): values for name, values in arrow.items()}
    rows = pd.Series(rows, index=frame.index)
    keep = np.zeros(len(frame), dtype=bool)  # rows with anything written in them
    for name, column in frame.items():
        # a typed column's text is empty exactly where it holds nothing
        written = typed[name].notna() if name in arrow else column != ""
        keep |= written.to_numpy(dtype=bool, na_value=False)
    if keep.all():  # the usual case: no copy of millions of rows
        return RawTable(path, frame.reset_index(drop=True), rows.reset_index(drop=True), malformed, typed, arrow)
    kept = {name: values[keep].reset_index(drop=True) for name, values in typed.items()}
    arrow = {name: values.filter(pa.array(keep)) for name, values in arrow.items()}
    return RawTable(path, frame[keep].reset_index(drop=True), rows[keep].reset_index(drop=True), malformed, kept, arrow)


def header_name(name: object) -> str:
    return str(name).replace("\ufeff", "").strip()


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_batches(path: Path, batch_bytes: int) -> Iterator[tuple[pd.DataFrame, np.ndarray, list[MalformedRow]]]:
    """Arrow parses the records (quotes, line breaks inside quotes) block by block from the file,
    single-threaded so that every record keeps its number; cells stay text. A million rows take
    about a second, and only a block of the file is held at a time."""
    encoding = _encoding(path)
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES).decode("utf-8-sig" if encoding == "utf8" else encoding, errors="replace")
    if not head.strip():
        raise ReadError("the file is empty")
    first_line = head.splitlines()[0]
    if first_line.count('"') % 2:
        raise ReadError("the first row must hold the column names, on one line")
    delimiter = sniff_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    if not any(h.strip() for h in header):
        raise ReadError("the first row must hold the column names")
    width = len(header)
    names = [f"c{i}" for i in range(width)]
    bad: list[tuple[int, int, str]] = []  # (number, fields, text) of each row Arrow could not split, in file order

    def set_aside(row) -> str:
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    reader = pacsv.open_csv(
        pa.OSFile(str(path)),
        read_options=pacsv.ReadOptions(
            use_threads=False, block_size=batch_bytes, skip_rows=1, column_names=names, encoding=encoding
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=set_aside
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    numbering = _Numbering()
    yielded = False
    for batch in reader:
        rows = numbering.next(batch.num_rows, bad)
        malformed = [_malformed(number, fields, text, width, delimiter) for number, fields, text in numbering.passed(bad)]
        yield _csv_frame(batch.columns, header, rows, malformed, delimiter)
        yielded = True
    rest = [_malformed(number, fields, text, width, delimiter) for number, fields, text in bad[numbering.reported :]]
    if rest or not yielded:  # rows set aside after the last record, or no record at all
        empty = [pa.array([], pa.string()) for _ in names]
        yield _csv_frame(empty, header, np.zeros(0, dtype=np.int64), rest, delimiter)


class _Numbering:
    """Spreadsheet numbers of the records Arrow keeps, batch by batch: 2, 3, … without the rows it
    set aside (which it reports, in file order, as it parses each block)."""

    def __init__(self):
        self.first = HEADER_ROW + 1  # the number of the next record
        self.reported = 0  # how many of the rows set aside belong to earlier batches

    def next(self, count: int, bad: list[tuple[int, int, str]]) -> np.ndarray:
        pending = np.asarray([b[0] for b in bad[self.reported :]], dtype=np.int64)
        pending = pending[pending >= self.first]
        every = np.arange(self.first, self.first + count + len(pending))
        numbers = every[~np.isin(every, pending)][:count] if len(pending) else every
        if count:
            self.first = int(numbers[-1]) + 1
        return numbers

    def passed(self, bad: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """The rows set aside before the next record, not yet reported."""
        start = self.reported
        while self.reported < len(bad) and bad[self.reported][0] < self.first:
            self.reported += 1
        return bad[start : self.reported]


def _csv_frame(
    columns: list, header: list[str], rows: np.ndarray, malformed: list[MalformedRow], delimiter: str
) -> tuple[pd.DataFrame, np.ndarray, list[MalformedRow]]:
    columns = [pc.utf8_trim_whitespace(column) for column in columns]
    swallowed = _swallowed_rows(columns, len(header), delimiter)
    if swallowed.any():
        keep = ~swallowed
        for index in np.flatnonzero(swallowed):
            text = delimiter.join(str(column[int(index)]) for column in columns)
            malformed.append(MalformedRow(int(rows[index]), "unclosed_quote", {}, text[:_TEXT_SHOWN]))
        columns = [column.filter(pa.array(keep)) for column in columns]
        rows = rows[keep]
    frame = pd.DataFrame(
        {i: pd.Series(column.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow"))) for i, column in enumerate(columns)}
    )
    frame.columns = header
    malformed.sort(key=lambda m: m.row)
    return frame, rows, malformed


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel on Finnish Windows writes); read
    in chunks, the file is not held whole."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    with open(path, "rb") as handle:
        while chunk := handle.read(_SCAN_BYTES):
            if b"\x00" in chunk:
                raise ReadError("binary content, not a CSV text file")
            is_utf8 = is_utf8 and _decodes(utf8, chunk)
    if is_utf8 and _decodes(utf8, b"", final=True):
        return "utf8"
    if _whole_file_decodes(path, "cp1252"):
        return "cp1252"
    raise ReadError("text is neither UTF-8 nor Windows-1252")


def _decodes(decoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
        return True
    except UnicodeDecodeError:
        return False


def _whole_file_decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
        while chunk := handle.read(_SCAN_BYTES):
            if not _decodes(decoder, chunk):
                return False
    return _decodes(decoder, b"", final=True)


def _malformed(number: int, fields: int, text: str, width: int, delimiter: str) -> MalformedRow:
    shown = text[:_TEXT_SHOWN]
    if "\n" in text and text.count('"') % 2:
        return MalformedRow(number, "unclosed_quote", {}, shown)
    for other in DELIMITERS:
        if other != delimiter and len(next(csv.reader([text], delimiter=other), [])) == width:
            return MalformedRow(number, "other_delimiter", {"found": other, "expected": delimiter}, shown)
    return MalformedRow(number, "field_count", {"found": str(fields), "expected": str(width)}, shown)


def _swallowed_rows(columns: list, width: int, delimiter: str) -> np.ndarray:
    """Rows one of whose cells holds whole further lines: a quote opened and never closed swallows
    the records after it into one cell (the field count can still come out right)."""
    swallowed = np.zeros(len(columns[0]) if columns else 0, dtype=bool)
    if width < 2:
        return swallowed
    for column in columns:
        broken = pc.match_substring(column, "\n")
        if not pc.any(broken).as_py():
            continue
        for index in np.flatnonzero(broken.to_numpy(zero_copy_only=False)):
            lines = str(column[int(index)]).splitlines()[1:]
            if any(line.count(delimiter) >= width - 1 for line in lines):
                swallowed[index] = True
    return swallowed


def _parquet_batches(path: Path, batch_rows: int) -> Iterator[tuple]:
    """Parquet columns become text batch by batch and column by column in Arrow (millions of rows in
    a second), written as _cell_text writes a cell: dates ISO, whole numbers without ".0", nulls
    empty; number and date columns are given typed as well (_typed), and their text is written
    only for the rows that need it."""
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    names = [str(name) for name in source.schema_arrow.names]
    if len(set(names)) != len(names):
        raise ReadError("two columns have the same name")
    first = HEADER_ROW + 1
    yielded = False
    for batch in source.iter_batches(batch_size=batch_rows):
        for name, column in zip(names, batch.columns, strict=True):
            _check_utf8(name, column)
        typed = {name: _typed(column) for name, column in zip(names, batch.columns, strict=True)}
        typed = {name: values for name, values in typed.items() if values is not None}
        arrow = {name: column for name, column in zip(names, batch.columns, strict=True) if name in typed}
        # the typed columns' text waits until a row of theirs is shown (RawTable.cells)
        unwritten = _arrow_text(pa.nulls(batch.num_rows, pa.string()))
        frame = pd.DataFrame(
            {name: unwritten if name in typed else _arrow_text(column) for name, column in zip(names, batch.columns, strict=True)}
        )
        yield frame, np.arange(first, first + len(frame)), [], typed, arrow
        first += len(frame)
        yielded = True
    if not yielded:
        yield pd.DataFrame({name: pd.Series([], dtype=pd.StringDtype("pyarrow")) for name in names}), np.zeros(0, np.int64), []


def _check_utf8(name: str, column) -> None:
    """Parquet does not make its writers' text valid UTF-8, and invalid bytes in a text column
    failed deep inside the checks: said here, as the whole file's fault (a CSV is decoded whole)."""
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return
    try:
        column.validate(full=True)
    except pa.ArrowInvalid as exc:
        raise ReadError(f"column {name!r} holds bytes that are not UTF-8 text") from exc


def _typed(column) -> pd.Series | None:
    """A number column's values as floats (NaN for none) or a date column's as days, read as their
    text is written by _arrow_text (a time of day is dropped, as a date's check drops it); None for
    any other column."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return pd.Series(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        column, kind = column.cast(pa.timestamp(kind.unit)), pa.timestamp(kind.unit)
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        try:
            days = column.cast(pa.timestamp("s"), safe=False).cast(pa.date32()).cast(pa.timestamp("us"))
        except pa.ArrowInvalid:  # a day beyond what microseconds can count: its text is checked
            return None
        return pd.Series(days.to_numpy(zero_copy_only=False), dtype="datetime64[us]")
    return None


def _arrow_text(column) -> pd.Series:
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


def _read_xlsx(path: Path) -> tuple[pd.DataFrame, list[int], list[MalformedRow]]:
    """The first sheet, row by row. The sheet's declared size is ignored (a 1.6 KB file can declare
    a million rows by 16 384 columns, which openpyxl would pad every row to); rows, columns and the
    unpacked size are bounded, and empty rows are counted but not kept."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > XLSX_MAX_UNPACKED_BYTES:
            raise ReadError(f"the workbook unpacks to more than {XLSX_MAX_UNPACKED_BYTES >> 20} MB")
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        header: list[str] | None = None
        malformed: list[MalformedRow] = []
        records: list[list[object]] = []
        numbers: list[int] = []
        for number, values in enumerate(sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True), start=HEADER_ROW):
            if number > XLSX_MAX_ROWS:
                raise ReadError(f"the first sheet has more than {XLSX_MAX_ROWS} rows")
            if header is None:
                header = ["" if h is None else str(h) for h in values]
                while header and not header[-1].strip():
                    header.pop()
                continue
            if not any(v is not None and v != "" for v in values):
                continue
            if any(v is not None and v != "" for v in values[len(header) :]):
                found = max(i for i, v in enumerate(values, start=1) if v is not None and v != "")
                text = ";".join(_cell_text(v) for v in values[:found])
                malformed.append(MalformedRow(number, "field_count", {"found": str(found), "expected": str(len(header))}, text))
                continue
            records.append(list(values[: len(header)]) + [None] * (len(header) - len(values)))
            numbers.append(number)
    finally:
        book.close()
    if not header:
        raise ReadError("the first sheet is empty")
    frame = pd.DataFrame(records, columns=header, dtype=object)
    return _cells_to_text(frame), numbers, malformed


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
