"""The quick ways of small-cell protection against the plain ones they replace, on random data:
measuring a split table at once against cell by cell, and solving equations from a count of
unknowns per equation against passes over every equation. Any difference would hide other cells."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from queries.participants import AGE_GROUPS, GENDERS, GRAND, SPLITS, Cube, Protected, _fingerprints, _Reading, build_view, key
from queries.withheld import is_withheld


def random_profile(seed: int, rows: int = 400) -> pd.DataFrame:
    rng = random.Random(seed)
    towns = [f"K{n:02d}" for n in range(25)]
    region_of = {t: f"R{int(t[1:]) % 4}" for t in towns}
    picked = [rng.choice(towns) for _ in range(rows)]
    return pd.DataFrame(
        {
            "implementer_id": [f"t{int(t[1:]) % 6}" for t in picked],
            "municipality": picked,
            "region": [region_of[t] for t in picked],
            "gender": [rng.choice("FFMMX") for _ in range(rows)],
            "age_group": [rng.choice((*AGE_GROUPS, None)) for _ in range(rows)],
            "is_over_54": [rng.random() < 0.2 for _ in range(rows)],
            "labour_market_status": [
                rng.choice(("unemployed", "in_education", "employed", "outside_labour_market")) for _ in range(rows)
            ],
            "long_term_unemployed": [rng.choice((True, False, None)) for _ in range(rows)],
            "education_isced": [rng.choice((0, 1, 3, 5, None)) for _ in range(rows)],
            "exit_status": [rng.choice(("none", "employed", "job_seeking", None)) for _ in range(rows)],
            "has_left": [rng.random() < 0.4 for _ in range(rows)],
            "is_active": [rng.random() < 0.6 for _ in range(rows)],
            "participants": [rng.choice((1, 1, 1, 2, 3, 7)) for _ in range(rows)],
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_a_split_measured_at_once_equals_cell_by_cell(seed):
    profile = random_profile(seed)
    splits = [key(gender=g) for g in GENDERS] + [key(age=a) for a in AGE_GROUPS]
    for dimension, column in (("impl", "implementer_id"), ("muni", "municipality"), ("region", "region")):
        values = [*sorted(profile[column].unique()), "not in the profile"]
        at_once, one_by_one = Cube(profile), Cube(profile)
        columns = at_once.measure_split(dimension, values, splits)
        for n, value in enumerate(values):
            for (identities, counts), split in zip(columns, [GRAND, *splits], strict=True):
                cell = key(**{dimension: value}) | split
                assert (identities[n], counts[n]) == one_by_one._measure(cell), (dimension, value, split)
            assert at_once._known[key(**{dimension: value})] == one_by_one._measure(key(**{dimension: value}))


def test_a_split_of_an_empty_profile_has_no_one_in_it():
    empty = Cube(random_profile(0).iloc[:0])
    splits = [key(gender=g) for g in GENDERS]
    columns = empty.measure_split("muni", ["Aburg", "Bville"], splits)
    assert [counts for _, counts in columns] == [[0, 0]] * (len(splits) + 1)
    assert {identity for identities, _ in columns for identity in identities} == {bytes(16)}


def passes_over_every_equation(view: Protected):
    """The plain reading: pass over the equations in order until a pass solves nothing."""
    known = {c for c in view.displayed if c not in view.suppressed}
    steps, changed = [], True
    while changed:
        changed = False
        for equation in view.equations:
            unknown = [c for c in equation if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                steps.append((unknown[0], equation))
                changed = True
    return known, steps


@pytest.mark.parametrize("seed", range(8))
def test_solving_by_counting_unknowns_takes_the_same_steps_as_passes(seed):
    profile = random_profile(seed, rows=150)
    towns = sorted(profile["municipality"].unique())
    view = build_view(profile, 5, sorted(profile["implementer_id"].unique()), towns, sorted(profile["region"].unique()))
    assert view._derive() == passes_over_every_equation(view)
    # And from other starting points: hide a random handful of shown cells more.
    rng = random.Random(seed)
    view.suppressed |= set(rng.sample(sorted(view.displayed), 12))
    assert view._derive() == passes_over_every_equation(view)
    reading = _Reading.of(view)
    assert view._derive(reading) == passes_over_every_equation(view)


def test_a_reading_forgets_a_hidden_cell_as_if_started_without_it():
    profile = random_profile(11, rows=150)
    view = build_view(profile, 5, sorted(profile["implementer_id"].unique()), [], [])
    reading = _Reading.of(view)
    cell = sorted(c for c in view.displayed if c not in view.suppressed)[3]
    reading.forget(cell)
    view.suppressed.add(cell)
    fresh = _Reading.of(view)
    assert (reading.known, reading.unknowns, reading.ones) == (fresh.known, fresh.unknowns, fresh.ones)
    assert np.all(np.array(reading.unknowns) >= 0)


@pytest.mark.parametrize("seed", range(6))
def test_protecting_with_the_quick_reading_hides_what_the_plain_one_hides(seed):
    profile = random_profile(seed, rows=120)
    args = (profile, 5, sorted(profile["implementer_id"].unique()), sorted(profile["municipality"].unique()), [])
    quick = build_view(*args)
    plain = build_view(*args)
    plain.suppressed = {c for c in plain.displayed if plain._small(c) and c != plain.grand}
    uses = {}
    for equation in plain.equations:
        for cell in equation:
            uses[cell] = uses.get(cell, 0) + 1
    while True:  # protect() as it was, re-reading everything after each hidden cell
        _, steps = passes_over_every_equation(plain)
        revealed = next(((c, eq) for c, eq in steps if plain._small(c)), None)
        if revealed is None:
            break
        candidates = plain._breakable(*revealed, steps)
        if not candidates:
            break
        plain.suppressed.add(min(candidates, key=lambda c: (plain._counts[c], uses.get(c, 0), c)))
    plain._release_given_away()
    assert quick.suppressed == plain.suppressed
    assert len(quick.suppressed) > 0  # the random worlds do have small cells to protect


def in_two_grains(people: pd.DataFrame) -> pd.DataFrame:
    """What participant_profile returns for these people (one row each): counted by every
    characteristic but the place, and by the place with gender and age, each row carrying the sum of
    its people's fingerprints (here the ones a profile without grains gives its rows)."""
    prints = _fingerprints(len(people))
    people = people.assign(print_a=prints[:, 0], print_b=prints[:, 1])
    place = ["implementer_id", "municipality", "region", "gender", "age_group"]
    rest = [c for c in people.columns if c not in (*place, "participants", "print_a", "print_b")]
    grains = []
    for name, columns in (("people", ["gender", "age_group", *rest]), ("places", place)):
        grouped = people.groupby(columns, dropna=False).agg(
            participants=("participants", "sum"),
            print_a=("print_a", lambda s: s.to_numpy(np.uint64).sum(dtype=np.uint64)),
            print_b=("print_b", lambda s: s.to_numpy(np.uint64).sum(dtype=np.uint64)),
        )
        grains.append(grouped.reset_index().assign(grain=name))
    return pd.concat(grains, ignore_index=True)


