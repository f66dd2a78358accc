"""The plain-JSON chart builder, table descriptions, and the per-view page cache and warm-up."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from plotly.io.json import to_json_plotly

from dashboard import warmup
from dashboard.components.table import TableColumn, cell, data_table, message, part, row, table
from dashboard.figures.chart import MAX_PANELS, Chart, merge, panel_grid
from dashboard.figures.finance import burn_small_multiples
from dashboard.figures.participants import implementer_multiples
from dashboard.pages import finance as finance_page
from dashboard.url_state import ViewFilters
from dashboard.view import page_view
from queries.summary import default_as_of


def test_merge_updates_nested_dicts_and_replaces_the_rest():
    target = {"legend": {"x": 0, "y": 1}, "height": 300}
    merge(target, {"legend": {"y": 2}, "height": 400, "title": {"text": "t"}})
    assert target == {"legend": {"x": 0, "y": 2}, "height": 400, "title": {"text": "t"}}


def test_panel_grid_places_five_panels_in_two_rows_of_four():
    chart, position_of, rows = panel_grid(list("ABCDE"))
    assert rows == 2
    assert position_of(4) == {"row": 2, "col": 1}
    width = (1 - 0.06 * 3) / 4
    assert chart.layout["xaxis"]["domain"] == pytest.approx([0, width])
    assert chart.layout["xaxis4"]["domain"] == pytest.approx([3 * (width + 0.06), 1])
    height = (1 - 0.16) / 2
    assert chart.layout["yaxis5"]["domain"] == pytest.approx([0, height])  # second row at the bottom
    # Tick labels only under the lowest panel of each column: A has E below it, B has nothing.
    assert chart.layout["xaxis"]["showticklabels"] is False
    assert chart.layout["xaxis2"]["showticklabels"] is True
    assert [a["text"] for a in chart.layout["annotations"]] == list("ABCDE")
    chart.add_scatter(x=[1], y=[2], **position_of(4))
    assert (chart.data[0]["xaxis"], chart.data[0]["yaxis"]) == ("x5", "y5")


def test_axis_updates_reach_every_panel_and_titles_become_objects():
    chart, _, _ = panel_grid(["A", "B"])
    chart.update_xaxes(title="Aika", gridcolor="#eee")
    assert chart.layout["xaxis"]["title"] == {"text": "Aika"}
    assert chart.layout["xaxis2"]["gridcolor"] == "#eee"
    assert "xaxis3" not in chart.layout


def test_hline_is_a_shape_across_its_panel_with_a_label():
    chart = Chart(columns=2)
    chart.add_hline(y=100, line={"color": "red"}, annotation_text="Budjetti", annotation_position="top left", row=1, col=2)
    assert chart.layout["shapes"] == [
        {"type": "line", "xref": "x2 domain", "x0": 0, "x1": 1, "yref": "y2", "y0": 100, "y1": 100, "line": {"color": "red"}}
    ]
    label = chart.layout["annotations"][0]
    assert (label["text"], label["x"], label["xanchor"], label["y"]) == ("Budjetti", 0, "left", 100)


def test_a_chart_serialises_as_plotly_json():
    chart = Chart().add_bar(x=["a"], y=[1]).update_layout(height=300)
    served = json.loads(to_json_plotly(chart))
    assert served["data"] == [{"type": "bar", "x": ["a"], "y": [1]}]
    assert served["layout"]["height"] == 300 and served["layout"]["margin"]["l"] > 0  # room for the labels


def test_table_description_keeps_text_as_text():
    spec = data_table(
        [{"name": "<b>Kotka</b>", "n": 6}, {"name": "Yhteensä", "n": 6}],
        [TableColumn("name", "Kunta"), TableColumn("n", "Osallistujat", str, numeric=True)],
        "Kuvateksti",
        total_last=True,
    )
    assert spec["head"] == [{"text": "Kunta"}, {"text": "Osallistujat", "class": "num"}]
    # A plain cell is its text (drawn with textContent in the browser) and takes its column's class.
    assert spec["rows"][0]["cells"] == ["<b>Kotka</b>", "6"]
    assert spec["rows"][1]["class"] == "total-row"
    assert cell([part("5", "strong"), part(" / 9", class_name="target")], "num") == {
        "parts": [{"tag": "strong", "text": "5"}, {"tag": "span", "text": " / 9", "class": "target"}],
        "class": "num",
    }
    assert table("c", [], [row([cell("x", header=True)])], "matrix")["class"] == "matrix"
    assert message("Valitse alue") == {"message": "Valitse alue"}


def test_page_view_is_computed_once_per_view(tiny):
    first = page_view(finance_page.view, tiny, ViewFilters(implementer="a"))
    assert page_view(finance_page.view, tiny, ViewFilters(implementer="a")) is first
    # The default as-of date and an explicit one naming the same day are the same view.
    latest = default_as_of(tiny.store)
    assert page_view(finance_page.view, tiny, ViewFilters(implementer="a", as_of=latest)) is first
    assert page_view(finance_page.view, tiny, ViewFilters(implementer="b")) is not first
    assert page_view(finance_page.view, tiny, ViewFilters(implementer="a", lang="en")) is not first


def test_warm_up_computes_every_view_for_the_project_and_each_area(tiny):
    assert warmup.warm(tiny) == (1 + 2) * len(warmup.VIEWS)  # the whole project and areas a and b
    assert page_view(finance_page.view, tiny, ViewFilters()) is page_view(finance_page.view, tiny, ViewFilters())


def _burn_inputs(count: int):
    """count implementers; t05 is off track, t11 to watch, the rest on track with growing variance."""
    ids = [f"t{n:02d}" for n in range(count)]
    statuses = {"t05": "off_track", "t11": "watch"}
    forecasts = pd.DataFrame(
        {
            "implementer_id": ids,
            "area": [f"Alue {n}" for n in range(count)],
            "status": [statuses.get(i, "on_track") for i in ids],
            "budget_eur": 1000.0,
            "variance_at_completion_eur": [float(n) for n in range(count)],
            "spent_eur": 100.0,
            "forecast_eur": 900.0,
            "forecast_low_eur": 800.0,
            "forecast_high_eur": 1000.0,
            "as_of": dt.date(2017, 6, 30),
            "end": dt.date(2018, 12, 31),
        }
    )
    planned = pd.DataFrame({"implementer_id": ids, "day": pd.Timestamp("2016-01-01"), "planned_eur": 0.0})
    actual = pd.DataFrame({"implementer_id": ids, "day": pd.Timestamp("2017-06-30"), "actual_eur": 100.0})
    return planned, actual, forecasts


def test_small_multiples_draw_every_implementer_when_they_fit():
    chart = burn_small_multiples(*_burn_inputs(MAX_PANELS), "fi")
    assert len(chart.layout["annotations"]) == MAX_PANELS
    assert "<br>" not in chart.layout["title"]["text"]


def test_small_multiples_of_a_national_programme_show_those_furthest_from_plan_and_say_so():
    chart = burn_small_multiples(*_burn_inputs(300), "en")
    titles = [a["text"] for a in chart.layout["annotations"]]
    assert len(titles) == MAX_PANELS
    # Off track first, then watch, then the largest variances at completion.
    assert titles[0].startswith("Alue 5 ·") and titles[1].startswith("Alue 11 ·")
    assert [t.split(" ·")[0] for t in titles[2:4]] == ["Alue 299", "Alue 298"]
    assert f"{MAX_PANELS} of 300 shown" in chart.layout["title"]["text"]


def test_warnings_list_shows_the_first_fifty_and_counts_the_rest():
    found = [{"kind": "year_over_budget", "implementer_id": "a", "year": 2017, "budget_eur": 1.0, "actual_eur": 2.0}] * 130
    items = finance_page.warnings_list(found, {"a": "Alue A"}, "fi").children
    assert len(items) == finance_page.MAX_WARNINGS + 1
    assert items[-1].children == "… ja 80 muuta: latauksessa ovat kaikki."


def test_participant_multiples_show_those_furthest_behind_their_targets():
    ids = [f"t{n:02d}" for n in range(20)]
    # Each has entered (n + 1) × 10 of a target of 200; t07's count is hidden (1-4 people): furthest behind.
    monthly = pd.DataFrame(
        {
            "day": pd.Timestamp("2017-06-30"),
            "implementer_id": ids,
            "entered": [float("nan") if i == "t07" else (n + 1) * 10.0 for n, i in enumerate(ids)],
        }
    )
    chart = implementer_multiples(
        monthly, {i: f"Alue {i}" for i in ids}, dict.fromkeys(ids, 200.0), dt.date(2016, 1, 1), dt.date(2018, 12, 31), "en"
    )
    titles = [a["text"] for a in chart.layout["annotations"]]
    assert titles == ["Alue t07", *(f"Alue t{n:02d}" for n in range(MAX_PANELS) if n != 7)]
    assert "12 of 20 shown" in chart.layout["title"]["text"]


def test_left_margin_is_reserved_for_the_tick_labels_so_plotly_draws_once():
    names = Chart().add_bar(y=["SONet BOTNIA", "Socca"], x=[1, 2], orientation="h")
    numbers = Chart().add_scatter(x=[1, 2], y=[10.0, 2_400_000.0])
    numbers.update_yaxes(tickformat=",.0f", ticksuffix=" €")
    small = Chart().add_scatter(x=[1, 2], y=[3, 40])
    margins = {name: chart.to_plotly_json()["layout"]["margin"]["l"] for name, chart in
               {"names": names, "numbers": numbers, "small": small}.items()}  # fmt: skip
    assert margins["names"] >= 12 * 9  # "SONet BOTNIA": 12 characters
    assert margins["numbers"] >= len("3 000 000 €") * 8  # the top tick may lie above the data
    assert margins["small"] < 50
    roomy = Chart().add_scatter(x=[1], y=[5]).update_layout(margin={"l": 200})
    assert roomy.to_plotly_json()["layout"]["margin"]["l"] == 200  # more room asked for is kept


def test_left_margin_of_small_multiples_follows_the_left_column():
    chart, position_of, _ = panel_grid(list("ABCDE"))
    chart.add_scatter(x=[1], y=[5], **position_of(0))
    chart.add_scatter(x=[1], y=[99_000_000], **position_of(1))  # second column: its labels sit inside
    assert chart.to_plotly_json()["layout"]["margin"]["l"] < 40
    chart, position_of, _ = panel_grid(list("ABCDE"))
    chart.add_scatter(x=[1], y=[5], **position_of(0))
    chart.add_scatter(x=[1], y=[99_000_000], **position_of(4))  # first column, second row
    assert chart.to_plotly_json()["layout"]["margin"]["l"] >= len("120 000 000") * 8


def test_dates_reach_plotly_as_the_text_its_encoder_would_write():
    days = pd.Series(pd.to_datetime(["2018-06-30", None, "2016-01-01"]))
    chart = Chart().add_scatter(x=days, y=[1, 2, 3])
    assert chart.data[0]["x"] == ["2018-06-30T00:00:00", None, "2016-01-01T00:00:00"]
    assert to_json_plotly(chart.data[0]["x"]) == to_json_plotly(days)
