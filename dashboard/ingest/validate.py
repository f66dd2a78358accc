"""Check a RawTable against a TableSpec of the contract. Column by column and vectorised, so that
millions of rows validate in seconds. A file-level fault (unreadable, a required column missing,
identity codes) rejects the whole file; a bad value sets its row aside and the rest loads."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import Column, TableSpec
from dashboard.ingest.problems import Problem
from dashboard.ingest.readers import HEADER_ROW, RawTable

# Finnish personal identity code (henkilötunnus): DDMMYY, century sign, individual number, check.
_HETU = re.compile(r"(?<![0-9A-Za-z])(\d{6})([-+A-FU-Ya-fu-y])(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])")
HETU_SHAPE = re.compile(r"\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_TRUE = {"true", "1", "kyllä", "k", "yes", "y", "tosi", "t", "x"}
_FALSE = {"false", "0", "ei", "e", "no", "n", "epätosi", "f"}
_MAX_SHOWN = 40
# A spreadsheet's sum row pasted below the records ("Yhteensä" in any cell): never a record.
TOTAL_ROW = r"\s*(yhteensä|yhteensa|yht\.?|kaikki yhteensä|summa yhteensä|total|totals|grand total|totalt|summa|sum)\s*:?\s*"


@dataclass
class Distinct:
    """A column's cells and, where it holds few distinct values (dates, codes, implementers), those
    values with each row's number among them: a check then runs once per distinct value and its
    answer is spread back over the rows. Ten million bookings hold a few thousand dates."""

    text: pd.Series
    codes: np.ndarray | None = None
    values: pd.Series | None = None

    @classmethod
    def of(cls, text: pd.Series) -> Distinct:
        sample = text.iloc[:: max(1, len(text) // 5000)]
        if len(text) < 5000 or sample.nunique() > len(sample) // 2:  # ids, amounts: nearly all distinct
            return cls(text)
        codes, values = pd.factorize(text)
        return cls(text, codes, pd.Series(values, dtype=text.dtype))

    def spread(self, answer: pd.Series) -> pd.Series:
        """An answer per distinct value (indexed as `values`) as an answer per row. Taken by the
        answer's own array: text answers through numpy objects took a second of a national check."""
        return pd.Series(answer.array.take(self.codes), index=self.text.index, dtype=answer.dtype)

    def check(self, fn) -> pd.Series:
        """fn(text) -> a Series aligned with its argument, for every row."""
        return fn(self.text) if self.codes is None else self.spread(fn(self.values))


@dataclass
class Validated:
    frame: pd.DataFrame  # typed, canonical columns, good rows only
    set_aside: pd.DataFrame  # the raw bad rows with their row numbers, nothing lost
    problems: list[Problem] = field(default_factory=list)
    rejected: bool = False
    file_rows: np.ndarray | None = None  # each good row's spreadsheet row number, in frame order


FILE_ROW_COLUMN = "_row"  # a frame's rows' numbers in their file, where later checks must name them


def with_file_rows(checked: Validated) -> pd.DataFrame:
    """The good rows with their spreadsheet row numbers (for checks across rows, such as periods
    that must follow one another)."""
    # Taken from the validation: the frame's own index was renumbered once bad rows were set aside.
    rows = np.zeros(0, dtype=np.int64) if checked.file_rows is None else checked.file_rows
    return checked.frame.assign(**{FILE_ROW_COLUMN: rows.astype(np.int64)})


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def is_identity_code(text: str) -> bool:
    for match in _HETU.finditer(text):
        day, month = int(match[1][:2]), int(match[1][2:4])
        if 1 <= day <= 31 and 1 <= month <= 12 and _HETU_CHECK[int(match[1] + match[3]) % 31] == match[4].upper():
            return True
    return False


@dataclass(frozen=True)
class RowRule:
    """A project's own check of one typed column: `flags` takes its values and says which are not
    allowed, each reported as `code` (also applied to a column's distinct values, parquet_intake.py)."""

    column: str
    code: str
    flags: Callable[[pd.Series], pd.Series]