@pytest.mark.parametrize("seed", range(5))
def test_two_grains_hide_what_one_row_per_person_hides(seed):
    people = random_profile(seed, rows=300).assign(participants=1)  # one row a person
    lists = (
        sorted(people["implementer_id"].unique()),
        sorted(people["municipality"].unique()),
        sorted(people["region"].unique()),
    )
    detailed = build_view(people, 5, *lists)
    grained = build_view(in_two_grains(people), 5, *lists)
    assert grained.cube.people is not grained.cube.places  # the two-grain path was taken
    assert len(grained.cube.places.frame) < len(people) and len(grained.cube.people.frame) < len(people)
    assert grained.equations == detailed.equations  # every cell has the same identity and count
    assert grained._counts == detailed._counts
    assert grained.suppressed == detailed.suppressed and len(detailed.suppressed) > 0


def test_a_split_table_reads_back_as_its_cells_by_name():
    profile = random_profile(3)
    towns = sorted(profile["municipality"].unique())
    view = build_view(profile, 5, sorted(profile["implementer_id"].unique()), towns, sorted(profile["region"].unique()))
    values, columns = view.split_columns("muni")
    table = {value: [column[n] for column in columns] for n, value in enumerate(values)}
    assert list(table) == towns
    for town in towns:
        by_name = [view.value(key(muni=town))] + [view.value(key(muni=town) | key(**{d: v})) for d, v in SPLITS]
        assert table[town] == by_name
    assert any(is_withheld(c) for counts in table.values() for c in counts)  # something is hidden to read back
