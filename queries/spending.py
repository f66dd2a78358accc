"""Spending as running totals in cents per implementer, booked cost category and booking day, made
once per data set. Every "up to the as-of date" figure of the finance pages is then a lookup in
arrays, not a DuckDB question over hundreds of thousands of day rows (a national programme's finance
page asked four of them, 10-40 ms each, at every new as-of date). Amounts are DECIMAL(18, 2), so
sums in whole cents are exact and equal DuckDB's. Each answer, frame or array, is held by
tests/test_derived_tables.py to a straightforward query over the raw bookings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries.scope import Scope
from queries.scoped import in_scope
from queries.store import Store

BOOKED = ("salaries", "purchased_services", "other_costs", "revenue")  # the flat rate is computed
SALARIES, PURCHASED, OTHER, REVENUE = range(len(BOOKED))


@dataclass(frozen=True)
class RunningSpend:
    implementers: dict[str, int]  # implementer -> its row (implementers without bookings have none)
    days: np.ndarray  # the booking days, ascending (datetime64[D])
    # (implementers + 1, categories, days + 1): cents booked on the days before, [..., 0] = 0; the last
    # row is all zeros and stands for every implementer without bookings (all of them on day one)
    cents: np.ndarray
    rows: np.ndarray  # the same shape: how many (implementer, day, category) sums there were before
    flat_rate: float

    def position(self, day: dt.date) -> int:
        """How many booking days are on or before `day`: the running totals' column for it."""
        return int(np.searchsorted(self.days, np.datetime64(day, "D"), side="right"))

    def _rows_of(self, implementers: list[str]) -> np.ndarray:
        """Each implementer's row of the running totals; one without bookings gets the all-zero row."""
        nobody = len(self.implementers)
        return np.array([self.implementers.get(i, nobody) for i in implementers], dtype=np.int64)

    def between(self, implementers: list[str], after: dt.date | None, through: dt.date) -> np.ndarray:
        """Cents booked in (after, through] by implementer and category (after None: since ever)."""
        rows = self._rows_of(implementers)
        last = self.position(through)
        first = min(self.position(after), last) if after is not None else 0  # an empty window has nothing
        return self.cents[rows, :, last] - self.cents[rows, :, first]


def running_spend(store: Store) -> RunningSpend:
    """The data set's running totals, made at the first use (load_project makes them at load)."""
    return store.built(("running_spend",), lambda: _running_spend(store))


def _running_spend(store: Store) -> RunningSpend:
    sums = store.fetch_numpy("spending_cents", categories=list(BOOKED))
    implementers = store.fetch_many_rows("spending_implementers")["implementer_id"].tolist()
    flat_rate = float(store.fetch_one("project")["flat_rate"])
    day = sums["day"].astype("datetime64[D]")
    days = np.unique(day)
    shape = (len(implementers), len(BOOKED), len(days))
    at = np.ravel_multi_index((sums["implementer"], sums["category"], np.searchsorted(days, day)), shape)
    size = int(np.prod(shape))
    # One sum per (implementer, category, day): each bin gets one value, so float64 holds it exactly.
    daily = np.bincount(at, weights=sums["cents"].astype(np.float64), minlength=size).round().astype(np.int64)
    present = np.bincount(at, minlength=size).astype(np.int32)
    cents = np.zeros((shape[0] + 1, shape[1], len(days) + 1), dtype=np.int64)
    rows = np.zeros((shape[0] + 1, shape[1], len(days) + 1), dtype=np.int32)
    np.cumsum(daily.reshape(shape), axis=2, out=cents[:-1, :, 1:])
    np.cumsum(present.reshape(shape), axis=2, out=rows[:-1, :, 1:])
    return RunningSpend({str(i): n for n, i in enumerate(implementers)}, days, cents, rows, flat_rate)


def booking_counts(store: Store, implementers: list[str], as_of: dt.date) -> np.ndarray:
    """How many (day, category) sums each implementer has booked up to as_of: 0 means nothing yet."""
    spend = running_spend(store)
    rows = spend._rows_of(implementers)
    return spend.rows[rows, :, spend.position(as_of)].sum(axis=1)


def _booking_implementers(store: Store, scope: Scope) -> tuple[RunningSpend, list[str], np.ndarray]:
    """(the running totals, the scope's implementers that have bookings, sorted, and their rows)."""
    spend = running_spend(store)
    implementers = sorted(i for i in in_scope(store, scope) if i in spend.implementers)
    return spend, implementers, np.array([spend.implementers[i] for i in implementers], dtype=np.int64)


def _euros(cents: np.ndarray) -> np.ndarray:
    return cents / 100


def booked_by_implementer(store: Store, implementers: list[str], as_of: dt.date, window_start: dt.date) -> pd.DataFrame:
    """Per implementer: cost by category up to as_of, the flat rate on salaries (rounded to cents
    as the plan rule says), revenue, and the net cost of the run-rate window (window_start, as_of]."""
    spend = running_spend(store)
    booked = spend.between(implementers, None, as_of)
    window = spend.between(implementers, window_start, as_of)
    salaries = _euros(booked[:, SALARIES])
    window_other = _euros(window[:, PURCHASED] + window[:, OTHER] - window[:, REVENUE])
    return pd.DataFrame(
        {
            "salaries_eur": salaries,
            "purchased_services_eur": _euros(booked[:, PURCHASED]),
            "other_costs_eur": _euros(booked[:, OTHER]),
            "flat_rate_eur": _round_half_away(salaries * spend.flat_rate, 2),
            "revenue_eur": _euros(booked[:, REVENUE]),
            "window_net_eur": _euros(window[:, SALARIES]) * (1 + spend.flat_rate) + window_other,
        }
    )


