"""The participants page's callback as a function, and its exports, on the tiny world."""

from __future__ import annotations

import dashboard.pages  # noqa: F401 - registers the exports
from dashboard.exports import EXPORTS, finnish_csv
from dashboard.pages import participants as page
from dashboard.url_state import ViewFilters


def test_view_shows_totals_and_hides_small_counts(tiny):
    shown = page.view(tiny, ViewFilters())
    assert shown["kpi-total"] == "10"  # the scope's total is always shown
    assert shown["kpi-women"] == "<5"  # 6 women, but 10 − 6 would give away the 4 men and others
    assert shown["kpi-left"] == "<5"  # 3 people
    matrix = str(shown["matrix"])
    assert "<5" in matrix and "/ 20" in matrix  # grand total target


def test_share_of_target_is_never_shown_for_a_hidden_count(tiny):
    matrix = str(page.view(tiny, ViewFilters())["matrix"])
    # under-25 unemployed: 3 of target 8 would be "38 %" and give the 3 back
    assert "38" not in matrix


def test_indicator_export_writes_hidden_cells_as_under_five(tiny):
    frame, stem = EXPORTS["participants-indicators"](tiny, ViewFilters())
    text = finnish_csv(frame)
    assert stem == "esr-indikaattorit-2021-02-28"
    assert text.splitlines()[1].startswith("CO01;Työttömät, myös pitkäaikaistyöttömät;")
    assert "<5" in text
    assert len(frame) == 21  # 15 indicators and 6 rows that keep unknown values visible


def test_person_day_export(tiny):
    frame, _ = EXPORTS["person-days"](tiny, ViewFilters())
    assert frame.iloc[-1].tolist()[:3] == ["Yhteensä", 8, 30]
