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
    groups: dict[str, tuple[int, int]]  # value of the column ordered by -> its cells' numbers [first, last + 1)

    @classmethod
    def of(cls, labels: pd.DataFrame, running: RunningCells, by: str | None = None) -> Cells:
        """Cells numbered in the order of their labels' column `by` (implementer, region, ...), whose
        values' ranges of cells are then kept."""
        coded = {column: pd.factorize(labels[column]) for column in labels.columns}
        first = labels[by].to_numpy(dtype=object) if by else np.zeros(0, dtype=object)
        edges = np.flatnonzero(np.r_[True, first[1:] != first[:-1], True]) if len(first) else np.zeros(1, dtype=np.int64)
        groups = {str(first[a]): (int(a), int(b)) for a, b in itertools.pairwise(edges)}
        return cls(running, len(labels), {c: k for c, (k, _) in coded.items()}, {c: v for c, (_, v) in coded.items()}, groups)

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


def _spells(spells: pd.DataFrame, cell: np.ndarray, cells: int) -> RunningCells:
    """Running counts of spells in `cells` cells: each adds its person on its first day and, unless
    it lasts, takes them away on its last."""
    ends = spells["to_day"].notna().to_numpy()
    day = np.concatenate(
        (spells["from_day"].to_numpy().astype("datetime64[D]"), spells["to_day"][ends].to_numpy().astype("datetime64[D]"))
    )
    step = np.concatenate((np.ones(len(spells), dtype=np.int64), -np.ones(int(ends.sum()), dtype=np.int64)))
    prints = spells[["print_a", "print_b"]].to_numpy(dtype=np.uint64)
    return RunningCells.of(cells, np.concatenate((cell, cell[ends])), day, step, np.concatenate((prints, prints[ends])))


def _entries(entries: pd.DataFrame, cells: int) -> RunningCells:
    """Running counts of people entering place cells: a person's place never changes once they are in."""
    return RunningCells.of(
        cells,
        entries["place_cell"].to_numpy(dtype=np.int64),
        entries["day"].to_numpy().astype("datetime64[D]"),
        np.ones(len(entries), dtype=np.int64),
        entries[["print_a", "print_b"]].to_numpy(dtype=np.uint64),
    )


def _running_profile(store: Store) -> RunningProfile:
    spells = store.fetch_many_rows("profile_people_spells")
    people_labels = store.fetch_many_rows("profile_people_cells")
    cell = spells["people_cell"].to_numpy(dtype=np.int64)
    kind_of_cell = people_labels["kind"].to_numpy(dtype=np.int64)
    first_of_kind = np.unique(kind_of_cell, return_index=True)[1]
    people = Cells.of(people_labels, _spells(spells, cell, len(people_labels)), by="implementer_id")
    kinds = Cells.of(
        people_labels.iloc[first_of_kind].drop(columns="implementer_id").reset_index(drop=True),
        _spells(spells, kind_of_cell[cell], len(first_of_kind)),
    )
    del spells
    place_labels = store.fetch_many_rows("profile_place_cells")
    places = Cells.of(
        place_labels, _entries(store.fetch_many_rows("profile_place_entries"), len(place_labels)), by="implementer_id"
    )
    areas = store.fetch_many_rows("profile_area_spells")
    area_entries = store.fetch_many_rows("profile_area_place_entries")
    names = store.fetch_many_rows("area_numbers")
    parts, named_by = {}, {}
    for column, by, number in (("in_region", "region", "region_number"), ("in_town", "municipality", "town_number")):
        # Region (municipality) × kind cells, numbered in that order.
        named = named_by[by] = names.drop_duplicates(number).sort_values(number)[by].to_numpy(dtype=object)
        counted = areas[column].to_numpy() >= 0
        key = areas[column].to_numpy(dtype=np.int64)[counted] * kinds.count + areas["kind"].to_numpy(dtype=np.int64)[counted]
        keys, cell = np.unique(key, return_inverse=True)
        labels = kinds.labels(keys % kinds.count, CHARACTERISTICS)
        labels.insert(0, by, named[keys // kinds.count])
        in_area = Cells.of(labels, _spells(areas[counted], cell, len(keys)), by=by)
        entered = area_entries[area_entries[column].to_numpy() >= 0]
        parts[by] = (in_area, Cells(_entries(entered, len(place_labels)), *_labelling(places)))
    del areas, area_entries
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
