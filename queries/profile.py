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
import itertools
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
    begins: np.ndarray  # per cell: where its changes begin
    counts: np.ndarray  # running sum of the changes' +1 and -1, with a 0 in front
    prints: np.ndarray  # (changes + 1, 2) uint64: running sum of the people's fingerprints, mod 2^64

    @classmethod
    def of(cls, cells: int, cell: np.ndarray, day: np.ndarray, step: np.ndarray, prints: np.ndarray) -> RunningCells:
        """From changes in any order: a person (with fingerprints `prints`) joins (`step` +1) or
        leaves (-1) one of `cells` cells on a day."""
        days = np.unique(day)
        key = cell.astype(np.int64) * len(days) + np.searchsorted(days, day)
        order = np.argsort(key, kind="stable")
        step, prints = step[order].astype(np.int64), prints[order]
        signed = np.where((step > 0)[:, None], prints, np.uint64(0) - prints)  # minus, modulo 2^64
        zero = np.zeros((1, 2), dtype=np.uint64)
        key = key[order]
        return cls(
            days,
            key,
            np.searchsorted(key, np.arange(cells, dtype=np.int64) * len(days), side="left"),
            np.concatenate(([0], np.cumsum(step))),
            np.concatenate((zero, np.cumsum(signed, axis=0, dtype=np.uint64))),
        )

    def at(self, cells: np.ndarray, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(people, summed fingerprints) in each cell on `day`."""
        last = int(np.searchsorted(self.days, np.datetime64(day, "D"), side="right")) - 1
        begin = self.begins[cells]
        end = np.searchsorted(self.key, cells.astype(np.int64) * len(self.days) + last, side="right")
        return self.counts[end] - self.counts[begin], self.prints[end] - self.prints[begin]


@dataclass(frozen=True)
class Cells:
    """Numbered cells, what each stands for, and the changes in them over time."""

    running: RunningCells
    count: int
    # Per column, each cell's code and the values coded: a few cells' labels are then picked in
    # microseconds, where taking rows of a 482 000-row frame took tens of milliseconds.
    codes: dict[str, np.ndarray]
    values: dict[str, pd.Index]
    implementers: dict[str, tuple[int, int]]  # implementer -> its cells' numbers [first, last + 1)

    @classmethod
    def of(cls, labels: pd.DataFrame, running: RunningCells) -> Cells:
        coded = {column: pd.factorize(labels[column]) for column in labels.columns}
        ids = labels["implementer_id"].to_numpy(dtype=object) if "implementer_id" in labels else np.zeros(0, dtype=object)
        edges = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True]) if len(ids) else np.zeros(1, dtype=np.int64)
        implementers = {str(ids[a]): (int(a), int(b)) for a, b in itertools.pairwise(edges)}
        return cls(
            running, len(labels), {c: k for c, (k, _) in coded.items()}, {c: v for c, (_, v) in coded.items()}, implementers
        )

    def labels(self, cells: np.ndarray, columns: list[str]) -> pd.DataFrame:
        """What the cells stand for: one row per cell, missing values as the query gives them."""
        return pd.DataFrame({c: self.values[c].take(self.codes[c][cells], allow_fill=True) for c in columns})

    def of_implementer(self, implementer: str | None) -> np.ndarray:
        """The cells of one implementer (cells are numbered in implementer order), or all of them."""
        if implementer is None:
            return np.arange(self.count)
        return np.arange(*self.implementers.get(implementer, (0, 0)))


@dataclass(frozen=True)
class RunningProfile:
    people: Cells  # implementer × characteristics: one implementer's profile
    kinds: Cells  # characteristics alone: the whole programme's (482 000 cells against 6 700 nationally)
    places: Cells  # implementer × municipality × region × gender × age group


def running_profile(store: Store) -> RunningProfile:
    """The data set's running profile counts (load_project makes them at load, then drops the
    spells they are made from)."""
    return store.built(("running_profile",), lambda: _running_profile(store))


def _running_profile(store: Store) -> RunningProfile:
    spells = store.fetch_many_rows("profile_people_spells")
    people_labels = store.fetch_many_rows("profile_people_cells")
    ends = spells["to_day"].notna().to_numpy()
    # Each spell adds its person on its first day and, unless it lasts, takes them away on its last.
    day = np.concatenate(
        (spells["from_day"].to_numpy().astype("datetime64[D]"), spells["to_day"][ends].to_numpy().astype("datetime64[D]"))
    )
    step = np.concatenate((np.ones(len(spells), dtype=np.int64), -np.ones(int(ends.sum()), dtype=np.int64)))
    prints = spells[["print_a", "print_b"]].to_numpy(dtype=np.uint64)
    prints = np.concatenate((prints, prints[ends]))
    cell = spells["people_cell"].to_numpy(dtype=np.int64)
    cell = np.concatenate((cell, cell[ends]))
    kind_of_cell = people_labels["kind"].to_numpy(dtype=np.int64)
    first_of_kind = np.unique(kind_of_cell, return_index=True)[1]
    people = Cells.of(people_labels, RunningCells.of(len(people_labels), cell, day, step, prints))
    kinds = Cells.of(
        people_labels.iloc[first_of_kind].drop(columns="implementer_id").reset_index(drop=True),
        RunningCells.of(len(first_of_kind), kind_of_cell[cell], day, step, prints),
    )
    entries = store.fetch_many_rows("profile_place_entries")
    place_labels = store.fetch_many_rows("profile_place_cells")
    places = RunningCells.of(
        len(place_labels),
        entries["place_cell"].to_numpy(dtype=np.int64),
        entries["day"].to_numpy().astype("datetime64[D]"),
        np.ones(len(entries), dtype=np.int64),
        entries[["print_a", "print_b"]].to_numpy(dtype=np.uint64),
    )
    return RunningProfile(people, kinds, Cells.of(place_labels, places))


def participant_profile(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """participant_profile.sql's answer for the scope at as_of (rows in no particular order)."""
    if scope.narrowed_by_area:
        return store.fetch_many_rows("participant_profile", as_of=as_of, **scope.params())
    frames = []
    for grain in GRAINS:
        labels = universe(store, grain, scope.implementer)
        counts, prints = counts_on(store, grain, scope.implementer, as_of)
        shown = counts > 0
        frame = labels[shown].reset_index(drop=True)
        frames.append(frame.assign(participants=counts[shown], print_a=prints[shown, 0], print_b=prints[shown, 1]))
    return pd.concat(frames, ignore_index=True)[COLUMNS]


