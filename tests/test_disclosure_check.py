"""The reader played by dashboard/disclosure_check.py: it finds what it must (a hand-made table
that gives a count away), and finds nothing in any participant download of the demo."""

from __future__ import annotations

import datetime as dt

import dashboard.pages  # noqa: F401 - registers the downloads
from dashboard.disclosure_check import Findings, _solve, check_downloads
from dashboard.url_state import ViewFilters


def test_it_finds_a_count_given_away_and_a_false_protecting_mark():
    found = Findings()
    grid = [["CO05", "7", "14", ".."], ["CO01", "<5", "30", "32"]]
    _solve(grid, [[(0, 1), (0, 2), (0, 3)], [(1, 1), (1, 2), (1, 3)]], 5, "hand-made", found)
    assert found.revealed == ["hand-made: row 1 (CO05), column 4: .. = 21", "hand-made: row 2 (CO01), column 2: <5 = 2"]


def test_it_finds_nothing_where_both_parts_of_a_line_are_hidden():
    found = Findings()
    grid = [["a", "<5", "..", "40"]]
    _solve(grid, [[(0, 1), (0, 2), (0, 3)]], 5, "hand-made", found)
    assert found.revealed == []


def test_no_participant_download_of_the_demo_gives_anything_away(demo):
    views = [
        ViewFilters(),
        ViewFilters(as_of=dt.date(2017, 6, 30)),
        ViewFilters(implementer="socca"),
        ViewFilters(region="Uusimaa"),
    ]
    views += [ViewFilters(municipalities=("Tampere", "Helsinki")), ViewFilters(lang="en")]
    found = check_downloads(demo, views)
    assert found.revealed == []
    assert found.tables == 4 * len(views) and found.small_marks > 100 and found.protecting_marks > 10  # it had work to do


def test_no_participant_download_of_the_esr_plus_example_gives_anything_away():
    """Three gender columns, one of them tiny (three non-binary participants): no download lets a
    reader work out a small count or a false ".." mark, in any scope."""
    from dashboard.config import ROOT
    from dashboard.ingest.load import load_project

    example = ROOT / "data" / "examples" / "esr_plus"
    result = load_project(example / "plan", example / "extracts")
    views = [ViewFilters(), ViewFilters(implementer="polku"), ViewFilters(region="Pohjanmaa"), ViewFilters(lang="en")]
    views += [ViewFilters(as_of=dt.date(2025, 6, 30)), ViewFilters(municipalities=("Vaasa", "Kokkola"))]
    found = check_downloads(result, views)
    assert found.revealed == []
    assert found.tables == 4 * len(views) and found.small_marks > 50 and found.protecting_marks > 10
