"""The app's queries read derived tables (queries/derived.sql: daily sums, participant
entries numbered by person, overdrawn bookings worked out once). Each must answer exactly as the
straightforward query over the raw tables (tests/fixtures/straightforward/) does, on a random world
with re-entries of every shape: overlapping, touching, apart, and in another municipality."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard.ingest.load import load_project
from queries import finance, participant_counts, participants, person_days, profile, scoped, spending
from queries.participants import build_view
from queries.store import _used
from queries.summary import Scope, finance_by_implementer, indicator_progress_by_implementer, run_rate_window_start

STRAIGHTFORWARD = Path(__file__).parent / "fixtures" / "straightforward"
FLAGS = ("disability", "third_country_national", "foreign_background", "minority", "homeless", "rural")
TOWNS = {"a": ["Aburg", "Cfield"], "b": ["Bville", "Cfield"]}
START, END = dt.date(2020, 6, 15), dt.date(2021, 7, 10)  # a little outside the tiny project period
PROJECT_START = dt.date(2020, 7, 1)  # tests/fixtures/tiny/plan/project.toml


def _day(rng: random.Random) -> dt.date:
    return START + dt.timedelta(days=rng.randint(0, (END - START).days))


def _participants(rng: random.Random, people: int) -> list[str]:
    rows = []
    for n in range(people):
        implementer = rng.choice("ab")
        profile = [
            rng.choice("FMX"),
            str(rng.randint(16, 70)),
            rng.choice(["unemployed", "employed", "in_education", "outside_labour_market"]),
            rng.choice(["true", "false", ""]),
            rng.choice(["", "0", "2", "3", "6"]),
        ]
        start = _day(rng)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            stay = rng.randint(0, 200)
            end = start + dt.timedelta(days=stay) if rng.random() < 0.7 else None
            exit_status = rng.choice(["employed", "job_seeking", "none", ""]) if end else ""
            town = rng.choice(TOWNS[implementer])
            flags = [rng.choice(["true", "false", ""]) for _ in FLAGS]  # each entry its own: the first one's count
            rows.append(",".join([f"P{n}", implementer, town, str(start), str(end or ""), *profile, exit_status, *flags]))
            # The next entry overlaps, touches or follows this one (always starting later: "first" and
            # "latest" entry must mean one entry each).
            base = end or start + dt.timedelta(days=stay)
            start = max(base + dt.timedelta(days=rng.choice([-30, -1, 0, 0, 1, 40])), start + dt.timedelta(days=1))
    return rows


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("random-world")
    tiny = Path(__file__).parent / "fixtures" / "tiny"
    for folder in ("plan", "extracts"):
        (root / folder).mkdir()
        for path in (tiny / folder).iterdir():
            (root / folder / path.name).write_bytes(path.read_bytes())
    rng = random.Random(20261123)
    extracts = root / "extracts"
    header = (extracts / "participants.csv").read_text().splitlines()[0] + "," + ",".join(FLAGS)
    people = _participants(rng, 400)
    (extracts / "participants.csv").write_text("\n".join([header, *people]) + "\n")
    # Follow-ups of some people, some before their first entry or after the period, some for no one.
    followups = ["participant_id,implementer_id,date,employed,improved_situation"]
    for row in [*rng.sample(people, 150), "P999,a"]:
        person, implementer = row.split(",")[:2]
        followups.append(f"{person},{implementer},{_day(rng)},{rng.choice(['true', 'false'])},{rng.choice(['true', 'false'])}")
    (extracts / "followups.csv").write_text("\n".join(followups) + "\n")
    days = ["date,implementer_id,municipality,day_type,days"]
    for _ in range(1500):
        implementer = rng.choice("ab")
        town = rng.choice([*TOWNS[implementer], ""])
        kind = rng.choice(["contact_teaching", "distance_teaching", "subsidised_employment", "guidance_consulting", "other"])
        days.append(f"{_day(rng)},{implementer},{town},{kind},{rng.randint(1, 16) / 2}")
    (extracts / "person_days.csv").write_text("\n".join(days) + "\n")
    bookings = ["date,implementer_id,cost_category,amount_eur,voucher_id,description"]
    for n in range(3000):
        category = rng.choice(["salaries", "purchased_services", "other_costs", "revenue"])
        amount = rng.randint(-20000, 60000) / 100
        bookings.append(f"{_day(rng)},{rng.choice('ab')},{category},{amount:.2f},V{n},")
    # One day of b's other costs in every order that matters: a booking and corrections of equal
    # amounts (taken by voucher), on the first day of the category and later.
    for day in ("2020-06-14", "2020-12-01"):
        bookings += [
            f"{day},b,other_costs,{amount},W{day[5:7]}{v},same day"
            for v, amount in enumerate(("80.00", "-50.00", "-50.00", "-5.00"))
        ]
    (extracts / "spending.csv").write_text("\n".join(bookings) + "\n")
    result = load_project(root / "plan", extracts)
    assert result.ok and not [p for p in result.problems if p.code != "outside_period"], [p.line() for p in result.problems[:5]]
    people = result.store.fetch_one("participants_summary", as_of=END, implementer=None, region=None, municipalities=None)
    assert people["participants"] == 400
    return result.store


SCOPES = [
    {"implementer": None, "region": None, "municipalities": None},
    {"implementer": "a", "region": None, "municipalities": None},
    {"implementer": None, "region": "South", "municipalities": None},
    {"implementer": "a", "region": "South", "municipalities": None},
    {"implementer": None, "region": None, "municipalities": ["Cfield"]},
    {"implementer": "b", "region": None, "municipalities": ["Bville", "Aburg"]},
    {"implementer": None, "region": "North", "municipalities": None},
    # No one has entries in both (implementer a works in Aburg and Cfield, b in Bville and Cfield) ...
    {"implementer": None, "region": None, "municipalities": ["Bville", "Aburg"]},
    # ... but some of a's people have entries in both of these.
    {"implementer": None, "region": None, "municipalities": ["Aburg", "Cfield"]},
    # An implementer within an area that narrows nothing: all of b's entries are in the South, ...
    {"implementer": "b", "region": "South", "municipalities": None},
    # ... and all the entries in the North, or in Aburg, are a's.
    {"implementer": "a", "region": "North", "municipalities": None},
    {"implementer": "a", "region": None, "municipalities": ["Aburg"]},
    # A region with a list of municipalities: those of the list in the region (here Cfield), or none.
    {"implementer": None, "region": "South", "municipalities": ["Cfield", "Aburg"]},
    {"implementer": None, "region": "North", "municipalities": ["Bville"]},
]
# How the running profile reads each scope (profile.part_of); None: by the query.
PARTS = [
    ("implementer", None),
    ("implementer", "a"),
    ("region", "South"),
    None,
    ("towns", ("Cfield",)),
    None,
    ("region", "North"),
    ("towns", ("Aburg", "Bville")),
    None,
    ("implementer", "b"),
    ("region", "North"),
    ("towns", ("Aburg",)),
    ("towns", ("Cfield",)),
    None,
]
AS_OF = [dt.date(2020, 5, 1), dt.date(2020, 7, 1), dt.date(2020, 10, 31), dt.date(2021, 2, 14), dt.date(2021, 6, 30), END]
# Answered in the app only summed up (per month over the scope, or running per implementer): the
# test after the general one holds those sums to it.
SUMMED = {"spending_by_month"}
QUERIES = sorted(p.stem for p in STRAIGHTFORWARD.glob("*.sql") if p.stem not in SUMMED)
UNORDERED = {"participant_profile"}  # its rows come in no particular order (see the query)


def _scope(params: dict) -> Scope:
    towns = tuple(params["municipalities"] or ())
    return Scope(implementer=params["implementer"], region=params["region"], municipalities=towns, as_of=params["as_of"])


# Questions answered from the running totals of queries/spending.py, person_days.py and
# participant_counts.py rather than (or not only) by a query of the same name: each must give the
# frame its straightforward query gives.
IN_PYTHON = {
    "finance_by_implementer": lambda store, p: finance_by_implementer(store, _scope(p), p["as_of"]).drop(
        columns="forecast_at_completion_eur"
    ),
    "window_buckets": lambda store, p: _window_buckets(store, p),
    "spending_by_year": lambda store, p: spending.spending_by_year(store, _scope(p), p["as_of"]),
    "person_days_by_type": lambda store, p: person_days.person_days_by_type(store, _scope(p), p["as_of"]),
    "person_days_by_month": lambda store, p: person_days.person_days_by_month(store, _scope(p), p["as_of"]),
    "person_days_by_municipality": lambda store, p: person_days.person_days_by_municipality(store, _scope(p), p["as_of"]),
    "indicator_progress_by_implementer": lambda store, p: indicator_progress_by_implementer(store, _scope(p), p["as_of"]),
    # From running counts, but for a list of municipalities someone has entries in two of: by its query.
    "participants_by_month": lambda store, p: participant_counts.participants_by_month(store, _scope(p), p["as_of"]),
    "participant_profile": lambda store, p: profile.participant_profile(store, _scope(p), p["as_of"]),
    "participants_summary": lambda store, p: pd.DataFrame(
        [participant_counts.participants_summary(store, _scope(p), p["as_of"])]
    ),
}


def _window_buckets(store, params: dict) -> pd.DataFrame:
    implementers = scoped.in_scope(store, _scope(params))
    sums = spending.window_buckets(store, implementers, params["window_start"], params["as_of"], 6)
    return pd.DataFrame(
        {
            "implementer_id": [i for i in implementers for _ in range(6)],
            "bucket": list(range(6)) * len(implementers),
            "net_eur": sums.ravel(),
        }
    )


def _app(store, name: str, params: dict) -> pd.DataFrame:
    return IN_PYTHON[name](store, params) if name in IN_PYTHON else store.fetch(name, **params)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as Python objects, a missing value as None (NaN, NA and None alike)."""
    return frame.astype(object).where(frame.notna(), None)


