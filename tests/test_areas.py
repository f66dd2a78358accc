"""Areas against plan on the tiny world; the areas page callback and click handling as functions."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.components.charts import clicked
from dashboard.pages import areas as page
from dashboard.url_state import ViewFilters
from queries import areas
from queries.participants import participant_stats
from queries.summary import Scope

AS_OF = dt.date(2021, 2, 28)


@pytest.fixture(scope="module")
def progress(tiny):
    stats = participant_stats(tiny.store, Scope(), AS_OF)
    return areas.area_progress(tiny.store, Scope(), AS_OF, stats).set_index("implementer_id")


def test_shares_against_time_elapsed(progress):
    """243 of the project's 365 days have passed by 28.2.2021."""
    assert progress.at["a", "time_elapsed"] == pytest.approx(243 / 365)
    assert progress.at["a", "budget_used"] == pytest.approx(405.5 / 2600)
    assert progress.at["a", "person_days_share"] == pytest.approx(3.5 / (30 * 2600 / 3800))
    assert progress.at["b", "budget_used"] == pytest.approx(480 / 1200)
    assert progress.at["b", "person_days_share"] == pytest.approx(4.5 / (30 * 1200 / 3800))


def test_a_hidden_count_has_no_share(progress):
    # b has 4 participants: 4 / 6.3 would give the 4 back, so the share is left out of the pace
    assert progress.at["b", "participants_share"] is None
    expected = ((480 / 1200) + 4.5 / (30 * 1200 / 3800)) / 2 / (243 / 365)
    assert progress.at["b", "pace"] == pytest.approx(expected)


def test_ranking_puts_the_best_pace_first(progress):
    assert list(progress.index) == sorted(progress.index, key=lambda i: -progress.at[i, "pace"])


def test_drilldown_lists_the_municipalities_of_the_chosen_area(tiny):
    shown = page.view(tiny, ViewFilters(implementer="b"))
    table = str(shown["drilldown"])
    assert "Bville" in table and "Cfield" in table and "Aburg" not in table
    assert "Beta" in shown["drilldown-title"]
    assert "Valitse alue" in str(page.view(tiny, ViewFilters())["drilldown"])


def test_ranking_and_tiles_always_show_every_area(tiny):
    shown = page.view(tiny, ViewFilters(implementer="b"))
    assert sorted(shown["ranking"].data[0]["y"]) == ["Alpha", "Beta"]
    tile_names = [name for trace in shown["tiles"].data for name in trace["customdata"]]
    assert "North" not in tile_names  # the tiny world's regions are not Finnish ones: nothing to draw
    assert len(tile_names) == 19


def test_choosing_a_region_redraws_the_tiles_not_the_charts_of_every_area(tiny_copy, monkeypatch):
    from dashboard.ingest.load import load_project
    from dashboard.view import page_view

    world = load_project(tiny_copy / "plan", tiny_copy / "extracts")  # its own store: nothing cached yet
    drawn = []
    real = page.areas.area_progress
    monkeypatch.setattr(page.areas, "area_progress", lambda *a: drawn.append(a) or real(*a))
    first = page_view(page.all_areas_view, world, ViewFilters(as_of=AS_OF))
    second = page_view(page.all_areas_view, world, ViewFilters(as_of=AS_OF, region="North"))
    assert len(drawn) == 1
    assert second["ranking"] is first["ranking"] and second["multiples"] is first["multiples"]
    assert second["ranking-text"] == first["ranking-text"]
    page_view(page.all_areas_view, world, ViewFilters(as_of=dt.date(2021, 3, 31), region="North"))
    assert len(drawn) == 2  # a new date is a new ranking


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"points": [{"customdata": "socca"}]}, "socca"),
        (None, None),
        ({"points": []}, None),
        ({"points": [{"customdata": ["x"]}]}, None),
        ({"bogus": 1}, None),
    ],
)
def test_clicked_point(data, expected):
    assert clicked(data) == expected


@pytest.mark.parametrize("count", [2, 8, 300])
def test_ranking_legend_sits_just_above_the_plot_however_many_areas(progress, count):
    """As a share of the plot's height, a fixed offset put the legend 470 px above 300 areas' bars."""
    from dashboard.figures.areas import ranking_chart

    many = progress.reset_index().iloc[[0] * count].assign(area=[f"Alue {n:03d}" for n in range(count)])
    layout = ranking_chart(many.reset_index(drop=True), "fi").to_plotly_json()["layout"]
    plot_height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    assert (layout["legend"]["y"] - 1) * plot_height == pytest.approx(12)


def test_the_drilldown_says_why_its_rows_do_not_add_up(tiny):
    """Implementer b: Bville and Cfield hold 3 and 1 of its 4 people, both hidden; one booking of
    1,5 person-days names no municipality, so no row holds it."""
    shown = page.scope_view(tiny, ViewFilters(implementer="b"))
    notes = shown["drilldown"]["notes"]
    assert notes[0].startswith("<5 = 1–4")
    assert "Näkyvät luvut ovat yhteensä 0, osallistujia on 4. 2 lukua on piilotettu" in notes[1]
    assert notes[2] == "1,5 henkilötyöpäivää on kirjattu ilman kuntaa."
    assert "ilman kuntaa" not in " ".join(page.scope_view(tiny, ViewFilters(implementer="a"))["drilldown"]["notes"])


def test_the_region_tiles_say_what_their_marks_mean_and_why_they_do_not_add_up(tiny):
    tiles = page.all_areas_view(tiny, ViewFilters())["tiles"]
    text = " ".join(a["text"] for a in tiles.to_plotly_json()["layout"]["annotations"])
    assert "&lt;5 = 1–4 henkilöä" in text and "osallistujia on 10" in text and "maakunnassa" in text  # "<" as Plotly shows it
