"""Property tests for the extract readers (hypothesis): any valid spending table, written in any
variant the contract allows (CSV with either delimiter, decimal comma or point, ISO or Finnish dates,
UTF-8 with or without BOM or Windows-1252; Parquet; XLSX), reads back equal; and any bytes at all,
under any of the three suffixes, give a clean problem report, never an exception."""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.extracts import load_extracts
from dashboard.ingest.plan import load_plan
from dashboard.ingest.readers import ReadError, read_table
from tests.conftest import TINY

PLAN, _ = load_plan(TINY / "plan")
CATEGORIES = ("salaries", "purchased_services", "other_costs", "revenue")
# Letters a Finnish office writes, and the characters that trouble CSV: both delimiters, quotes.
TEXT = st.text(alphabet="abcxyzåäöÅÄÖ -;,\"'/€0123456789", min_size=0, max_size=20).map(str.strip)

rows = st.lists(
    st.tuples(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2039, 12, 31)),
        st.sampled_from(["a", "b"]),
        st.sampled_from(CATEGORIES),
        st.decimals(min_value=-10_000_000, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False),
        TEXT,
    ),
    min_size=1,
    max_size=25,
)
CSV_VARIANTS = st.fixed_dictionaries(
    {
        "delimiter": st.sampled_from([",", ";", "\t"]),
        "decimal": st.sampled_from([".", ","]),
        "dates": st.sampled_from(["iso", "fi"]),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    }
)
HEADERS = ["date", "implementer_id", "cost_category", "amount_eur", "description"]


def _quote(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_csv(path: Path, table, variant) -> None:
    lines = [variant["delimiter"].join(HEADERS)]
    for day, implementer, category, amount, text in table:
        date_text = day.isoformat() if variant["dates"] == "iso" else f"{day.day}.{day.month}.{day.year}"
        cells = [date_text, implementer, category, str(amount).replace(".", variant["decimal"]), text]
        lines.append(variant["delimiter"].join(_quote(c, variant["delimiter"]) for c in cells))
    path.write_bytes("\r\n".join(lines).encode(variant["encoding"]))


def frame_of(table) -> pd.DataFrame:
    return pd.DataFrame(
        [(d, i, c, float(a), t) for d, i, c, a, t in table],
        columns=HEADERS,
    )


def write_parquet(path: Path, table) -> None:
    frame_of(table).to_parquet(path, index=False)


def write_xlsx(path: Path, table) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for day, implementer, category, amount, text in table:
        sheet.append([day, implementer, category, float(amount), text or None])
    book.save(path)


def read_back(folder: Path) -> list[tuple]:
    extracts = load_extracts(folder, PLAN)
    assert not extracts.problems, [p.line() for p in extracts.problems]
    frame = extracts.tables["spending"]
    return [
        (d.date(), i, c, decimal.Decimal(f"{a:.2f}"), t if isinstance(t, str) else "")  # an empty description is missing
        for d, i, c, a, t in frame[HEADERS].itertuples(index=False)
    ]


def expected(table) -> list[tuple]:
    return [(d, i, c, decimal.Decimal(a).quantize(decimal.Decimal("0.01")), t) for d, i, c, a, t in table]


QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(table=rows, variant=CSV_VARIANTS)
def test_any_valid_csv_variant_reads_back_equal(table, variant):
    if variant["encoding"] == "cp1252":
        table = [(d, i, c, a, t.replace("€", "e")) for d, i, c, a, t in table]  # keep to what cp1252 and UTF-8 differ on
    with tempfile.TemporaryDirectory() as folder:
        write_csv(Path(folder) / "spending.csv", table, variant)
        assert read_back(Path(folder)) == expected(table)


@QUICK
@given(table=rows, kind=st.sampled_from(["parquet", "xlsx"]))
def test_any_valid_parquet_or_xlsx_reads_back_equal(table, kind):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"spending.{kind}"
        (write_parquet if kind == "parquet" else write_xlsx)(path, table)
        assert read_back(Path(folder)) == expected(table)


def _valid_bytes(kind: str) -> bytes:
    table = [(dt.date(2020, 1, 2), "a", "salaries", decimal.Decimal("12.50"), "x")]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"spending.{kind}"
        if kind == "csv":
            write_csv(path, table, {"delimiter": ";", "decimal": ",", "dates": "fi", "encoding": "utf-8"})
        else:
            (write_parquet if kind == "parquet" else write_xlsx)(path, table)
        return path.read_bytes()


VALID = {kind: _valid_bytes(kind) for kind in ("csv", "parquet", "xlsx")}


@st.composite
def damaged(draw, kind: str) -> bytes:
    """Random bytes, or a valid file of the kind with bytes changed, cut short or spliced in."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=3000))
    data = bytearray(VALID[kind])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data[at : at + 1] = draw(st.binary(min_size=0, max_size=4))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@pytest.mark.parametrize("kind", ["csv", "parquet", "xlsx"])
def test_any_bytes_give_a_clean_report_never_a_crash(kind):
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=damaged(kind))
    def check(data):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"spending.{kind}"
            path.write_bytes(data)
            try:
                read_table(path)
            except ReadError as error:
                assert str(error)  # says why in words
            extracts = load_extracts(Path(folder), PLAN)  # never raises
            for problem in extracts.problems:
                assert problem.file == str(path) and problem.row >= 0 and problem.column
            report = extracts.files[0]
            assert report.rows_loaded + report.rows_set_aside >= 0
            if report.rejected:
                assert extracts.problems, "a rejected file names its problem"

    check()
