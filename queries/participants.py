"""Participant statistics of a scope with small-cell protection across every table of the page.

Every number shown is the count of a *key*: a set of conditions over the participant profile
(e.g. {status=unemployed, gender=F}). Tables that show the same key show the same cell, so a count
hidden in one table is hidden in all. Each relation a reader could use to subtract (row and column
totals, CO03 = in education + outside the labour market, ...) is an *equation* total = Σ members.
Primary suppression hides counts 1 … threshold−1. Secondary suppression then plays the reader: it
solves every equation with a single unknown, again and again, and wherever that reveals a small
count it hides the smallest shown cell in the chain of equations that revealed it, until nothing
small can be worked out. Cells are identified by the people they select, so one count shown under
two names is one cell. Zeros are never hidden.
The scope's grand total is always shown."""

from __future__ import annotations

import collections
import datetime as dt
import heapq
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from queries import profile
from queries.participant_counts import participants_by_month
from queries.plan_versions import version_at
from queries.profile import participant_profile
from queries.programmes import Programme, Rule, programme, rule_mask, rule_name, rule_named
from queries.scope import Scope
from queries.store import Store
from queries.withheld import PROTECTING, SMALL, Withheld

Key = frozenset  # of (dimension, value) pairs
GRAND: Key = frozenset()
STATUSES = ("unemployed", "in_education", "employed", "outside_labour_market")
# What differs between programme periods (indicators, age groups, gender columns) is data:
# data/programmes/*.toml through queries.programmes. These are the default programme's.
DEFAULT = programme()
AGE_GROUPS = DEFAULT.age_codes
GENDERS = DEFAULT.genders


def key(**conditions: str) -> Key:
    return frozenset(conditions.items())


# Rules every programme shares, named so that pages can ask for them.
_NAMED_RULES: dict[str, Rule] = {"LEFT": (("left", True),), "ACTIVE": (("active", True),), "NOT_ACTIVE": (("active", False),)}
_NAME_OF_RULE = {rule: name for name, rule in _NAMED_RULES.items()}


def cell_of(rule: Rule) -> Key:
    """The key of a programme rule: a plain dimension where one fits (so that a cell has one key
    however it is reached, and its masks are shared with the 12.2 table), else the rule by name."""
    fields = dict(rule)
    if not fields:
        return GRAND
    if len(fields) == 1 and len(fields.get("status", ())) == 1:
        return key(status=fields["status"][0])
    if len(fields) == 1 and len(fields.get("age_group", ())) == 1:
        return key(age=fields["age_group"][0])
    return key(ind=_NAME_OF_RULE.get(rule) or rule_name(rule))


def _rule_of_key(name: str) -> Rule:
    return _NAMED_RULES[name] if name in _NAMED_RULES else rule_named(name)


def indicator_rows(programme_of: Programme) -> tuple[tuple[str, Key], ...]:
    """The programme's rows of the indicator table, each with its key."""
    return tuple((row.code, cell_of(row.rule)) for row in programme_of.rows)


def splits_of(programme_of: Programme) -> list[tuple[str, str]]:
    """The split tables' columns: the programme's gender columns, then its age groups."""
    return [("gender", g) for g in programme_of.genders] + [("age", a) for a in programme_of.age_codes]


INDICATORS = indicator_rows(DEFAULT)
SPLITS = splits_of(DEFAULT)
_COLUMNS = {
    "status": "labour_market_status",
    "age": "age_group",
    "gender": "gender",
    "impl": "implementer_id",
    "muni": "municipality",
    "region": "region",
}


# Dimensions with many values (a national programme has thousands of municipalities): their cells
# are found from row lists made in one pass, not from one full-length mask per value.
_MANY_VALUES = ("impl", "muni", "region")