def validate(
    raw: RawTable, spec: TableSpec, refs: dict[str, dict[str, str]], file_label: str, rules: tuple[RowRule, ...] = ()
) -> Validated:
    """`refs` maps a reference name (implementer, municipality) to {lower-case value: plan spelling}.
    `rules` are the project's own checks of a typed row (a booking the cost model does not allow)."""
    problems: list[Problem] = []

    def reject(column: str, code: str, row: int = HEADER_ROW, **params) -> Validated:
        problems.append(Problem(file_label, row, column, code, params))
        return Validated(_empty(spec), _set_aside(raw, pd.Series(True, index=raw.frame.index)), problems, True)

    mapping, duplicate = map_headers(list(raw.frame.columns), spec)
    # By position: a header may be written twice (two empty ones), and each column is checked.
    columns = [
        (str(header), Distinct(series) if header in raw.typed else Distinct.of(series.astype(str)))
        for header, series in raw.frame.items()
    ]
    # A number or a date (typed so by the file) holds no identity code and no total label.
    written = [(header, cells) for header, cells in columns if header not in raw.typed]
    for row, header in _identity_code_columns(raw, written):
        return reject(header, "identity_code", row=row)
    if duplicate:
        return reject(duplicate, "duplicate_column")
    missing = [c.name for c in spec.columns if c.required and c.name not in mapping]
    if missing:
        for name in missing:
            problems.append(Problem(file_label, HEADER_ROW, name, "missing_column", {}))
        return Validated(_empty(spec), _set_aside(raw, pd.Series(True, index=raw.frame.index)), problems, True)

    typed = pd.DataFrame(index=raw.frame.index)
    bad = pd.Series(False, index=raw.frame.index)
    for code, find in (("repeated_header", _repeated_headers), ("total_row", _total_rows)):
        mask = find(raw, written) & ~bad  # a repeated header holding "Summa" is reported once, as a header
        bad |= mask
        problems.extend(Problem(file_label, int(row), "-", code, {}) for row in raw.rows[mask])
    problems.extend(Problem(file_label, m.row, "-", m.code, m.params) for m in raw.malformed)
    bad_rows_shape = bad.copy()
    for column in spec.columns:
        if column.name not in mapping:
            typed[column.name] = pd.Series(None, index=raw.frame.index, dtype=object)
            continue
        header = mapping[column.name]  # mapped headers are unique
        cells = next(c for name, c in columns if name == header)
        source = raw.typed.get(header)
        if source is not None and _takes_typed(column, source):
            values, faults = _parse_typed(column, source)
        else:
            if source is not None:  # a number or date where the contract wants text: read as written
                cells = Distinct.of(raw.cells(header))
            values, faults = _parse_cells(column, cells, refs)
        typed[column.name] = values
        for code, mask in faults:
            mask &= ~bad_rows_shape  # a header or total row is reported once, as such
            bad |= mask
            problems.extend(_problems(raw, file_label, column.name, code, header, mask, column))

    if "end_date" in mapping and "start_date" in mapping:
        ends_early = typed["end_date"].notna() & typed["start_date"].notna() & (typed["end_date"] < typed["start_date"])
        mask = ends_early & ~bad_rows_shape
        bad |= mask
        problems.extend(_problems(raw, file_label, "end_date", "end_before_start", mapping["end_date"], mask, None))
    for rule in rules:
        mask = rule.flags(typed[rule.column]).fillna(False).astype(bool) & ~bad
        bad |= mask
        problems.extend(_problems(raw, file_label, rule.column, rule.code, mapping[rule.column], mask, None))

    problems.sort(key=lambda p: (p.row, p.column))
    good = typed[~bad].reset_index(drop=True)
    return Validated(good, _set_aside(raw, bad), problems, False, raw.rows[~bad].to_numpy())


def _repeated_headers(raw: RawTable, _columns: list[tuple[str, Distinct]]) -> pd.Series:
    """Rows that repeat the header (two sheets pasted one under the other): every cell is its
    column's name again. Candidates come from the first column of text alone (a column the file
    types as numbers or dates holds no name), so that this stays cheap."""
    mask = pd.Series(False, index=raw.frame.index)
    headers = list(raw.frame.columns)
    written = [position for position, header in enumerate(headers) if header not in raw.arrow]
    if not written or not len(raw.frame):
        return mask
    first = raw.frame.iloc[:, written[0]].astype(str)
    candidates = first.index[first.str.lower() == headers[written[0]].strip().lower()]
    for index in candidates:
        if any(pd.notna(raw.typed[header].iat[index]) for header in raw.arrow):
            continue  # a number or a date typed by the file is never a column's name
        cells = raw.frame.loc[index]  # typed cells hold "" here: empty, as they are
        if all(normalise_header(str(cell)) == normalise_header(h) for cell, h in zip(cells, headers, strict=True) if str(cell)):
            mask.at[index] = True
    return mask


def _total_rows(raw: RawTable, columns: list[tuple[str, Distinct]]) -> pd.Series:
    found = np.zeros(len(raw.frame), dtype=bool)

    def total(text: pd.Series) -> pd.Series:  # RE2 in Arrow: pandas' case-insensitive match runs per value in Python
        cells = pa.array(text, type=pa.string(), from_pandas=True)
        matched = pc.fill_null(pc.match_substring_regex(cells, f"^(?:{TOTAL_ROW})$", ignore_case=True), False)
        return pd.Series(matched.to_numpy(zero_copy_only=False), index=text.index)

    for _, cells in columns:
        found |= cells.check(total).to_numpy()
    return pd.Series(found, index=raw.frame.index)


