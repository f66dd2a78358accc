"""Finance rules on the tiny world, against the answers in fixtures/tiny/README.md (Finance)."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from dashboard.ingest.load import load_project
from queries import finance
from queries.summary import Scope, summary

AS_OF = dt.date(2021, 2, 28)


@pytest.fixture(scope="module")
def table(tiny):
    return finance.implementer_table(tiny.store, Scope(), AS_OF).set_index("implementer_id")


def test_forecast_equals_summary_and_band_is_from_six_periods(tiny, table):
    assert round(table.at["a", "forecast_eur"], 2) == 596.88
    assert round(table.at["__project__", "forecast_eur"], 2) == summary(tiny.store, Scope())["forecast_at_completion_eur"]
    spread = statistics.stdev([120, 0, -20, 0, 25.5, 160])
    half = 1.2816 * spread * math.sqrt(122 / (182 / 6))
    assert table.at["a", "forecast_low_eur"] == pytest.approx(596.879121 - half)
    assert table.at["a", "forecast_high_eur"] == pytest.approx(596.879121 + half)


def test_needed_monthly_spend_and_variance_at_completion(table):
    assert round(table.at["a", "needed_per_month_eur"], 2) == 547.50
    assert round(table.at["__project__", "needed_per_month_eur"], 2) == 727.13
    assert round(table.at["a", "variance_at_completion_eur"], 2) == round(2600 - 596.879121, 2)


def test_earned_value_and_indices(table):
    assert round(table.at["a", "earned_value_eur"], 2) == 871.67
    assert round(table.at["a", "cpi"], 3) == 2.150
    assert round(table.at["a", "spi"], 3) == 0.487
    assert round(table.at["b", "earned_value_eur"], 2) == 665.00
    assert round(table.at["b", "cpi"], 3) == 1.385
    assert round(table.at["b", "spi"], 3) == 0.836
    assert round(table.at["__project__", "earned_value_eur"], 2) == 1456.67
    assert round(table.at["__project__", "cpi"], 3) == 1.645
    assert round(table.at["__project__", "spi"], 3) == 0.563


def test_region_earned_value_is_its_implementers(tiny, table):
    south = finance.implementer_table(tiny.store, Scope(region="South"), AS_OF).set_index("implementer_id")
    assert south.at["__project__", "earned_value_eur"] == pytest.approx(871.666667 + 665.0)


@pytest.mark.parametrize(
    ("spent", "planned", "forecast", "budget", "expected"),
    [
        (100, 100, 1000, 1000, "on_track"),
        (109, 100, 1049, 1000, "on_track"),  # both gaps within the watch limits
        (111, 100, 1000, 1000, "watch"),  # spent 11 % over planned
        (100, 100, 1060, 1000, "watch"),  # forecast 6 % over budget
        (100, 100, 940, 1000, "watch"),  # and under
        (74, 100, 1000, 1000, "off_track"),  # spent 26 % under planned
        (100, 100, 1110, 1000, "off_track"),  # forecast 11 % over budget
        (0, 0, 0, 0, "on_track"),  # nothing planned, nothing spent
    ],
)
def test_status_rule(spent, planned, forecast, budget, expected):
    assert finance.status(spent, planned, forecast, budget) == expected


def test_needed_per_month_edges():
    period = finance.Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31), dt.date(2020, 12, 31))
    assert finance.needed_per_month(100, 50, period) is None  # nothing left to plan


def test_planned_curve_and_actual_curve(tiny):
    planned, actual = finance.cumulative_curves(tiny.store, Scope(), AS_OF)
    a = planned[planned["implementer_id"] == "a"].set_index("day")["planned_eur"]
    assert round(a[pd.Timestamp("2020-07-31")], 2) == round(1400 * 31 / 184, 2)
    assert round(a[pd.Timestamp("2021-06-30")], 2) == 2600
    assert len(a) == 13  # start day and twelve month ends
    b = actual[actual["implementer_id"] == "b"].set_index("day")["actual_eur"]
    assert b[pd.Timestamp("2020-11-30")] == 0 and b[pd.Timestamp("2020-12-31")] == 360 and b[pd.Timestamp(AS_OF)] == 480


def test_monthly_by_category_nets_revenue(tiny):
    monthly = finance.monthly_by_category(tiny.store, Scope(), AS_OF).set_index("month")
    assert monthly.loc[pd.Timestamp("2020-11-01"), "revenue"] == -20
    assert monthly.loc[pd.Timestamp("2020-12-01"), "flat_rate"] == 60  # 0.2 × 300
    assert monthly.loc[pd.Timestamp("2020-09-01"), "purchased_services"] == 40


def test_category_table(tiny):
    table = finance.category_table(tiny.store, Scope(), AS_OF).set_index("cost_category")
    assert table.loc["flat_rate", "budget_eur"] == 600 and table.loc["flat_rate", "actual_eur"] == 140
    assert table.loc["revenue", "budget_eur"] == -100 and table.loc["revenue", "actual_eur"] == -20
    assert table.loc["net", "budget_eur"] == 3800 and table.loc["net", "actual_eur"] == pytest.approx(885.5)


def test_financing_implied_by_actual_cost(tiny):
    table = finance.financing_table(tiny.store, Scope(), AS_OF).set_index("source")
    assert table.loc["esr_state", "implied_eur"] == pytest.approx(708.4)
    assert table.loc["municipal", "implied_eur"] == pytest.approx(81.1)
    assert table.loc["private", "implied_eur"] == pytest.approx(48)
    assert round(table.loc["municipal", "implied_share"], 4) == 0.0916
    assert round(table.loc["municipal", "plan_share"], 4) == 0.1368
    assert list(table.index) == ["esr_state", "municipal", "other_public", "private"]


def test_clean_data_has_no_warnings(tiny):
    assert finance.warnings(tiny.store, Scope(), AS_OF) == []


def test_each_finance_warning(tiny_copy):
    with (tiny_copy / "extracts" / "spending.csv").open("a") as handle:
        handle.write(
            "2020-06-15,a,salaries,10.00,V20,Before start\n"
            "2020-09-25,a,purchased_services,300.00,V23,Big invoice\n"
            "2020-10-15,a,other_costs,-30.00,V21,Refund larger than booked\n"
            "2020-12-15,b,salaries,300.00,V22,Extra pay\n"
        )
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    found = finance.warnings(result.store, Scope(), AS_OF)
    simple = sorted((w["kind"], w["implementer_id"], round(w.get("actual_eur", w.get("amount_eur")), 2)) for w in found)
    assert simple == [
        ("category_over_budget", "a", 340.0),
        ("negative_category", "a", -30.0),
        ("outside_period", "a", 10.0),
        ("year_over_budget", "b", 720.0),
    ]
    negative = next(w for w in found if w["kind"] == "negative_category")
    assert negative["running_eur"] == pytest.approx(-4.5) and negative["date"] == dt.date(2020, 10, 15)
    year = next(w for w in found if w["kind"] == "year_over_budget")
    assert (year["year"], year["budget_eur"]) == (2020, 600)
    # Filtered to b, only b's warning remains.
    assert [w["kind"] for w in finance.warnings(result.store, Scope(implementer="b"), AS_OF)] == ["year_over_budget"]


def test_a_past_month_can_be_replayed(tiny):
    """As of 31.12.2020: window (2.7.2020, 31.12.2020], 181 days left. a spent 285.50, all of it in
    the window: 285.50 + 285.50/182 × 181 = 569.43; b 360 + 360/182 × 181 = 718.02."""
    from dashboard.pages import finance as finance_page
    from dashboard.url_state import ViewFilters

    past = dt.date(2020, 12, 31)
    table = finance.implementer_table(tiny.store, Scope(), past).set_index("implementer_id")
    assert round(table.at["a", "forecast_eur"], 2) == 569.43
    assert round(table.at["b", "forecast_eur"], 2) == 718.02
    assert summary(tiny.store, Scope(as_of=past))["forecast_at_completion_eur"] == 1287.45
    shown = finance_page.view(tiny, ViewFilters(as_of=past))
    assert shown["kpi-forecast"] == "1\u00a0287\u00a0€" and "31.12.2020" in shown["scope"]


def test_status_on_a_projects_first_days_is_not_off_track_for_a_days_planned_spending():
    from queries.finance import statuses

    budget = np.array([100_000.0, 100_000.0, 100_000.0])
    planned = np.array([300.0, 6_000.0, 40_000.0])  # one day in; about six weeks in; well under way
    spent = np.array([0.0, 0.0, 20_000.0])
    forecast = budget.copy()  # nothing booked yet: the forecast is the plan
    # 300 € gap against 5 % of the budget (5 000 €) is 6 %: on track. 6 000 € behind against 6 000 €
    # planned is 100 %: off track. 20 000 € behind against 40 000 € is 50 %: off track.
    assert statuses(spent, planned, forecast, budget).tolist() == ["on_track", "off_track", "off_track"]
