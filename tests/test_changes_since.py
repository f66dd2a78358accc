"""`summary --json --since DATE` (contract v2): each headline figure's change since a date, by hand
on the tiny world (tests/fixtures/tiny: project 1.7.2020–30.6.2021, threshold 5, flat rate 20 %)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from dashboard.config import ROOT
from queries.summary import Scope, changes_since
from tests.conftest import TINY


def test_since_a_date_inside_the_project(tiny):
    # After 31.10.2020: salaries 300 + 100 + 100 (flat rate +100), revenue −20; three people entered
    # (p6, q3, q4: fewer than 5, so withheld); person-days 3 + 1,5.
    assert changes_since(tiny.store, Scope(), dt.date(2020, 10, 31)) == {
        "date": "2020-10-31",
        "spent_eur": 580.0,
        "participants": None,
        "person_days": {"total": 4.5},
    }


def test_since_before_the_start_is_everything_and_after_the_as_of_date_nothing(tiny):
    # Everything: salaries 700 (+140 flat rate), 50 − 10 + 25,50 other, −20 revenue; 10 people; 8 days.
    assert changes_since(tiny.store, Scope(), dt.date(2020, 1, 1)) == {
        "date": "2020-01-01",
        "spent_eur": 885.5,
        "participants": 10,
        "person_days": {"total": 8},
    }
    later = changes_since(tiny.store, Scope(as_of=dt.date(2021, 2, 28)), dt.date(2021, 5, 1))
    assert later == {"date": "2021-02-28", "spent_eur": 0.0, "participants": 0, "person_days": {"total": 0}}


def test_for_one_implementer(tiny):
    # Implementer a since 31.8.2020: 50 − 10 + 25,50 − 20 + 100 (+20 flat rate); p3, p4, p5, p6
    # entered; person-days 2,5 + 1.
    assert changes_since(tiny.store, Scope(implementer="a"), dt.date(2020, 8, 31)) == {
        "date": "2020-08-31",
        "spent_eur": 165.5,
        "participants": None,
        "person_days": {"total": 3.5},
    }


def test_the_command_line_adds_the_changes():
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "summary", "--json", "--plan", str(TINY / "plan"), "--extracts",
         str(TINY / "extracts"), "--since", "31.10.2020"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["changes_since"]["date"] == "2020-10-31" and figures["changes_since"]["spent_eur"] == 580.0
    assert "changes_since" not in json.loads(
        subprocess.run(
            [sys.executable, "-m", "dashboard", "summary", "--json", "--plan", str(TINY / "plan"), "--extracts", str(TINY / "extracts")],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        ).stdout
    )  # fmt: skip