def map_headers(headers: list[str], spec: TableSpec) -> tuple[dict[str, str], str | None]:
    """Canonical column name -> header as written; the second value names a doubled column."""
    lookup = {}
    for column in spec.columns:
        for name in (column.name, *column.aliases):
            lookup[normalise_header(name)] = column.name
            lookup[_fold(normalise_header(name))] = column.name
    mapping: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        canonical = lookup.get(key) or lookup.get(_fold(key))
        if canonical is None:
            continue
        if canonical in mapping:
            return mapping, header
        mapping[canonical] = header
    return mapping, None


def _fold(text: str) -> str:
    return text.replace("ä", "a").replace("ö", "o").replace("å", "a")


def _identity_code_columns(raw: RawTable, columns: list[tuple[str, Distinct]]):
    """Yield (row, header) of the first identity code in each column that holds one."""
    for header, cells in columns:
        text = cells.text if cells.codes is None else cells.values
        candidates = text[text.str.contains(HETU_SHAPE, regex=True)].items()
        if cells.codes is None:  # the first one found will do: a column of codes is refused whole
            first = next((index for index, value in candidates if is_identity_code(value)), None)
            if first is not None:
                yield int(raw.rows[first]), header
            continue
        found = [index for index, value in candidates if is_identity_code(value)]  # few: distinct values
        if found:  # the first row holding any of the distinct values that are codes
            yield int(raw.rows.iloc[int(np.flatnonzero(np.isin(cells.codes, found))[0])]), header


def parse_text(column: Column, text: pd.Series, refs) -> tuple[pd.Series, list[tuple[str, pd.Series]]]:
    empty = text == ""
    faults: list[tuple[str, pd.Series]] = []
    if column.required:
        faults.append(("required", empty))
    if column.kind == "text":
        values = text.where(~empty, None)
        if column.ref:
            known = refs.get(column.ref, {})
            canonical = text.str.lower().map(known)
            faults.append(("unknown_ref", ~empty & canonical.isna()))
            values = canonical.where(~empty, None)
    elif column.kind == "date":
        values = parse_dates(text)
        faults.append(("bad_date", ~empty & values.isna()))
    elif column.kind in ("decimal", "int"):
        values = parse_decimals(text)
        not_number = ~empty & values.isna()
        faults.append(("bad_number", not_number))
        if column.kind == "int":
            faults.append(("not_integer", ~empty & ~not_number & (values != np.floor(values))))
        range_code = "out_of_range" if column.maximum is not None else "below_minimum"
        faults.append((range_code, _out_of_range(values, column)))
        if column.kind == "int":
            values = values.astype("Int64", errors="ignore") if not values.isna().all() else values
    elif column.kind == "bool":
        lowered = text.str.lower()
        values = pd.Series(
            np.where(lowered.isin(_TRUE), True, np.where(lowered.isin(_FALSE), False, None)), index=text.index, dtype=object
        )
        faults.append(("bad_bool", ~empty & values.isna()))
        values = values.where(~empty, None)
    elif column.kind == "enum":
        lookup = {code.lower(): code for code in column.codes} | column.code_aliases
        # Each distinct spelling is normalised once: a column of millions holds a handful of codes.
        codes = {spelling: lookup.get(normalise_header(spelling)) for spelling in text.unique()}
        values = text.map(codes).where(~empty, None)
        faults.append(("bad_code", ~empty & values.isna()))
    else:  # pragma: no cover - a contract edit that adds a kind must add its parser here
        raise ValueError(f"unknown column kind {column.kind}")
    return values, [(code, mask.fillna(False).astype(bool)) for code, mask in faults]


def _takes_typed(column: Column, source: pd.Series) -> bool:
    """Whether a column typed by its file can be taken as it is: numbers for a number, dates for a date."""
    is_date = pd.api.types.is_datetime64_any_dtype(source)
    return (column.kind == "date" and is_date) or (column.kind in ("decimal", "int") and not is_date)


def _parse_typed(column: Column, source: pd.Series) -> tuple[pd.Series, list[tuple[str, pd.Series]]]:
    """parse_text for values the file typed: the same values and faults, without their text read again."""
    empty = source.isna()
    faults: list[tuple[str, pd.Series]] = [("required", empty)] if column.required else []
    if column.kind == "date":
        return source, faults
    values = source.where(np.isfinite(source))  # infinity is not a number here, as in text
    faults.append(("bad_number", ~empty & values.isna()))
    if column.kind == "int":
        faults.append(("not_integer", values.notna() & (values != np.floor(values))))
    faults.append(("out_of_range" if column.maximum is not None else "below_minimum", _out_of_range(values, column)))
    if column.kind == "int" and not values.isna().all():
        values = values.astype("Int64", errors="ignore")
    return values, faults