def _straightforward(store, name: str, params: dict) -> pd.DataFrame:
    text = (STRAIGHTFORWARD / f"{name}.sql").read_text()
    used = {k: v for k, v in params.items() if f"${k}" in text}
    cursor = store._connection.cursor()
    try:
        frame = cursor.execute(text, used).df()
    finally:
        cursor.close()
    # The intake's code columns are enums (queries/intake.sql), which pandas reads as categories;
    # the app's answers hold them as text.
    return frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


@pytest.mark.parametrize("name", QUERIES)
def test_each_query_answers_as_the_straightforward_one(world, name):
    assert name in IN_PYTHON or _used(name, {"as_of": END})  # every one of them depends on the as-of date
    for scope in SCOPES:
        for as_of in AS_OF:
            params = {**scope, "as_of": as_of, "window_start": run_rate_window_start(PROJECT_START, as_of)}
            expected = _straightforward(world, name, params)
            got = _app(world, name, params)
            if name in UNORDERED:  # and missing values told apart from what they are written as
                got, expected = (_plain(f).sort_values(list(f.columns)).reset_index(drop=True) for f in (got, expected))
            assert list(got.columns) == list(expected.columns), name
            assert len(got) == len(expected), (name, scope, as_of)
            pd.testing.assert_frame_equal(
                got.reset_index(drop=True),
                expected.reset_index(drop=True),
                check_dtype=False,
                rtol=1e-9,
                obj=f"{name} {scope} {as_of}",
            )