class _Grain:
    """One grouping of the profile: rows of characteristics with their count of people and the sum
    of those people's fingerprints. A cell is worked with as the numbers of the rows it selects.
    What depends on the rows' characteristics alone (masks, row lists, orderings) is kept in
    `known`, which grains over the same rows on other dates share: the whole programme's profile has
    the same rows at every date, only their counts differ (zero where no one is in a cell)."""

    def __init__(self, frame: pd.DataFrame, prints: np.ndarray, weights: np.ndarray | None = None, known: dict | None = None):
        self.frame = frame
        self.weights = frame["participants"].to_numpy() if weights is None else weights
        self.prints = prints
        self._shared = known is not None
        self._known: dict = {} if known is None else known  # ("atom" | "group" | "split", ...) -> structure

    def _kept(self, name: tuple, make):
        if name not in self._known:
            self._known[name] = make()
        return self._known[name]

    def mask(self, atom: tuple[str, str]) -> np.ndarray:
        return self._kept(("atom", atom), lambda: self._mask(atom))

    def _mask(self, atom: tuple[str, str]) -> np.ndarray:
        dimension, value = atom
        if dimension == "ind":
            mask = rule_mask(_rule_of_key(value), self.frame)
        elif atom == ("gender", "MX"):
            mask = self.frame["gender"] != "F"
        else:
            mask = self.frame[_COLUMNS[dimension]] == value
        return np.asarray(pd.Series(mask).fillna(False), dtype=bool)

    def group(self, dimension: str, value: str) -> np.ndarray:
        groups = self._kept(("group", dimension), lambda: self._group(dimension))
        return groups.get(value, np.empty(0, dtype=np.int64))

    def _group(self, dimension: str) -> dict[str, np.ndarray]:
        column = self.frame[_COLUMNS[dimension]]
        return {k: np.asarray(v) for k, v in column.groupby(column, sort=False).indices.items()}

    def codes(self, dimension: str) -> tuple[np.ndarray, dict]:
        """Each row's number for its value of the dimension (-1 where missing), and the numbers."""

        def make():
            codes, uniques = pd.factorize(self.frame[_COLUMNS[dimension]], use_na_sentinel=True)
            return codes, {value: number for number, value in enumerate(uniques)}

        return self._kept(("codes", dimension), make)

    def column(self, dimension: str) -> np.ndarray:
        return self._kept(("column", dimension), lambda: self.frame[_COLUMNS[dimension]].to_numpy())

    def rows(self, cell: Key) -> np.ndarray:
        many = sorted((a for a in cell if a[0] in _MANY_VALUES), key=lambda a: (len(self.group(*a)), a))
        few = [self.mask(a) for a in sorted(cell) if a[0] not in _MANY_VALUES]
        if many:
            rows = self.group(*many[0])
            for dimension, value in many[1:]:
                rows = rows[self.column(dimension)[rows] == value]
        elif few:
            mask = few.pop(0).copy()
            for other in few:
                mask &= other
            return np.flatnonzero(mask)
        else:
            return np.arange(len(self.frame))
        for mask in few:
            rows = rows[mask[rows]]
        return rows

    def values_present(self, dimension: str) -> list[str]:
        """The dimension's values that have people, sorted (from the row numbers: a national profile
        has ten thousand rows, and a frame of those with people cost more than the protection's tables)."""
        codes, code_of = self.codes(dimension)
        names = np.array(list(code_of), dtype=object)
        return sorted(names[np.unique(codes[(self.weights > 0) & (codes >= 0)])].tolist())

    def forget_rows(self) -> None:
        if not self._shared:  # shared structures serve the next date too
            self._known.clear()


