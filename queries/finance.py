"""The project director's figures: burn against the planned curve, forecast at completion with its
band, the monthly spend needed to land on budget, earned value, a status per implementer, the
implied financing and the checks a finance officer makes. Rules are documented in README."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries import spending
from queries.plan_versions import ORIGINAL, version_at
from queries.scope import Scope
from queries.scoped import fetch_for_scope
from queries.store import Store
from queries.summary import (
    _date,
    budgets_by_implementer,
    finance_by_implementer,
    indicator_progress_by_implementer,
    project_period,
    run_rate_window_start,
)

DAYS_PER_MONTH = 365.25 / 12
BAND_BUCKETS = 6  # the run-rate window is cut into this many equal periods to measure its spread
BAND_Z = 1.2816  # 80 % two-sided band under a normal approximation

# Status rule: the worse of two gaps decides. Forecast vs budget says where the money will land;
# spent vs planned-to-date is the early signal of the same.
WATCH_FORECAST_GAP, OFF_FORECAST_GAP = 0.05, 0.10
WATCH_SPENT_GAP, OFF_SPENT_GAP = 0.10, 0.25
# The spent gap is measured against planned-to-date, but never against less than this share of the
# budget: in a project's first days a few hundred euros planned would make any gap "off track".
MATERIAL_SHARE = 0.05
STATUSES = ("on_track", "watch", "off_track")

# Earned value: the share of the indicator targets reached, participants and person-days weighted
# equally, each capped at 100 %.
EV_WEIGHTS = {"participants": 0.5, "person_days": 0.5}
CATEGORIES = ("salaries", "purchased_services", "other_costs", "flat_rate", "revenue")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def window_start(self) -> dt.date:
        """The run-rate window is (window_start, as_of]."""
        return run_rate_window_start(self.start, self.as_of)

    @property
    def remaining_days(self) -> int:
        return max((self.end - self.as_of).days, 0)


def period_of(store: Store, as_of: dt.date) -> Period:
    """The project period of the plan in force on as_of."""
    return Period(*project_period(store, as_of), as_of)


def band(forecast: np.ndarray, sums: np.ndarray, period: Period) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) around each forecast. The band assumes the coming months vary as much as the run-rate
    window's six equal periods did (`sums`: a row of six net sums per forecast): forecast ± 1.28 ×
    their standard deviation × √(periods remaining)."""
    window_days = (period.as_of - period.window_start).days
    if period.as_of < period.start or period.as_of >= period.end or window_days <= 0:
        return forecast.copy(), forecast.copy()
    spread = np.std(sums, axis=1, ddof=1)
    half = BAND_Z * spread * math.sqrt(period.remaining_days / (window_days / BAND_BUCKETS))
    return forecast - half, forecast + half


def needed_per_month(budget: float, spent: float, period: Period) -> float | None:
    """The monthly net spend from now on that lands exactly on budget at the end date."""
    if period.remaining_days <= 0:
        return None
    return (budget - spent) / (period.remaining_days / DAYS_PER_MONTH)