def test_monthly_and_running_cost_sum_the_straightforward_monthly_spending(world):
    for scope in SCOPES:
        for as_of in AS_OF:
            params = {**scope, "as_of": as_of}
            monthly = _straightforward(world, "spending_by_month", params)
            expected = monthly.pivot_table(index="month", columns="cost_category", values="amount_eur", aggfunc="sum")
            got = spending.monthly_totals(world, _scope(params), as_of).set_index("month")
            expected = expected.reindex(columns=got.columns).fillna(0.0)
            expected.index = pd.to_datetime(expected.index).astype(got.index.dtype)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False, rtol=1e-9, obj=f"{scope} {as_of}")

            monthly["net_eur"] = monthly["amount_eur"].where(monthly["cost_category"] != "revenue", -monthly["amount_eur"])
            _, actual = finance.cumulative_curves(world, _scope(params), as_of)
            # (A region with a municipality of another region has no implementers, and no curve.)
            assert len(actual) > 0 or not scoped.in_scope(world, _scope(params))
            assert actual.empty or actual["day"].max() <= pd.Timestamp(max(as_of, PROJECT_START - dt.timedelta(days=1)))
            for row in actual.itertuples():
                booked = monthly[(monthly["implementer_id"] == row.implementer_id) & (monthly["month"] <= row.day)]
                assert row.actual_eur == pytest.approx(booked["net_eur"].sum(), abs=1e-6), (scope, as_of, row)


