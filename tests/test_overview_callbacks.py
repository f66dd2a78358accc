"""The overview and shell callbacks called as plain functions on the tiny world."""

from __future__ import annotations

import datetime as dt

from dash import no_update

from dashboard import formatting as fmt
from dashboard.figures.overview import implementer_progress
from dashboard.ingest.load import load_project
from dashboard.pages import overview
from dashboard.shell import sync
from dashboard.url_state import ViewFilters, parse_query, to_query
from queries.summary import Scope, finance_by_implementer

NB = fmt.NBSP


def test_overview_kpis_for_the_whole_project(tiny):
    shown = overview.view(tiny, ViewFilters())
    assert shown["kpi-budget"] == f"3{NB}800{NB}€"
    assert shown["kpi-spent"] == f"886{NB}€"  # 885.50 rounded to whole euros on screen
    assert shown["kpi-burn"] == f"23,3{NB}%"  # 885.5 / 3 800
    assert shown["kpi-participants"] == "10"
    assert shown["kpi-person-days"] == "8"
    assert "28.2.2021" in shown["scope"]
    assert shown["note"] is None


def test_overview_for_an_implementer_shows_suppressed_women_as_under_five(tiny):
    shown = overview.view(tiny, ViewFilters(implementer="a"))
    assert shown["kpi-budget"] == f"2{NB}600{NB}€"
    assert shown["kpi-participants"] == "6"
    assert "<5" in str(shown["kpi-participants-detail"])
    assert "Alpha" in shown["scope"]


def test_overview_marks_follow_the_plans_threshold(tiny_copy):
    """With a threshold of 7 the hidden counts read "<7", never the usual "<5"; Alpha's change in
    women beside its hidden count of 3 carries "..", which may stand for a large change."""
    project = tiny_copy / "plan" / "project.toml"
    project.write_text(project.read_text().replace("suppression_threshold = 5", "suppression_threshold = 7"))
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    filters = ViewFilters(implementer="a", since=dt.date(2020, 10, 1), lang="en")
    shown = overview.view(result, filters)
    assert "Women <7" in str(shown["kpi-participants-detail"]) and "<5" not in str(shown)
    changes = overview.change_lines(result, filters, overview.scope_for(result, filters), dt.date(2021, 2, 28), "en")
    assert changes["kpi-participants-change"] == "<7 since 2020-10-01"
    assert changes["kpi-women-change"] == "Women .. since 2020-10-01"


def test_overview_region_filter_says_finance_is_at_implementer_level(tiny):
    shown = overview.view(tiny, ViewFilters(region="South"))
    assert shown["note"] is not None
    assert shown["kpi-participants"] == "6"


def test_overview_as_of_date(tiny):
    shown = overview.view(tiny, ViewFilters(as_of=dt.date(2021, 1, 31)))
    assert shown["kpi-participants"] == "9"
    assert "31.1.2021" in shown["scope"]


def test_time_elapsed():
    start, end = dt.date(2020, 1, 1), dt.date(2020, 1, 10)
    from queries.summary import time_elapsed

    assert time_elapsed(dt.date(2020, 1, 5), start, end) == 0.5
    assert time_elapsed(dt.date(2019, 1, 1), start, end) == 0
    assert time_elapsed(dt.date(2021, 1, 1), start, end) == 1


def test_implementer_chart_has_budget_spent_and_planned_per_implementer(tiny):
    finance = finance_by_implementer(tiny.store, Scope(), dt.date(2021, 2, 28))
    figure = implementer_progress(finance, "fi")
    budget, spent, planned = figure.data
    assert list(budget["y"]) == ["Beta", "Alpha"]  # largest budget on top
    assert list(budget["x"]) == [1200, 2600]
    assert [round(v, 2) for v in spent["x"]] == [480, 405.5]
    assert [round(v, 2) for v in planned["x"]] == [795.58, 1791.16]  # 600 + 600 × 59/181; a: 1 400 + 1 200 × 59/181
    assert budget["text"][1] == f"23{NB}% suunnitellusta"  # 405.5 / 1 791.16


def test_url_to_filters_on_page_open(tiny):
    out = sync(tiny, None, "?implementer=a&municipality=Aburg&as_of=2021-01-31&lang=en", None, None, [], None, "fi")
    assert out[:6] == (no_update, "a", None, ["Aburg"], "2021-01-31", "en")
    assert [o["value"] for o in out[6]] == ["North", "South"]  # a serves Aburg (North) and Cfield (South)
    assert [o["value"] for o in out[7]] == ["Aburg", "Cfield"]


def test_url_with_unknown_or_hostile_values_opens_a_clean_view(tiny):
    out = sync(
        tiny, "url", "?implementer=%27;drop%20table%20spending;--&region=Mars&as_of=nope&lang=xx", None, None, [], None, "fi"
    )
    assert out[:6] == (no_update, None, None, [], None, "fi")


def test_filters_to_url_when_a_person_picks(tiny):
    out = sync(tiny, "filter-implementer", "?lang=en", "b", None, ["Bville"], "2021-01-31", "en")
    assert out[0] == "?implementer=b&municipality=Bville&as_of=2021-01-31&lang=en"
    assert out[1:6] == (no_update,) * 5
    unchanged = sync(tiny, "filter-region", "?implementer=b", "b", None, [], None, "fi")
    assert unchanged[0] is no_update


def test_query_round_trip():
    filters = ViewFilters("a", "South", ("Cfield", "Bville"), dt.date(2021, 1, 31), "sv")
    assert parse_query(to_query(filters)) == filters
    assert to_query(ViewFilters()) == ""


def test_callback_inputs_of_the_wrong_type_are_dropped():
    from dashboard.url_state import from_inputs

    hostile = from_inputs(["socca"], {"a": 1}, "Tampere", 20180630, "'; drop table spending; --")
    assert hostile == ViewFilters()
    long = "x" * 10_000
    assert from_inputs(long, None, [long, "Tampere", 5, "Tampere"], "2018-06-30", "sv") == ViewFilters(
        None, None, ("Tampere",), dt.date(2018, 6, 30), "sv"
    )


def test_cascade_narrows_choices_and_drops_values_that_no_longer_fit(tiny):
    # b serves only South: the North region and a's Aburg no longer fit once b is chosen
    out = sync(tiny, "filter-implementer", "?region=North&municipality=Aburg", "b", "North", ["Aburg"], None, "fi")
    assert out[0] == "?implementer=b"
    assert out[2] is None and out[3] == []  # pruned in the filter bar too
    assert [o["value"] for o in out[6]] == ["South"]
    assert [o["value"] for o in out[7]] == ["Bville", "Cfield"]
    # a region narrows the municipalities of all implementers
    out = sync(tiny, "filter-region", "", None, "South", [], None, "fi")
    assert out[0] == "?region=South" and [o["value"] for o in out[7]] == ["Bville", "Cfield"]