class Cube:
    """Counts any key over the profile. The participant_profile query gives it in two grains
    (`grain`): "people", every characteristic but the place, and "places", the place with gender and
    age group; a cell is counted in the grain that has its conditions. Both grains hold the same
    people, so a cell's identity, the sum of its people's fingerprints, is comparable across them.
    A profile without grains (one row per combination of everything, as tests build them) serves
    every cell itself, each row with a fingerprint of its own."""

    def __init__(self, profile: pd.DataFrame):
        if "grain" in profile.columns:
            self.people, self.places = (_grain_of(profile[profile["grain"] == name]) for name in ("people", "places"))
        else:
            self.people = self.places = _Grain(profile.reset_index(drop=True), _fingerprints(len(profile)))
        self._known: dict[Key, tuple[bytes, int]] = {}  # cell -> (identity, count)

    @classmethod
    def of_grains(cls, people: _Grain, places: _Grain) -> Cube:
        cube = cls.__new__(cls)
        cube.people, cube.places, cube._known = people, places, {}
        return cube

    def grain(self, cell: Key) -> _Grain:
        return self.places if any(dimension in _MANY_VALUES for dimension, _ in cell) else self.people

    def _measure(self, cell: Key) -> tuple[bytes, int]:
        if cell not in self._known:
            grain = self.grain(cell)
            rows = grain.rows(cell)
            self._known[cell] = (_identity_of(grain.prints[rows].sum(axis=0, dtype=np.uint64)), int(grain.weights[rows].sum()))
        return self._known[cell]

    def measure_split(self, dimension: str, values: list[str], splits: list[Key]) -> list[tuple[list[bytes], list[int]]]:
        """Measure {dimension=v} and {dimension=v} | split for every value at once, as `_measure`
        would one by one: a national split table has ten thousand cells, and sorting the grain once
        per split costs less than a row list per cell. Returns, for the whole row and then each
        split, every value's identity and count. The whole rows are also kept by name (other pages
        ask for {impl=a}); the split cells are read back through Protected.split_columns."""
        grain = self.places
        codes, code_of = grain.codes(dimension)
        numbers = np.array([code_of.get(value, -1) for value in values], dtype=np.int64)
        known = numbers >= 0
        columns = []
        for split in [GRAND, *splits]:
            rows, ends = grain._kept(
                ("split", dimension, split), lambda split=split: _grouped_rows(grain, codes, len(code_of), split)
            )
            weights = np.concatenate(([0], np.cumsum(grain.weights[rows])))
            prints = np.concatenate((np.zeros((1, 2), dtype=np.uint64), np.cumsum(grain.prints[rows], axis=0, dtype=np.uint64)))
            # Each value's rows are ends[n]:ends[n + 1]; a value not in the profile has none (0:0).
            padded = np.append(ends, ends[-1])  # (no values at all: ends is [0])
            begin = np.where(known, padded[numbers.clip(min=0)], 0)
            end = np.where(known, padded[numbers.clip(min=0) + 1], 0)
            # Each row of two uint64 as its 16 bytes, as _identity_of gives them.
            identities = np.ascontiguousarray(prints[end] - prints[begin]).view("V16").ravel().tolist()
            counts = (weights[end] - weights[begin]).tolist()
            if not split:
                for value, identity, count in zip(values, identities, counts, strict=True):
                    self._known.setdefault(key(**{dimension: value}), (identity, count))
            columns.append((identities, counts))
        return columns

    def count(self, cell: Key) -> int:
        return self._measure(cell)[1]

    def identity(self, cell: Key) -> bytes:
        """Cells that select the same people are one cell, however their conditions are written
        ({impl=a, gender=F} is {gender=F} when a is the only implementer in scope)."""
        return self._measure(cell)[0]

    def forget_rows(self) -> None:
        """Drop the masks and row lists (kept counts stay): a protected view is kept for a while."""
        self.people.forget_rows()
        self.places.forget_rows()