def test_the_random_world_has_every_kind_of_re_entry(world):
    """Otherwise the comparison above would prove less than it says."""
    cursor = world._connection.cursor()
    shapes = cursor.execute(
        """
        select
            count(*) filter (where next_start < stop) as overlapping,
            count(*) filter (where next_start = stop) as touching,
            count(*) filter (where next_start > stop) as apart,
            count(*) filter (where next_town <> municipality) as moved
        from (
            select *, coalesce(end_date, date '9999-12-31') as stop,
                lead(start_date) over (partition by person order by start_date) as next_start,
                lead(municipality) over (partition by person order by start_date) as next_town
            from entries
        ) where next_start is not null
        """
    ).fetchone()
    assert all(count >= 5 for count in shapes), shapes


def test_derived_tables_are_smaller_and_hold_the_same_sums(world):
    cursor = world._connection.cursor()
    counts = dict(
        cursor.execute(
            "select 'spending', count(*) from intake.spending union all select 'daily', count(*) from spending_daily"
        ).fetchall()
    )
    assert counts["daily"] < counts["spending"]  # the world books several times a day in a category
    totals = cursor.execute(
        "select (select sum(amount_eur) from intake.spending), (select sum(amount_eur) from spending_daily)"
    ).fetchone()
    assert totals[0] == totals[1]


def test_no_participant_id_in_the_entries_table(world):
    columns = [row[0] for row in world._connection.cursor().execute("describe entries").fetchall()]
    assert "participant_id" not in columns and "person" in columns
    assert isinstance(duckdb.__version__, str)


@pytest.mark.parametrize("name", scoped.NARROWED_BY_IMPLEMENTER)
def test_narrowing_the_answer_for_every_implementer_gives_the_scoped_answer(world, name):
    answered = 0
    for scope in SCOPES:
        for as_of in AS_OF:
            params = _used(name, {"as_of": as_of, "version": 0})  # the only plan version of this world
            expected = world.fetch(name, **scope, **params)
            got = scoped.fetch_for_scope(world, name, _scope({**scope, "as_of": as_of}), **params)
            # (An empty answer from DuckDB types its text columns as objects; narrowed, as strings.)
            pd.testing.assert_frame_equal(got, expected, check_dtype=len(expected) > 0, obj=f"{name} {scope} {as_of}")
            answered += len(expected) > 0 and scope["implementer"] is not None
    assert answered, name  # a scope narrower than the whole programme had rows to narrow


