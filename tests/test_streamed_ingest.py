"""Extracts are read, checked and loaded batch by batch: a file read in many small batches gives
the very rows, row numbers and problems it gives read whole, and a file refused part way (an
identity code in a late batch) takes back every row it had put in."""

from __future__ import annotations

import random

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.ingest import readers
from dashboard.ingest.extracts import KeptRows, load_extracts
from dashboard.ingest.load import load_project
from dashboard.ingest.plan import load_plan
from dashboard.ingest.readers import read_batches, read_table
from tests.conftest import TINY

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"[10190123 % 31]
HEADER = "date;implementer_id;cost_category;amount_eur;voucher_id;description\n"


@pytest.fixture(scope="module")
def plan():
    loaded, problems = load_plan(TINY / "plan")
    assert not problems
    return loaded


def _body(rows: int, seed: int) -> str:
    """Good rows with, here and there, every kind of row that must be set aside or dropped."""
    pick = random.Random(seed)
    lines = [HEADER]
    for n in range(rows):
        roll = pick.random()
        if roll < 0.05:
            lines.append(f"2020-10-{1 + n % 28:02d};a;salaries;1,5;V{n};too;many;fields\n")
        elif roll < 0.08:
            lines.append("2020-10-01;a\n")  # too few
        elif roll < 0.10:
            lines.append(";;;;;\n")  # empty: not a record
        elif roll < 0.12:
            lines.append(f'2020-10-02;a;salaries;3;V{n};"on two\nlines"\n')  # a line break in quotes: one record
        else:
            lines.append(f"2020-10-{1 + n % 28:02d};{'ab'[n % 2]};salaries;{n},25;V{n};Pay\n")
    lines.append("2020-10-01;a;salaries;1;V;x;y;z\n")  # set aside after the last record
    return "".join(lines)


def _whole_and_batched(path):
    return read_table(path), list(read_batches(path, batch_bytes=512))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_csv_in_small_batches_reads_as_it_does_whole(tmp_path, seed):
    path = tmp_path / "spending.csv"
    path.write_text(_body(400, seed), encoding="utf-8")
    whole, batched = _whole_and_batched(path)
    assert len(batched) > 10
    joined = pd.concat([b.frame for b in batched], ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole.frame)
    assert pd.concat([b.rows for b in batched], ignore_index=True).tolist() == whole.rows.tolist()
    assert [m for b in batched for m in b.malformed] == whole.malformed
    assert whole.malformed[-1].row == 402  # the header, 400 rows, then the last one
    assert len(whole.frame) + len(whole.malformed) < 400  # empty rows are not records


def test_row_numbers_are_those_a_spreadsheet_shows(tmp_path):
    path = tmp_path / "spending.csv"
    path.write_text(HEADER + "2020-10-01;a;salaries;1;V1;x\n2020-10-01;a\n\n2020-10-02;b;salaries;2;V2;y\n", encoding="utf-8")
    (batch,) = read_batches(path)
    assert batch.rows.tolist() == [2, 5] and [m.row for m in batch.malformed] == [3]


def test_a_header_alone_gives_one_batch_whose_header_is_checked(tmp_path, plan):
    (tmp_path / "spending.csv").write_text("date;implementer_id;amount_eur\n", encoding="utf-8")
    (batch,) = read_batches(tmp_path / "spending.csv")
    assert list(batch.frame.columns) == ["date", "implementer_id", "amount_eur"] and batch.frame.empty
    problems = {(p.column, p.code) for p in load_extracts(tmp_path, plan).problems}
    assert ("cost_category", "missing_column") in problems


def test_parquet_in_batches_is_numbered_through(tmp_path):
    path = tmp_path / "spending.parquet"
    pq.write_table(pa.table({"voucher_id": [f"V{n}" for n in range(1000)], "amount_eur": [float(n) for n in range(1000)]}), path)
    batches = list(read_batches(path, batch_rows=128))
    assert len(batches) == 8
    assert pd.concat([b.rows for b in batches]).tolist() == list(range(2, 1002))
    last = batches[-1]
    # a typed column's text is written only when asked for, and then as a CSV would hold it
    assert set(last.frame["amount_eur"]) == {""} and last.frame["voucher_id"].tolist()[-1] == "V999"
    assert last.cells("amount_eur").tolist()[-1] == "999"
    some = pd.Series([False] * (len(last.frame) - 2) + [True, False])
    assert last.cells("amount_eur", some).to_dict() == {len(last.frame) - 2: "998"}


