"""Participant statistics: every EU common indicator, the once-only rule, the 12.2 matrix and the
small-cell protection, against the tiny world's table in fixtures/tiny/README.md."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

import dashboard.pages  # noqa: F401 - importing the pages registers their CSV exports
from dashboard.exports import EXPORTS, finnish_csv
from dashboard.ingest.load import load_project
from dashboard.url_state import ViewFilters
from queries.participants import GRAND, Cube, Protected, cell_of, key, participant_stats
from queries.programmes import rule_of
from queries.summary import Scope
from queries.withheld import PROTECTING, SMALL, Withheld, is_withheld

AS_OF = dt.date(2021, 2, 28)


@pytest.fixture(scope="module")
def stats(tiny):
    return participant_stats(tiny.store, Scope(), AS_OF)


def count(stats, ind=None, **conditions):
    """The count of a key; `ind` names a row of the programme's indicator table (or ACTIVE, or the
    exit rows the page only adds up)."""
    cell = key(**conditions)
    if ind == "EXIT_job_seeking":
        cell |= cell_of(rule_of({"left": True, "exit": ["job_seeking"]}))
    elif ind is not None:
        cell |= key(ind=ind) if ind == "ACTIVE" else stats.row_cell(ind)
    return stats.view.cube.count(cell)


@pytest.mark.parametrize(
    ("indicator", "total", "women", "men", "other"),
    [
        ("CO02", 3, 1, 2, 0),
        ("CO02_unknown", 0, 0, 0, 0),
        ("CO03", 3, 2, 0, 1),
        ("CO08", 2, 1, 1, 0),
        ("ISCED0", 1, 1, 0, 0),
        ("CO09", 3, 3, 0, 0),
        ("CO10", 4, 2, 1, 1),
        ("CO11", 1, 0, 1, 0),
        ("ISCED_unknown", 1, 0, 1, 0),
        ("LEFT", 2, 2, 0, 0),  # p3 and q2; p1 left and came back: active, not also left
        ("CR01", 0, 0, 0, 0),
        ("CR02", 0, 0, 0, 0),
        ("CR03", 0, 0, 0, 0),
        ("CR04", 1, 1, 0, 0),
        ("EXIT_none", 1, 1, 0, 0),
        ("EXIT_unknown", 0, 0, 0, 0),
        ("ACTIVE", 8, 4, 3, 1),
    ],
)
def test_named_indicators(stats, indicator, total, women, men, other):
    assert [count(stats, ind=indicator, **g) for g in ({}, {"gender": "F"}, {"gender": "M"}, {"gender": "X"})] == [
        total,
        women,
        men,
        other,
    ]


def test_indicators_that_share_cells_with_the_12_2_table(stats):
    assert count(stats, status="unemployed") == 6 and count(stats, status="unemployed", gender="F") == 4  # CO01
    assert count(stats, status="outside_labour_market") == 2  # CO04
    assert count(stats, status="employed") == 1  # CO05
    assert count(stats, age="under_25") == 3  # CO06
    assert count(stats, age="over_54") == 2  # CO07
    assert count(stats) == 10


def test_12_2_matrix_cells(stats):
    assert count(stats, status="unemployed", age="under_25") == 3  # p1, p2, q1
    assert count(stats, status="unemployed", age="25_29") == 1  # q4
    assert count(stats, status="outside_labour_market", age="over_54") == 1  # q2
    assert count(stats, status="in_education", age="30_54") == 1  # p6
    assert stats.target(GRAND) == 20 and stats.target(key(gender="F")) == 10
    assert stats.target(key(status="unemployed", age="under_25")) == 8


def test_once_only_first_entry_characteristics_last_exit_result(tiny_copy):
    """p1 re-enters as an employed 20-year-old and leaves again on 15.2.2021, into work."""
    path = tiny_copy / "extracts" / "participants.csv"
    text = path.read_text().replace(
        "p1,a,Aburg,2020-12-01,,F,19,unemployed,true,2,", "p1,a,Aburg,2020-12-01,2021-02-15,F,20,employed,false,2,employed"
    )
    path.write_text(text)
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    stats = participant_stats(result.store, Scope(), AS_OF)
    assert count(stats) == 10  # p1 still once
    assert count(stats, status="unemployed") == 6 and count(stats, status="employed") == 1  # from the first entry
    assert count(stats, ind="CR04") == 2  # p1's last exit: employed (with p3)
    assert count(stats, ind="EXIT_job_seeking") == 0  # the earlier exit does not count
    assert count(stats, ind="ACTIVE") == 7


def test_unknown_values_have_rows_of_their_own(tiny_copy):
    path = tiny_copy / "extracts" / "participants.csv"
    path.write_text(
        path.read_text().replace(
            "q2,b,Cfield,2020-10-01,2021-02-01,F,60,outside_labour_market,,0,none",
            "q2,b,Cfield,2020-10-01,2021-02-01,F,60,outside_labour_market,,0,",
        )
    )
    stats = participant_stats(load_project(tiny_copy / "plan", tiny_copy / "extracts").store, Scope(), AS_OF)
    assert count(stats, ind="EXIT_unknown") == 1 and count(stats, ind="EXIT_none") == 0


def test_secondary_suppression_on_a_hand_made_table():
    """unemployed: F 10, M 3 (=13); employed: F 7, M 8 (=15); women 17, men 11; all 28. M-unemployed
    (3) must be hidden so that no combination of the shown cells pins it down. Checked independently
    of the algorithm: every assignment of the hidden cells that agrees with what is shown is tried."""
    import itertools

    profile = pd.DataFrame(
        {
            "labour_market_status": ["unemployed", "unemployed", "employed", "employed"],
            "gender": ["F", "M", "F", "M"],
            "participants": [10, 3, 7, 8],
        }
    )
    view = Protected(Cube(profile), threshold=5)
    inner = {(s, g): key(status=s, gender=g) for s in ("unemployed", "employed") for g in ("F", "M")}
    margins = {"U": key(status="unemployed"), "E": key(status="employed"), "F": key(gender="F"), "M": key(gender="M")}
    view.show(GRAND, *inner.values(), *margins.values())
    for s in ("unemployed", "employed"):
        view.equate(key(status=s), [inner[(s, "F")], inner[(s, "M")]])
    for g in ("F", "M"):
        view.equate(key(gender=g), [inner[("unemployed", g)], inner[("employed", g)]])
    view.equate(GRAND, [margins["U"], margins["E"]])
    view.equate(GRAND, [margins["F"], margins["M"]])
    view.protect()
    assert view.leaks() == [] and view.value(GRAND) == 28
    shown = {name: view.value(cell) for name, cell in [*inner.items(), *margins.items()]}
    assert shown[("unemployed", "M")] == Withheld(SMALL, 5)  # the 3 itself: "<5"
    others = [v for name, v in shown.items() if is_withheld(v) and name != ("unemployed", "M")]
    assert others and all(v == Withheld(PROTECTING, 5) for v in others)  # hidden to protect it: ".."
    shown = {name: None if is_withheld(v) else v for name, v in shown.items()}
    possible = set()
    for uf, um, ef, em in itertools.product(range(29), repeat=4):
        world = {
            ("unemployed", "F"): uf,
            ("unemployed", "M"): um,
            ("employed", "F"): ef,
            ("employed", "M"): em,
            "U": uf + um,
            "E": ef + em,
            "F": uf + ef,
            "M": um + em,
        }
        if uf + um + ef + em == 28 and all(v is None or world[k] == v for k, v in shown.items()):
            possible.add(um)
    assert len(possible) > 1  # the hidden 3 is not pinned down
    assert sum(v is not None for v in shown.values()) >= 2  # and the table still says something


def test_a_cell_hidden_to_protect_another_is_shown_again_when_its_neighbours_give_it_away():
    """CO05 = women + men: with both parts shown, a total hidden by an earlier step protects nothing,
    and its mark would claim a hidden count (the page read women 7, men 14, total "<5")."""
    profile = pd.DataFrame({"labour_market_status": ["employed", "employed"], "gender": ["F", "M"], "participants": [7, 14]})
    view = Protected(Cube(profile), threshold=5)
    employed, women, men = key(status="employed"), key(status="employed", gender="F"), key(status="employed", gender="M")
    view.show(employed, women, men)
    view.equate(employed, [women, men])
    view.suppressed = {view._id(employed)}  # as a step that hid it to break another chain would leave it
    view._release_given_away()
    assert view.value(employed) == 21


def test_no_cell_stays_hidden_that_its_neighbours_give_away(demo):
    for filters in (ViewFilters(), ViewFilters(implementer="socca"), ViewFilters(implementer="pikassos")):
        from dashboard.view import scope_for

        scope = scope_for(demo, filters)
        view = participant_stats(demo.store, scope, scope.as_of).view
        known, _ = view._derive()
        assert not [c for c in view.suppressed & known if not view._small(c)]
        assert any(not view._small(c) for c in view.suppressed)  # some cells do protect others


@pytest.mark.parametrize(
    "filters",
    [
        ViewFilters(),
        ViewFilters(implementer="socom"),
        ViewFilters(region="Pirkanmaa"),
        ViewFilters(municipalities=("Tampere", "Helsinki")),
        ViewFilters(as_of=dt.date(2017, 1, 31)),
    ],
)
def test_no_protected_view_leaves_a_leak(demo, filters):
    from dashboard.view import scope_for

    scope = scope_for(demo, filters)
    view = participant_stats(demo.store, scope, scope.as_of).view
    assert view.leaks() == []
    assert not [c for c in view.displayed if c not in view.suppressed and c != view.grand and 0 < view._counts[c] < 5]


def _table(frame: pd.DataFrame) -> list[list[str]]:
    return list(csv.reader(io.StringIO(finnish_csv(frame).lstrip("\ufeff")), delimiter=";"))


HIDDEN_MARKS = ("<5", "..")  # a small count; a count hidden only to protect one


def _number(cell: str) -> int | None:
    return None if cell in HIDDEN_MARKS else int(float(cell.replace(",", ".")))


def _solved(value: int, was: str, where) -> None:
    """A worked-out hidden cell: never a small count, and never one marked as hidden to protect
    another (if the cells beside it give it away, hiding it protects nothing and the mark is false)."""
    assert not 0 < value < 5, where
    assert was != "..", ("a protecting cell is given away", where, value)


def _attack(lines: list[list[str]]) -> None:
    """Play the reader: in lines that must add up (cells, then their total), solve any line with one
    hidden value, again and again (solved values help other lines). No solved value may be 1–4, and
    every fully known line must add up."""
    values = {}  # (line index, position) -> value; the same cell may stand in two lines
    marks = [list(line) for line in lines]
    cells = [[_number(c) for c in line] for line in lines]
    changed = True
    while changed:
        changed = False
        for line, marked in zip(cells, marks, strict=True):
            hidden = [i for i, v in enumerate(line) if v is None]
            if len(hidden) == 1:
                i = hidden[0]
                known = sum(v for v in line[:-1] if v is not None)
                line[i] = line[-1] - known if i < len(line) - 1 else known
                _solved(line[i], marked[i], (line, i))
                changed = True
    for line in cells:
        if None not in line:
            assert sum(line[:-1]) == line[-1], line
    values.clear()


def _attack_grid(rows: list[list[str]], first: int, last: int) -> None:
    """A table whose last column is the row total and whose last row is the column total: rows and
    columns are attacked together, a value solved in a row helping its column and back."""
    grid = [[_number(c) for c in r[first:last]] for r in rows]
    changed = True
    while changed:
        changed = False
        lines = [[(r, c) for c in range(len(grid[0]))] for r in range(len(grid))]
        lines += [[(r, c) for r in range(len(grid))] for c in range(len(grid[0]))]
        for line in lines:
            hidden = [p for p in line if grid[p[0]][p[1]] is None]
            if len(hidden) == 1:
                r, c = hidden[0]
                known = sum(grid[a][b] for a, b in line[:-1] if grid[a][b] is not None)
                grid[r][c] = grid[line[-1][0]][line[-1][1]] - known if hidden[0] != line[-1] else known
                _solved(grid[r][c], rows[r][first + c], (rows[r][0], c, grid[r][c]))
                changed = True
    for line in [[(r, c) for c in range(len(grid[0]))] for r in range(len(grid))]:
        if all(grid[a][b] is not None for a, b in line):
            assert sum(grid[a][b] for a, b in line[:-1]) == grid[line[-1][0]][line[-1][1]]


@pytest.mark.parametrize(
    "filters",
    [ViewFilters(), ViewFilters(implementer="socca"), ViewFilters(region="Uusimaa"), ViewFilters(as_of=dt.date(2017, 3, 31))],
)
def test_no_downloaded_table_gives_a_hidden_count_away_by_subtraction(demo, filters):
    matrix = _table(EXPORTS["participants-matrix"](demo, filters)[0])
    counts = [r for r in matrix[1:] if not r[0].endswith("tavoite")]  # age rows, total row, women row
    _attack_grid(counts[:5], 1, 6)  # ages × statuses with row and column totals
    _attack([counts[5][1:]])  # the women row and its total
    indicators = _table(EXPORTS["participants-indicators"](demo, filters)[0])
    _attack([r[2:5] for r in indicators[1:]])  # women + men and others = total
    for name in ("participants-by-implementer", "participants-by-municipality"):
        body = _table(EXPORTS[name](demo, filters)[0])[1:]
        _attack_grid([[*r[0:3], r[7]] for r in body], 1, 4)  # genders, with the total row
        _attack_grid([[r[0], *r[3:8]] for r in body], 1, 6)  # age groups, with the total row
    assert "<5" in "".join(";".join(r) for r in matrix)  # the check above had something to check


HIDDEN_CELLS_SCRIPT = """
import json
from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.ingest.load import load_project
from dashboard.url_state import ViewFilters
from dashboard.view import scope_for
from queries.participants import participant_stats