def test_the_person_day_charts_sums_are_those_of_the_monthly_frame(world):
    """The participants page draws person-days summed by type and month, and by implementer and type,
    made from the running sums directly: each must be person_days_by_month (held to its
    straightforward query above) summed up."""
    seen = 0
    for scope in SCOPES:
        for as_of in AS_OF:
            at = _scope({**scope, "as_of": as_of})
            monthly = person_days.person_days_by_month(world, at, as_of)
            by_month = monthly.groupby(["day_type", "month"], as_index=False)["days"].sum()
            by_implementer = monthly.groupby(["implementer_id", "day_type"], as_index=False)["days"].sum()
            pd.testing.assert_frame_equal(
                person_days.person_days_by_type_and_month(world, at, as_of), by_month, check_dtype=False
            )
            pd.testing.assert_frame_equal(
                person_days.person_days_by_implementer_and_type(world, at, as_of), by_implementer, check_dtype=False
            )
            seen += len(by_implementer) > 1
    assert seen


def test_the_running_profile_reads_every_scope_but_an_area_within_an_area(world):
    """Regions and municipalities are read from running counts of their own (people with entries in
    several counted once in each), except a list of municipalities someone has entries in two of."""
    assert [profile.part_of(world, _scope({**scope, "as_of": END})) for scope in SCOPES] == PARTS
    # The random world has people with entries in both regions and in two municipalities of one.
    movers = world._connection.execute(
        """select distinct count(distinct region) > 1 from entries join municipalities using (implementer_id, municipality)
        group by person having count(distinct municipality) > 1"""
    ).fetchall()
    assert sorted(movers) == [(False,), (True,)]


def test_the_running_profile_is_protected_as_the_query_would_be(world):
    """The participants page protects the running profile (every cell ever used, most of them
    empty on a given date, with what is worked out from their labels kept across dates): it must
    hide the same cells and show the same counts as the protection of the query's profile. Dates
    are visited twice, so that the second visit reads what the first one kept."""
    threshold = int(world.fetch_one("project")["suppression_threshold"])
    hidden = 0
    for scope, part in zip(SCOPES, PARTS, strict=True):
        if part is None:  # these ask the query itself
            continue
        for as_of in AS_OF + AS_OF:
            frame = world.fetch_many_rows("participant_profile", as_of=as_of, **scope)
            places = frame[frame["grain"] == "places"]
            lists = [sorted(places[c].unique()) for c in ("implementer_id", "municipality", "region")]
            query = build_view(frame, threshold, *lists)
            stats = participants._participant_stats(world, _scope({**scope, "as_of": as_of}), as_of)
            running = stats.view
            assert [stats.implementers, stats.municipalities, stats.regions] == lists
            assert running.suppressed == query.suppressed and running.displayed == query.displayed, (scope, as_of)
            assert {c: running._counts[c] for c in running.displayed} == {c: query._counts[c] for c in query.displayed}
            hidden += len(running.suppressed)
    assert hidden  # something was hidden, or the test proves little


def test_active_and_left_add_up_to_the_participants_once_each(world):
    """Re-entries are one person: a person who left and came back is active, not also left (the
    contract: "left" = the latest entry that started has ended). Over every scope and date."""
    from queries.participants import GRAND, participant_stats
    from queries.participants import key as cell

    for scope in SCOPES:
        for as_of in AS_OF:
            view = participant_stats(world, _scope({**scope, "as_of": as_of}), as_of).view
            everyone = view.cube.count(GRAND)
            active, left = view.cube.count(cell(ind="ACTIVE")), view.cube.count(cell(ind="LEFT"))
            assert active + left == everyone, (scope, as_of, active, left, everyone)
    final = participant_stats(world, Scope(as_of=END), END).view.cube
    assert 0 < final.count(cell(ind="LEFT")) < final.count(GRAND)  # both kinds are there to count


