"""Questions whose only filter is the scope's implementers (implementer_in_scope in the SQL), asked
once for every implementer and narrowed here: a new implementer or region then costs a row filter on
a cached frame, not a DuckDB question (10-20 ms each nationally, six per finance page). Narrowing
afterwards gives the same rows in the same order, as each row belongs to one implementer and the
queries group within an implementer only (tests/test_derived_tables.py compares the two ways)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from queries.scope import Scope
from queries.store import Store

NARROWED_BY_IMPLEMENTER = (
    "planned_curve",
    "budget_by_category",
    "financing_plan",
    "finance_plan_by_implementer",
    "bookings_outside_period",
    "negative_running_totals",
)
EVERYWHERE = {"implementer": None, "region": None, "municipalities": None}
# Lists of dated findings whose only use of the as-of date is `date <= $as_of`, in an order that
# starts with the date: asked once up to LATEST and cut at each as-of date, not asked again per date.
CUT_AT_AS_OF = ("bookings_outside_period", "negative_running_totals")
LATEST = dt.date(9999, 12, 31)


def in_scope(store: Store, scope: Scope) -> list[str]:
    """The implementers a scope covers, by id (finance is booked per implementer)."""
    return store.fetch("implementers_in_scope", **scope.params())["implementer_id"].tolist()


def fetch_for_scope(store: Store, name: str, scope: Scope, **params) -> pd.DataFrame:
    """store.fetch(name, **scope.params(), **params), from the answer for every implementer."""
    if name not in NARROWED_BY_IMPLEMENTER:
        raise KeyError(f"{name} is not narrowed by implementer alone")
    if name in CUT_AT_AS_OF:
        everywhere = store.fetch(name, **EVERYWHERE, **(params | {"as_of": LATEST}))
        everywhere = everywhere[everywhere["date"] <= pd.Timestamp(params["as_of"])].reset_index(drop=True)
    else:
        everywhere = store.fetch(name, **EVERYWHERE, **params)
    if scope.params() == EVERYWHERE:
        return everywhere
    return everywhere[everywhere["implementer_id"].isin(in_scope(store, scope))].reset_index(drop=True)