GRAINS = ("people", "places")


def universe(store: Store, grain: str, implementer: str | None) -> pd.DataFrame:
    """Every cell of a grain that anyone is ever in, for the whole programme (implementer None) or one
    implementer: participant_profile's rows without their counts, the same at every date (a cell
    with no one in it on a date has a count and fingerprint sum of zero). Kept, so that what is
    worked out from the labels alone (which rows a condition selects) can be kept with them."""
    return store.memo(("profile_universe", grain, implementer), lambda: _universe(store, grain, implementer))


def _universe(store: Store, grain: str, implementer: str | None) -> pd.DataFrame:
    cells, columns = _cells(store, grain, implementer)
    frame = cells.labels(cells.of_implementer(implementer), columns).assign(grain=grain)
    # Columns the grain does not group by are None, as the query's are.
    missing = {column: pd.Series([None] * len(frame), dtype=object) for column in COLUMNS[:-3] if column not in frame}
    return frame.assign(**missing)[COLUMNS[:-3]]


def counts_on(store: Store, grain: str, implementer: str | None, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """(people, summed fingerprints) in each row of `universe(store, grain, implementer)` on as_of."""
    cells, _ = _cells(store, grain, implementer)
    return cells.running.at(cells.of_implementer(implementer), as_of)


def _cells(store: Store, grain: str, implementer: str | None) -> tuple[Cells, list[str]]:
    running = running_profile(store)
    if grain == "places":
        return running.places, PLACE
    return (running.kinds if implementer is None else running.people), CHARACTERISTICS
