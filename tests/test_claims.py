"""Payment periods and claims (contract v2) on the tiny world, every figure worked out by hand.

Periods (tests/fixtures/claims): P1 1.7.–30.9.2020, P2 1.10.–31.12.2020, P3 1.1.–30.6.2021. The
tiny bookings (flat rate 20 % on salaries) give per period and implementer the net cost:
  a P1: salaries 100 + 100 → 240, purchased 50 − 10 = 40            → 280.00
  a P2: other costs 25.50 − revenue 20.00                           →   5.50
  a P3: salaries 100 → 120                                          → 120.00
  b P1: nothing → 0;  b P2: salaries 300 → 360;  b P3: salaries 100 → 120
Claims: a P1 submitted 20.10.2020, 280.00 claimed, 275.00 approved, 220.00 paid on 15.12.2020;
b P2 submitted 25.1.2021, 370.00 claimed (10 € off 360: 2.8 %), not approved yet."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from dashboard.cli import main as cli_main
from dashboard.ingest.load import load_project
from queries import claims
from queries.summary import Scope, summary

CLAIMS = Path(__file__).parent / "fixtures" / "claims"


@pytest.fixture
def world(tiny_copy):
    shutil.copy(CLAIMS / "payment_periods.csv", tiny_copy / "plan")
    shutil.copy(CLAIMS / "claims.csv", tiny_copy / "extracts")
    return tiny_copy


def loaded(world):
    result = load_project(world / "plan", world / "extracts")
    assert result.ok and not result.problems, [p.line() for p in result.problems]
    return result


def rows(table):
    return {(r.period_id, r.implementer_id): r for r in table.itertuples()}


def test_each_open_amount_and_warning_at_the_end(world):
    store = loaded(world).store
    table = rows(claims.claim_table(store, Scope(), dt.date(2021, 6, 30)))
    assert {k: round(r.booked_eur, 2) for k, r in table.items()} == {
        ("P1", "a"): 280.0, ("P2", "a"): 5.5, ("P3", "a"): 120.0,
        ("P1", "b"): 0.0, ("P2", "b"): 360.0, ("P3", "b"): 120.0,
    }  # fmt: skip
    assert table["P2", "a"].booked_not_claimed_eur == 5.5 and table["P2", "a"].overdue  # ended 31.12., due by 28.2.
    assert not table["P1", "b"].overdue  # nothing booked: nothing to claim
    assert table["P2", "b"].claimed_not_approved_eur == 370.0 and table["P2", "b"].differs
    assert not table["P1", "a"].differs and table["P1", "a"].approved_not_paid_eur == 0.0
    assert table["P2", "a"].days_since_end == 181 and table["P3", "a"].days_since_end is pd_na()
    assert claims.totals(claims.claim_table(store, Scope(), dt.date(2021, 6, 30))) == {
        "claimed_eur": 650.0,
        "approved_eur": 275.0,
        "paid_eur": 220.0,
        "booked_not_claimed_eur": 245.5,  # a P2 5.50 + a P3 120 + b P1 0 + b P3 120
        "claimed_not_approved_eur": 370.0,
        "approved_not_paid_eur": 0.0,
    }


def pd_na():
    import pandas as pd

    return pd.NA


def test_a_past_date_counts_only_what_had_happened_by_then(world):
    store = loaded(world).store
    sums = claims.totals(claims.claim_table(store, Scope(), dt.date(2020, 12, 1)))
    # a P1 submitted (20.10.), not yet paid (15.12.); P3 not begun; a P2 booked 5.50 so far, b P2 0
    assert sums == {
        "claimed_eur": 280.0,
        "approved_eur": 275.0,
        "paid_eur": 0.0,
        "booked_not_claimed_eur": 5.5,
        "claimed_not_approved_eur": 0.0,
        "approved_not_paid_eur": 275.0,
    }
    table = rows(claims.claim_table(store, Scope(), dt.date(2020, 12, 1)))
    assert not any(r.overdue for r in table.values())  # P1 of b: nothing booked; a's P1 claimed
    assert set(table) == {("P1", "a"), ("P1", "b"), ("P2", "a"), ("P2", "b")}


def test_one_implementer_and_the_summary_keys(world, capsys):
    store = loaded(world).store
    assert summary(store, Scope(implementer="b", as_of=dt.date(2021, 6, 30)))["claims"] == {
        "claimed_eur": 370.0,
        "approved_eur": 0.0,
        "paid_eur": 0.0,
        "booked_not_claimed_eur": 120.0,  # b P1 0 + b P3 120
    }
    args = ["summary", "--json", "--plan", str(world / "plan"), "--extracts", str(world / "extracts")]
    assert cli_main(args) == 0
    assert json.loads(capsys.readouterr().out)["claims"]["paid_eur"] == 220.0


def test_no_claims_key_without_claims(tiny):
    assert "claims" not in summary(tiny.store, Scope())


def test_the_cash_curve_is_cost_against_payments_received(world):
    store = loaded(world).store
    ends = [dt.date(2020, 9, 30), dt.date(2020, 12, 31), dt.date(2021, 6, 30)]
    curve = claims.cash_curve(store, Scope(), dt.date(2021, 6, 30))
    assert len(curve) == 12  # every month end from July 2020
    at = curve[curve["date"].isin(ends)]
    assert at["cost_eur"].tolist() == [280.0, 645.5, 885.5] and at["paid_eur"].tolist() == [0.0, 220.0, 220.0]
    # A month not yet ended is drawn up to the as-of date: 15.12.2020 holds July-November and a's
    # 25.50 - 20.00 of October-November (285.50), and the payment of that day.
    middle = claims.cash_curve(store, Scope(), dt.date(2020, 12, 15))
    assert middle["date"].iloc[-1] == dt.date(2020, 12, 15)
    assert middle["cost_eur"].iloc[-1] == 285.5 and middle["paid_eur"].iloc[-1] == 220.0


@pytest.mark.parametrize(
    ("periods", "code"),
    [  # listed out of order: each problem names the row of the period at fault in the file
        ("P2,2020-10-02,2021-06-30\nP1,2020-07-01,2020-09-30\n", ("period_gap", 2, "start_date")),
        ("P1,2020-07-01,2020-10-31\nP2,2020-10-01,2021-06-30\n", ("period_overlap", 3, "start_date")),
        ("P1,2020-07-01,2020-09-30\nP2,2020-10-01,2021-05-31\n", ("periods_do_not_cover", 3, "end_date")),
        ("P1,2020-08-01,2020-09-30\nP2,2020-10-01,2021-06-30\n", ("periods_do_not_cover", 2, "start_date")),
        ("P1,2020-07-01,2020-09-30\nP1,2020-10-01,2021-06-30\n", ("duplicate_value", 3, "period_id")),
        # a bad row before them is set aside and named; the gap is still named at its own row (4)
        ("P0,2020-06-31,2020-06-30\nP1,2020-07-01,2020-09-30\nP2,2020-10-02,2021-06-30\n", ("period_gap", 4, "start_date")),
    ],
)
def test_periods_with_gaps_or_overlaps_are_errors(world, periods, code):
    (world / "plan" / "payment_periods.csv").write_text("period_id,start_date,end_date\n" + periods)
    (world / "extracts" / "claims.csv").unlink()
    result = load_project(world / "plan", world / "extracts")
    assert result.ok  # an optional file: the plan still loads, the periods are not used
    found = [p for p in result.problems if p.file.endswith("payment_periods.csv") and p.code != "bad_date"]
    assert [(p.code, p.row, p.column) for p in found] == [code]
    assert claims.claim_table(result.store, Scope(), dt.date(2021, 6, 30)).empty


def test_a_claim_for_an_unknown_period_or_implementer_is_a_bad_row(world):
    with open(world / "extracts" / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write("P9,a,2021-02-01,10.00,,,\nP3,zz,2021-02-01,10.00,,,\nP3,a,not a date,10.00,,,\n")
    result = load_project(world / "plan", world / "extracts")
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert found == {(4, "period_id", "unknown_ref"), (5, "implementer_id", "unknown_ref"), (6, "submitted_date", "bad_date")}
    assert "maksatuskausi" in next(p for p in result.problems if p.row == 4).message("fi")


def test_a_claim_pasted_twice_counts_once_and_is_flagged(world):
    path = world / "extracts" / "claims.csv"
    path.write_text(path.read_text() + "P1,a,2020-10-20,280.00,275.00,2020-12-15,220.00\n")
    store = loaded(world).store
    table = claims.claim_table(store, Scope(), dt.date(2021, 6, 30))
    assert claims.totals(table)["claimed_eur"] == 650.0
    assert rows(table)["P1", "a"].claims_in_file == 2


def test_the_finance_page_shows_claims_warnings_and_the_cash_chart(world):
    from dashboard.pages import finance as finance_page
    from dashboard.pages import finance_claims
    from dashboard.url_state import ViewFilters

    end = ViewFilters(lang="en", as_of=dt.date(2021, 6, 30))
    shown = finance_page.view(loaded(world), end)
    assert shown["claims-summary"].startswith("Claimed €650, approved €275, paid €220 (the costs booked imply €708")
    warnings = str(shown["claims-warnings"])
    assert "Alpha: no claim for period P2, which ended 181 days ago" in warnings
    assert "Beta: the amount claimed for period P2, €370.00, differs from the net cost booked, €360.00" in warnings
    table = str(shown["claims-table"])
    assert "⚠ not claimed" in table and "⚠ differs" in table and "✔ in order" in table
    assert [trace["name"] for trace in shown["cash"].data] == ["Net cost", "Payments received"]
    assert shown["cash-style"] == {} and shown["claims-body-style"] == {}
    frame, stem = finance_claims.export_claims(loaded(world), end)
    assert len(frame) == 6 and stem == "maksatushakemukset-2021-06-30"


def test_without_payment_periods_the_page_says_how_to_add_them(tiny):
    from dashboard.pages import finance as finance_page
    from dashboard.url_state import ViewFilters

    shown = finance_page.view(tiny, ViewFilters())
    assert "payment_periods.csv" in shown["claims-summary"]
    assert shown["cash-style"] == {"display": "none"} and shown["claims-body-style"] == {"display": "none"}


def test_the_monthly_and_cash_charts_mark_the_meetings_and_shade_since_the_last(demo):
    """Every time chart of the finance page: the meetings up to the as-of date as dotted lines (with
    their decisions on hover) and the time since the last meeting shaded."""
    from dashboard.pages import finance as finance_page
    from dashboard.url_state import ViewFilters

    shown = finance_page.view(demo, ViewFilters(as_of=dt.date(2018, 6, 30)))
    meetings = [m for m in demo.plan.tables["meetings"]["date"] if pd_timestamp(m) <= dt.date(2018, 6, 30)]
    for chart in ("monthly", "cash"):
        shapes = shown[chart].layout.get("shapes", [])
        assert sum(s.get("name") == "meeting" for s in shapes) == len(meetings) > 0, chart
        assert sum(s.get("name") == "since" for s in shapes) == 1, chart
        hover = [t for t in shown[chart].data if t.get("yaxis") == "y9"]
        assert len(hover) == 1 and len(hover[0]["customdata"]) == len(meetings)


def pd_timestamp(value) -> dt.date:
    import pandas as pd

    return pd.Timestamp(value).date()


def test_the_report_carries_the_claims_by_period(world):
    from dashboard.pages import report
    from dashboard.url_state import ViewFilters

    shown = report.view(loaded(world), ViewFilters(lang="en", as_of=dt.date(2021, 6, 30)))
    text = str(shown["report-claims"])
    for period, booked in (("P1", "€280"), ("P2", "€366"), ("P3", "€240")):  # a + b: 280 + 0, 5.50 + 360, 120 + 120
        assert period in text and booked in text
    assert "€650" in shown["claims-summary"] and "no claim for period P2" in str(shown["claims-warnings"])
    assert shown["claims-style"] == {}


def test_the_report_hides_the_claims_without_payment_periods(tiny):
    from dashboard.pages import report
    from dashboard.url_state import ViewFilters

    assert report.view(tiny, ViewFilters())["claims-style"] == {"display": "none"}
