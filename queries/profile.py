"""The participant profile (participant_profile.sql) of the whole programme, one implementer, one
region or a list of municipalities at any date, from running counts per cell made once per data set.
Each person's row of the profile changes only when one of their entries starts or ends; derived.sql
lists those spells once, and here each spell adds its person (count and fingerprints) to its cell on
its first day and takes them away on its last. The profile at a date is then a lookup per cell, not
a DuckDB question that groups a million entries (100-200 ms nationally at every new date). A region
or a list of municipalities counts a person by their entries there alone: people with entries in
several have spells of their own in each (derived.sql), and a list that someone has entries in two
of, or an area within an implementer or a region, asks the query. tests/test_derived_tables.py
holds both ways to the straightforward query."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries.programmes import FLAGS, FOLLOWUP_COLUMNS
from queries.scope import Scope
from queries.store import Store

CHARACTERISTICS = [
    "gender",
    "age_group",
    "labour_market_status",
    "long_term_unemployed",
    "education_isced",
    "exit_status",
    "has_left",
    "is_active",
    *FLAGS,
    *FOLLOWUP_COLUMNS.values(),
]
PLACE = ["implementer_id", "municipality", "region", "gender", "age_group"]
COLUMNS = ["grain", "implementer_id", "municipality", "region", *CHARACTERISTICS, "participants", "print_a", "print_b"]


EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class Ramp:
    """People coming into (or going out of) numbered cells, one change a row, in cell and day order
    as DuckDB sorted them: how many up to a day is a position in `key`, and their fingerprints a
    difference of running sums."""

    key: np.ndarray  # per change, ascending: cell × span + the day's offset from the first day
    begins: np.ndarray  # per cell: where its changes begin
    prints: np.ndarray  # (changes + 1, 2) uint64: running sum of the people's fingerprints, mod 2^64

    @classmethod
    def of(cls, cells: int, span: int, cell: np.ndarray, offset: np.ndarray, print_a: np.ndarray, print_b: np.ndarray) -> Ramp:
        # int32 keys where every key fits (a national programme's do): a build holds tens of millions.
        kind = np.int32 if cells * span < np.iinfo(np.int32).max else np.int64
        key = (cell.astype(np.int64) * span + offset).astype(kind)
        prints = np.zeros((len(key) + 1, 2), dtype=np.uint64)  # summed in place: no stacked copy
        np.cumsum(print_a.astype(np.uint64, copy=False), dtype=np.uint64, out=prints[1:, 0])
        np.cumsum(print_b.astype(np.uint64, copy=False), dtype=np.uint64, out=prints[1:, 1])
        begins = np.searchsorted(key, (np.arange(cells, dtype=np.int64) * span).astype(kind), side="left")
        return cls(key, begins.astype(np.int32 if len(key) < np.iinfo(np.int32).max else np.int64), prints)

    def up_to(self, cells: np.ndarray, span: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
        begin = self.begins[cells].astype(np.int64)
        # Asked in the keys' own type: a wider one would make numpy copy every key at each question.
        end = np.searchsorted(self.key, (cells.astype(np.int64) * span + offset).astype(self.key.dtype), side="right")
        return end - begin, self.prints[end] - self.prints[begin]


@dataclass(frozen=True)
class RunningCells:
    """People in numbered cells over time: those who came in up to a day less those who went out.
    Each change is a row of a spell's start or end, sorted in DuckDB: nothing is sorted here."""

    first_day: int  # days since 1970-01-01 of the first change
    span: int  # days from the first change to the last, both counted
    starts: Ramp
    ends: Ramp | None  # None where no one ever goes out (entries into place cells)

    @classmethod
    def of(cls, cells: int, starts: dict, ends: dict | None = None, cell_of=None) -> RunningCells:
        """From DuckDB's columns `cell`, `day` (days since 1970-01-01) and `print_a`/`print_b`, each
        in cell and day order; `cell_of` turns a column `cell` into the cells' numbers."""
        both = [starts] + ([ends] if ends is not None else [])
        days = [part["day"] for part in both if len(part["day"])]
        first = int(min(d.min() for d in days)) if days else 0
        span = int(max(d.max() for d in days)) - first + 1 if days else 1

        def ramp(part: dict) -> Ramp:
            cell = part["cell"] if cell_of is None else cell_of(part["cell"])
            return Ramp.of(cells, span, cell, part["day"].astype(np.int64) - first, part["print_a"], part["print_b"])

        return cls(first, span, ramp(starts), ramp(ends) if ends is not None else None)

    def at(self, cells: np.ndarray, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(people, summed fingerprints) in each cell on `day`."""
        offset = int((np.datetime64(day, "D") - EPOCH).astype(np.int64)) - self.first_day
        offset = min(max(offset, -1), self.span - 1)  # before the first change: no one; after the last: as then
        counts, prints = self.starts.up_to(cells, self.span, offset)
        if self.ends is not None:
            gone, gone_prints = self.ends.up_to(cells, self.span, offset)
            counts, prints = counts - gone, prints - gone_prints  # uint64 wraps: sums mod 2^64
        return counts, prints


@dataclass(frozen=True)
class Cells:
    """Numbered cells, what each stands for, and the changes in them over time."""

    running: RunningCells
    count: int
    # Per column, each cell's code and the values coded: a few cells' labels are then picked in
    # microseconds, where taking rows of a 482 000-row frame took tens of milliseconds.
    codes: dict[str, np.ndarray]
    values: dict[str, pd.Index]
    groups: dict[str, tuple[int, int]]  # value of the column ordered by -> its cells' numbers [first, last + 1)

    @classmethod
    def of(cls, labels: pd.DataFrame, running: RunningCells, by: str | None = None) -> Cells:
        """Cells numbered in the order of their labels' column `by` (implementer, region, ...), whose
        values' ranges of cells are then kept."""
        coded = {column: _factorized(labels[column]) for column in labels.columns}
        first = labels[by].to_numpy(dtype=object) if by else np.zeros(0, dtype=object)
        edges = np.flatnonzero(np.r_[True, first[1:] != first[:-1], True]) if len(first) else np.zeros(1, dtype=np.int64)
        groups = {str(first[a]): (int(a), int(b)) for a, b in itertools.pairwise(edges)}
        return cls(running, len(labels), {c: k for c, (k, _) in coded.items()}, {c: v for c, (_, v) in coded.items()}, groups)

    @classmethod
    def within_areas(cls, kinds: Cells, keys: np.ndarray, running: RunningCells, by: str, named: np.ndarray) -> Cells:
        """Area × kind cells, numbered as their keys (area number × kinds + kind, ascending), labelled
        by the area's name (`named` by area number) and the kinds' own codes: the labels of a
        million cells are picked, not made into a frame and factorized again."""
        kind, area = keys % kinds.count, keys // kinds.count
        areas, area_codes = np.unique(area, return_inverse=True)
        codes = {by: area_codes.astype(_smallest(len(areas))), **{c: kinds.codes[c][kind] for c in CHARACTERISTICS}}
        values = {by: pd.Index(named[areas]), **{c: kinds.values[c] for c in CHARACTERISTICS}}
        edges = [*np.searchsorted(area, areas, side="left").tolist(), len(keys)]
        groups = {str(name): (a, b) for name, a, b in zip(named[areas], edges[:-1], edges[1:], strict=True)}
        return cls(running, len(keys), codes, values, groups)

    def labels(self, cells: np.ndarray, columns: list[str]) -> pd.DataFrame:
        """What the cells stand for: one row per cell, missing values as the query gives them."""
        return pd.DataFrame({c: self.values[c].take(self.codes[c][cells], allow_fill=True) for c in columns})

    def of_group(self, value: str | None) -> np.ndarray:
        """The cells of one value of the column ordered by (one implementer, one region), or all of them."""
        if value is None:
            return np.arange(self.count)
        return np.arange(*self.groups.get(value, (0, 0)))

    def where(self, column: str, values: list[str]) -> np.ndarray:
        """The cells whose `column` is one of `values`, in cell order."""
        wanted = self.values[column].get_indexer(values)
        return np.flatnonzero(np.isin(self.codes[column], wanted[wanted >= 0]))


def _factorized(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """pd.factorize with codes in the smallest signed type that holds them (most columns have a
    handful of values): a national programme's cells' codes took a third of its running profile."""
    codes, values = pd.factorize(column)
    return codes.astype(_smallest(len(values))), values


def _smallest(count: int) -> type:
    """The smallest signed integer type whose values number `count` things."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if count < np.iinfo(t).max)


@dataclass(frozen=True)
class RunningProfile:
    people: Cells  # implementer × characteristics: one implementer's profile
    kinds: Cells  # characteristics alone: the whole programme's (6 700 cells against 482 000 nationally)
    places: Cells  # implementer × municipality × region × gender × age group
    # A region or municipality filter counts a person by their entries there alone: people with
    # entries in several regions (municipalities) count as one unit in each (derived.sql).
    region_kinds: Cells  # region × characteristics
    region_places: Cells  # the places cells, counted as a region filter counts people
    town_kinds: Cells  # municipality × characteristics
    town_places: Cells  # the places cells, counted as a municipality filter counts people
    town_movers: tuple[np.ndarray, np.ndarray]  # (person, municipality code in town_kinds) of people in several


def running_profile(store: Store) -> RunningProfile:
    """The data set's running profile counts (load_project makes them at load, then drops the
    spells they are made from)."""
    return store.built(("running_profile",), lambda: _running_profile(store))


def _changes(store: Store, cells: str, edge: str, kinds: int = 0) -> dict:
    """One edge of the spells of a family of cells (profile_spell_changes.sql), as numpy columns."""
    return store.fetch_numpy("profile_spell_changes", cells=cells, edge=edge, kinds=kinds)


def _spells(store: Store, cells_name: str, cells: int, kinds: int = 0, cell_of=None) -> RunningCells:
    """Running counts of spells: each adds its person on its first day and takes them away on the
    day it ends (a spell that lasts has no end). Each family of cells goes to a build's arrays file
    as soon as it is made: a national profile is not held whole in the builder's memory."""
    starts, ends = _changes(store, cells_name, "start", kinds), _changes(store, cells_name, "end", kinds)
    return store.spilled(RunningCells.of(cells, starts, ends, cell_of))


def _entries(store: Store, area: str, cells: int) -> RunningCells:
    """Running counts of people entering place cells: a person's place never changes once they are in."""
    return store.spilled(RunningCells.of(cells, store.fetch_numpy("profile_place_entries", area=area)))


def _running_profile(store: Store) -> RunningProfile:
    people_labels = store.fetch_many_rows("profile_people_cells")
    kind_of_cell = people_labels["kind"].to_numpy(dtype=np.int64)
    first_of_kind = np.unique(kind_of_cell, return_index=True)[1]
    people = Cells.of(people_labels, _spells(store, "people", len(people_labels)), by="implementer_id")
    kind_labels = people_labels.iloc[first_of_kind].drop(columns="implementer_id").reset_index(drop=True)
    kinds = Cells.of(kind_labels, _spells(store, "kind", len(first_of_kind)))
    place_labels = store.fetch_many_rows("profile_place_cells")
    places = Cells.of(place_labels, _entries(store, "whole", len(place_labels)), by="implementer_id")
    names = store.fetch_many_rows("area_numbers")
    parts, named_by = {}, {}
    for area, by, number in (("region", "region", "region_number"), ("town", "municipality", "town_number")):
        # Region (municipality) × kind cells, numbered in that order: the keys (area × kinds + kind)
        # anyone is ever in, whose every spell has a start.
        named = named_by[by] = names.drop_duplicates(number).sort_values(number)[by].to_numpy(dtype=object)
        keys = store.fetch_numpy("profile_area_kinds", area=area, kinds=kinds.count)["cell"].astype(np.int64)
        running = _spells(store, area, len(keys), kinds.count, cell_of=lambda key, keys=keys: np.searchsorted(keys, key))
        in_area = Cells.within_areas(kinds, keys, running, by, named)
        parts[by] = (in_area, Cells(_entries(store, area, len(place_labels)), *_labelling(places)))
    movers = store.fetch_many_rows("profile_town_movers")
    mover_towns = named_by["municipality"][movers["town_number"].to_numpy(dtype=np.int64)]
    town_of_mover = parts["municipality"][0].values["municipality"].get_indexer(mover_towns)
    return RunningProfile(
        people,
        kinds,
        places,
        *parts["region"],
        *parts["municipality"],
        (movers["person"].to_numpy(dtype=np.int64), town_of_mover),
    )


def _labelling(cells: Cells) -> tuple:
    """What Cells holds besides its running counts (count, codes, values, groups), to share."""
    return cells.count, cells.codes, cells.values, cells.groups


def participant_profile(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """participant_profile.sql's answer for the scope at as_of (rows in no particular order)."""
    part = part_of(store, scope)
    if part is None:
        return store.fetch_many_rows("participant_profile", as_of=as_of, **scope.params())
    frames = []
    for grain in GRAINS:
        labels = universe(store, grain, part)
        counts, prints = counts_on(store, grain, part, as_of)
        shown = counts > 0
        frame = labels[shown].reset_index(drop=True)
        frame = frame.assign(participants=counts[shown], print_a=prints[shown, 0], print_b=prints[shown, 1])
        frames.append(_merged(frame) if part[0] == "towns" and len(part[1]) > 1 else frame)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _merged(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with the same labels as one (several municipalities' cells of the same kind)."""
    labels = list(COLUMNS[:-3])
    group = frame.groupby(labels, dropna=False, sort=False).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1]
    sums = np.zeros((len(first), 3), dtype=np.uint64)
    np.add.at(sums, group, frame[["participants", "print_a", "print_b"]].to_numpy(dtype=np.uint64))
    merged = frame.iloc[first].reset_index(drop=True)
    return merged.assign(participants=sums[:, 0].astype(np.int64), print_a=sums[:, 1], print_b=sums[:, 2])


GRAINS = ("people", "places")
Part = tuple  # ("implementer", id or None) | ("region", name) | ("towns", (name, ...))


def part_of(store: Store, scope: Scope) -> Part | None:
    """How the running profile reads a scope: the whole programme or one implementer, one region, or
    a list of municipalities. An implementer within an area is read as one of the two where the
    other narrows nothing: all the implementer's entries are in the area, or all the area's entries
    are the implementer's (as where each municipality has one implementer). None where only the
    query can: other implementers within an area, and a list of municipalities someone has entries
    in two of (their unit is the list)."""
    if not scope.narrowed_by_area:
        return ("implementer", scope.implementer)
    area = _area_part(store, scope)
    if scope.implementer is None:
        return area
    places = running_profile(store).places
    inside = _in_area(places, scope)
    own = _marked(places, "implementer_id", [scope.implementer])
    if not (own & ~inside).any():
        return ("implementer", scope.implementer)
    if area is not None and not (inside & ~own).any():
        return area
    return None


def _area_part(store: Store, scope: Scope) -> Part | None:
    """The part a region or municipality filter selects, implementer aside (a region with a list of
    municipalities selects those of the list in the region)."""
    if not scope.municipalities:
        return ("region", scope.region)
    towns = area_towns(store, scope)
    if not towns or not towns_apart(store, towns):
        return None
    return ("towns", towns)


def area_towns(store: Store, scope: Scope) -> tuple[str, ...]:
    """The municipalities of a municipality filter, sorted, within the region if one is chosen too."""
    towns = set(scope.municipalities)
    if scope.region:
        plan = store.fetch("municipalities")
        towns &= set(plan.loc[plan["region"] == scope.region, "municipality"])
    return tuple(sorted(towns))


def _in_area(places: Cells, scope: Scope) -> np.ndarray:
    """Which place cells lie in the scope's region and list of municipalities."""
    inside = np.ones(places.count, dtype=bool)
    for column, values in (("region", [scope.region] if scope.region else []), ("municipality", list(scope.municipalities))):
        if values:
            inside &= _marked(places, column, values)
    return inside


def _marked(cells: Cells, column: str, values: list[str]) -> np.ndarray:
    marked = np.zeros(cells.count, dtype=bool)
    marked[cells.where(column, values)] = True
    return marked


def towns_apart(store: Store, towns: tuple[str, ...] | list[str]) -> bool:
    """Whether no one has entries in two of the municipalities: a list of them is then the sum of
    its municipalities, each of which counts people by their entries there."""
    running = running_profile(store)
    person, town = running.town_movers
    codes = running.town_kinds.values["municipality"].get_indexer(list(towns))
    within = person[np.isin(town, codes[codes >= 0])]
    return len(within) == len(np.unique(within))


def universe(store: Store, grain: str, part: Part) -> pd.DataFrame:
    """Every cell of a grain that anyone is ever in, for a part (part_of): participant_profile's
    rows without their counts, the same at every date (a cell with no one in it on a date has a
    count and fingerprint sum of zero). Kept, so that what is worked out from the labels alone
    (which rows a condition selects) can be kept with them. A list of municipalities may list a kind
    once per municipality."""
    return store.memo(("profile_universe", grain, part), lambda: _universe(store, grain, part))


def _universe(store: Store, grain: str, part: Part) -> pd.DataFrame:
    cells, rows, columns = _cells(store, grain, part)
    frame = cells.labels(rows, columns).assign(grain=grain)
    # Columns the grain does not group by are None, as the query's are.
    missing = {column: pd.Series([None] * len(frame), dtype=object) for column in COLUMNS[:-3] if column not in frame}
    return frame.assign(**missing)[COLUMNS[:-3]]


def counts_on(store: Store, grain: str, part: Part, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """(people, summed fingerprints) in each row of `universe(store, grain, part)` on as_of."""
    cells, rows, _ = _cells(store, grain, part)
    return cells.running.at(rows, as_of)


def _cells(store: Store, grain: str, part: Part) -> tuple[Cells, np.ndarray, list[str]]:
    """The cells a part reads in a grain, which of them, and the columns they are labelled by."""
    return store.memo(("profile_cells", grain, part), lambda: _cells_of(running_profile(store), grain, part))


def _cells_of(running: RunningProfile, grain: str, part: Part) -> tuple[Cells, np.ndarray, list[str]]:
    kind, value = part
    if grain == "places":
        if kind == "implementer":
            return running.places, running.places.of_group(value), PLACE
        if kind == "region":
            return running.region_places, running.region_places.where("region", [value]), PLACE
        return running.town_places, running.town_places.where("municipality", list(value)), PLACE
    if kind == "implementer":
        cells = running.kinds if value is None else running.people
        return cells, cells.of_group(value), CHARACTERISTICS
    if kind == "region":
        return running.region_kinds, running.region_kinds.of_group(value), CHARACTERISTICS
    towns = running.town_kinds
    return towns, np.concatenate([towns.of_group(town) for town in value] or [np.zeros(0, dtype=np.int64)]), CHARACTERISTICS
