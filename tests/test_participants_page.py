"""The participants page's callback as a function, and its exports, on the tiny world."""

from __future__ import annotations

import dashboard.pages  # noqa: F401 - registers the exports
from dashboard.components.charts import outputs_hiding_comparisons
from dashboard.exports import EXPORTS, finnish_csv
from dashboard.pages import participants as page
from dashboard.url_state import ViewFilters
from queries.withheld import is_withheld


def test_view_shows_totals_and_hides_small_counts(tiny):
    shown = page.view(tiny, ViewFilters())
    assert shown["kpi-total"] == "10"  # the scope's total is always shown
    assert shown["kpi-women"] == ".."  # 6 women, hidden: 10 − 6 would give away the 4 men and others
    assert shown["kpi-left"] == "<5"  # 2 people (p3, q2; p1 came back and is active)
    assert shown["kpi-active"] == ".."  # 8, hidden: 10 − 8 would give the 2 away
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


def _outputs(shown_now: dict) -> list:
    return outputs_hiding_comparisons(shown_now, page.OUTPUTS, page.COMPARING)


def test_charts_comparing_implementers_are_hidden_and_not_redrawn_for_one_implementer(tiny):
    from dash import no_update

    hidden_at = [len(page.OUTPUTS), len(page.OUTPUTS) + 1]
    keys = list(page.OUTPUTS)
    whole = _outputs(page.view(tiny, ViewFilters()))
    assert [whole[i] for i in hidden_at] == [False, False]
    assert whole[keys.index("multiples")] is not no_update
    one = _outputs(page.view(tiny, ViewFilters(implementer="a")))
    assert [one[i] for i in hidden_at] == [True, True]
    assert one[keys.index("multiples")] is no_update and one[keys.index("days-implementers")] is no_update
    assert one[keys.index("cumulative")] is not no_update  # the scope's own charts are drawn
    # A municipality served by one implementer is one implementer's view too.
    town = _outputs(page.view(tiny, ViewFilters(municipalities=("Aburg",))))
    assert [town[i] for i in hidden_at] == [True, True]


def test_split_table_rows_are_each_values_cells_by_name_in_the_order_asked(tiny):
    from queries.participants import GRAND, SPLITS, key

    _, stats = page._stats(tiny, ViewFilters())
    towns = list(reversed(stats.municipalities))  # another order than the protection's own
    rows = page.split_rows(stats, "muni", towns, {towns[0]: "First"})
    assert [name for name, _, _ in rows] == ["First", *towns[1:], None]
    for town, (_, counts, total) in zip(towns, rows, strict=False):
        assert counts == [stats.view.value(key(muni=town, **{d: v})) for d, v in SPLITS]
        assert total == stats.view.value(key(muni=town))
    assert rows[-1][2] == stats.view.value(GRAND)
    assert len(towns) > 1 and any(is_withheld(c) for _, counts, _ in rows for c in counts)  # something hidden to place


def test_a_long_split_table_shows_the_largest_first_and_says_the_download_has_all(demo, monkeypatch):
    from queries.participants import key

    _, stats = page._stats(demo, ViewFilters())
    towns = stats.municipalities
    monkeypatch.setattr(page, "MAX_SPLIT_ROWS", 30)
    spec = page.split_table(stats, "muni", towns, {}, "fi", "Henkilöitä")
    names = [row["cells"][0]["text"] for row in spec["rows"]]
    # A hidden count (withheld: "<5" or "..") ranks below every shown one, and hidden ones by name.
    ranked = sorted(towns, key=lambda town: (-(stats.view.value(key(muni=town)) or 0), town))
    assert names == [*ranked[:30], "Yhteensä"] and ranked[:30] != towns[:30]
    assert any(is_withheld(stats.view.value(key(muni=town))) for town in ranked[:30])  # hidden ones are among them
    assert spec["caption"].startswith("Henkilöitä. Näytetään") and "latauksessa ovat kaikki" in spec["caption"]
    assert f"{len(towns)}:sta ne 30," in spec["caption"]
    monkeypatch.setattr(page, "MAX_SPLIT_ROWS", len(towns))
    whole = page.split_table(stats, "muni", towns, {}, "fi", "Henkilöitä")
    assert [row["cells"][0]["text"] for row in whole["rows"]] == [*towns, "Yhteensä"] and whole["caption"] == "Henkilöitä"
    frame, _ = EXPORTS["participants-by-municipality"](demo, ViewFilters())
    assert len(frame) == len(towns) + 1  # the download has them all


def test_the_participants_slide_says_what_a_mark_means(tiny):
    """On the tiny world women (6 of 10) are hidden as ".." and the left (2) as "<5": the slide,
    like the page, says what each mark means."""
    from dashboard.pages import presentation

    text = str(presentation.slide(tiny, ViewFilters(), "participants"))
    assert ".." in text and ".. = piilotettu, jotta alle 5 henkilön lukua ei voi laskea" in text
    assert "<5 = 1–4 henkilöä" in text
