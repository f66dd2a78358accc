"""Plays a reader of the participant downloads: in every table, solves each row and column that
adds up with one hidden value, again and again, and reports what that reveals. Two rules must hold
in every file: no small count (1 … threshold−1) can be worked out, and no cell marked ".." (hidden
only to protect another) can be worked out either, or its mark would be false. Used by the tests
and by `scripts/check_marks.py` on a national-scale programme."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from dashboard.exports import EXPORTS, finnish_csv
from dashboard.url_state import ViewFilters
from queries.programmes import Programme, programme

SMALL_MARK, PROTECTING_MARK = "<", ".."


def tables(programme_of: Programme) -> dict[str, list[tuple]]:
    """Each participant download of a programme, and how its lines add up: (kind, first row, last
    row, first column, last column[, the columns picked]) of a grid whose last column is the row
    total and whose last row is the column total; "rows" tables add up along rows only. The columns
    follow the programme's gender columns and age groups."""
    genders, ages = len(programme_of.genders), len(programme_of.age_codes)
    total = genders + ages + 1  # a split table: name, genders, ages, total
    split = [
        ("grid", 0, None, 1, total, (*range(1, genders + 1), total)),
        ("grid", 0, None, 1, total + 1, tuple(range(genders + 1, total + 1))),
    ]
    return {
        # ages × statuses with totals; the women row
        "participants-matrix": [("grid", 0, ages + 1, 1, 6), ("row", ages + 1, ages + 2, 1, 6)],
        # the gender columns = total, per indicator (the target columns are not counts)
        "participants-indicators": [("rows", 0, None, 2, 2 + genders + 1)],
        "participants-by-implementer": split,
        "participants-by-municipality": split,
    }


TABLES = tables(programme())  # the default programme's


@dataclass
class Findings:
    tables: int = 0
    cells: int = 0
    small_marks: int = 0
    protecting_marks: int = 0
    revealed: list[str] = field(default_factory=list)  # what a reader could work out that must stay hidden

    def as_dict(self) -> dict:
        return {**self.__dict__, "revealed": self.revealed[:20], "revealed_count": len(self.revealed)}


def _value(cell: str) -> int | None:
    if cell.startswith(SMALL_MARK) or cell == PROTECTING_MARK or not cell:  # empty: not collected
        return None
    return int(float(cell.replace(",", ".")))


def _table_rows(text: str) -> list[list[str]]:
    """The table's rows without its header and without the legend under it."""
    table = text.lstrip("\ufeff").split("\r\n\r\n")[0]
    return list(csv.reader(io.StringIO(table), delimiter=";"))[1:]


def _solve(grid: list[list[str]], lines: list[list[tuple[int, int]]], threshold: int, where: str, found: Findings) -> None:
    """Each line: its cells, then its total. Solve lines with one unknown until nothing changes."""
    values = {(r, c): _value(grid[r][c]) for line in lines for r, c in line}
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [p for p in line if values[p] is None]
            if len(hidden) != 1:
                continue
            (r, c), total = hidden[0], line[-1]
            known = sum(values[p] for p in line[:-1] if values[p] is not None)
            values[(r, c)] = known if (r, c) == total else values[total] - known
            mark, value = grid[r][c], values[(r, c)]
            if mark == PROTECTING_MARK or 0 < value < threshold:
                found.revealed.append(f"{where}: row {r + 1} ({grid[r][0]}), column {c + 1}: {mark} = {value}")
            changed = True


def _lines(kind: str, rows: list[list[str]], spec) -> list[list[tuple[int, int]]]:
    _, first, last, begin, end, *picked = spec
    rows_range = range(first, len(rows) if last is None else last)
    columns = list(picked[0]) if picked else list(range(begin, end))
    lines = [[(r, c) for c in columns] for r in rows_range]
    if kind == "grid":
        lines += [[(r, c) for r in rows_range] for c in columns]
    return lines


def check_downloads(result, filters: list[ViewFilters]) -> Findings:
    threshold = result.threshold
    found = Findings()
    for view in filters:
        for name, specs in tables(programme(result.plan.project.get("programme"))).items():
            frame, _ = EXPORTS[name](result, view)
            rows = _table_rows(finnish_csv(frame))
            if name == "participants-matrix":  # the target rows are not counts
                rows = [r for r in rows if not r[0].endswith(("tavoite", "mål", "target"))]
            found.tables += 1
            for row in rows:
                for cell in row[1:]:
                    found.cells += 1
                    found.small_marks += cell.startswith(SMALL_MARK)
                    found.protecting_marks += cell == PROTECTING_MARK
            for spec in specs:
                kind = spec[0]
                lines = _lines("grid" if kind == "grid" else "rows", rows, spec)
                if kind == "row":
                    lines = lines[:1]
                _solve(rows, lines, threshold, f"{name} {view}", found)
    return found