def _round_half_away(values: np.ndarray, digits: int) -> np.ndarray:
    """DuckDB's round(): half away from zero, on the value times 10^digits."""
    scale = 10.0**digits
    scaled = np.abs(values * scale)
    whole = np.floor(scaled)
    return np.copysign(whole + (scaled - whole >= 0.5), values) / scale


def window_buckets(store: Store, implementers: list[str], window_start: dt.date, as_of: dt.date, buckets: int) -> np.ndarray:
    """Net cost, flat rate included, per implementer in each of `buckets` equal periods of the run-rate
    window (window_start, as_of], as an (implementers, buckets) array: the raw material of the
    forecast band. A booking day falls in period ⌊age / period length⌋, age = as_of − day in days,
    so period 0 is the most recent (the last period also takes a rounding remainder)."""
    spend = running_spend(store)
    sums = np.zeros((len(implementers), buckets))
    window_days = (as_of - window_start).days
    last = spend.position(as_of)
    first = min(spend.position(window_start), last)
    if window_days <= 0 or first == last or not implementers:
        return sums
    rows = spend._rows_of(implementers)
    age = (np.datetime64(as_of, "D") - spend.days[first:last]).astype(np.int64)
    bucket = np.minimum((age / (window_days / buckets)).astype(np.int64), buckets - 1)
    # The days run oldest first, so each period's days are one run of columns: its sum is the
    # difference of the running totals at the run's two ends (no array of every day of the window).
    runs = np.bincount(bucket, minlength=buckets)[::-1]  # the oldest period's run first
    edges = first + np.concatenate(([0], np.cumsum(runs)))
    return _net(np.diff(spend.cents[:, :, edges][rows], axis=2), spend.flat_rate, axis=1)[:, ::-1]


def _net(cents: np.ndarray, flat_rate: float, axis: int) -> np.ndarray:
    """Net cost of category sums: salaries with the flat rate, revenue subtracted."""
    part = lambda n: np.take(cents, n, axis=axis)  # noqa: E731
    return _euros(part(SALARIES)) * (1 + flat_rate) + _euros(part(PURCHASED)) + _euros(part(OTHER)) - _euros(part(REVENUE))


def _periods(store: Store, scope: Scope, as_of: dt.date, starts: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Category sums per implementer in scope and period up to as_of, the periods beginning on
    `starts` (ascending days): (implementers, cents, booked) with cents and booked shaped
    (implementers, categories, periods); a period's sum runs to the next start or as_of."""
    spend, implementers, rows = _booking_implementers(store, scope)
    last = spend.position(as_of)
    edges = np.minimum(np.searchsorted(spend.days, starts, side="left"), last)
    edges = np.append(edges, last)
    cents = np.diff(spend.cents[:, :, edges][rows], axis=2)
    booked = np.diff(spend.rows[:, :, edges][rows], axis=2) > 0
    return implementers, cents, booked


def _month_starts(store: Store, as_of: dt.date) -> np.ndarray:
    days = running_spend(store).days
    if not len(days):
        return days
    first = days[0].astype("datetime64[M]")
    return np.arange(first, np.datetime64(as_of, "M") + 1).astype("datetime64[D]")


def net_to(store: Store, implementers: list[str], days: list[dt.date]) -> np.ndarray:
    """Net cost, flat rate included, booked on or before each of `days` by each implementer: an
    (implementers, days) array."""
    spend = running_spend(store)
    rows = spend._rows_of(implementers)
    positions = [spend.position(day) for day in days]
    # The days first: taking the rows first would copy every day of the running sums.
    return _net(spend.cents[:, :, positions][rows], spend.flat_rate, axis=1)


def monthly_totals(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """The scope's actual cost per month up to as_of, in one column per category, the flat rate as a
    category of its own (salaries × rate) and revenue kept positive. Only the months with bookings."""
    spend = running_spend(store)
    months = _month_starts(store, as_of)
    _, cents, booked = _periods(store, scope, as_of, months)
    amount = _euros(cents.sum(axis=0))  # (categories, months)
    kept = booked.any(axis=(0, 1))
    columns = {name: amount[n, kept] for n, name in enumerate(BOOKED)}
    columns["flat_rate"] = columns["salaries"] * spend.flat_rate
    return pd.DataFrame({"month": months[kept].astype("datetime64[ns]"), **columns})


def spending_by_year(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Net actual cost per implementer and calendar year up to as_of, flat rate included. Columns
    implementer_id, year, net_eur."""
    days = running_spend(store).days
    years = np.arange(days[0].astype("datetime64[Y]"), np.datetime64(as_of, "Y") + 1) if len(days) else days
    implementers, cents, booked = _periods(store, scope, as_of, years.astype("datetime64[D]"))
    net = _net(cents, running_spend(store).flat_rate, axis=1)
    which, year = np.nonzero(booked.any(axis=1))
    return pd.DataFrame(
        {
            "implementer_id": np.array(implementers, dtype=object)[which],
            "year": years[year].astype(int) + 1970,
            "net_eur": net[which, year],
        }
    )