def _parse_cells(column: Column, cells: Distinct, refs) -> tuple[pd.Series, list[tuple[str, pd.Series]]]:
    """parse_text over the column, or over its distinct values with the answers spread over the rows."""
    if cells.codes is None:
        return parse_text(column, cells.text, refs)
    values, faults = parse_text(column, cells.values, refs)
    return cells.spread(values), [(code, cells.spread(mask)) for code, mask in faults]


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO 2017-03-31 (a time part is ignored) or Finnish 31.3.2017; anything else is NaT."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    iso = text.str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T][0-9:.]+)?")
    if iso.any():
        out[iso] = pd.to_datetime(text[iso].str.replace(r"[ T].*$", "", regex=True), format="%Y-%m-%d", errors="coerce")
    finnish = text.str.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}")
    if finnish.any():
        out[finnish] = pd.to_datetime(text[finnish], format="%d.%m.%Y", errors="coerce")
    return out


_PLAIN_DECIMAL = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"


def parse_decimals(text: pd.Series) -> pd.Series:
    """1234.5, 1 234,50, 1.234,50, −12,5 (Unicode minus) -> float; anything else NaN."""
    # Most values are plain already (every one, from a Parquet number column): only the others are
    # cleaned, which for ten million bookings was most of a national load's time.
    plain = text.str.fullmatch(_PLAIN_DECIMAL).fillna(False).astype(bool)
    if not plain.all():
        text = text.where(plain, _cleaned_decimals(text[~plain]))
    try:  # Arrow parses plain decimals as Python does, twenty times as fast as to_numeric
        parsed = pc.cast(pa.array(text, type=pa.string(), from_pandas=True), pa.float64())
    except pa.ArrowInvalid:  # e.g. 1e999, which Python reads as infinity
        return pd.to_numeric(text, errors="coerce").astype(float)
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype=float)


def _cleaned_decimals(text: pd.Series) -> pd.Series:
    """Spaces and apostrophes (thousands) dropped, a comma as the decimal point; None if not a number."""
    cleaned = text.str.replace(r"[\s\u00a0\u202f']", "", regex=True).str.replace("\u2212", "-", regex=False)
    has_comma = cleaned.str.contains(",", regex=False)
    cleaned = cleaned.where(~has_comma, cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    return cleaned.where(cleaned.str.fullmatch(_PLAIN_DECIMAL).fillna(False).astype(bool), None)


def _out_of_range(values: pd.Series, column: Column) -> pd.Series:
    mask = pd.Series(False, index=values.index)
    if column.minimum is not None:
        mask |= values < column.minimum
    if column.maximum is not None:
        mask |= values > column.maximum
    return mask.fillna(False)


def _problems(
    raw: RawTable, label: str, column: str, code: str, header: str, mask: pd.Series, spec: Column | None
) -> list[Problem]:
    """A problem per row in `mask`, showing the cell of `header` there as written."""
    if not mask.any():
        return []
    params_base = {}
    if spec is not None and code == "bad_code":
        params_base["codes"] = ", ".join(spec.codes)
    if spec is not None and code in ("out_of_range", "below_minimum"):
        params_base["minimum"] = _number(spec.minimum)
        params_base["maximum"] = _number(spec.maximum)
    if spec is not None and code == "unknown_ref":
        params_base["ref"] = spec.ref
    rows = raw.rows[mask]
    shown = raw.cells(header, mask).str.slice(0, _MAX_SHOWN)
    return [
        Problem(label, int(row), column, code, {**params_base, "value": value}) for row, value in zip(rows, shown, strict=False)
    ]


def _number(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


def _set_aside(raw: RawTable, bad: pd.Series) -> pd.DataFrame:
    frame = raw.frame[bad].copy()
    for header in raw.arrow:  # typed columns as written (their text is made for these rows only)
        frame[header] = raw.cells(header, bad)
    frame.columns = _unique(list(frame.columns))  # a header written twice (two empty ones) is told apart
    frame.insert(0, "row", raw.rows[bad])
    if raw.malformed:  # rows that could not be split into columns are kept as written
        split = pd.DataFrame({"row": [m.row for m in raw.malformed], "text": [m.text for m in raw.malformed]})
        frame = pd.concat([frame, split], ignore_index=True).sort_values("row", kind="stable")
    return frame.reset_index(drop=True)


def _unique(names: list) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in map(str, names):
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _empty(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in spec.columns})