def _grouped_rows(grain: _Grain, codes: np.ndarray, values: int, split: Key) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a split with a value of the dimension, ordered by value, and where each value's
    rows end (rows[ends[n]:ends[n + 1]] are value n's)."""
    selected = np.ones(len(codes), dtype=bool) if not split else np.logical_and.reduce([grain.mask(a) for a in split])
    rows = np.flatnonzero(selected & (codes >= 0))
    rows = rows[np.argsort(codes[rows], kind="stable")]
    return rows, np.concatenate(([0], np.cumsum(np.bincount(codes[rows], minlength=values))))


def _grain_of(rows: pd.DataFrame) -> _Grain:
    frame = rows.reset_index(drop=True)
    for column in ("has_left", "is_active"):
        frame[column] = frame[column].astype(bool)
    return _Grain(frame, frame[["print_a", "print_b"]].to_numpy(dtype=np.uint64))


FINGERPRINT_SEED = 2016  # fixed: every server process must give a cell the same identity


def _fingerprints(rows: int) -> np.ndarray:
    """Two random 64-bit numbers per row of a profile built without fingerprints (tests), the same
    in every process."""
    return np.random.default_rng(FINGERPRINT_SEED).integers(0, 2**64 - 1, size=(rows, 2), dtype=np.uint64, endpoint=True)


def _identity_of(summed: np.ndarray) -> bytes:
    """A cell's identity: the sum, modulo 2**64 in each of two lanes, of the fingerprints of the
    people it selects. The same people give the same identity; other people another, but for a
    chance of one in 2**128 per pair. Sums, unlike a digest of a list, come from running sums: a
    split table's ten thousand cells cost one pass."""
    return summed.tobytes()


@dataclass
class _Reading:
    """Where a reader starts: the cells shown and not hidden, and how many unknowns each equation has."""

    known: set[bytes]
    unknowns: list[int]
    containing: dict[bytes, list[int]]  # cell -> the numbers of the equations it is in
    ones: set[int]  # the equations with a single unknown, kept up to date (a national view has 3 100 equations)

    @classmethod
    def of(cls, view: Protected) -> _Reading:
        known = view.displayed - view.suppressed
        containing: dict[bytes, list[int]] = collections.defaultdict(list)
        for number, equation in enumerate(view.equations):
            for cell in equation:
                containing[cell].append(number)
        # Counted from the unknown cells, a few hundred against ten thousand known nationally.
        unknowns = [0] * len(view.equations)
        for cell in containing.keys() - known:
            for number in containing[cell]:
                unknowns[number] += 1
        return cls(known, unknowns, containing, {number for number, count in enumerate(unknowns) if count == 1})

    def forget(self, cell: bytes) -> None:
        """The cell is hidden from now on."""
        if cell in self.known:
            self.known.discard(cell)
            for number in self.containing.get(cell, ()):
                self.unknowns[number] += 1
                if self.unknowns[number] == 1:
                    self.ones.add(number)
                elif self.unknowns[number] == 2:
                    self.ones.discard(number)


@dataclass
class Protected:
    """The cells of a view, and those that must not be shown. Internally every cell is its identity
    (the people it selects), so the same count shown under two names is protected as one."""

    cube: Cube
    threshold: int
    displayed: set[bytes] = field(default_factory=set)
    equations: list[dict[bytes, int]] = field(default_factory=list)  # cell -> coefficient; Σ = 0
    suppressed: set[bytes] = field(default_factory=set)
    _counts: dict[bytes, int] = field(default_factory=dict)
    _splits: dict[str, tuple[list[str], list[list[bytes]]]] = field(default_factory=dict)  # see split_columns

    def _id(self, cell: Key) -> bytes:
        return self._register(*self.cube._measure(cell))

    def _register(self, identity: bytes, count: int) -> bytes:
        self._counts.setdefault(identity, count)
        return identity

    @property
    def grand(self) -> bytes:
        return self._id(GRAND)

    def value(self, cell: Key) -> int | Withheld:
        """The count to show, or why it is withheld."""
        identity = self._id(cell)
        return self._withheld(identity) if identity in self.suppressed else self.cube.count(cell)

    def _withheld(self, identity: bytes) -> Withheld:
        return Withheld(SMALL if self._small(identity) else PROTECTING, self.threshold)

    def split_columns(self, dimension: str) -> tuple[list[str], list[list[int | Withheld]]]:
        """A split table as shown: its values, then, column by column (the total, then each of
        SPLITS), every value's count (a Withheld where it is not shown)."""
        values, columns = self._splits[dimension]
        hidden, counts = self.suppressed, self._counts
        small, protecting = Withheld(SMALL, self.threshold), Withheld(PROTECTING, self.threshold)
        mark = lambda identity: small if self._small(identity) else protecting  # noqa: E731
        return values, [[mark(identity) if identity in hidden else counts[identity] for identity in column] for column in columns]

    def show(self, *cells: Key) -> None:
        self.displayed.update(self._id(c) for c in cells)

    def equate(self, total: Key, members: list[Key]) -> None:
        """total = Σ members, kept as coefficients so that a cell on both sides cancels out
        (with an empty member, CO03 women = in-education women + outside women is just A = A)."""
        self.equate_ids(self._id(total), [self._id(m) for m in members])

    def equate_ids(self, total: bytes, members: list[bytes]) -> None:
        """equate, for cells already known by their identities."""
        coefficients: dict[bytes, int] = {total: 1}
        for identity in members:
            coefficients[identity] = coefficients.get(identity, 0) - 1
        equation = {c: k for c, k in coefficients.items() if k}
        if equation:
            self.equations.append(equation)

    def _small(self, cell: bytes) -> bool:
        return 0 < self._counts[cell] < self.threshold

    def _derive(self, reading: _Reading | None = None, stop_at_small: bool = False, want_known: bool = True):
        """What a reader can work out: start from the shown cells and solve any equation with a single
        unknown, again and again. Returns the known cells and each derivation (cell, equation) in order;
        with stop_at_small, stops after the first derivation of a small count."""
        # Read as passes over the equations in list order, an equation with one unknown at its turn
        # solving it at once. Done with a count of unknowns per equation and a heap of the equations
        # left to visit in the current pass: the same steps in the same order, without rescanning
        # thousands of equations per pass.
        # The reading's known cells are not copied (protect derives hundreds of times over ten
        # thousand cells nationally): what is worked out goes into a set of its own.
        reading = reading or _Reading.of(self)
        shown, derived, unknowns, equations = reading.known, set(), list(reading.unknowns), self.equations
        counts, threshold = self._counts, self.threshold
        steps = []
        ones = reading.ones
        while ones:
            visit, ones = sorted(ones), set()  # a sorted list is a valid heap
            while visit:
                number = heapq.heappop(visit)
                if unknowns[number] != 1:
                    continue
                cell = next(c for c in equations[number] if c not in shown and c not in derived)
                derived.add(cell)
                steps.append((cell, equations[number]))
                if stop_at_small and 0 < counts[cell] < threshold:
                    return (shown | derived if want_known else None), steps
                for other in reading.containing[cell]:
                    unknowns[other] -= 1
                    if unknowns[other] == 1:
                        # Later in this pass, or else in the next one.
                        heapq.heappush(visit, other) if other > number else ones.add(other)
        return (shown | derived if want_known else None), steps

    def protect(self) -> Protected:
        grand = self.grand
        counts, threshold = self._counts, self.threshold
        self.suppressed = {c for c in self.displayed if 0 < counts[c] < threshold and c != grand}
        reading = _Reading.of(self)
        uses = lambda c: len(reading.containing.get(c, ()))  # noqa: E731 - the equations a cell is in
        # Ties are broken by the cell's identity, which comes from the people it selects: candidates
        # come out of sets, whose order changes with each process's hash seed, and every server
        # process must hide the same cells (or two workers' answers, side by side, would show what
        # each hides).
        rank = lambda c: (uses(c), c)  # noqa: E731 - among the smallest counts
        while True:
            # Only the first derivation of a small count is acted on, and everything its chain goes
            # back through was derived before it.
            _, steps = self._derive(reading, stop_at_small=True, want_known=False)
            if not steps or not self._small(steps[-1][0]):
                return self._release_given_away()
            # Break the first derivation that reveals a small count: hide the smallest shown cell
            # anywhere in its chain (fewest equations first among equals), so a big total such as all
            # women is never given up to protect a handful.
            cell, equation = steps[-1]
            candidates = self._breakable(cell, equation, steps)
            if not candidates:
                return self._release_given_away()  # nothing left to hide; leaks() will report it
            smallest = min(counts[c] for c in candidates)
            hidden = min((c for c in candidates if counts[c] == smallest), key=rank)
            self.suppressed.add(hidden)
            reading.forget(hidden)

    def _release_given_away(self) -> Protected:
        """Show again every cell hidden to protect another that the cells beside it give away (a
        total hidden next to its two shown parts protects nothing and reads as a false mark).
        What a reader knows stays the same: each such cell was worked out already."""
        known, _ = self._derive()
        self.suppressed -= {c for c in self.suppressed & known if not self._small(c)}
        return self

    def _breakable(self, cell: bytes, equation, steps) -> set[bytes]:
        """Shown cells whose hiding breaks a derivation of `cell`: those of its equation and of every
        equation that derived one of that equation's cells, back through the chain."""
        derived_by = {}
        for derived, eq in steps:
            derived_by.setdefault(derived, eq)
        seen, queue, involved = {cell}, [equation], set()
        while queue:  # the chain's equations, in any order: what they involve is the same
            cells = queue.pop().keys()
            involved.update(cells)
            for other in cells - seen:
                seen.add(other)
                if other in derived_by:
                    queue.append(derived_by[other])
        # Zero is never hidden: it reveals no one, and "<5" would claim one to four people.
        counts, hidden = self._counts, self.suppressed
        return {c for c in involved & self.displayed if c not in hidden and counts[c] > 0} - {self.grand}

    def leaks(self) -> list[bytes]:
        """Small counts a reader could still work out by subtraction (should be none)."""
        known, _ = self._derive()
        return [c for c in known if self._small(c) and (c in self.suppressed or c not in self.displayed)]


def with_(cell: Key, **more: str) -> Key:
    return cell | key(**more)


def build_view(
    profile: pd.DataFrame | Cube,
    threshold: int,
    implementers: list[str],
    municipalities: list[str],
    regions: list[str] | None = None,
    programme_of: Programme = DEFAULT,
) -> Protected:
    """Every table of the participants page and its equations, protected together."""
    view = Protected(profile if isinstance(profile, Cube) else Cube(profile), threshold)
    ages, genders = programme_of.age_codes, programme_of.genders
    genders_all = [GRAND] + [key(gender=g) for g in genders]
    # 12.2: age rows × status columns, totals both ways, and the women row by status.
    for age in ages:
        view.show(key(age=age), *(key(status=s, age=age) for s in STATUSES))
        view.equate(key(age=age), [key(status=s, age=age) for s in STATUSES])
    for status in STATUSES:
        view.show(key(status=status), key(status=status, gender="F"))
        view.equate(key(status=status), [key(status=status, age=a) for a in ages])
    view.show(GRAND, key(gender="F"))
    view.equate(GRAND, [key(age=a) for a in ages])
    view.equate(GRAND, [key(status=s) for s in STATUSES])
    view.equate(key(gender="F"), [key(status=s, gender="F") for s in STATUSES])
    # Indicators by gender; each row adds up over the genders.
    for _, cell in indicator_rows(programme_of):
        view.show(cell, *(with_(cell, gender=g) for g in genders))
        view.equate(cell, [with_(cell, gender=g) for g in genders])
    view.show(*genders_all, key(ind="ACTIVE"))
    view.equate(GRAND, [key(gender=g) for g in genders])
    view.equate(GRAND, [key(ind="ACTIVE"), key(ind="NOT_ACTIVE")])
    # The programme's relations (CO03 = in education + outside the labour market, ...), for the
    # scope and each gender column, then those that hold for the scope alone.
    for base in genders_all:
        g = dict(base)
        for relation in (r for r in programme_of.relations if r.by_gender):
            view.equate(with_(cell_of(relation.total), **g), [with_(cell_of(part), **g) for part in relation.parts])
    for relation in (r for r in programme_of.relations if not r.by_gender):
        view.equate(cell_of(relation.total), [cell_of(part) for part in relation.parts])
    # Gender and age split per implementer and per municipality, with the scope's total row.
    for dimension, values in (("impl", implementers), ("muni", municipalities), ("region", regions or [])):
        _split_table(view, dimension, values, splits_of(programme_of), len(genders))
    # A region is the sum of its municipalities.
    towns = _towns_by_region(view.cube.places) if regions else {}
    for region in regions or []:
        view.equate(key(region=region), [key(muni=m) for m in towns.get(region, [])])
    view.protect()
    view.cube.forget_rows()
    return view


def _towns_by_region(places: _Grain) -> dict[str, list[str]]:
    """The municipalities with people in them, sorted, per region (pairs found by their codes: a
    national profile has ten thousand rows)."""
    regions, region_of = places.codes("region")
    towns, town_of = places.codes("muni")
    present = (places.weights > 0) & (regions >= 0) & (towns >= 0)
    pairs = np.unique(regions[present].astype(np.int64) * max(len(town_of), 1) + towns[present])
    region_names, town_names = list(region_of), list(town_of)
    found: dict[str, list[str]] = {}
    for pair in pairs.tolist():
        found.setdefault(region_names[pair // max(len(town_of), 1)], []).append(town_names[pair % max(len(town_of), 1)])
    return {region: sorted(names) for region, names in found.items()}


def _split_table(view: Protected, dimension: str, values: list[str], columns_shown: list[tuple[str, str]], genders: int) -> None:
    splits = [key(**{d: v}) for d, v in columns_shown]
    # Worked with by identity: a national split table has ten thousand cells.
    measured = view.cube.measure_split(dimension, values, splits)
    for identities, counts in measured:
        view._counts.update(zip(identities, counts, strict=True))  # one identity has one count: order is no matter
    rows, *columns = [identities for identities, _ in measured]
    view._splits[dimension] = (values, [rows, *columns])
    view.displayed.update(rows)
    for column in columns:
        view.displayed.update(column)
    # Each row adds up over the genders and over the ages. Written out where the cells are distinct
    # (equate_ids's general case, a cell on both sides, is for rows with empty cells).
    by_gender, by_age = zip(*columns[:genders], strict=True), zip(*columns[genders:], strict=True)
    for row, genders, ages in zip(rows, by_gender, by_age, strict=True):
        for parts in (genders, ages):
            equation = {row: 1, **dict.fromkeys(parts, -1)}
            if len(equation) == len(parts) + 1:
                view.equations.append(equation)
            else:
                view.equate_ids(row, list(parts))
    for split, column in zip(splits, columns, strict=True):
        view.show(split)
        view.equate_ids(view._id(split), column)
    view.equate_ids(view.grand, rows)


@dataclass
class ParticipantStats:
    scope: Scope
    as_of: dt.date
    threshold: int
    view: Protected
    targets: pd.DataFrame
    implementers: list[str]
    municipalities: list[str]
    regions: list[str]
    programme: Programme = DEFAULT
    collected: frozenset[str] = frozenset()  # the optional columns (and "followups") with any data
    code_targets: dict[str, float] = field(default_factory=dict)  # indicator code -> target (v2)

    def is_collected(self, code: str) -> bool:
        """Whether the data could count the row at all: an optional column no one was asked about
        is "not collected", never zero."""
        needs = self.programme.row(code).collected_by
        return needs is None or needs in self.collected

    def row_cell(self, code: str) -> Key:
        return cell_of(self.programme.row(code).rule)

    @property
    def splits(self) -> list[tuple[str, str]]:
        return splits_of(self.programme)

    @cached_property
    def target_lookup(self) -> dict[Key, float]:
        found = {}
        for row in self.targets.itertuples():
            conditions = {}
            if pd.notna(row.labour_market_status):
                conditions["status"] = row.labour_market_status
            if pd.notna(row.age_group):
                conditions["age"] = row.age_group
            if pd.notna(row.gender):
                conditions["gender"] = row.gender
            found[key(**conditions)] = float(row.target)
        return found

    def target(self, cell: Key) -> float | None:
        return self.target_lookup.get(cell)


def participant_stats(store: Store, scope: Scope, as_of: dt.date) -> ParticipantStats:
    """The protected statistics of a scope, computed once per store (they never change)."""
    return store.memo(("participant_stats", scope, as_of), lambda: _participant_stats(store, scope, as_of))


def _participant_stats(store: Store, scope: Scope, as_of: dt.date) -> ParticipantStats:
    threshold = int(store.fetch_one("project")["suppression_threshold"])
    cube = _cube(store, scope, as_of)
    implementers, municipalities, regions = (cube.places.values_present(d) for d in ("impl", "muni", "region"))
    targets = pd.DataFrame(columns=["labour_market_status", "age_group", "gender", "target"])
    code_targets: dict[str, float] = {}
    programme_of = store_programme(store)
    if not scope.narrowed_by_area:  # a region or municipality has no targets of its own
        version = version_at(store, as_of)
        targets = store.fetch("participant_targets", implementer=scope.implementer, version=version)
        coded = store.fetch("indicator_code_targets", implementer=scope.implementer, version=version)
        code_targets = {r.indicator: float(r.target) for r in coded.itertuples() if r.indicator in programme_of.indicators}
    view = build_view(cube, threshold, implementers, municipalities, regions, programme_of)
    collected = collected_columns(store)
    return ParticipantStats(
        scope, as_of, threshold, view, targets, implementers, municipalities, regions, programme_of, collected, code_targets
    )


def store_programme(store: Store) -> Programme:
    """The programme period of the data set's project (project.toml `programme`)."""
    return programme(store.fetch_one("project")["programme"])


def collected_columns(store: Store) -> frozenset[str]:
    """The optional participant columns with any value, and "followups" where any follow-up is in."""
    found = store.memo(("collected_columns",), lambda: store.fetch_one("collected_columns"))
    return frozenset(name for name, count in found.items() if count)


def _cube(store: Store, scope: Scope, as_of: dt.date) -> Cube:
    """The scope's profile as a Cube. The rows of the whole programme, an implementer, a region or
    a list of municipalities are the same at every date (profile.part_of): what is worked out from
    their characteristics is kept for the next date. Other scopes ask the query."""
    part = profile.part_of(store, scope)
    if part is None:
        return Cube(participant_profile(store, scope, as_of))
    grains = []
    for grain in profile.GRAINS:
        frame = profile.universe(store, grain, part)
        counts, prints = profile.counts_on(store, grain, part, as_of)
        known = store.memo(("profile_structures", grain, part), lambda frame=frame: _booleans(frame))
        grains.append(_Grain(known["frame"], prints, counts, known))
    return Cube.of_grains(*grains)


def _booleans(frame: pd.DataFrame) -> dict:
    """The shared structures of a universe's rows, starting with the rows themselves as the Cube
    reads them (a missing boolean as False)."""
    frame = frame.copy()
    for column in ("has_left", "is_active"):
        frame[column] = frame[column].astype(bool)
    return {"frame": frame}


def monthly_participants(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per implementer and month end: entered (cumulative) and left; small counts suppressed (NaN)."""
    threshold = int(store.fetch_one("project")["suppression_threshold"])
    frame = participants_by_month(store, scope, as_of)
    frame["day"] = pd.to_datetime(frame["day"])
    for column in ("entered", "has_left"):
        frame[column] = frame[column].astype(float).where(~frame[column].between(1, threshold - 1))
    return frame


def scope_monthly(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """The scope's own cumulative entered/left/active by month end, suppressed like the rest."""
    threshold = int(store.fetch_one("project")["suppression_threshold"])
    frame = participants_by_month(store, scope, as_of)
    total = frame.groupby("day", as_index=False)[["entered", "has_left"]].sum()
    total["active"] = total["entered"] - total["has_left"]
    total["day"] = pd.to_datetime(total["day"])
    for column in ("has_left", "active"):
        total[column] = total[column].astype(float).where(~total[column].between(1, threshold - 1))
    return total
