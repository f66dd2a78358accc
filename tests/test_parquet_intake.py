"""A Parquet extract every row of which validation would keep goes straight into the store inside
DuckDB (dashboard/ingest/parquet_intake.py); any other is read and checked row by row. Either way
the store's rows, the problems and the file reports must be the same: every test here loads the
same files both ways and compares, and says which way the file went."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.extracts import NoRows, load_extracts
from dashboard.ingest.load import StoreRows, check_project, load_project
from dashboard.ingest.plan import load_plan
from queries.intake import Check, Load, insert_rows, suspect_rows
from tests.conftest import TINY

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"[10190123 % 31]
IDENTITY_CODE = f"010190-123{CHECK}"  # a valid henkilötunnus: DDMMYY, sign, number, check


def spending(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": [dt.date(2020, 7, 31), dt.date(2020, 8, 31), dt.date(2020, 8, 31), dt.date(2020, 9, 15)],
            "implementer_id": ["a", "a", "b", "b"],
            "cost_category": ["salaries", "purchased_services", "salaries", "revenue"],
            "amount_eur": [100.0, 250.5, 80.25, 12.0],
            "voucher_id": ["V1", "V2", None, "V4"],
        }
    )
    return _changed(frame, changes)


def participants(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "participant_id": ["p1", "p1", "p2", "p3"],
            "implementer_id": ["a", "a", "b", "b"],
            "municipality": ["Aburg", "Aburg", "Bville", "Cfield"],
            "start_date": [dt.date(2020, 8, 1), dt.date(2020, 12, 1), dt.date(2020, 9, 1), dt.date(2020, 9, 3)],
            "end_date": [dt.date(2020, 10, 31), None, dt.date(2020, 9, 1), None],
            "gender": ["F", "F", "M", "X"],
            "age_at_start": [19, 19, 31, 55],
            "labour_market_status": ["unemployed", "unemployed", "employed", "in_education"],
            "long_term_unemployed": [True, True, None, False],
            "education_isced": [2.0, 2.0, np.nan, 6.0],  # as pandas writes an integer column with gaps
            "exit_status": ["job_seeking", None, "employed", None],
        }
    )
    return _changed(frame, changes)


def person_days(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": [dt.date(2020, 9, 30), dt.date(2020, 10, 31), dt.date(2020, 10, 31)],
            "implementer_id": ["a", "a", "b"],
            "municipality": ["Aburg", None, "Bville"],
            "day_type": ["guidance_consulting", "contact_teaching", "other"],
            "days": [2.5, 1.0, 3.0],
        }
    )
    return _changed(frame, changes)


def _changed(frame: pd.DataFrame, changes: dict) -> pd.DataFrame:
    """`column=(row, value)` sets one cell; `column=[...]` a whole column (a new one is added)."""
    frame = frame.copy()
    for column, change in changes.items():
        if isinstance(change, tuple):
            row, value = change
            frame[column] = frame[column].astype(object)
            frame.at[row, column] = value
        else:
            frame[column] = change
    return frame


SCREEN = StoreRows.screen


def both_ways(tmp_path, monkeypatch, files: dict[str, pd.DataFrame | pa.Table], plan=TINY / "plan"):
    """Load the files with the straight way allowed and without it: (straight, row by row, which
    files went straight)."""
    extracts = tmp_path / "extracts"
    extracts.mkdir(exist_ok=True)
    for name, table in files.items():
        table = table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
        pq.write_table(table, extracts / name)
    straight: list[bool] = []

    def spied(self, *args):  # on the screening thread, one file after the other in the files' order
        clean = SCREEN(self, *args)
        straight.append(clean is not None)
        return clean

    monkeypatch.setattr(StoreRows, "screen", spied)
    fast = load_project(plan, extracts)
    monkeypatch.setattr(StoreRows, "screen", lambda self, *args: None)
    slow = load_project(plan, extracts)
    assert _outcome(fast) == _outcome(slow)
    return fast, slow, straight


def _outcome(result) -> dict:
    cursor = result.store._connection.cursor()
    tables = {
        kind: cursor.execute(f"select * from intake.{kind}").df().to_dict("list")
        for kind in ("participants", "person_days", "spending")
    }
    return {
        "tables": tables,
        "daily": cursor.execute("select * from spending_daily order by all").df().to_dict("list"),
        "problems": [(p.file, p.row, p.column, p.code, tuple(sorted(p.params.items()))) for p in result.problems],
        "files": [(f.kind, f.rows_loaded, f.rows_set_aside, f.rejected) for f in result.files],
        "set_aside": {name: frame.astype(str).to_dict("list") for name, frame in result.set_aside.items()},
    }


def test_a_clean_extract_goes_straight_in_with_the_rows_validation_keeps(tmp_path, monkeypatch):
    fast, _, straight = both_ways(
        tmp_path,
        monkeypatch,
        {"participants.parquet": participants(), "person_days.parquet": person_days(), "spending.parquet": spending()},
    )
    assert straight == [True, True, True]
    assert not fast.problems
    rows = fast.store._connection.cursor().execute("select participant_id, age_group, education_isced from intake.participants")
    assert rows.fetchall() == [("p1", "under_25", 2), ("p1", "under_25", 2), ("p2", "30_54", None), ("p3", "over_54", 6)]
    amounts = fast.store._connection.cursor().execute("select amount_eur::double from intake.spending").fetchall()
    assert amounts == [(100.0,), (250.5,), (80.25,), (12.0,)]


@pytest.mark.parametrize(
    "files",
    [
        {"spending.parquet": spending(cost_category=["palkat", "ostopalvelut", "Salaries", "tulot"])},  # Finnish and cased codes
        {"spending.parquet": spending(implementer_id=["A", "a", "B", "b"])},  # the plan's ids written in capitals
        {"participants.parquet": participants(gender=["nainen", "N", "mies", "x"])},
        {"participants.parquet": participants().rename(columns={"municipality": "kunta", "implementer_id": "toteuttaja"})},
        {"spending.parquet": spending(note_count=[1, 2, 3, 4])},  # a column of numbers not in the contract
        {"spending.parquet": spending(description=[None] * 4, memo=[None] * 4)},  # columns of nulls alone
        {"spending.parquet": spending(date=pd.to_datetime(["2020-07-31", "2020-08-31", "2020-08-31", "2020-09-15"]))},
    ],
    ids=[
        "codes-in-finnish",
        "ids-in-capitals",
        "gender-aliases",
        "header-aliases",
        "extra-number-column",
        "empty-columns",
        "midnight-timestamps",
    ],
)
def test_spellings_validation_accepts_go_straight_in_as_it_reads_them(tmp_path, monkeypatch, files):
    fast, _, straight = both_ways(tmp_path, monkeypatch, files)
    assert straight == [True]
    assert not fast.problems


@pytest.mark.parametrize(
    "files, code",
    [
        ({"spending.parquet": spending(voucher_id=(2, IDENTITY_CODE))}, "identity_code"),
        ({"spending.parquet": spending(memo=["", "", f"asiakas {IDENTITY_CODE}", ""])}, "identity_code"),  # not a contract column
        ({"spending.parquet": spending(voucher_id=(3, "Yhteensä"))}, "total_row"),
        ({"spending.parquet": spending(implementer_id=(1, "a "))}, None),  # trailing space: trimmed and loaded
        ({"spending.parquet": spending(implementer_id=(1, "zeta"))}, "unknown_ref"),
        ({"spending.parquet": spending(cost_category=(0, "travel"))}, "bad_code"),
        ({"spending.parquet": spending(amount_eur=(1, np.nan))}, "required"),
        ({"spending.parquet": spending(amount_eur=(1, np.inf))}, "bad_number"),
        ({"spending.parquet": spending(implementer_id=(0, None))}, "required"),
        ({"spending.parquet": spending(voucher_id=(0, "voucher_id"))}, None),  # a repeated header's cell alone: loaded
        (
            {
                "spending.parquet": spending(
                    date=pd.to_datetime(["2020-07-31 12:30", "2020-08-31 00:00", "2020-08-31 00:00", "2020-09-15 00:00"])
                )
            },
            None,
        ),
        ({"spending.parquet": spending(date=(0, dt.date(999, 1, 1)))}, None),
        ({"participants.parquet": participants(age_at_start=(2, 121))}, "out_of_range"),
        ({"participants.parquet": participants(age_at_start=[19.0, 19.5, 31.0, 55.0])}, "not_integer"),
        ({"participants.parquet": participants(end_date=(0, dt.date(2020, 7, 1)))}, "end_before_start"),
        ({"participants.parquet": participants(gender=(3, "?"))}, "bad_code"),
        ({"participants.parquet": participants(start_date=[str(d) for d in participants().start_date])}, None),  # dates as text
        ({"person_days.parquet": person_days(days=(1, -1.0))}, "below_minimum"),
        ({"person_days.parquet": person_days(municipality=(0, "Yhteensä"))}, "total_row"),
        ({"spending.parquet": spending().iloc[:0]}, None),  # a header alone
        ({"spending.parquet": spending().drop(columns="amount_eur")}, "missing_column"),
        ({"spending.parquet": spending(implementer_id=[None] * 4)}, "required"),  # a required column of nulls
    ],
)
def test_anything_validation_might_report_sends_the_file_row_by_row(tmp_path, monkeypatch, files, code):
    fast, _, straight = both_ways(tmp_path, monkeypatch, files)
    assert straight == [False]
    if code is not None:
        assert code in {p.code for p in fast.problems}


def test_a_duplicated_column_and_bytes_that_are_not_text_go_row_by_row(tmp_path, monkeypatch):
    doubled = pa.table([pa.array(["a"]), pa.array(["b"])], names=["implementer_id", "implementer_id"])
    broken = pa.Table.from_pandas(spending()).set_column(
        4, "voucher_id", pa.array([b"V1", b"\xff\xfe", b"V3", b"V4"], pa.binary())
    )
    broken = broken.cast(broken.schema.set(4, pa.field("voucher_id", pa.string())), safe=False)
    fast, _, straight = both_ways(tmp_path, monkeypatch, {"spending_1.parquet": doubled, "spending_2.parquet": broken})
    assert straight == [False, False]
    assert {p.code for p in fast.problems} >= {"unreadable"}


def test_a_cost_the_plan_does_not_allow_sends_the_file_row_by_row(tmp_path, monkeypatch):
    plan = tmp_path / "plan"
    shutil.copytree(TINY / "plan", plan)
    toml = (plan / "project.toml").read_text(encoding="utf-8")
    (plan / "project.toml").write_text(
        toml + 'programme = "esr_plus_2021_2027"\ncost_model = "flat_rate_covers_other"\n', encoding="utf-8"
    )
    targets = (plan / "targets.csv").read_text(encoding="utf-8")
    (plan / "targets.csv").write_text(targets.replace("under_25", "18_29"), encoding="utf-8")  # the ESR+ age groups
    fast, _, straight = both_ways(tmp_path, monkeypatch, {"spending.parquet": spending()}, plan=plan)
    assert straight == [False]
    assert "not_eligible_under_cost_model" in {p.code for p in fast.problems}
    allowed = spending(cost_category=["salaries", "salaries", "salaries", "revenue"])
    (tmp_path / "extracts" / "spending.parquet").unlink()
    _, _, straight = both_ways(tmp_path, monkeypatch, {"spending.parquet": allowed}, plan=plan)
    assert straight == [True]


# Each pool's good values first and more often (a file with a doubtful cell goes row by row).
CELLS = {
    "implementer_id": st.sampled_from(["a", "b", "A", "a", "b", " b", "zeta", "", None, "Yhteensä"]),
    "cost_category": st.sampled_from(["salaries", "revenue", "palkat", "salaries", "travel", "", None]),
    "amount_eur": st.sampled_from([1.5, -2.0, 0.0, 1.5, 1e15, np.nan, np.inf]),
    "voucher_id": st.sampled_from(["V1", "", None, "V1", "V 2", IDENTITY_CODE, "sum", "voucher_id"]),
    "date": st.sampled_from([dt.date(2020, 7, 1), dt.date(2021, 6, 30), dt.date(1999, 1, 1), dt.date(2020, 7, 1), None]),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=6), clean=st.integers(min_value=0, max_value=30))
def test_any_spending_file_loads_the_same_either_way(tmp_path_factory, monkeypatch, rows, clean):
    good = [
        {"implementer_id": "a", "cost_category": "salaries", "amount_eur": 1.0, "voucher_id": "V", "date": dt.date(2020, 9, 1)}
    ]
    frame = pd.DataFrame(good * clean + rows, columns=list(CELLS))
    both_ways(tmp_path_factory.mktemp("any"), monkeypatch, {"spending.parquet": frame})  # compares


def test_check_alone_counts_a_clean_file_without_building(tmp_path, monkeypatch):
    fast, _, _ = both_ways(tmp_path, monkeypatch, {"spending.parquet": spending()})
    checked = check_project(TINY / "plan", tmp_path / "extracts")
    assert checked.store is None
    assert [(f.rows_loaded, f.rows_set_aside) for f in checked.files] == [(f.rows_loaded, f.rows_set_aside) for f in fast.files]
    plan, _ = load_plan(TINY / "plan")
    sink = NoRows()
    assert [f.rows_loaded for f in load_extracts(tmp_path / "extracts", plan, sink).files] == [4]


def test_a_published_snapshot_holds_no_participant_id_or_extract_row(tmp_path, monkeypatch):
    both_ways(tmp_path, monkeypatch, {"participants.parquet": participants(), "spending.parquet": spending()})
    result = load_project(TINY / "plan", tmp_path / "extracts", database=tmp_path / "data.duckdb")
    result.store.finish_file()
    import duckdb

    with duckdb.connect(str(tmp_path / "data.duckdb"), read_only=True) as connection:
        columns = connection.execute("select table_name, column_name from information_schema.columns").fetchall()
        databases = {name for (name,) in connection.execute("select database_name from duckdb_databases()").fetchall()}
    assert "intake" not in databases
    assert not [c for c in columns if c[1] == "participant_id"]
    assert not {t for t, _ in columns} & {"participants", "spending", "person_days", "followups"}


# The SQL side on its own, against hand-written files.


@pytest.fixture
def cursor():
    import duckdb

    with duckdb.connect() as connection:
        yield connection


def test_suspect_rows_counts_each_kind_of_doubtful_cell(tmp_path, cursor):
    path = str(tmp_path / "f.parquet")
    table = pa.table(
        {
            "code": ["ok", f"x{IDENTITY_CODE}", "Summa", " lead", "trail\t", "", None, "CODE", "fine"],
            "n": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, float("nan"), 2.5],
            "day": [dt.date(2020, 1, 1)] * 8 + [dt.date(999, 12, 31)],
        }
    )
    pq.write_table(table, path)
    days = ("1000-01-01", "9999-12-31")
    text = Check("code", "text")
    assert suspect_rows(cursor, path, [text], [], days) == 5  # code, total, two ends, its own header
    assert suspect_rows(cursor, path, [Check("code", "text", required=True)], [], days) == 7  # and both empties
    assert suspect_rows(cursor, path, [Check("n", "whole", floats=True)], [], days) == 1  # 2.5 (NaN is empty)
    assert suspect_rows(cursor, path, [Check("n", "whole", required=True, floats=True)], [], days) == 2  # and NaN
    assert suspect_rows(cursor, path, [Check("n", "number", maximum=5, floats=True)], [], days) == 2  # 6, 7
    # NaN between ordinary numbers, where the file's own minimum and maximum leave it out
    pq.write_table(pa.table({"n": [1.0, float("nan"), 2.5]}), path)
    assert suspect_rows(cursor, path, [Check("n", "number", required=True, floats=True)], [], days) == 1
    pq.write_table(table, path)
    assert suspect_rows(cursor, path, [Check("day", "date")], [], days) == 1


def test_insert_rows_keeps_the_files_order_and_reads_each_spelling_as_told(tmp_path, cursor):
    path = str(tmp_path / "f.parquet")
    pq.write_table(pa.table({"who": ["b", "a", "b", "c"], "note": ["x", "", None, "y"], "n": [1, 2, float("nan"), 4]}), path)
    cursor.execute("create table t (who varchar, note varchar, n double)")
    loads = [
        Load("who", "who", "text", lookup=(["a", "b", "c"], ["Alpha", "Beta", None])),
        Load("note", "note", "text", optional=True),
        Load("n", "n", "number"),
    ]
    insert_rows(cursor, "t", path, loads)
    assert cursor.execute("select * from t").fetchall() == [
        ("Beta", "x", 1.0),
        ("Alpha", None, 2.0),
        ("Beta", None, None),
        (None, "y", 4.0),
    ]
