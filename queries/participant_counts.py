"""How many people had entered, and how many were in, by any day: running counts per part (the whole
programme, one region or one municipality), implementer and day, made once per data set from
participant_events.sql. For most scopes the participant totals and the monthly entered/left series
are then lookups, not DuckDB questions over a million entries (a national programme asked two of
them, 40-170 ms each, per new view). A region or municipality counts a person by their entries in it,
which is why they are parts of their own; a list of municipalities is the sum of its parts when no
one has entries in two of them (profile.towns_apart), and a region with a list of municipalities is
the list's municipalities in the region. A list someone has entries in two of still asks the SQL
queries of the same names, and tests/test_derived_tables.py holds both ways to the straightforward
queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries.calendar import month_ends
from queries.profile import area_towns, towns_apart
from queries.scope import Scope
from queries.store import Store

EVENTS = ("entered", "women", "started", "stopped")
ENTERED, WOMEN, STARTED, STOPPED = range(len(EVENTS))


Part = tuple[str, str]  # (kind, name): ("", "") the whole programme, ("region", r) or ("town", m)
WHOLE: Part = ("", "")
PART_KINDS = ("", "region", "town")  # participant_events.sql's part_kind 0, 1, 2


@dataclass(frozen=True)
class RunningEntries:
    rows: dict[tuple[Part, str], int]  # (part, implementer) -> its row; only those with entries have one
    implementers_of: dict[Part, list[str]]  # the implementers with entries in each part, sorted
    days: np.ndarray  # the event days, ascending (datetime64[D])
    counts: np.ndarray  # (rows, EVENTS, days + 1) int32: events on the days before, [..., 0] = 0

    def implementers(self, part: Part) -> list[str]:
        """The implementers with entries in a part, sorted."""
        return self.implementers_of.get(part, [])

    def on(self, part: Part, implementers: list[str], days: list[dt.date]) -> np.ndarray:
        """(implementers, days, EVENTS): each event in the part counted up to and including each day
        (0 for an implementer without entries there)."""
        positions = np.searchsorted(self.days, np.array(days, dtype="datetime64[D]"), side="right")
        rows = np.array([self.rows.get((part, i), -1) for i in implementers], dtype=np.int64)
        # Only the cells asked for: the array holds every part's implementers (1 800 rows nationally).
        counts = self.counts[np.ix_(rows.clip(min=0), np.arange(self.counts.shape[1]), positions)].transpose(0, 2, 1)
        return np.where((rows >= 0)[:, None, None], counts, 0).astype(np.int64)


def running_entries(store: Store) -> RunningEntries:
    """The data set's running counts, made at the first use (load_project makes them at load)."""
    return store.built(("running_entries",), lambda: _running_entries(store))


def _running_entries(store: Store) -> RunningEntries:
    multi = store.fetch_numpy("participant_events")
    single = store.fetch_numpy("participant_single_entries")
    names = _part_names(store)
    shape = (len(PART_KINDS), max(len(names[1]), len(names[2]), 1), max(len(names["implementer"]), 1))
    multi_keys = _keys(shape, multi["part_kind"], multi["part"], multi["implementer"])
    # A single entry counts in three parts: the whole programme, its region and its municipality.
    towns = single["town_number"]
    single_keys = [
        _keys(shape, np.full(len(towns), kind), part, single["implementer"])
        for kind, part in ((0, np.zeros(len(towns), dtype=np.int64)), (1, single["region_number"]), (2, towns))
    ]
    found_keys, row_of = _dense_codes([multi_keys, *single_keys], int(np.prod(shape)))
    starts, ended = single["start_day"].astype(np.int64), ~_missing(single["end_day"])
    ends, multi_days = single["end_day"][ended].astype(np.int64), multi["day"].astype(np.int64)
    first_day = min((int(d.min()) for d in (multi_days, starts, ends) if len(d)), default=0)
    last_day = max((int(d.max()) for d in (multi_days, starts, ends) if len(d)), default=0)
    day_numbers, day_of = _dense_codes([d - first_day for d in (multi_days, starts, ends)], last_day - first_day + 1)
    rows, span = len(found_keys), len(day_numbers)

    # Counted, not placed: many events fall on one (row, event, day).
    daily = np.zeros((rows, len(EVENTS), span), dtype=np.int32)

    multi_cells = row_of[multi_keys] * span + day_of[multi_days - first_day]
    for event in range(len(EVENTS)):
        _count(daily, event, multi_cells[multi["event"] == event])
    start_cells, end_cells, woman = day_of[starts - first_day], day_of[ends - first_day], single["woman"].astype(bool)
    for keys in single_keys:
        row = row_of[keys] * span
        at_start = row + start_cells
        _count(daily, ENTERED, at_start)
        _count(daily, STARTED, at_start)
        _count(daily, WOMEN, at_start[woman])
        _count(daily, STOPPED, row[ended] + end_cells)
    # int32: a count of people; three parts of a national programme's 1 800 rows by 2 000 days.
    counts = np.zeros((rows, len(EVENTS), span + 1), dtype=np.int32)
    np.cumsum(daily, axis=2, out=counts[:, :, 1:])
    del daily
    found = [
        (PART_KINDS[kind], str(names[kind][part]), str(names["implementer"][implementer]))
        for kind, part, implementer in zip(*(c.tolist() for c in np.unravel_index(found_keys, shape)), strict=True)
    ]
    numbered = {((k, p), i): n for n, (k, p, i) in enumerate(found)}
    implementers_of: dict[Part, list[str]] = {}
    for part, implementer in numbered:  # found is sorted: each part's implementers come in order
        implementers_of.setdefault(part, []).append(implementer)
    return RunningEntries(numbered, implementers_of, (EPOCH + first_day + day_numbers).astype("datetime64[D]"), counts)