def statuses(spent: np.ndarray, planned: np.ndarray, forecast: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """The status of each row (see the rule above), as strings."""
    with np.errstate(divide="ignore", invalid="ignore"):
        yardstick = np.maximum(planned, MATERIAL_SHARE * np.abs(budget))
        spent_gap = np.where(yardstick != 0, np.abs(spent - planned) / np.where(yardstick != 0, yardstick, 1), 0.0)
        forecast_gap = np.where(budget != 0, np.abs(forecast - budget) / np.where(budget != 0, budget, 1), 0.0)
    off = (forecast_gap > OFF_FORECAST_GAP) | (spent_gap > OFF_SPENT_GAP)
    watch = (forecast_gap > WATCH_FORECAST_GAP) | (spent_gap > WATCH_SPENT_GAP)
    return np.where(off, "off_track", np.where(watch, "watch", "on_track")).astype(object)


def status(spent: float, planned: float, forecast: float, budget: float) -> str:
    return statuses(*(np.array([float(v)]) for v in (spent, planned, forecast, budget)))[0]


def progress_shares(achieved: dict[str, np.ndarray], targets: dict[str, np.ndarray]) -> np.ndarray:
    """Weighted share of targets reached per row, NaN where no indicator has a target; a missing (NaN)
    or zero target drops its indicator out of that row's weights."""
    weighted, weights = 0.0, 0.0
    for indicator, weight in EV_WEIGHTS.items():
        target = targets[indicator]
        has = ~np.isnan(target) & (target != 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.minimum(achieved[indicator] / np.where(has, target, 1.0), 1.0)
        weighted = weighted + np.where(has, weight * share, 0.0)
        weights = weights + np.where(has, weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(weights > 0, weighted / np.where(weights > 0, weights, 1.0), np.nan)


def implementer_targets(store: Store, budgets: pd.Series, version: int) -> dict[str, dict[str, float | None]]:
    """Each implementer's targets in plan version `version`: its own where the plan sets them, else
    its budget's share of the project's (the plan of PRO SOS, like most ESR plans, sets indicator
    targets for the whole project). Worked out once per version and set of budgets; read-only."""
    key = ("implementer_targets", version, tuple(budgets.items()))
    return store.memo(key, lambda: _implementer_targets(store, budgets, version))


def _implementer_targets(store: Store, budgets: pd.Series, version: int) -> dict[str, dict[str, float | None]]:
    rows = store.fetch("indicator_totals_targets", version=version)
    project_budget = float(store.fetch_one("finance_totals", version=version)["budget_eur"])
    own: dict[tuple[str, str], float] = {}
    for r in rows[rows["implementer_id"].notna()].itertuples():
        own.setdefault((r.implementer_id, r.indicator), float(r.target))  # the first row, as the plan lists them
    whole: dict[str, float] = {}
    for r in rows[rows["implementer_id"].isna()].itertuples():
        whole.setdefault(r.indicator, float(r.target))  # the first row, as the plan lists them
    found: dict[str, dict[str, float | None]] = {}
    for implementer, budget in budgets.items():
        found[implementer] = {}
        for indicator in EV_WEIGHTS:
            if (implementer, indicator) in own:
                found[implementer][indicator] = own[(implementer, indicator)]
            elif indicator in whole and project_budget:
                found[implementer][indicator] = whole[indicator] * float(budget) / project_budget
            else:
                found[implementer][indicator] = None
    found["__project__"] = {k: whole.get(k) for k in EV_WEIGHTS}
    return found


def implementer_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """One row per implementer in scope and a last row `__project__` for the scope as a whole:
    budget, planned, spent, forecast with band, variance at completion, needed monthly spend,
    earned value with CPI and SPI, status. Computed once per store and scope; callers get a copy."""
    return store.memo(("implementer_table", scope, as_of), lambda: _implementer_table(store, scope, as_of)).copy()


def _implementer_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    # Column by column over all rows at once: a national programme has 300 implementers, and row by
    # row in Python this was the finance page's largest cost at each new as-of date.
    period = period_of(store, as_of)
    finance = finance_by_implementer(store, scope, as_of)
    implementers = finance["implementer_id"].tolist()
    progress = indicator_progress_by_implementer(store, scope, as_of).set_index("implementer_id").reindex(implementers)
    targets = implementer_targets(store, finance.set_index("implementer_id")["budget_eur"], version_at(store, as_of))
    sums = spending.window_buckets(store, implementers, period.window_start, as_of, BAND_BUCKETS)
    scope_targets = _scope_targets(scope, targets)

    def with_total(values) -> np.ndarray:
        """The implementers' values and, last, the scope's: their sum."""
        values = np.asarray(values, dtype=float)
        return np.append(values, values.sum())

    budget, planned, spent = (with_total(finance[c]) for c in ("budget_eur", "planned_to_date_eur", "spent_eur"))
    achieved = {"participants": with_total(progress["participants"]), "person_days": with_total(progress["person_days"])}
    own = {
        k: np.array([_number(targets[i][k]) for i in implementers] + [_number(scope_targets[k])], dtype=float) for k in EV_WEIGHTS
    }
    sums = np.vstack([sums, sums.sum(axis=0)])
    forecast = with_total(finance["forecast_at_completion_eur"])  # the scope's: the sum of its implementers'
    low, high = band(forecast, sums, period)
    earned = budget * progress_shares(achieved, own)
    if scope.narrowed_by_area and not np.isnan(earned[:-1]).any():
        earned[-1] = earned[:-1].sum()  # a region or municipality has no targets of its own: its implementers' earned value
    needed = needed_per_month(budget, spent, period)
    return pd.DataFrame(
        {
            "implementer_id": [*implementers, "__project__"],
            "area": [*finance["area"].tolist(), None],
            "budget_eur": budget,
            "planned_to_date_eur": planned,
            "spent_eur": spent,
            "forecast_eur": forecast,
            "forecast_low_eur": low,
            "forecast_high_eur": high,
            "variance_at_completion_eur": budget - forecast,
            "needed_per_month_eur": _or_none(needed if needed is not None else np.full(len(budget), np.nan)),
            "earned_value_eur": _or_none(earned),
            "cpi": _or_none(_ratios(earned, spent)),
            "spi": _or_none(_ratios(earned, planned)),
            "status": statuses(spent, planned, forecast, budget),
        }
    )


def _number(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _ratios(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where either is missing or the denominator is zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator != 0, numerator / np.where(denominator != 0, denominator, 1.0), np.nan)


def _or_none(values: np.ndarray):
    """A column with some values missing stays numeric (NaN); one with none known holds None."""
    return np.full(len(values), None, dtype=object) if np.isnan(values).all() else values


def _scope_targets(scope: Scope, targets: dict) -> dict:
    if scope.narrowed_by_area:
        return {k: None for k in EV_WEIGHTS}
    if scope.implementer:
        return targets.get(scope.implementer, {k: None for k in EV_WEIGHTS})
    return targets["__project__"]


def cumulative_curves(store: Store, scope: Scope, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(planned, actual): cumulative net cost by implementer and day. Planned (the plan in force on
    as_of) runs to its end date; actual runs to month ends up to as_of and ends on as_of itself.
    Callers get copies."""
    planned, actual = store.memo(("cumulative_curves", scope, as_of), lambda: _cumulative_curves(store, scope, as_of))
    return planned.copy(), actual.copy()


def planned_curve(store: Store, scope: Scope, version: int) -> pd.DataFrame:
    """The planned cumulative net cost by implementer and day in plan version `version` (the same at
    every as-of date). Callers get a copy."""
    undated = dataclasses.replace(scope, as_of=None)
    return store.memo(("planned_curve", undated, version), lambda: _planned_curve(store, scope, version)).copy()


def original_plan_curve(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame | None:
    """The original plan's curve, to draw faintly beside an amended plan in force; None while the
    original is the plan in force."""
    return None if version_at(store, as_of) == ORIGINAL else planned_curve(store, scope, ORIGINAL)


def _cumulative_curves(store: Store, scope: Scope, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    planned = planned_curve(store, scope, version_at(store, as_of))
    period = period_of(store, as_of)
    first_month = pd.Timestamp(period.start).to_period("M").to_timestamp()
    months = pd.date_range(first_month, pd.Timestamp(as_of), freq="MS")
    implementers = planned["implementer_id"].unique().tolist()
    # The first point, on the day before the start: everything booked before the project's first
    # month; then each month end (the last one is as_of itself). Nothing after as_of counts. A day
    # listed twice (as_of on the day before the start) keeps its last value.
    month_ends = [min((m + pd.offsets.MonthEnd(0)).date(), as_of) for m in months]
    shown = [period.start - dt.timedelta(days=1), *month_ends]
    through = [min(first_month.date() - dt.timedelta(days=1), as_of), *month_ends]
    points = dict(zip(shown, through, strict=True))
    running = spending.net_to(store, implementers, list(points.values()))
    actual = pd.DataFrame(
        {
            "implementer_id": np.repeat(np.array(implementers, dtype=object), len(points)),
            "day": np.tile(pd.to_datetime(list(points)).to_numpy(), len(implementers)),
            "actual_eur": running.ravel(),
        }
    )
    return planned.copy(), actual


def _planned_curve(store: Store, scope: Scope, version: int) -> pd.DataFrame:
    planned = fetch_for_scope(store, "planned_curve", scope, version=version)
    return planned.assign(day=pd.to_datetime(planned["day"]))


def monthly_by_category(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Month × category of the scope's actual cost; revenue negative, as it reduces the net cost."""
    monthly = spending.monthly_totals(store, scope, as_of)
    monthly["revenue"] = -monthly["revenue"]
    return monthly[["month", *CATEGORIES]]


def category_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Budget against actual per cost category (flat rate computed, revenue as a reduction)."""
    finance = finance_by_implementer(store, scope, as_of)
    budget = (
        fetch_for_scope(store, "budget_by_category", scope, version=version_at(store, as_of))
        .groupby("cost_category")["amount_eur"]
        .sum()
    )
    rows = []
    for category in CATEGORIES:
        sign = -1.0 if category == "revenue" else 1.0
        planned, actual = sign * float(budget.get(category, 0.0)), sign * float(finance[f"{category}_eur"].sum())
        rows.append(
            {
                "cost_category": category,
                "budget_eur": planned,
                "actual_eur": actual,
                "used_share": actual / planned if planned else None,
            }
        )
    rows.append(
        {
            "cost_category": "net",
            "budget_eur": sum(r["budget_eur"] for r in rows),
            "actual_eur": sum(r["actual_eur"] for r in rows),
            "used_share": None,
        }
    )
    rows[-1]["used_share"] = rows[-1]["actual_eur"] / rows[-1]["budget_eur"] if rows[-1]["budget_eur"] else None
    return pd.DataFrame(rows)


SOURCES = ("esr_state", "municipal", "other_public", "private")  # the order the table lists them


def financing_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per financing source: the plan, its share, and what the actual cost implies at each
    implementer's planned shares. Implied shares differ from planned ones when implementers with
    different financing structures progress at different paces."""
    undated = dataclasses.replace(scope, as_of=None)  # the plan part is the same at every date of one version
    version = version_at(store, as_of)
    implementers, source, amount, share = store.memo(
        ("financing_by_implementer", undated, version), lambda: _financing_by_implementer(store, scope, version)
    )
    spent_of = finance_by_implementer(store, scope, as_of).set_index("implementer_id")["spent_eur"].to_dict()
    spent = np.array([float(spent_of.get(i, np.nan)) for i in implementers])
    names = [s for s in SOURCES if s in set(source)] + sorted(set(source) - set(SOURCES))
    number = np.array([names.index(s) for s in source], dtype=np.int64)
    plan = np.bincount(number, weights=amount, minlength=len(names))
    implied = np.bincount(number, weights=np.nan_to_num(spent * share), minlength=len(names))
    table = pd.DataFrame({"source": names, "plan_eur": plan, "implied_eur": implied})
    table["plan_share"] = table["plan_eur"] / table["plan_eur"].sum()
    total = table["implied_eur"].sum()
    table["implied_share"] = table["implied_eur"] / total if total else None
    return table


def _financing_by_implementer(store: Store, scope: Scope, version: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Each implementer's planned amount per financing source and its share of the implementer's
    plan (0 where the plan is empty), as (implementers, sources, amounts, shares): the part of the
    financing table that does not move with the date."""
    plan = fetch_for_scope(store, "financing_plan", scope, version=version)
    by_implementer = plan.groupby(["implementer_id", "source"])["amount_eur"].sum().reset_index()
    totals = by_implementer.groupby("implementer_id")["amount_eur"].transform("sum")
    share = (by_implementer["amount_eur"] / totals).where(totals != 0, 0.0)
    return (
        by_implementer["implementer_id"].tolist(),
        by_implementer["source"].tolist(),
        by_implementer["amount_eur"].to_numpy(dtype=float),
        share.to_numpy(dtype=float),
    )


def warnings(store: Store, scope: Scope, as_of: dt.date) -> list[dict]:
    """The checks a finance officer makes. Each warning: kind, implementer_id and the facts. A
    national programme has thousands: the budgets are looked up in dicts, not joined in pandas."""
    undated = dataclasses.replace(scope, as_of=None)  # the plan part is the same at every date of one version
    version = version_at(store, as_of)
    by_category, by_year = store.memo(("warning_plans", undated, version), lambda: _warning_plans(store, scope, version))
    outside = fetch_for_scope(store, "bookings_outside_period", scope, as_of=as_of, version=version)
    found = _records(outside, "outside_period", ["implementer_id", "date", "cost_category", "amount_eur", "voucher_id"])

    finance = finance_by_implementer(store, scope, as_of)
    actuals = dict(
        zip(finance["implementer_id"], finance[[f"{c}_eur" for c in CATEGORIES]].to_numpy(dtype=float).tolist(), strict=True)
    )
    column = {c: n for n, c in enumerate(CATEGORIES)}
    for (implementer, category), planned in by_category.items():
        actual = actuals[implementer][column[category]]
        if actual > planned + 0.005:
            found.append(
                {
                    "kind": "category_over_budget",
                    "implementer_id": implementer,
                    "cost_category": category,
                    "budget_eur": planned,
                    "actual_eur": actual,
                }
            )
    years = spending.spending_by_year(store, scope, as_of)
    for implementer, year, actual in zip(
        years["implementer_id"].tolist(), years["year"].tolist(), years["net_eur"].tolist(), strict=True
    ):
        planned = by_year.get((implementer, year), 0.0)
        if actual > planned + 0.005:
            found.append(
                {
                    "kind": "year_over_budget",
                    "implementer_id": implementer,
                    "year": int(year),
                    "budget_eur": planned,
                    "actual_eur": actual,
                }
            )
    negative = fetch_for_scope(store, "negative_running_totals", scope, as_of=as_of)
    columns = ["implementer_id", "date", "cost_category", "amount_eur", "running_eur", "voucher_id"]
    return found + _records(negative, "negative_category", columns)


def _warning_plans(store: Store, scope: Scope, version: int) -> tuple[dict, dict]:
    """The budgets the warnings are checked against, as dicts: per (implementer, booked category),
    in that order (revenue is not over-spent), and per (implementer, year), net."""
    budget = fetch_for_scope(store, "budget_by_category", scope, version=version)
    by_category = budget.groupby(["implementer_id", "cost_category"])["amount_eur"].sum()
    by_category = {k: float(v) for k, v in by_category.items() if k[1] != "revenue"}
    net = budget["amount_eur"].where(budget["cost_category"] != "revenue", -budget["amount_eur"])
    by_year = budget.assign(net_eur=net).groupby(["implementer_id", "year"])["net_eur"].sum()
    return by_category, {(i, int(y)): float(v) for (i, y), v in by_year.items()}


def _records(frame: pd.DataFrame, kind: str, columns: list[str]) -> list[dict]:
    """Warnings of one kind from a frame's rows: dates as dates, numbers as Python numbers. (Column
    by column into lists: pandas' own conversions cost milliseconds per call, even for a few rows.)"""
    if frame.empty:
        return []
    values = []
    for column in columns:
        if column == "date":
            values.append([_date(day) for day in frame[column].tolist()])
        elif column == "year":
            values.append(frame[column].to_numpy(dtype=np.int64).tolist())
        elif column.endswith("_eur"):
            values.append(frame[column].to_numpy(dtype=float).tolist())
        else:
            values.append(frame[column].tolist())
    return [{"kind": kind, **dict(zip(columns, row, strict=True))} for row in zip(*values, strict=True)]


@dataclass(frozen=True)
class Target:
    """A scope's target for a headline indicator, and where it comes from: the plan's own, or (for
    an implementer the plan sets none for) its budget's share of the project's target. Every page
    shows a derived target as derived, with this rule."""

    value: float
    derived: bool = False
    budget_share: float | None = None  # the implementer's share of the project's net budget
    project_target: float | None = None


def scope_target(store: Store, scope: Scope, indicator: str, own: float | None) -> Target | None:
    """The target of `indicator` ("participants" or "person_days") in total for the scope. `own` is
    the plan's own for the scope (the summary's). A region or municipality has none of either kind:
    budget shares are an implementer's."""
    if own is not None:
        return Target(float(own))
    if not scope.implementer or scope.narrowed_by_area:
        return None
    version = version_at(store, scope.as_of)
    budgets = budgets_by_implementer(store, scope, scope.as_of)
    derived = implementer_targets(store, budgets, version).get(scope.implementer, {}).get(indicator)
    project = implementer_targets(store, budgets, version)["__project__"].get(indicator)
    project_budget = float(store.fetch_one("finance_totals", version=version)["budget_eur"])
    if derived is None or not project or not project_budget:
        return None
    share = float(budgets.get(scope.implementer, 0.0)) / project_budget
    return Target(derived, True, share, project)
