"""Steering group meetings (`meetings.csv`, contract v2) and `since`: the overview's KPIs show
their change since the chosen date, by default since the last meeting before the as-of date.
Hand-computed on the tiny world (see tests/fixtures/tiny and tests/test_changes_since.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.ingest.load import load_project
from dashboard.pages import overview
from dashboard.shell import sync
from dashboard.url_state import ViewFilters, parse_query, to_query, with_since
from dashboard.view import plan_options, since_for
from queries.withheld import PROTECTING, Withheld

MEETINGS = "date,title,decisions\n2020-10-31,Ohjausryhmä 2,Rekrytointia lisätään\n2020-08-31,Ohjausryhmä 1,\n"


@pytest.fixture
def with_meetings(tiny_copy):
    (tiny_copy / "plan" / "meetings.csv").write_text(MEETINGS)
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    assert result.ok and not result.problems, [p.line() for p in result.problems]
    return result


def test_meetings_are_read_in_date_order(with_meetings, tiny):
    assert plan_options(with_meetings).meetings == (
        (dt.date(2020, 8, 31), "Ohjausryhmä 1", ""),
        (dt.date(2020, 10, 31), "Ohjausryhmä 2", "Rekrytointia lisätään"),
    )
    assert plan_options(tiny).meetings == ()  # the file is optional


def test_a_bad_meeting_row_is_named_and_the_plan_still_loads(tiny_copy):
    (tiny_copy / "plan" / "meetings.csv").write_text("date,title,decisions\n31.13.2020,Kokous,\n2020-09-01,Kokous 2,\n")
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    assert result.ok
    assert [(p.file.endswith("meetings.csv"), p.row, p.column) for p in result.problems] == [(True, 2, "date")]
    assert [m[1] for m in plan_options(result).meetings] == ["Kokous 2"]


def test_since_defaults_to_the_last_meeting_before_the_as_of_date(with_meetings, tiny):
    assert since_for(with_meetings, ViewFilters(), dt.date(2021, 2, 28)) == dt.date(2020, 10, 31)
    assert since_for(with_meetings, ViewFilters(), dt.date(2020, 10, 31)) == dt.date(2020, 8, 31)  # before, not on
    assert since_for(with_meetings, ViewFilters(), dt.date(2020, 8, 1)) is None
    assert since_for(with_meetings, ViewFilters(since=dt.date(2021, 5, 1)), dt.date(2021, 2, 28)) == dt.date(2021, 2, 28)
    assert since_for(tiny, ViewFilters(), dt.date(2021, 2, 28)) is None


def test_the_overview_shows_each_change_since_the_last_meeting(with_meetings):
    shown = overview.view(with_meetings, ViewFilters())
    # Since 31.10.2020: 580 € (tests/test_changes_since.py), 3 people (withheld), 4,5 person-days.
    assert shown["kpi-spent-change"] == "31.10.2020 alkaen +580\u00a0€"
    assert shown["kpi-participants-change"] == "31.10.2020 alkaen <5"
    assert shown["kpi-person-days-change"] == "31.10.2020 alkaen +4,5"
    # Share of the 3 800 € budget: 580 / 3 800 = 15,3 points; women 5 → 6, a change of 1: withheld.
    assert shown["kpi-burn-change"] == "31.10.2020 alkaen +15,3\u00a0%-yks."
    assert shown["kpi-women-change"] == "Naisia 31.10.2020 alkaen <5"
    before_start = overview.view(with_meetings, ViewFilters(since=dt.date(2020, 6, 30), lang="en"))
    assert before_start["kpi-participants-change"] == "+10 since 2020-06-30"


def test_without_meetings_or_since_no_change_is_shown(tiny):
    shown = overview.view(tiny, ViewFilters())
    assert [shown[k] for k in overview.CHANGE_KEYS] == [""] * 5


def test_since_lives_in_the_url_and_survives_the_filter_bar(tiny):
    assert parse_query("?since=2020-10-31&as_of=2021-01-31").since == dt.date(2020, 10, 31)
    assert to_query(ViewFilters(since=dt.date(2020, 10, 31))) == "?since=2020-10-31"
    assert with_since("?implementer=a", dt.date(2020, 10, 31)) == "?implementer=a&since=2020-10-31"
    assert with_since("?implementer=a&since=2020-10-31", None) == "?implementer=a"
    # Picking an implementer rewrites the query from the filter bar: since stays.
    search = sync(tiny, "filter-implementer", "?since=2020-10-31", "a", None, [], None, "fi")[0]
    assert parse_query(search) == ViewFilters(implementer="a", since=dt.date(2020, 10, 31))


def test_time_charts_shade_the_period_since_the_last_meeting(with_meetings, tiny):
    from dashboard.pages import finance, participants

    day = lambda d: dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000  # noqa: E731
    for chart in (
        finance.view(with_meetings, ViewFilters())["burn"],
        participants.view(with_meetings, ViewFilters())["cumulative"],
    ):
        shaded = [s for s in chart.to_plotly_json()["layout"]["shapes"] if s.get("name") == "since"]
        assert [(s["x0"], s["x1"]) for s in shaded] == [(day(dt.date(2020, 10, 31)), day(dt.date(2021, 2, 28)))]
    chosen = finance.view(with_meetings, ViewFilters(since=dt.date(2020, 8, 31)))["burn"]
    assert [s["x0"] for s in chosen.to_plotly_json()["layout"]["shapes"] if s.get("name") == "since"] == [
        day(dt.date(2020, 8, 31))
    ]
    plain = finance.view(tiny, ViewFilters())["burn"].to_plotly_json()["layout"].get("shapes", [])
    assert not [s for s in plain if s.get("name") == "since"]  # no meetings, no date chosen: nothing shaded


def test_the_first_slide_carries_the_changes_since_the_last_meeting(with_meetings):
    from dashboard.pages import presentation

    text = str(presentation.slide(with_meetings, ViewFilters(), "overview"))  # shown as repr: \xa0 spelled out
    assert "31.10.2020 alkaen +580\\xa0€" in text and "31.10.2020 alkaen <5" in text and "31.10.2020 alkaen +4,5" in text


def test_the_report_opens_with_what_changed_since_the_last_meeting(with_meetings, tiny):
    from dashboard.pages import report

    text = str(report.view(with_meetings, ViewFilters())["since"])
    assert "Edellisestä kokouksesta (31.10.2020) lähtien" in text
    assert "Toteutuneet kustannukset: 31.10.2020 alkaen +580" in text
    assert "Kokouksen päätökset: Ohjausryhmä 2" in text and "Rekrytointia lisätään" in text
    assert "Minkään alueen tila ei muuttunut." in text  # a and b were off track on both dates
    assert report.view(tiny, ViewFilters())["since"] == []  # no meetings, no date: no such section


def test_the_report_lists_the_areas_whose_status_changed(demo):
    from dashboard.pages import report
    from queries import finance
    from queries.summary import Scope

    since, now = dt.date(2018, 5, 25), dt.date(2018, 6, 30)  # the demo's sixth meeting, the as-of date
    status = lambda day: finance.implementer_table(demo.store, Scope(as_of=day), day).iloc[:-1].set_index("area")["status"]  # noqa: E731
    before, after = status(since), status(now)
    moved = sorted(area for area in after.index if before[area] != after[area])
    text = str(report.view(demo, ViewFilters())["since"])
    assert moved and all(f"{area}: " in text for area in moved)
    assert text.count(" → ") == len(moved)


def test_meetings_are_dotted_lines_on_the_time_charts_and_listed_under_them(with_meetings, tiny):
    from dashboard.pages import finance, participants

    early = finance.view(with_meetings, ViewFilters(as_of=dt.date(2020, 9, 30)))  # only the first has been held
    shown = finance.view(with_meetings, ViewFilters())
    cumulative = participants.view(with_meetings, ViewFilters())["cumulative"].to_plotly_json()
    for figure, count in ((early["burn"].to_plotly_json(), 1), (shown["burn"].to_plotly_json(), 2), (cumulative, 2)):
        assert len([s for s in figure["layout"]["shapes"] if s.get("name") == "meeting"]) == count
        hover = next(t for t in figure["data"] if t.get("yaxis") == "y9")
        assert hover["customdata"][-1] == ("Ohjausryhmä 1" if count == 1 else "Ohjausryhmä 2: Rekrytointia lisätään")
    listed = str(shown["meetings"])
    assert listed.index("31.10.2020 · Ohjausryhmä 2") < listed.index("31.8.2020 · Ohjausryhmä 1")  # latest first
    assert finance.view(tiny, ViewFilters())["meetings"] is None


def test_the_meetings_hover_axis_leaves_the_data_axis_as_it_was(with_meetings, tiny):
    from dashboard.pages import finance

    marked = finance.view(with_meetings, ViewFilters())["burn"].to_plotly_json()["layout"]
    plain = finance.view(tiny, ViewFilters())["burn"].to_plotly_json()["layout"]
    assert marked["yaxis"]["ticksuffix"] == plain["yaxis"]["ticksuffix"] == " €"
    assert marked["yaxis9"] == {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}


def test_the_report_carries_the_slides_headlines(demo):
    from dashboard.headlines import participants_sentence, spending_sentence
    from dashboard.pages import report
    from dashboard.view import scope_for

    scope = scope_for(demo, ViewFilters())
    lines = [p.children for p in report.view(demo, ViewFilters())["scope"] if getattr(p, "className", None) == "report-headline"]
    assert lines == [spending_sentence(demo, scope, "fi"), participants_sentence(demo, scope, "fi")]
    assert lines[1] == "507 osallistujaa, 75\u00a0% tavoitteesta 680."  # 507 / 680 by hand


def test_the_person_day_chart_too_shows_the_meetings_and_the_period_since(with_meetings):
    from dashboard.pages import participants

    shown = participants.view(with_meetings, ViewFilters())
    shapes = shown["days-chart"].to_plotly_json()["layout"]["shapes"]
    assert [s.get("name") for s in shapes].count("meeting") == 2 and [s.get("name") for s in shapes].count("since") == 1
    assert "31.10.2020 · Ohjausryhmä 2" in str(shown["meetings"])


def test_the_small_multiples_shade_the_period_since_and_mark_the_meetings_on_every_panel(with_meetings):
    from dashboard.pages import areas, finance, participants

    for chart in (
        finance.view(with_meetings, ViewFilters())["multiples"],
        participants.view(with_meetings, ViewFilters())["multiples"],
        areas.view(with_meetings, ViewFilters())["multiples"],
    ):
        figure = chart.to_plotly_json()
        panels = sorted({t.get("xaxis", "x") for t in figure["data"]})
        assert panels == ["x", "x2"]  # a and b
        shapes = figure["layout"]["shapes"]
        for axis in panels:
            own = [s.get("name") for s in shapes if s.get("xref") == axis]
            assert own.count("meeting") == 2 and own.count("since") == 1, axis
    assert "31.10.2020 · Ohjausryhmä 2" in str(areas.view(with_meetings, ViewFilters())["meetings"])  # what the lines are


def test_the_area_slides_carry_their_changes_since_the_last_meeting(with_meetings):
    from dashboard.pages import presentation

    # Since 31.10.2020. a: revenue 20 and salaries 100 × 1,2 → +100 € of its 2 600 € = +3,8 points;
    # p6 entered (1: withheld); no person-days. b: (300 + 100) × 1,2 = 480 € of 1 200 € = +40 points;
    # q3 and q4 (2: withheld); person-days 3 + 1,5.
    a = str(presentation.slide(with_meetings, ViewFilters(), "area:a"))
    assert "31.10.2020 alkaen +3,8\\xa0%-yks." in a and "31.10.2020 alkaen <5" in a
    b = str(presentation.slide(with_meetings, ViewFilters(), "area:b"))
    assert "31.10.2020 alkaen +40,0\\xa0%-yks." in b and "31.10.2020 alkaen +4,5" in b


def test_the_participants_and_finance_slides_carry_their_changes(with_meetings):
    from dashboard.pages import presentation

    people = str(presentation.slide(with_meetings, ViewFilters(), "participants"))
    assert people.count("31.10.2020 alkaen <5") == 2  # 3 people and 1 woman since then: both withheld
    # Forecast on 31.10.2020: a 305,50 + 305,50 / 123 days × 242 days = 906,57; b nothing booked, so its
    # budget 1 200; together 2 106,57. On 28.2.2021 1 398,64 (tests/fixtures/tiny): −707,93; the
    # variance (budget − forecast) moves the other way.
    money = str(presentation.slide(with_meetings, ViewFilters(), "finance"))
    assert "31.10.2020 alkaen \u2212708\\xa0€" in money and "31.10.2020 alkaen +708\\xa0€" in money


def test_indicator_changes_are_withheld_where_either_count_is(with_meetings):
    from dashboard.pages import presentation
    from queries.participants import INDICATORS, participant_stats
    from queries.summary import Scope

    scope = Scope(as_of=dt.date(2021, 2, 28))
    cells = dict(INDICATORS)
    now = {code: participant_stats(with_meetings.store, scope, scope.as_of).view.value(cells[code]) for code in ("CO01",)}
    # CO01 (unemployed): 6 now (p1, p2, p5, q1, q3, q4); on 31.10.2020 4 (p1, p2, p5, q1): withheld, so
    # the change is too, marked ".." (it would give the 4 away; such a change may be large, not "<5").
    # Since before the start it is everything: +6.
    assert now == {"CO01": 6}
    assert presentation.indicator_changes(with_meetings, scope, dt.date(2020, 10, 31), now) == {"CO01": Withheld(PROTECTING, 5)}
    assert presentation.indicator_changes(with_meetings, scope, dt.date(2020, 1, 1), now) == {"CO01": 6}
    slide = str(presentation.slide(with_meetings, ViewFilters(), "indicators"))
    assert "31.10.2020 alkaen" in slide
