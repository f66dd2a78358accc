"""The programme's indicators as the summary gives them (contract v2, `summary --json`):
{code: {"total", "F", "M", "X"}} for every indicator code, from the same protected view as the
participants page, so that no number here undoes a cell hidden there."""

from __future__ import annotations

import datetime as dt

from queries.participants import ParticipantStats, cell_of, key, participant_stats
from queries.scope import Scope
from queries.store import Store
from queries.withheld import is_withheld


def indicator_figures(store: Store, scope: Scope, as_of: dt.date) -> dict[str, dict[str, int | None]]:
    stats = participant_stats(store, scope, as_of)
    return {row.code: _figures(stats, row.code) for row in stats.programme.rows if row.indicator}


def _figures(stats: ParticipantStats, code: str) -> dict[str, int | None]:
    if not stats.is_collected(code):  # no one was asked: not a zero
        return dict.fromkeys(("total", "F", "M", "X"))
    cell = cell_of(stats.programme.row(code).rule)
    shown = lambda at: None if is_withheld(value := stats.view.value(at)) else int(value)  # noqa: E731
    found = {"total": shown(cell), "F": shown(cell | key(gender="F"))}
    if "MX" not in stats.programme.genders:
        return found | {g: shown(cell | key(gender=g)) for g in ("M", "X")}
    # A programme that shows men together with "other or not told" (2014–2020) splits them only
    # where no one of the cell told other: then the men are the column shown and the rest are 0.
    # Elsewhere neither is given (the page's protection never weighed them apart).
    if stats.view.cube.count(cell | key(gender="X")) == 0:
        return found | {"M": shown(cell | key(gender="MX")), "X": 0}
    return found | {"M": None, "X": None}