def test_the_running_profiles_kinds_are_numbered_in_label_order_each_once(world):
    """derived.sql numbers kinds by packed label codes: kind order must be the labels' own sort
    order (nulls after every value, false before true), each combination of labels one kind, and a
    people cell the pair of its implementer and its kind, in that order."""
    running = profile.running_profile(world)
    kinds = running.kinds.labels(np.arange(running.kinds.count), profile.CHARACTERISTICS)
    assert not kinds.duplicated().any()
    ordered = kinds.sort_values(profile.CHARACTERISTICS, na_position="last", kind="stable")
    assert list(ordered.index) == list(range(len(kinds)))
    for column in ("education_isced", "exit_status", "long_term_unemployed", *FLAGS):
        assert kinds[column].isna().any() and kinds[column].notna().any(), column  # the world has both
    people = running.people.labels(np.arange(running.people.count), ["implementer_id", *profile.CHARACTERISTICS])
    assert not people.duplicated().any()
    people_order = people.sort_values(["implementer_id", *profile.CHARACTERISTICS], na_position="last", kind="stable")
    assert list(people_order.index) == list(range(len(people)))
    # every kind is some people cell's, and a people cell's labels are its kind's
    of_people = people[profile.CHARACTERISTICS].drop_duplicates().sort_values(profile.CHARACTERISTICS, na_position="last")
    pd.testing.assert_frame_equal(of_people.reset_index(drop=True), ordered.reset_index(drop=True), check_dtype=False)


def test_a_characteristic_no_entry_holds_leaves_the_running_profile_whole(tmp_path):
    """An optional characteristic left empty in every entry (education not collected) has no value
    to code: every person must still be counted, as the straightforward query counts them."""
    tiny = Path(__file__).parent / "fixtures" / "tiny"
    for folder in ("plan", "extracts"):
        (tmp_path / folder).mkdir()
        for path in (tiny / folder).iterdir():
            (tmp_path / folder / path.name).write_bytes(path.read_bytes())
    participants = (tmp_path / "extracts" / "participants.csv").read_text().splitlines()
    column = participants[0].split(",").index("education_isced")
    blanked = [
        participants[0],
        *(",".join("" if i == column else v for i, v in enumerate(row.split(","))) for row in participants[1:]),
    ]
    (tmp_path / "extracts" / "participants.csv").write_text("\n".join(blanked) + "\n")
    store = load_project(tmp_path / "plan", tmp_path / "extracts").store
    for scope in (
        {"implementer": None, "region": None, "municipalities": None},
        {"implementer": "a", "region": None, "municipalities": None},
    ):
        params = {**scope, "as_of": END}
        got, expected = (
            _plain(f).sort_values(list(f.columns)).reset_index(drop=True)
            for f in (_app(store, "participant_profile", params), _straightforward(store, "participant_profile", params))
        )
        assert len(expected) and expected["education_isced"].isna().all()
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=f"participant_profile {scope}")


def test_a_category_corrected_to_exactly_nothing_is_not_overdrawn(tmp_path):
    """0.10 and 0.70 booked on two days, then 0.80 taken back: nothing is left, and nothing is below
    zero. (Summed in floating-point euros, 0.1 + 0.7 - 0.8 is -1.1e-16: overdrawn_bookings sums cents.)"""
    tiny = Path(__file__).parent / "fixtures" / "tiny"
    for folder in ("plan", "extracts"):
        (tmp_path / folder).mkdir()
        for path in (tiny / folder).iterdir():
            (tmp_path / folder / path.name).write_bytes(path.read_bytes())
    (tmp_path / "extracts" / "spending.csv").write_text(
        "date,implementer_id,cost_category,amount_eur,voucher_id,description\n"
        "2020-08-03,b,other_costs,0.10,X1,\n"
        "2020-08-04,b,other_costs,0.70,X2,\n"
        "2020-08-05,b,other_costs,-0.80,X3,\n"
        "2020-08-06,b,other_costs,-0.01,X4,\n"
    )
    result = load_project(tmp_path / "plan", tmp_path / "extracts")
    assert result.ok
    rows = result.store._connection.execute("select voucher_id, running_eur from overdrawn_bookings").fetchall()
    assert rows == [("X4", -0.01)]  # only the cent taken back after the category was empty
