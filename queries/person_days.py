"""Person-days as month sums plus the days of the as-of month, per implementer, municipality and day
type, made once per data set. Every "up to the as-of date" person-day figure of any scope is then a
sum over a few thousand keys, not a DuckDB question over millions of day rows (a national programme
asked three of them, 10-70 ms each, per new view). The frames returned are those the SQL queries of
the same names gave (tests/test_derived_tables.py holds them to the straightforward queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries.scope import Scope
from queries.store import Store


@dataclass(frozen=True)
class RunningPersonDays:
    implementer: np.ndarray  # per key, ascending: keys run by implementer, day type, municipality
    municipality: np.ndarray  # per key; None for rows that name no municipality
    day_type: np.ndarray  # per key
    implementer_rank: np.ndarray  # per key: its implementer's place among them (keys come in this order)
    day_type_rank: np.ndarray  # per key: its day type's place among the day types
    months: np.ndarray  # datetime64[M], every month from the first booked to the last
    monthly: np.ndarray  # (keys, months): person-days in the month
    monthly_rows: np.ndarray  # (keys, months): day rows behind each month's sum
    before: np.ndarray  # (keys, months + 1): person-days of the months before each, [:, 0] = 0
    rows_before: np.ndarray  # the same for day rows
    day: np.ndarray  # datetime64[D]: the day rows, in day order ...
    day_key: np.ndarray  # ... their keys ...
    day_days: np.ndarray  # ... and person-days

    def month_number(self, day: dt.date) -> int:
        """How many of `months` come before the month of `day`."""
        return int(np.searchsorted(self.months, np.datetime64(day, "M"), side="left"))

    def days_of_month_to(self, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(person-days, day rows) per key from the first of as_of's month to as_of."""
        first = np.searchsorted(self.day, np.datetime64(as_of, "M").astype("datetime64[D]"), side="left")
        last = np.searchsorted(self.day, np.datetime64(as_of, "D"), side="right")
        keys = self.day_key[first:last]
        size = len(self.implementer)
        return np.bincount(keys, weights=self.day_days[first:last], minlength=size), np.bincount(keys, minlength=size)

    def by_month(self, as_of: dt.date, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(months, person-days, day rows) for the keys, per month up to as_of, as_of's month cut at as_of."""
        before = self.month_number(as_of)
        days, rows = self.days_of_month_to(as_of)
        months = np.append(self.months[:before], np.datetime64(as_of, "M"))
        return (
            months,
            np.column_stack([self.monthly[keys, :before], days[keys]]),
            np.column_stack([self.monthly_rows[keys, :before], rows[keys]]),
        )

    def to(self, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(person-days, day rows) per key up to and including as_of."""
        before = self.month_number(as_of)
        days, rows = self.days_of_month_to(as_of)
        return self.before[:, before] + days, self.rows_before[:, before] + rows


def running_person_days(store: Store) -> RunningPersonDays:
    """The data set's person-day sums, made at the first use (load_project makes them at load)."""
    return store.built(("running_person_days",), lambda: _running_person_days(store))


def _running_person_days(store: Store) -> RunningPersonDays:
    keys = store.fetch_many_rows("person_days_keys")
    rows = store.fetch_many_rows("person_days_rows")
    day = rows["day"].to_numpy().astype("datetime64[D]")
    key = rows["key"].to_numpy(dtype=np.int64)
    days = rows["days"].to_numpy(dtype=np.float64)
    month = day.astype("datetime64[M]")
    months = np.arange(month[0], month[-1] + 1) if len(month) else np.array([], dtype="datetime64[M]")
    size = (len(keys), len(months))
    at = key * len(months) + (month - months[0]).astype(np.int64) if len(month) else key
    monthly = np.bincount(at, weights=days, minlength=size[0] * size[1]).reshape(size)
    monthly_rows = np.bincount(at, minlength=size[0] * size[1]).reshape(size)
    return RunningPersonDays(
        implementer=keys["implementer_id"].to_numpy(dtype=object),
        municipality=np.array([None if pd.isna(m) else m for m in keys["municipality"]], dtype=object),
        day_type=keys["day_type"].to_numpy(dtype=object),
        implementer_rank=pd.factorize(keys["implementer_id"], sort=True)[0],
        day_type_rank=pd.factorize(keys["day_type"], sort=True)[0],
        months=months,
        monthly=monthly,
        monthly_rows=monthly_rows,
        before=np.concatenate((np.zeros((size[0], 1)), np.cumsum(monthly, axis=1)), axis=1),
        rows_before=np.concatenate((np.zeros((size[0], 1), dtype=np.int64), np.cumsum(monthly_rows, axis=1)), axis=1),
        day=day,
        day_key=key,
        day_days=days,
    )


def keys_in_scope(store: Store, scope: Scope) -> np.ndarray:
    """Which keys a scope covers, as the SQL's row_in_scope reads a row: under a region or
    municipality filter, rows without a municipality cannot be placed and are left out. Worked out
    once per scope (at any date): every page asks it."""
    area = (scope.implementer, scope.region, scope.municipalities)
    return store.memo(("person_day_keys", area), lambda: _keys_in_scope(store, scope))


def _keys_in_scope(store: Store, scope: Scope) -> np.ndarray:
    running = running_person_days(store)
    chosen = np.ones(len(running.implementer), dtype=bool)
    if scope.implementer:
        chosen &= running.implementer == scope.implementer
    if scope.region:
        towns = store.fetch("municipalities")
        chosen &= np.isin(running.municipality, towns.loc[towns["region"] == scope.region, "municipality"].to_numpy(dtype=object))
    if scope.municipalities:
        chosen &= np.isin(running.municipality, np.array(scope.municipalities, dtype=object))
    return chosen


def person_days_by_type(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Person-days by day type up to as_of. Columns day_type, days; ordered by day type."""
    running = running_person_days(store)
    days, rows = running.to(as_of)
    chosen = keys_in_scope(store, scope)
    types = np.unique(running.day_type_rank, return_index=True)[1]  # the first key of each day type, by rank
    summed = np.bincount(running.day_type_rank[chosen], weights=days[chosen], minlength=len(types))
    present = np.bincount(running.day_type_rank[chosen], weights=rows[chosen], minlength=len(types)) > 0
    return pd.DataFrame({"day_type": pd.Series(running.day_type[types][present], dtype=object), "days": summed[present]})


def person_days_by_municipality(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Person-days per municipality in scope up to as_of (rows without one left out). Columns
    municipality, days; ordered by municipality."""
    running = running_person_days(store)
    days, rows = running.to(as_of)
    chosen = keys_in_scope(store, scope) & (rows > 0) & (running.municipality != None)  # noqa: E711 - elementwise
    return _summed(running.municipality[chosen], days[chosen], "municipality")


def person_days_by_implementer(store: Store, as_of: dt.date) -> dict[str, float]:
    """Every implementer's person-days up to as_of, whatever the place."""
    running = running_person_days(store)
    days, _ = running.to(as_of)
    return _summed(running.implementer, days, "implementer_id").set_index("implementer_id")["days"].to_dict()


def person_days_by_month(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Person-days per implementer in scope, month and day type up to as_of. Columns implementer_id,
    month, day_type, days; ordered by the three first."""
    running = running_person_days(store)
    months, first_key, summed, present = _by_month(store, scope, as_of)
    group, month = np.nonzero(present)
    implementer, day_type = running.implementer_rank[first_key], running.day_type_rank[first_key]
    order = np.lexsort((day_type[group], month, implementer[group]))
    return pd.DataFrame(
        {
            "implementer_id": pd.Series(running.implementer[first_key[group[order]]], dtype=object),
            "month": months[month[order]].astype("datetime64[D]").astype("datetime64[ns]"),
            "day_type": pd.Series(running.day_type[first_key[group[order]]], dtype=object),
            "days": summed[group[order], month[order]],
        }
    )


def person_days_by_type_and_month(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """person_days_by_month summed over the implementers: columns day_type, month, days, ordered by
    the first two. (Summed here, not from that frame: a national programme's has 90 000 rows.)"""
    running = running_person_days(store)
    months, first_key, summed, present = _by_month(store, scope, as_of)
    types, first, at = np.unique(running.day_type_rank[first_key], return_index=True, return_inverse=True)
    days = np.zeros((len(types), len(months)))
    np.add.at(days, at, summed)
    shown = np.zeros((len(types), len(months)), dtype=bool)
    np.logical_or.at(shown, at, present)
    kind, month = np.nonzero(shown)
    return pd.DataFrame(
        {
            "day_type": pd.Series(running.day_type[first_key[first[kind]]], dtype=object),
            "month": months[month].astype("datetime64[D]").astype("datetime64[ns]"),
            "days": days[kind, month],
        }
    )


def person_days_by_implementer_and_type(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """person_days_by_month summed over the months: columns implementer_id, day_type, days, ordered
    by the first two."""
    running = running_person_days(store)
    _, first_key, summed, present = _by_month(store, scope, as_of)
    kept = present.any(axis=1)
    keys = first_key[kept]
    order = np.lexsort((running.day_type_rank[keys], running.implementer_rank[keys]))
    return pd.DataFrame(
        {
            "implementer_id": pd.Series(running.implementer[keys[order]], dtype=object),
            "day_type": pd.Series(running.day_type[keys[order]], dtype=object),
            "days": summed[kept].sum(axis=1)[order],
        }
    )


def _by_month(store: Store, scope: Scope, as_of: dt.date) -> tuple[np.ndarray, ...]:
    """(months, a key of each, person-days, has day rows) per (implementer, day type) in scope (rows)
    and month (columns) up to as_of. Worked out once per scope and date (the participants page's two
    person-day charts both read it); read-only."""
    return store.memo(("person_days_by_month", scope, as_of), lambda: _by_month_of(store, scope, as_of))


def _by_month_of(store: Store, scope: Scope, as_of: dt.date) -> tuple[np.ndarray, ...]:
    running = running_person_days(store)
    chosen = np.flatnonzero(keys_in_scope(store, scope))
    months, days, rows = running.by_month(as_of, chosen)
    implementer, day_type = running.implementer_rank[chosen], running.day_type_rank[chosen]
    # Keys run by implementer and day type: the keys of one (implementer, day type) are adjacent.
    starts = np.flatnonzero(np.r_[True, (implementer[1:] != implementer[:-1]) | (day_type[1:] != day_type[:-1])][: len(chosen)])
    summed = np.add.reduceat(days, starts, axis=0) if len(starts) else np.zeros((0, len(months)))
    present = (np.add.reduceat(rows, starts, axis=0) if len(starts) else np.zeros((0, len(months)))) > 0
    return months, chosen[starts], summed, present


def _summed(labels: np.ndarray, days: np.ndarray, name: str) -> pd.DataFrame:
    """days summed per label, ordered by label."""
    frame = pd.DataFrame({name: pd.Series(labels, dtype=object), "days": days})
    return frame.groupby(name, as_index=False, sort=True)["days"].sum()