def test_windows_text_is_told_from_utf8_when_the_first_chunks_are_plain(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_SCAN_BYTES", 64)
    path = tmp_path / "spending.csv"
    path.write_bytes((HEADER + "2020-10-01;a;salaries;1;V1;Pay\n" * 20 + "2020-10-01;a;salaries;1;V2;Käyttö\n").encode("cp1252"))
    frame = pd.concat([b.frame for b in read_batches(path)])
    assert frame["description"].iloc[-1] == "Käyttö"


def _participants(rows: int, late_code: bool) -> str:
    lines = ["participant_id;implementer_id;municipality;start_date;end_date;gender;age_at_start;labour_market_status;"
             "long_term_unemployed;education_isced;exit_status\n"]  # fmt: skip
    for n in range(rows):
        who = f"010190-123{CHECK}" if late_code and n == rows - 1 else f"p{n}"  # an identity code, in the last batch
        lines.append(f"{who};a;Aburg;2020-10-01;;F;30;unemployed;false;3;\n")
    return "".join(lines)


def test_a_file_refused_in_a_late_batch_takes_back_what_it_put_in(tmp_path, plan, monkeypatch):
    monkeypatch.setattr(readers, "BATCH_BYTES", 1024)
    (tmp_path / "participants_1.csv").write_text(_participants(300, late_code=True), encoding="utf-8")
    (tmp_path / "participants_2.csv").write_text(_participants(5, late_code=False), encoding="utf-8")
    sink = KeptRows()
    extracts = load_extracts(tmp_path, plan, sink)
    assert [(p.file.rsplit("/", 1)[-1], p.code) for p in extracts.problems] == [("participants_1.csv", "identity_code")]
    refused, kept = extracts.files
    assert refused.rejected and refused.rows_loaded == 0 and refused.rows_set_aside == 300
    assert not kept.rejected and kept.rows_loaded == 5
    assert len(sink.tables()["participants"]) == 5
    assert not extracts.set_aside  # a refused file's rows (an identity code among them) are not copied anywhere


def test_the_store_keeps_no_row_of_a_file_refused_part_way(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BATCH_BYTES", 1024)
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    (extracts / "participants_1.csv").write_text(_participants(300, late_code=True), encoding="utf-8")
    (extracts / "participants_2.csv").write_text(_participants(5, late_code=False), encoding="utf-8")
    result = load_project(TINY / "plan", extracts)
    assert result.ok
    assert result.store._connection.execute("select count(*) from intake.participants").fetchall() == [(5,)]


def test_typed_parquet_columns_check_as_their_text_does(tmp_path, plan):
    """Numbers and dates the file types are taken as they are: the same rows, values and problems
    as their text gives, for every kind of value a number or date column can hold."""
    import datetime as dt

    import numpy as np

    from dashboard import contract
    from dashboard.ingest.validate import validate

    days = [dt.datetime(2020, 10, 1), dt.datetime(2020, 10, 2, 13, 30), None, dt.datetime(1, 1, 1), dt.datetime(2021, 1, 31)]
    amounts = [12.5, -3.0, float("nan"), float("inf"), 1e300]
    path = tmp_path / "spending.parquet"
    table = pa.table(
        {
            "date": pa.array(days * 2, pa.timestamp("us")),
            "implementer_id": ["a", "b", "a", "a", "zz"] * 2,
            "cost_category": ["salaries"] * 10,
            "amount_eur": pa.array(amounts + amounts[::-1], pa.float64()),
            "voucher_id": [f"V{n}" for n in range(10)],
        }
    )
    pq.write_table(table, path)
    (raw,) = read_batches(path)
    assert set(raw.typed) == {"date", "amount_eur"}
    spec, refs = contract.EXTRACTS["spending"], plan.refs()
    fast = validate(raw, spec, refs, "f")
    slow = validate(type(raw)(raw.path, raw.with_text().frame, raw.rows, raw.malformed, {}), spec, refs, "f")
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    # the same problems, showing the same cells, and the same rows set aside as written
    assert _as_said(fast.problems) == _as_said(slow.problems)
    pd.testing.assert_frame_equal(fast.set_aside, slow.set_aside, check_dtype=False)
    assert len(fast.set_aside)
    assert {p.code for p in fast.problems} >= {"required", "bad_number", "unknown_ref"}
    assert np.array_equal(fast.file_rows, slow.file_rows)


def test_typed_whole_numbers_check_as_their_text_does(tmp_path, plan):
    from dashboard import contract
    from dashboard.ingest.validate import validate

    path = tmp_path / "participants.parquet"
    ages = pa.array([30, None, 200, 15, 44], pa.int64())
    table = pa.table(
        {
            "participant_id": [f"p{n}" for n in range(5)],
            "implementer_id": ["a"] * 5,
            "municipality": ["Aburg"] * 5,
            "start_date": pa.array([dt_day(2020, 10, n + 1) for n in range(5)], pa.date32()),
            "gender": ["F"] * 5,
            "age_at_start": ages,
            "labour_market_status": ["unemployed"] * 5,
            "long_term_unemployed": [False] * 5,
            "education_isced": [3] * 5,
        }
    )
    pq.write_table(table, path)
    (raw,) = read_batches(path)
    spec = contract.EXTRACTS["participants"]
    fast = validate(raw, spec, plan.refs(), "f")
    slow = validate(type(raw)(raw.path, raw.with_text().frame, raw.rows, raw.malformed, {}), spec, plan.refs(), "f")
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    # the same problems, showing the same cells, and the same rows set aside as written
    assert _as_said(fast.problems) == _as_said(slow.problems)
    pd.testing.assert_frame_equal(fast.set_aside, slow.set_aside, check_dtype=False)
    assert len(fast.set_aside)


def _as_said(problems) -> list[tuple]:
    return [(p.row, p.column, p.code, p.params) for p in problems]


def dt_day(year: int, month: int, day: int):
    import datetime as dt

    return dt.date(year, month, day)


def test_a_parquet_row_repeating_the_header_is_told_by_its_text_columns(tmp_path, plan):
    """Typed cells hold no text until shown: a row is a header again only where they are empty."""
    from dashboard import contract
    from dashboard.ingest.validate import validate

    names = ["date", "implementer_id", "cost_category", "amount_eur", "voucher_id"]
    path = tmp_path / "spending.parquet"
    table = pa.table(
        {
            "date": pa.array([dt_day(2020, 10, 1), None, dt_day(2020, 10, 2)], pa.date32()),
            "implementer_id": ["a", "implementer_id", "implementer_id"],
            "cost_category": ["salaries", "cost_category", "cost_category"],
            "amount_eur": pa.array([10.0, None, 5.0], pa.float64()),
            "voucher_id": ["V1", "voucher_id", "voucher_id"],
        }
    )
    pq.write_table(table.select(names), path)
    (raw,) = read_batches(path)
    checked = validate(raw, contract.EXTRACTS["spending"], plan.refs(), "f")
    # row 3 is the header again; row 4 has a date and an amount, so it is a bad row, not a header
    assert [(p.row, p.code) for p in checked.problems if p.code == "repeated_header"] == [(3, "repeated_header")]
    assert {p.row for p in checked.problems} == {3, 4}
    assert checked.set_aside["date"].tolist() == ["", "2020-10-02"] and checked.set_aside["amount_eur"].tolist() == ["", "5"]


def test_parquet_text_that_is_not_utf8_is_the_file_unreadable_not_a_crash(tmp_path, plan):
    """A writer can put any bytes in a Parquet text column; found by the readers' property test."""
    table = pa.table(
        {
            "date": pa.array([dt_day(2020, 10, 1)] * 2, pa.date32()),
            "implementer_id": ["a", "a"],
            "cost_category": pa.array([b"s\x80laries", b"salaries"], pa.binary()).view(pa.string()),
            "amount_eur": [10.0, 5.0],
            "voucher_id": ["V1", "V2"],
        }
    )
    pq.write_table(table, tmp_path / "spending.parquet")
    extracts = load_extracts(tmp_path, plan)
    (problem,) = extracts.problems
    assert (problem.row, problem.code) == (0, "unreadable") and "'cost_category'" in problem.params["reason"]
    assert "UTF-8" in problem.params["reason"] and extracts.files[0].rejected
