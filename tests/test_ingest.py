"""Reading and checking extracts: every format variant the contract names loads to the same
table, and every kind of bad input is reported with file, row and column while the rest loads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.ingest.extracts import find_extract_files, load_extracts
from dashboard.ingest.load import load_project
from dashboard.ingest.plan import load_plan
from dashboard.ingest.readers import ReadError, read_table
from dashboard.ingest.validate import is_identity_code, parse_dates, parse_decimals
from tests.conftest import TINY

SPENDING_ROWS = [  # date, implementer, category, amount
    (dt.date(2020, 7, 31), "a", "salaries", 1234.5),
    (dt.date(2020, 9, 2), "b", "purchased_services", -10.25),
    (dt.date(2021, 1, 15), "a", "revenue", 0.0),
]


@pytest.fixture(scope="module")
def plan():
    loaded, problems = load_plan(TINY / "plan")
    assert not problems
    return loaded


def write_spending(path, delimiter=",", decimal=".", date_style="iso", encoding="utf-8", headers=None):
    headers = headers or ["date", "implementer_id", "cost_category", "amount_eur"]
    lines = [delimiter.join(headers)]
    for day, implementer, category, amount in SPENDING_ROWS:
        date_text = day.isoformat() if date_style == "iso" else f"{day.day}.{day.month}.{day.year}"
        amount_text = f"{amount:.2f}".replace(".", decimal)
        if decimal == "," and delimiter == ",":
            amount_text = f'"{amount_text}"'
        lines.append(delimiter.join([date_text, implementer, category, amount_text]))
    path.write_bytes("\n".join(lines).encode(encoding))


def loaded_spending(directory, plan):
    extracts = load_extracts(directory, plan)
    assert not extracts.problems, [p.line() for p in extracts.problems]
    frame = extracts.tables["spending"]
    return [
        (d.date(), i, c, round(a, 2))
        for d, i, c, a in frame[["date", "implementer_id", "cost_category", "amount_eur"]].itertuples(index=False)
    ]


@pytest.mark.parametrize(
    "variant",
    [
        {"delimiter": ",", "decimal": ".", "date_style": "iso", "encoding": "utf-8"},
        {"delimiter": ";", "decimal": ",", "date_style": "fi", "encoding": "utf-8"},
        {"delimiter": ";", "decimal": ",", "date_style": "fi", "encoding": "utf-8-sig"},
        {"delimiter": ",", "decimal": ",", "date_style": "fi", "encoding": "cp1252"},
        {
            "delimiter": ";",
            "decimal": ".",
            "date_style": "iso",
            "encoding": "cp1252",
            "headers": ["Kirjauspäivä", "Toteuttaja", "Kustannuslaji", "Summa"],
        },
    ],
    ids=[
        "comma-iso-utf8",
        "semicolon-finnish-utf8",
        "semicolon-finnish-bom",
        "comma-quoted-decimal-comma-cp1252",
        "finnish-headers-cp1252",
    ],
)
def test_csv_variants_read_the_same(tmp_path, plan, variant):
    write_spending(tmp_path / "spending_2020.csv", **variant)
    assert loaded_spending(tmp_path, plan) == [(d, i, c, a) for d, i, c, a in SPENDING_ROWS]


def test_parquet_and_xlsx_read_the_same(tmp_path, plan):
    frame = pd.DataFrame(SPENDING_ROWS, columns=["date", "implementer_id", "cost_category", "amount_eur"])
    frame.to_parquet(tmp_path / "spending.parquet")
    assert loaded_spending(tmp_path, plan) == list(SPENDING_ROWS)
    (tmp_path / "spending.parquet").unlink()
    frame.assign(date=pd.to_datetime(frame["date"])).to_excel(tmp_path / "spending.xlsx", index=False)
    assert loaded_spending(tmp_path, plan) == list(SPENDING_ROWS)


def test_several_files_of_one_kind_are_read_together(tmp_path, plan):
    write_spending(tmp_path / "spending_a.csv")
    write_spending(tmp_path / "spending-b.csv", delimiter=";", decimal=",", date_style="fi")
    assert len(loaded_spending(tmp_path, plan)) == 2 * len(SPENDING_ROWS)


def test_files_are_found_by_prefix_and_suffix(tmp_path):
    for name in (
        "participants.csv",
        "participants_2021.xlsx",
        "person_days.parquet",
        "spending.CSV",
        "notes.txt",
        "budget.csv",
        "DEMO.md",
    ):
        (tmp_path / name).write_text("x")
    found = find_extract_files(tmp_path)
    assert [p.name for p in found["participants"]] == ["participants.csv", "participants_2021.xlsx"]
    assert [p.name for p in found["person_days"]] == ["person_days.parquet"]
    assert [p.name for p in found["spending"]] == ["spending.CSV"]


def test_finnish_aliases_for_participant_headers_and_codes(tmp_path, plan):
    (tmp_path / "participants.csv").write_text(
        "Tunniste;Toteuttaja;Kunta;Aloituspvm;Lopetuspvm;Sukupuoli;Ikä;Työmarkkina-asema;Pitkäaikaistyötön;Koulutustaso;Lopputilanne\n"
        "x1;a;Aburg;1.9.2020;31.12.2020;N;23;työtön;kyllä;3;työllistynyt\n"
        "x2;b;Bville;2.9.2020;;mies;61;työvoiman ulkopuolella;ei;;\n",
        encoding="utf-8",
    )
    extracts = load_extracts(tmp_path, plan)
    assert not extracts.problems, [p.line() for p in extracts.problems]
    rows = extracts.tables["participants"].to_dict("records")
    assert rows[0]["gender"] == "F" and rows[0]["labour_market_status"] == "unemployed"
    assert rows[0]["long_term_unemployed"] is True and rows[0]["exit_status"] == "employed"
    assert rows[1]["gender"] == "M" and rows[1]["labour_market_status"] == "outside_labour_market"
    assert pd.isna(rows[1]["end_date"])


def test_parsers():
    text = pd.Series(["2017-03-31", "31.3.2017", "1.1.2018", "2017-03-31 00:00:00", "31/3/2017", "2017-02-30", ""])
    parsed = parse_dates(text)
    assert [None if pd.isna(v) else v.date() for v in parsed] == [
        dt.date(2017, 3, 31),
        dt.date(2017, 3, 31),
        dt.date(2018, 1, 1),
        dt.date(2017, 3, 31),
        None,
        None,
        None,
    ]
    numbers = parse_decimals(
        pd.Series(["1234.5", "1 234,50", "1\u00a0234,5", "1.234,50", "\u221212,5", "-3", "12,3,4", "abc", ""])
    )
    assert [None if pd.isna(v) else v for v in numbers] == [1234.5, 1234.5, 1234.5, 1234.5, -12.5, -3.0, None, None, None]


def test_identity_code_detection():
    assert is_identity_code("131052-308T")  # the Population Register Centre's example code
    assert is_identity_code("note about 010101A123N here")  # 10101123 mod 31 = 21 -> N, inside free text
    assert not is_identity_code("131052-308A")  # wrong check character
    assert not is_identity_code("SEA-A24CDF")
    assert not is_identity_code("2017-03-31")


def problems_of(directory, plan):
    extracts = load_extracts(directory, plan)
    return extracts, [(p.file.rsplit("/", 1)[-1], p.row, p.column, p.code) for p in extracts.problems]


PARTICIPANT_HEADER = "participant_id,implementer_id,municipality,start_date,end_date,gender,age_at_start,labour_market_status,long_term_unemployed,education_isced,exit_status\n"
GOOD_ROW = "ok1,a,Aburg,2020-08-01,,F,30,unemployed,false,3,\n"


@pytest.mark.parametrize(
    ("bad_row", "column", "code"),
    [
        ("x,a,Aburg,2020-13-01,,F,30,unemployed,false,3,", "start_date", "bad_date"),
        ("x,a,Aburg,2020-08-01,2020-07-01,F,30,unemployed,false,3,", "end_date", "end_before_start"),
        ("x,a,Aburg,2020-08-01,,Q,30,unemployed,false,3,", "gender", "bad_code"),
        ("x,a,Aburg,2020-08-01,,F,121,unemployed,false,3,", "age_at_start", "out_of_range"),
        ("x,a,Aburg,2020-08-01,,F,30.5,unemployed,false,3,", "age_at_start", "not_integer"),
        ("x,a,Aburg,2020-08-01,,F,thirty,unemployed,false,3,", "age_at_start", "bad_number"),
        ("x,a,Aburg,2020-08-01,,F,30,retired,false,3,", "labour_market_status", "bad_code"),
        ("x,a,Aburg,2020-08-01,,F,30,unemployed,maybe,3,", "long_term_unemployed", "bad_bool"),
        ("x,a,Aburg,2020-08-01,,F,30,unemployed,false,9,", "education_isced", "out_of_range"),
        ("x,a,Aburg,2020-08-01,2020-09-01,F,30,unemployed,false,3,retired", "exit_status", "bad_code"),
        ("x,zz,Aburg,2020-08-01,,F,30,unemployed,false,3,", "implementer_id", "unknown_ref"),
        ("x,a,Nowhere,2020-08-01,,F,30,unemployed,false,3,", "municipality", "unknown_ref"),
        (",a,Aburg,2020-08-01,,F,30,unemployed,false,3,", "participant_id", "required"),
        ("x,a,Aburg,,,F,30,unemployed,false,3,", "start_date", "required"),
    ],
)
def test_bad_participant_value_sets_row_aside_and_names_file_row_column(tmp_path, plan, bad_row, column, code):
    (tmp_path / "participants.csv").write_text(PARTICIPANT_HEADER + GOOD_ROW + bad_row + "\n" + GOOD_ROW.replace("ok1", "ok2"))
    extracts, problems = problems_of(tmp_path, plan)
    assert problems == [("participants.csv", 3, column, code)]
    assert extracts.tables["participants"]["participant_id"].tolist() == ["ok1", "ok2"]  # the rest loads
    set_aside = extracts.set_aside[str(tmp_path / "participants.csv")]
    assert set_aside["row"].tolist() == [3]  # nothing lost: the bad row is kept aside


def test_bad_person_days_and_spending_values(tmp_path, plan):
    (tmp_path / "person_days.csv").write_text(
        "date,implementer_id,municipality,day_type,days\n2020-09-30,a,Aburg,guidance_consulting,-1\n"
        "2020-09-30,a,,sleeping,1\n2020-09-30,a,,other,2\n"
    )
    (tmp_path / "spending.csv").write_text(
        "date,implementer_id,cost_category,amount_eur\n2020-09-30,a,flat_rate,10\n2020-09-30,a,salaries,ten\n2020-09-30,a,salaries,-5\n"
    )
    extracts, problems = problems_of(tmp_path, plan)
    assert problems == [
        ("person_days.csv", 2, "days", "below_minimum"),
        ("person_days.csv", 3, "day_type", "bad_code"),
        ("spending.csv", 2, "cost_category", "bad_code"),  # the flat rate is computed, never booked
        ("spending.csv", 3, "amount_eur", "bad_number"),
    ]
    assert extracts.tables["spending"]["amount_eur"].tolist() == [-5.0]  # a negative booking is a correction
    assert extracts.tables["person_days"]["days"].tolist() == [2.0]


def test_missing_required_column_rejects_file_whole(tmp_path, plan):
    (tmp_path / "spending.csv").write_text("date,implementer_id,amount_eur\n2020-09-30,a,10\n")
    write_spending(tmp_path / "spending_ok.csv")
    extracts, problems = problems_of(tmp_path, plan)
    assert problems == [("spending.csv", 1, "cost_category", "missing_column")]
    assert len(extracts.tables["spending"]) == len(SPENDING_ROWS)  # the other file still loads
    assert [f.rejected for f in extracts.files] == [True, False]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("spending.csv", b"\x00\x01\x02binary"),
        ("spending.csv", b""),
        ("spending.parquet", b"not parquet"),
        ("spending.xlsx", b"PK\x03\x04 broken zip"),
    ],
)
def test_unreadable_file_is_rejected_with_a_clear_message(tmp_path, plan, name, content):
    (tmp_path / name).write_bytes(content)
    extracts, problems = problems_of(tmp_path, plan)
    assert problems == [(name, 0, "-", "unreadable")]
    assert "Traceback" not in extracts.problems[0].line()


def test_identity_codes_are_refused_and_never_stored(tmp_path, plan):
    (tmp_path / "participants.csv").write_text(
        PARTICIPANT_HEADER + GOOD_ROW + "131052-308T,a,Aburg,2020-08-01,,F,30,unemployed,false,3,\n"
    )
    extracts, problems = problems_of(tmp_path, plan)
    assert problems == [("participants.csv", 3, "participant_id", "identity_code")]
    assert extracts.tables["participants"].empty
    assert "131052" not in extracts.problems[0].line()
    # A code hidden in any column, even an unknown one, refuses the file too.
    (tmp_path / "participants.csv").write_text(PARTICIPANT_HEADER.strip() + ",hetu\n" + GOOD_ROW.strip() + ",131052-308T\n")
    _, problems = problems_of(tmp_path, plan)
    assert problems == [("participants.csv", 2, "hetu", "identity_code")]


def test_duplicate_column_rejects_file(tmp_path, plan):
    (tmp_path / "spending.csv").write_text(
        "date,pvm,implementer_id,cost_category,amount_eur\n2020-09-30,2020-09-30,a,salaries,1\n"
    )
    _, problems = problems_of(tmp_path, plan)
    assert problems == [("spending.csv", 1, "pvm", "duplicate_column")]


def test_read_table_numbers_rows_as_a_spreadsheet_does(tmp_path):
    (tmp_path / "t.csv").write_text("a;b\n1;2\n\n3;4\n")
    table = read_table(tmp_path / "t.csv")
    assert table.rows.tolist() == [2, 4]  # the blank line 3 is skipped but keeps its number
    with pytest.raises(ReadError):
        read_table(tmp_path / "t.txt")


def test_bad_plan_is_not_used_and_names_its_problems(tiny_copy):
    (tiny_copy / "plan" / "budget.csv").write_text(
        "implementer_id,year,cost_category,amount_eur\na,2020,salaries,x\nzz,2020,salaries,1\n"
    )
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    assert not result.ok
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (2, "amount_eur", "bad_number"),
        (3, "implementer_id", "unknown_ref"),
    ]


def test_project_toml_problems(tiny_copy):
    (tiny_copy / "plan" / "project.toml").write_text(
        'name = "X"\nstart_date = 2020-07-01\nend_date = 2020-01-01\nflat_rate = 2\nlanguage = "de"\n'
    )
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (4, "flat_rate", "bad_value"),
        (0, "suppression_threshold", "missing_key"),
        (5, "language", "bad_value"),
    ]


def test_problem_messages_in_finnish_and_english(tmp_path, plan):
    (tmp_path / "spending.csv").write_text("date,implementer_id,cost_category,amount_eur\n2020-09-30,zz,salaries,1\n")
    problem = load_extracts(tmp_path, plan).problems[0]
    assert problem.line("en") == f"{tmp_path / 'spending.csv'}:2:implementer_id: no implementer 'zz' in the plan"
    assert problem.message("fi") == "suunnitelmassa ei ole tätä: toteuttaja 'zz'"


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (0, "under_25"),
        (24, "under_25"),
        (25, "25_29"),
        (29, "25_29"),
        (30, "30_54"),
        (54, "30_54"),
        (55, "over_54"),
        (120, "over_54"),
    ],
)
def test_age_groups_by_age_at_start(age, group):
    from queries.programmes import programme

    assert programme("esr_2014_2020").age_group(age) == group


def test_age_group_is_stored_with_each_participant(tiny):
    groups = (
        tiny.store._connection.cursor()
        .execute(
            "select participant_id, age_group from intake.participants where participant_id in ('p2', 'p3', 'p5', 'q2') order by 1"
        )
        .fetchall()
    )
    assert groups == [("p2", "under_25"), ("p3", "25_29"), ("p5", "over_54"), ("q2", "over_54")]


def test_person_day_municipality_is_optional_but_must_be_known_when_given(tmp_path, plan):
    (tmp_path / "person_days.csv").write_text(
        "date,implementer_id,municipality,day_type,days\n2020-09-30,a,,other,1\n2020-09-30,a,Atlantis,other,1\n"
    )
    extracts, problems = problems_of(tmp_path, plan)
    assert problems == [("person_days.csv", 3, "municipality", "unknown_ref")]
    assert len(extracts.tables["person_days"]) == 1
