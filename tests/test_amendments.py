"""Plan amendments (contract v2) on the tiny world, every figure worked out by hand.

The amendment (tests/fixtures/amendments/2021-01-15) moves the end from 30.6.2021 to 30.9.2021,
raises b's 2021 salaries 500 → 800, adds 100 of other costs to a's 2021, and raises the
participant targets 20 → 25 (women 10 → 12). So:
  original: a 1 400 + 1 200 = 2 600, b 600 + 600 = 1 200, project 3 800; 2021 has 181 days (1.1.–30.6.)
  amended:  a 1 400 + 1 300 = 2 700, b 600 + 900 = 1 500, project 4 200; 2021 has 273 days (1.1.–30.9.)
Planned to date (2020's 2 000 is all planned by 31.12.2020):
  14.1.2021, original in force: 2 000 + 1 800 × 14/181 = 2 139.23
  15.1.2021, amended in force:  2 000 + 2 200 × 15/273 = 2 120.88 (spread over more days: it drops)
  28.2.2021, amended:           2 000 + 2 200 × 59/273 = 2 475.46; a alone 1 400 + 1 300 × 59/273 = 1 680.95
  30.9.2021, amended:           4 200 (the whole budget by the new end date)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from dashboard.cli import main as cli_main
from dashboard.ingest.load import load_project
from dashboard.pages import finance as finance_page
from dashboard.pages import finance_amendments
from dashboard.url_state import ViewFilters
from queries import finance
from queries.plan_versions import in_force, plan_versions
from queries.summary import Scope, phase, resolve_as_of, summary

AMENDMENT = Path(__file__).parent / "fixtures" / "amendments" / "2021-01-15"
CLAIMS = Path(__file__).parent / "fixtures" / "claims"


@pytest.fixture
def world(tiny_copy):
    shutil.copytree(AMENDMENT, tiny_copy / "plan" / "amendments" / AMENDMENT.name)
    return tiny_copy


def loaded(world):
    result = load_project(world / "plan", world / "extracts")
    assert result.ok and not result.problems, [p.line() for p in result.problems]
    return result


def at(store, day, **scope):
    return summary(store, Scope(as_of=day, **scope))


def test_the_plan_in_force_before_on_and_after_the_decision(world):
    store = loaded(world).store
    assert [(v.number, v.decided_on, v.end_date) for v in plan_versions(store)] == [
        (0, None, dt.date(2021, 6, 30)),
        (1, dt.date(2021, 1, 15), dt.date(2021, 9, 30)),
    ]
    before, on, after = (at(store, dt.date(2021, 1, d)) for d in (14, 15, 16))
    assert (before["plan_version"], before["end_date"], before["budget_eur"]) == ("original", "2021-06-30", 3800.0)
    assert (on["plan_version"], on["end_date"], on["budget_eur"]) == ("2021-01-15", "2021-09-30", 4200.0)
    assert after["plan_version"] == "2021-01-15" and after["budget_eur"] == 4200.0
    assert (before["participants_target"], before["participants_women_target"]) == (20, 10)
    assert (on["participants_target"], on["participants_women_target"]) == (25, 12)
    assert at(store, dt.date(2021, 1, 15), implementer="b")["budget_eur"] == 1500.0


def test_planned_to_date_follows_the_plan_in_force_across_the_amendment(world):
    store = loaded(world).store
    assert at(store, dt.date(2021, 1, 14))["planned_to_date_eur"] == 2139.23
    assert at(store, dt.date(2021, 1, 15))["planned_to_date_eur"] == 2120.88
    assert at(store, dt.date(2021, 2, 28))["planned_to_date_eur"] == 2475.46
    assert at(store, dt.date(2021, 2, 28), implementer="a")["planned_to_date_eur"] == 1680.95
    assert at(store, dt.date(2021, 9, 30))["planned_to_date_eur"] == 4200.0


def test_the_end_date_in_force_clamps_the_as_of_date_and_sets_the_phase(world):
    store = loaded(world).store
    assert resolve_as_of(store, dt.date(2021, 8, 1)) == dt.date(2021, 8, 1)  # inside the extension
    assert resolve_as_of(store, dt.date(2022, 1, 1)) == dt.date(2021, 9, 30)
    assert phase(store, dt.date(2021, 6, 30)) == "running" and phase(store, dt.date(2021, 9, 30)) == "ended"
    # Forecast: to the end in force; the period the run rate is spread over is 214 days from 28.2.
    assert finance.period_of(store, dt.date(2021, 2, 28)).remaining_days == 214
    shutil.rmtree(world / "plan" / "amendments")  # the same files without the amendment
    original = load_project(world / "plan", world / "extracts").store
    assert resolve_as_of(original, dt.date(2021, 8, 1)) == dt.date(2021, 6, 30)


def test_an_extension_decided_later_does_not_reach_back(world):
    """A replay of a day after the original end but before a later decision shows the project ended."""
    shutil.move(world / "plan" / "amendments" / "2021-01-15", world / "plan" / "amendments" / "2021-07-10")
    store = loaded(world).store
    assert resolve_as_of(store, dt.date(2021, 7, 5)) == dt.date(2021, 6, 30)  # the original had ended
    assert in_force(store, dt.date(2021, 6, 30)).number == 0
    assert resolve_as_of(store, dt.date(2021, 7, 20)) == dt.date(2021, 7, 20)  # extended from 10.7.


def test_the_finance_page_shows_the_original_beside_the_plan_in_force(world):
    result = loaded(world)
    amended = finance_page.view(result, ViewFilters(as_of=dt.date(2021, 2, 28), lang="en"))
    traces = {t.get("name"): t for t in amended["burn"].to_plotly_json()["data"]}
    original = traces["Original plan"]
    assert list(original["y"])[-1] == pytest.approx(3800.0)  # the original budget, at its end date 30.6.2021
    assert list(traces["Planned"]["y"])[-1] == pytest.approx(4200.0)
    assert "amended on 2021-01-15" in amended["amendments-summary"][0].children
    before = finance_page.view(result, ViewFilters(as_of=dt.date(2021, 1, 14), lang="en"))
    assert "Original plan" not in {t.get("name") for t in before["burn"].to_plotly_json()["data"]}
    assert "1 later decision(s)" in before["amendments-summary"][0].children


def test_the_amendment_table_lists_what_changed(world):
    result = loaded(world)
    rows = finance_amendments.change_rows(result, Scope(), dt.date(2021, 2, 28), "en")
    changed = {(r["implementer_id"], r["cost_category"]): (r["before_eur"], r["after_eur"]) for r in rows}
    assert changed == {("a", "other_costs"): (100.0, 200.0), ("b", "salaries"): (1000.0, 1300.0)}
    lines = finance_amendments.by_implementer(rows)
    assert [(line["area"], line["net_change_eur"]) for line in lines] == [("Alpha", 100.0), ("Beta", 300.0)]
    text = finance_amendments.amendment_lines(result, Scope(), dt.date(2021, 2, 28), "en")
    assert len(text) == 1 and "Extension to 30.9.2021" in text[0] and "2021-06-30 → 2021-09-30" in text[0]
    assert "€3,800 → €4,200 (+€400)" in text[0] and "budget.csv, targets.csv" in text[0]
    assert finance_amendments.change_rows(result, Scope(), dt.date(2021, 1, 14), "en") == []  # not yet decided
    only_b = finance_amendments.change_rows(result, Scope(implementer="b"), dt.date(2021, 2, 28), "en")
    assert [(r["implementer_id"], r["change_eur"]) for r in only_b] == [("b", 300.0)]


def test_summary_json_names_the_plan_version_and_end_date(world, capsys):
    args = ["summary", "--json", "--plan", str(world / "plan"), "--extracts", str(world / "extracts")]
    assert cli_main([*args, "--as-of", "2021-01-14"]) == 0
    early = json.loads(capsys.readouterr().out)
    assert (early["plan_version"], early["end_date"]) == ("original", "2021-06-30")
    assert cli_main(args) == 0
    latest = json.loads(capsys.readouterr().out)
    assert (latest["plan_version"], latest["end_date"], latest["as_of"]) == ("2021-01-15", "2021-09-30", "2021-02-28")


def test_payment_periods_must_cover_the_extended_period(world):
    shutil.copy(CLAIMS / "payment_periods.csv", world / "plan")  # P1-P3 end on 30.6.2021
    result = load_project(world / "plan", world / "extracts")
    assert not result.ok
    found = [(Path(p.file).name, p.code) for p in result.problems]
    assert found == [("2021-01-15", "periods_do_not_cover")]
    extended = "period_id,start_date,end_date\nP1,2020-07-01,2020-09-30\nP2,2020-10-01,2020-12-31\nP3,2021-01-01,2021-09-30\n"
    (world / "plan" / "amendments" / "2021-01-15" / "payment_periods.csv").write_text(extended)
    result = loaded(world)
    assert list(result.store.fetch("payment_periods", version=1)["end_date"].astype(str)) == [
        "2020-09-30",
        "2020-12-31",
        "2021-09-30",
    ]
    assert list(result.store.fetch("payment_periods", version=0)["end_date"].astype(str))[-1] == "2021-06-30"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: f.rename(f.parent / "15.1.2021"), [("15.1.2021", 0, "-", "amendment_bad_date")]),
        (
            lambda f: (f / "implementers.csv").write_text("implementer_id,name,area,role\n"),
            [("implementers.csv", 0, "-", "not_amendable")],
        ),
        (
            lambda f: (f / "amendment.toml").write_text("end_date = 2021-09-30\n"),
            [("amendment.toml", 0, "description", "missing_key")],
        ),
        (
            lambda f: (f / "amendment.toml").write_text('description = "x"\nend-date = 2021-09-30\n'),
            [("amendment.toml", 2, "end-date", "unknown_key")],
        ),
        (
            lambda f: (f / "amendment.toml").write_text('description = "x"\nend_date = "syyskuu"\n'),
            [("amendment.toml", 2, "end_date", "bad_value")],
        ),
        (lambda f: (f / "amendment.toml").unlink(), [("amendment.toml", 0, "-", "missing_file")]),
        (
            lambda f: (f / "budget.csv").write_text("implementer_id,year,cost_category,amount_eur\nzz,2021,salaries,1\n"),
            [("budget.csv", 2, "implementer_id", "unknown_ref")],
        ),
    ],
    ids=["bad-date", "not-amendable", "no-description", "misspelt-key", "bad-end-date", "no-toml", "unknown-implementer"],
)
def test_a_broken_amendment_refuses_the_plan_naming_file_row_and_column(world, change, expected):
    change(world / "plan" / "amendments" / "2021-01-15")
    result = load_project(world / "plan", world / "extracts")
    assert not result.ok
    assert [(Path(p.file).name, p.row, p.column, p.code) for p in result.problems] == expected


def test_check_prints_an_amendment_problem_and_exits_1(world, capsys):
    (world / "plan" / "amendments" / "2021-01-15" / "amendment.toml").write_text('description = "x"\nend-date = 2021-09-30\n')
    assert cli_main(["check", "--plan", str(world / "plan"), "--extracts", str(world / "extracts")]) == 1
    out = capsys.readouterr().out
    assert "amendments/2021-01-15/amendment.toml:2:end-date: unknown setting" in out


def test_the_amendment_download_has_one_row_per_changed_amount(world):
    frame, name = finance_amendments.export_amendments(loaded(world), ViewFilters(as_of=dt.date(2021, 2, 28), lang="en"))
    assert name == "muutospaatokset-2021-02-28"
    assert frame.columns.tolist() == ["Decided", "Implementer", "Cost category", "Before", "After", "Change"]
    assert frame[["Implementer", "Cost category", "Before", "After", "Change"]].values.tolist() == [
        ["Alpha", "Other costs", 100.0, 200.0, 100.0],
        ["Beta", "Salaries", 1000.0, 1300.0, 300.0],
    ]


def test_the_reports_sources_name_the_plan_in_force():
    """The minutes say which plan the figures were measured against (the demo's decision of 17.4.2018)."""
    import dashboard.pages  # noqa: F401
    from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
    from dashboard.pages import report

    demo = load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR)
    assert report._plan_source(demo, dt.date(2018, 6, 30), "PRO SOS", "fi") == (
        "Suunnitelma: PRO SOS, muutospäätöksen 17.4.2018 mukainen (päättyy 31.5.2019)"
    )
    assert report._plan_source(demo, dt.date(2018, 4, 16), "PRO SOS", "en") == "Plan: PRO SOS, the original (ends 2018-12-31)"
