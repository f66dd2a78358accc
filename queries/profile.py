"""The participant profile (participant_profile.sql) of the whole programme or of one implementer at
any date, from running counts per cell made once per data set. Each person's row of the profile
changes only when one of their entries starts or ends; derived.sql lists those spells once, and
here each spell adds its person (count and fingerprints) to its cell on its first day and takes
them away on its last. The profile at a date is then a lookup per cell, not a DuckDB question that
groups a million entries (100-200 ms nationally at every new date). A region or a list of
municipalities counts a person by their entries there alone: those scopes ask the query.
tests/test_derived_tables.py holds both ways to the straightforward query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from queries.store import Store

if TYPE_CHECKING:  # only for the annotations: queries.summary imports this module
    from queries.summary import Scope

CHARACTERISTICS = [
    "gender",
    "age_group",
    "is_over_54",
    "labour_market_status",
    "long_term_unemployed",
    "education_isced",
    "exit_status",
    "has_left",
    "is_active",
]
PLACE = ["implementer_id", "municipality", "region", "gender", "age_group"]
COLUMNS = ["grain", "implementer_id", "municipality", "region", *CHARACTERISTICS, "participants", "print_a", "print_b"]


@dataclass(frozen=True)
class RunningCells:
    """People coming into and going out of numbered cells over time, summed up to any day."""

    days: np.ndarray  # the days on which anything changes, ascending (datetime64[D])
    key: np.ndarray  # per change, ascending: cell × len(days) + the day's place in `days`
    counts: np.ndarray  # running sum of the changes' +1 and -1, with a 0 in front
    prints: np.ndarray  # (changes + 1, 2) uint64: running sum of the people's fingerprints, mod 2^64

    @classmethod
    def of(cls, cell: np.ndarray, day: np.ndarray, step: np.ndarray, prints: np.ndarray) -> RunningCells:
        """From changes in any order: a person (with fingerprints `prints`) joins (`step` +1) or
        leaves (-1) a cell on a day."""
        days = np.unique(day)
        key = cell.astype(np.int64) * len(days) + np.searchsorted(days, day)
        order = np.argsort(key, kind="stable")
        step, prints = step[order].astype(np.int64), prints[order]
        signed = np.where((step > 0)[:, None], prints, np.uint64(0) - prints)  # minus, modulo 2^64
        zero = np.zeros((1, 2), dtype=np.uint64)
        return cls(
            days,
            key[order],
            np.concatenate(([0], np.cumsum(step))),
            np.concatenate((zero, np.cumsum(signed, axis=0, dtype=np.uint64))),
        )

    def at(self, cells: np.ndarray, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(people, summed fingerprints) in each cell on `day`."""
        last = int(np.searchsorted(self.days, np.datetime64(day, "D"), side="right")) - 1
        first_key = cells.astype(np.int64) * len(self.days)
        begin = np.searchsorted(self.key, first_key, side="left")
        end = np.searchsorted(self.key, first_key + last, side="right")
        return self.counts[end] - self.counts[begin], self.prints[end] - self.prints[begin]


@dataclass(frozen=True)
class RunningProfile:
    people: RunningCells  # cells of implementer × characteristics
    people_cells: pd.DataFrame  # per cell: kind, implementer_id and the characteristics
    kind_order: np.ndarray  # the people cells ordered by kind ...
    kind_starts: np.ndarray  # ... and where each kind begins in that order
    places: RunningCells  # cells of implementer × municipality × region × gender × age group
    place_cells: pd.DataFrame  # per cell: the place columns

    def implementer_cells(self, cells: pd.DataFrame, implementer: str | None) -> np.ndarray:
        """The cells of one implementer (cells are numbered in implementer order), or all of them."""
        if implementer is None:
            return np.arange(len(cells))
        ids = cells["implementer_id"].to_numpy(dtype=object)
        return np.arange(np.searchsorted(ids, implementer, side="left"), np.searchsorted(ids, implementer, side="right"))


