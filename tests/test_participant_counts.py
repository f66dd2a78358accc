"""The running participant counts (queries/participant_counts.py) on a hand-made world whose answers
are worked out by hand below: people with one entry (closed, open, ending the day it starts) and a
person with two overlapping entries in two regions, counted once where the entries are merged and by
each entry alone in each region and municipality."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.ingest.load import load_project
from queries import participant_counts
from queries.scope import Scope

HEADER = "participant_id,implementer_id,municipality,start_date,end_date,gender,age_at_start,labour_market_status"
ENTRIES = [
    "s1,a,Aburg,2020-08-01,2020-08-31,F,30,employed",  # North, closed
    "s2,a,Aburg,2020-08-01,,M,30,employed",  # North, open
    "s3,b,Bville,2020-09-15,2020-09-15,M,30,employed",  # South, ends the day it starts
    "m1,a,Aburg,2020-08-10,2020-09-10,F,30,employed",  # North, then South: one span 08-10 .. 10-31
    "m1,a,Cfield,2020-09-05,2020-10-31,F,30,employed",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from tests.conftest import TINY

    root = tmp_path_factory.mktemp("counts")
    (root / "extracts").mkdir()
    (root / "extracts" / "participants.csv").write_text("\n".join([HEADER, *ENTRIES]) + "\n", encoding="utf-8")
    result = load_project(TINY / "plan", root / "extracts")
    assert result.ok and not result.problems, [p.line() for p in result.problems]
    return result.store


@pytest.mark.parametrize(
    ("scope", "as_of", "people", "women"),
    [
        (Scope(), "2020-07-31", 0, 0),
        (Scope(), "2020-08-31", 3, 2),  # s1, s2, m1
        (Scope(), "2020-09-30", 4, 2),  # and s3; m1 once
        (Scope(implementer="b"), "2020-09-30", 1, 0),
        (Scope(region="North"), "2020-09-30", 3, 2),  # s1, s2, m1 by her Aburg entry
        (Scope(region="South"), "2020-08-31", 0, 0),  # m1's Cfield entry starts on 09-05
        (Scope(region="South"), "2020-09-30", 2, 1),  # s3, m1
        (Scope(municipalities=("Cfield",)), "2020-10-31", 1, 1),
        (Scope(municipalities=("Aburg", "Bville")), "2020-09-30", 4, 2),  # no one in both
    ],
)
def test_participants_counted_once_per_person_in_each_part(store, scope, as_of, people, women):
    summary = participant_counts.participants_summary(store, scope, dt.date.fromisoformat(as_of))
    assert summary == {"participants": people, "participants_women": women}


def test_who_had_entered_and_who_had_left_at_each_month_end(store):
    frame = participant_counts.participants_by_month(store, Scope(), dt.date(2020, 10, 31))
    got = {(row.implementer_id, row.day.date().isoformat()): (row.entered, row.has_left) for row in frame.itertuples()}
    # An entry that ends on a day has left by that day; s2 never leaves; m1's merged span ends 10-31.
    assert got == {
        ("a", "2020-07-31"): (0, 0),
        ("a", "2020-08-31"): (3, 1),  # s1 left
        ("a", "2020-09-30"): (3, 1),
        ("a", "2020-10-31"): (3, 2),  # and m1
        ("b", "2020-07-31"): (0, 0),
        ("b", "2020-08-31"): (0, 0),
        ("b", "2020-09-30"): (1, 1),  # s3, in and out on 09-15
        ("b", "2020-10-31"): (1, 1),
    }


def test_a_region_counts_the_person_by_her_entries_there(store):
    south = participant_counts.participants_by_month(store, Scope(region="South"), dt.date(2020, 10, 31))
    got = {(row.implementer_id, row.day.date().isoformat()): (row.entered, row.has_left) for row in south.itertuples()}
    assert got[("a", "2020-09-30")] == (1, 0)  # m1's Cfield entry is open on 09-30
    assert got[("a", "2020-10-31")] == (1, 1)
    north = participant_counts.participants_by_month(store, Scope(region="North"), dt.date(2020, 9, 30))
    got = {(row.implementer_id, row.day.date().isoformat()): (row.entered, row.has_left) for row in north.itertuples()}
    assert got[("a", "2020-09-30")] == (3, 2)  # s1, and m1 by her Aburg entry (ended 09-10)