demo = load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR)
hidden = {}
for implementer in [None, *demo.plan.tables["implementers"]["implementer_id"]]:
    scope = scope_for(demo, ViewFilters(implementer=implementer))
    view = participant_stats(demo.store, scope, scope.as_of).view
    hidden[str(implementer)] = sorted(c.hex() for c in view.suppressed)
print(json.dumps(hidden))
"""


def test_every_server_process_hides_the_same_cells():
    """Python seeds its set order per process; gunicorn workers (and a reload) must still hide the
    same cells, or two answers side by side would give hidden counts away."""
    import json
    import os
    import subprocess
    import sys

    from dashboard.config import ROOT

    runs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", HIDDEN_CELLS_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    assert runs[0] == runs[1] == runs[2]
    assert sum(len(cells) for cells in runs[0].values()) > 0  # there is something hidden to agree on


def test_marks_carry_their_legend_in_the_page_and_the_download(demo, monkeypatch):
    """ "<5" and ".." mean different things: every table with a mark says which, and so does the file."""
    from dashboard import state
    from dashboard.exports import download_for
    from dashboard.pages import participants as page

    shown = page.view(demo, ViewFilters())
    for name in ("matrix", "indicators", "by-implementer", "by-municipality"):
        cells = [c if isinstance(c, str) else c.get("text", "") for r in shown[name]["rows"] for c in r["cells"]]
        parts = [p["text"] for r in shown[name]["rows"] for c in r["cells"] if isinstance(c, dict) for p in c.get("parts", [])]
        marks = {m for m in ("<5", "..") if m in cells + parts}
        legend = [n.split(" = ")[0] for n in shown[name].get("notes", []) if n.startswith(("<5 = ", ".. = "))]
        assert legend == [m for m in ("<5", "..") if m in marks], name
    assert "1–4" in str(shown["protection"])  # the method note, with the plan's threshold
    monkeypatch.setattr(state, "current", lambda: demo)
    seen = set()
    for name in ("participants-matrix", "participants-indicators", "participants-by-implementer", "participants-by-municipality"):
        text = download_for(EXPORTS[name], ViewFilters(as_of=dt.date(2017, 6, 30)))["content"]
        table, _, legend = text.partition("\r\n\r\n")
        cells = {c for line in table.splitlines() for c in line.split(";")}
        marks = [m for m in ("<5", "..") if m in cells]
        assert [line.split(" = ")[0] for line in legend.splitlines() if line.startswith(("<5 = ", ".. = "))] == marks, name
        seen.update(marks)
    assert seen == {"<5", ".."}  # both marks were there to check
    sv = download_for(EXPORTS["participants-matrix"], ViewFilters(lang="sv", as_of=dt.date(2017, 6, 30)))["content"]
    assert "<5 = 1–4 personer" in sv


def test_the_marks_follow_the_plans_threshold(tiny):
    from dashboard import formatting as fmt

    assert fmt.count(Withheld(SMALL, 10), "fi") == "<10"
    assert fmt.withheld_notes([3, Withheld(SMALL, 10)], "en") == ["<10 = 1–9 people (small count hidden)"]
    assert fmt.count(Withheld(PROTECTING, 10), "fi") == ".."


@pytest.mark.parametrize(
    "filters",
    [ViewFilters(), ViewFilters(implementer="socca"), ViewFilters(region="Pirkanmaa"), ViewFilters(as_of=dt.date(2017, 6, 30))],
)
def test_active_and_left_on_the_page_add_up_to_the_participants(demo, filters):
    from dashboard.pages import participants as page

    shown = page.view(demo, filters)
    number = lambda text: int(text.replace("\u00a0", ""))  # noqa: E731
    assert number(shown["kpi-active"]) + number(shown["kpi-left"]) == number(shown["kpi-total"])


def test_a_split_that_does_not_add_up_says_why(demo):
    """Municipality rows count a person in each municipality they had entries in, and hide small
    counts: the table says what its shown counts add up to, how many are hidden, and the rule."""
    from dashboard.pages import participants as page

    shown = page.view(demo, ViewFilters())
    notes = shown["by-municipality"]["notes"]
    scope = ViewFilters()
    stats = participant_stats(demo.store, Scope(as_of=demo_as_of(demo)), demo_as_of(demo))
    _, (totals, *_) = stats.view.split_columns("muni")
    shown_sum = sum(v for v in totals if isinstance(v, int))
    hidden = sum(is_withheld(v) for v in totals)
    assert shown_sum != 507 and hidden > 0 and scope.implementer is None
    assert any(
        f"yhteensä {shown_sum}, osallistujia on 507. {hidden} lukua on piilotettu" in n.replace("\u00a0", "") for n in notes
    )
    assert any("useassa kunnassa" in n for n in notes)
    # The implementers' rows add up (a person belongs to one implementer): no such note.
    assert not [n for n in shown["by-implementer"].get("notes", []) if "yhteensä" in n]


def demo_as_of(demo):
    from dashboard.view import scope_for

    return scope_for(demo, ViewFilters()).as_of
