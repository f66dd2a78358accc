"""Every query on the tiny world, against answers worked out by hand in fixtures/tiny/README.md."""

import datetime as dt

import pytest

from queries.summary import (
    Scope,
    default_as_of,
    finance_by_implementer,
    forecast_at_completion,
    summary,
    suppress,
    suppressed_change,
)
from queries.withheld import PROTECTING, SMALL, Withheld

LATEST = dt.date(2021, 2, 28)


def test_default_as_of_is_latest_date_in_extracts(tiny):
    assert default_as_of(tiny.store) == LATEST


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2020, 6, 30), 10.87),  # before the project: clamped to its first day (contract v2)
        (dt.date(2020, 7, 1), 10.87),  # 2 000 / 184
        (dt.date(2020, 7, 31), 336.96),  # 2 000 × 31/184
        (dt.date(2020, 12, 31), 2000.0),
        (dt.date(2021, 2, 28), 2586.74),  # 2 000 + 1 800 × 59/181
        (dt.date(2021, 6, 30), 3800.0),
        (dt.date(2022, 1, 1), 3800.0),  # after the end: the whole budget
    ],
)
def test_planned_to_date_spreads_each_year_over_its_days_in_the_period(tiny, as_of, expected):
    assert summary(tiny.store, Scope(as_of=as_of))["planned_to_date_eur"] == expected


def test_project_summary(tiny):
    figures = summary(tiny.store, Scope())
    assert figures["project"] == "Tiny"
    assert figures["as_of"] == "2021-02-28"
    assert figures["implementer"] is None
    assert figures["budget_eur"] == 3800
    assert figures["spent_eur"] == 885.5
    assert figures["spent_by_category_eur"] == {
        "salaries": 700,
        "purchased_services": 40,
        "other_costs": 25.5,
        "flat_rate": 140,
        "revenue": 20,
    }
    assert figures["forecast_at_completion_eur"] == 1398.64
    assert figures["participants"] == 10
    assert figures["participants_women"] == 6
    assert figures["participants_target"] == 20
    assert figures["participants_women_target"] == 10
    assert figures["person_days"] == {
        "contact_teaching": 1,
        "distance_teaching": 0,
        "subsidised_employment": 0,
        "guidance_consulting": 4,
        "other": 3,
        "total": 8,
    }
    assert figures["person_days_target"] == {
        "contact_teaching": 5,
        "distance_teaching": None,
        "subsidised_employment": None,
        "guidance_consulting": 15,
        "other": 10,
        "total": 30,
    }


def test_implementer_summary_suppresses_small_counts_and_uses_its_own_targets(tiny):
    figures = summary(tiny.store, Scope(implementer="a"))
    assert figures["budget_eur"] == 2600
    assert figures["planned_to_date_eur"] == 1791.16
    assert figures["spent_eur"] == 405.5
    assert figures["spent_by_category_eur"]["flat_rate"] == 60
    assert figures["forecast_at_completion_eur"] == 596.88
    assert figures["participants"] == 6
    assert figures["participants_women"] is None  # 3 women: below the threshold of 5
    assert figures["participants_target"] == 12
    assert figures["participants_women_target"] is None
    assert figures["person_days"]["total"] == 3.5
    assert figures["person_days_target"]["total"] is None


def test_as_of_excludes_later_entries(tiny):
    figures = summary(tiny.store, Scope(as_of=dt.date(2021, 1, 31)))
    assert figures["participants"] == 9
    assert figures["participants_women"] == 5  # exactly the threshold: shown


def test_region_filter_is_exact_for_people_and_implementer_level_for_money(tiny):
    figures = summary(tiny.store, Scope(region="South"))
    assert figures["participants"] == 6
    assert figures["participants_women"] is None  # 4
    assert figures["person_days"]["total"] == 3  # b's Bville row; the row without municipality is left out
    assert figures["budget_eur"] == 3800  # a and b both serve Cfield in South
    assert figures["participants_target"] is None  # the plan sets no targets for a region
    north = summary(tiny.store, Scope(region="North"))
    assert north["budget_eur"] == 2600 and north["participants"] == 4  # p1 (once), p2, p4, p5


def test_municipality_filter(tiny):
    figures = summary(tiny.store, Scope(municipalities=("Bville",)))
    assert figures["participants"] == 3  # q1, q3, q4
    assert figures["budget_eur"] == 1200  # only b serves Bville
    both = summary(tiny.store, Scope(municipalities=("Bville", "Aburg")))
    assert both["participants"] == 7


def test_finance_rows_per_implementer(tiny):
    rows = finance_by_implementer(tiny.store, Scope(), LATEST).set_index("implementer_id")
    assert rows.loc["a", "spent_eur"] == pytest.approx(405.5)
    assert rows.loc["b", "spent_eur"] == pytest.approx(480)
    assert rows.loc["b", "window_net_eur"] == pytest.approx(480)
    assert rows.loc["a", "window_net_eur"] == pytest.approx(285.5)
    assert list(rows.index) == ["a", "b"]  # main implementer first


def test_forecast_rule_edges():
    start, end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    assert forecast_at_completion(0, 0, 999, dt.date(2019, 12, 31), start, end, start) == 999  # before start: the plan
    assert forecast_at_completion(500, 100, 999, dt.date(2021, 1, 5), start, end, dt.date(2020, 7, 1)) == 500  # ended
    # 10 days of window, 100 € in it, 5 days left: 200 + 10 × 5
    assert forecast_at_completion(200, 100, 999, dt.date(2020, 12, 26), start, end, dt.date(2020, 12, 16)) == 250


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (120, 120)])
def test_suppression_threshold(count, shown):
    assert suppress(count, 5) == shown


@pytest.mark.parametrize(
    ("now", "then", "shown"),
    [
        (10, 4, 6),
        (10, 10, 0),
        (10, 8, Withheld(SMALL, 5)),  # a change of 2 people is a small count itself
        (None, 0, Withheld(PROTECTING, 5)),  # beside a hidden count: it would give it away, and may be large
        (40, None, Withheld(PROTECTING, 5)),
        (Withheld(PROTECTING, 5), 3, Withheld(PROTECTING, 5)),
        (Withheld(SMALL, 5), 40, Withheld(PROTECTING, 5)),  # down from 40 to 1-4: not a small change
    ],
)
def test_a_change_is_withheld_as_small_only_where_it_is_small(now, then, shown):
    assert suppressed_change(now, then, 5) == shown


def test_queries_run_on_many_threads_at_once(tiny):
    """Each query takes its own cursor: concurrent callers must neither crash nor mix answers."""
    from concurrent.futures import ThreadPoolExecutor

    scopes = [Scope(), Scope(implementer="a"), Scope(region="South"), Scope(as_of=dt.date(2021, 1, 31))] * 25
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda s: summary(tiny.store, s)["participants"], scopes))
    assert answers == [10, 6, 6, 9] * 25