def running_profile(store: Store) -> RunningProfile:
    """The data set's running profile counts (load_project makes them at load, then drops the
    spells they are made from)."""
    return store.built(("running_profile",), lambda: _running_profile(store))


def _running_profile(store: Store) -> RunningProfile:
    spells = store.fetch_many_rows("profile_people_spells")
    cell = spells["people_cell"].to_numpy(dtype=np.int64)
    start = spells["from_day"].to_numpy().astype("datetime64[D]")
    stop = spells["to_day"]
    ends = stop.notna().to_numpy()
    prints = spells[["print_a", "print_b"]].to_numpy(dtype=np.uint64)
    people = RunningCells.of(
        np.concatenate((cell, cell[ends])),
        np.concatenate((start, stop[ends].to_numpy().astype("datetime64[D]"))),
        np.concatenate((np.ones(len(cell), dtype=np.int64), -np.ones(int(ends.sum()), dtype=np.int64))),
        np.concatenate((prints, prints[ends])),
    )
    entries = store.fetch_many_rows("profile_place_entries")
    places = RunningCells.of(
        entries["place_cell"].to_numpy(dtype=np.int64),
        entries["day"].to_numpy().astype("datetime64[D]"),
        np.ones(len(entries), dtype=np.int64),
        entries[["print_a", "print_b"]].to_numpy(dtype=np.uint64),
    )
    people_cells = store.fetch_many_rows("profile_people_cells")
    kinds = people_cells["kind"].to_numpy(dtype=np.int64)
    kind_order = np.argsort(kinds, kind="stable")
    kind_starts = np.flatnonzero(np.r_[True, np.diff(kinds[kind_order]) != 0]) if len(kinds) else np.zeros(0, dtype=np.int64)
    return RunningProfile(people, people_cells, kind_order, kind_starts, places, store.fetch_many_rows("profile_place_cells"))


def participant_profile(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """participant_profile.sql's answer for the scope at as_of (rows in no particular order)."""
    if scope.narrowed_by_area:
        return store.fetch_many_rows("participant_profile", as_of=as_of, **scope.params())
    running = running_profile(store)
    return pd.concat([_people(running, scope.implementer, as_of), _places(running, scope.implementer, as_of)], ignore_index=True)


def _people(running: RunningProfile, implementer: str | None, as_of: dt.date) -> pd.DataFrame:
    cells = running.implementer_cells(running.people_cells, implementer)
    if implementer is None:  # every implementer's cells of one kind summed into one row
        cells = running.kind_order
        counts, prints = running.people.at(cells, as_of)
        counts = np.add.reduceat(counts, running.kind_starts) if len(cells) else counts
        prints = np.add.reduceat(prints, running.kind_starts, axis=0) if len(cells) else prints
        cells = cells[running.kind_starts] if len(cells) else cells
    else:
        counts, prints = running.people.at(cells, as_of)
    shown = counts > 0
    frame = running.people_cells.iloc[cells[shown]][CHARACTERISTICS].reset_index(drop=True)
    return _with_counts(frame, "people", counts[shown], prints[shown])


def _places(running: RunningProfile, implementer: str | None, as_of: dt.date) -> pd.DataFrame:
    cells = running.implementer_cells(running.place_cells, implementer)
    counts, prints = running.places.at(cells, as_of)
    shown = counts > 0
    frame = running.place_cells.iloc[cells[shown]][PLACE].reset_index(drop=True)
    return _with_counts(frame, "places", counts[shown], prints[shown])


def _with_counts(frame: pd.DataFrame, grain: str, counts: np.ndarray, prints: np.ndarray) -> pd.DataFrame:
    """The grain's rows with the query's columns: those the grain does not group by are None, as
    the query's (a missing boolean read as False by the Cube, as before)."""
    frame = frame.assign(grain=grain, participants=counts, print_a=prints[:, 0], print_b=prints[:, 1])
    missing = {column: pd.Series([None] * len(frame), dtype=object) for column in COLUMNS if column not in frame}
    return frame.assign(**missing)[COLUMNS]