def _count(daily: np.ndarray, event: int, cells: np.ndarray) -> None:
    """Add events to daily[:, event, :], each given by its cell there (row × days + day)."""
    rows, _, span = daily.shape
    daily[:, event, :] += np.bincount(cells, minlength=rows * span).reshape(rows, span)


EPOCH = np.datetime64("1970-01-01", "D")


def _part_names(store: Store) -> dict:
    """The names of the numbers the queries give: part kind 1 a region, 2 a municipality, and the
    implementers; each numbered in its names' order, so sorting the numbers sorts the names."""
    areas = store.fetch_many_rows("area_numbers")
    regions = areas.drop_duplicates("region_number").sort_values("region_number")["region"].to_numpy(dtype=object)
    implementers = store.fetch_many_rows("entry_implementers")["implementer_id"].to_numpy(dtype=object)
    return {
        0: np.array([""], dtype=object),
        1: regions,
        2: areas["municipality"].to_numpy(dtype=object),
        "implementer": implementers,
    }


def _keys(shape: tuple, kind: np.ndarray, part: np.ndarray, implementer: np.ndarray) -> np.ndarray:
    return np.ravel_multi_index([c.astype(np.int64) for c in (kind, part, implementer)], shape)


def _dense_codes(parts: Iterable[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of the parts, each in 0..size-1, ascending, and each possible value's
    place among them: np.unique without sorting millions of values (keys and days lie in small ranges)."""
    present = np.zeros(size, dtype=bool)
    for values in parts:
        present[values] = True
    return np.flatnonzero(present), (np.cumsum(present) - 1).astype(np.int64)


def _missing(values: np.ndarray) -> np.ndarray:
    """Where a column DuckDB gave with nulls (a masked array, or floats with NaN) has none."""
    if isinstance(values, np.ma.MaskedArray):
        return np.ma.getmaskarray(values)
    return np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), dtype=bool)


def _parts_and_implementers(store: Store, scope: Scope) -> tuple[list[Part], list[str]] | None:
    """The parts whose sum is the scope, and its implementers with entries there; None for a scope
    that only its query answers."""
    if scope.municipalities:
        towns = area_towns(store, scope)
        if not towns or not towns_apart(store, towns):
            return None
        parts = [("town", town) for town in towns]
    else:
        parts = [("region", scope.region) if scope.region else WHOLE]
    running = running_entries(store)
    known = sorted({i for part in parts for i in running.implementers(part)})
    if scope.implementer:
        return parts, [scope.implementer] if scope.implementer in known else []
    return parts, known


def _on(store: Store, parts: list[Part], implementers: list[str], days: list[dt.date]) -> np.ndarray:
    """RunningEntries.on summed over parts that share no one."""
    running = running_entries(store)
    return sum((running.on(part, implementers, days) for part in parts[1:]), running.on(parts[0], implementers, days))


def participants_summary(store: Store, scope: Scope, as_of: dt.date) -> dict:
    """Distinct participants who had entered by as_of and the women among them:
    {"participants": n, "participants_women": n}."""
    found = _parts_and_implementers(store, scope)
    if found is None:
        return store.fetch_one("participants_summary", as_of=as_of, **scope.params())
    counts = _on(store, *found, [as_of])[:, 0].sum(axis=0)
    return {"participants": int(counts[ENTERED]), "participants_women": int(counts[WOMEN])}


def participants_by_implementer(store: Store, as_of: dt.date) -> dict[str, int]:
    """Every implementer's distinct participants entered by as_of, wherever they took part."""
    running = running_entries(store)
    implementers = running.implementers(WHOLE)
    return dict(zip(implementers, running.on(WHOLE, implementers, [as_of])[:, 0, ENTERED].tolist(), strict=True))


def participants_by_month(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """For each month end from the project start to as_of (and as_of itself): participants who had
    entered, and of them those who had left (no entry open that day), per implementer in scope.
    Columns day, implementer_id, entered, has_left; ordered by implementer and day. Worked out once
    per scope and date (the participants page reads it twice); callers get a copy."""
    return store.memo(("participants_by_month", scope, as_of), lambda: _participants_by_month(store, scope, as_of)).copy()


def _participants_by_month(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    found = _parts_and_implementers(store, scope)
    if found is None:
        return store.fetch("participants_by_month", as_of=as_of, **scope.params())
    points = month_ends(pd.Timestamp(store.fetch_one("project")["start_date"]).date(), as_of)
    parts, implementers = found
    counts = _on(store, parts, implementers, points)
    entered = counts[:, :, ENTERED]
    active = counts[:, :, STARTED] - counts[:, :, STOPPED]
    return pd.DataFrame(
        {
            "day": np.tile(np.array(points, dtype="datetime64[D]").astype("datetime64[ns]"), len(implementers)),
            "implementer_id": pd.Series(np.repeat(np.array(implementers, dtype=object), len(points)), dtype=object),
            "entered": entered.ravel(),
            "has_left": (entered - active).ravel(),
        }
    )
