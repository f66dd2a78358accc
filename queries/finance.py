"""The project director's figures: burn against the planned curve, forecast at completion with its
band, the monthly spend needed to land on budget, earned value, a status per implementer, the
implied financing and the checks a finance officer makes. Rules are documented in README."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries import spending
from queries.scoped import fetch_for_scope
from queries.store import Store
from queries.summary import (
    Scope,
    _date,
    finance_by_implementer,
    forecast_at_completion,
    indicator_progress_by_implementer,
    run_rate_window_start,
)

DAYS_PER_MONTH = 365.25 / 12
BAND_BUCKETS = 6  # the run-rate window is cut into this many equal periods to measure its spread
BAND_Z = 1.2816  # 80 % two-sided band under a normal approximation

# Status rule: the worse of two gaps decides. Forecast vs budget says where the money will land;
# spent vs planned-to-date is the early signal of the same.
WATCH_FORECAST_GAP, OFF_FORECAST_GAP = 0.05, 0.10
WATCH_SPENT_GAP, OFF_SPENT_GAP = 0.10, 0.25
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
    project = store.fetch_one("project")
    return Period(_date(project["start_date"]), _date(project["end_date"]), as_of)


def forecast_band(daily: pd.DataFrame, spent: float, budget: float, period: Period) -> tuple[float, float, float]:
    """(forecast, low, high). The band assumes the coming months vary as much as the window's
    six equal periods did: forecast ± 1.28 × their standard deviation × √(periods remaining)."""
    net = float(daily["net_eur"].sum()) if len(daily) else 0.0
    return band_from(net, window_periods(daily, period)[0], spent, budget, period)


def window_periods(daily: pd.DataFrame, period: Period, codes: np.ndarray | None = None, groups: int = 1) -> np.ndarray:
    """The net spend of each of the window's six equal periods, as a (groups × 6) array: one row
    per group where `codes` numbers each day's group (all of them at once: a national programme
    has hundreds of implementers), else one row for all."""
    window_days = (period.as_of - period.window_start).days
    sums = np.zeros(groups * BAND_BUCKETS)
    if window_days > 0 and len(daily):
        bucket_days = window_days / BAND_BUCKETS
        age = (np.datetime64(period.as_of, "D") - pd.to_datetime(daily["date"]).to_numpy().astype("datetime64[D]")).astype(int)
        bucket = np.minimum((age / bucket_days).astype(int), BAND_BUCKETS - 1)
        at = bucket if codes is None else codes * BAND_BUCKETS + bucket
        sums = np.bincount(at, weights=daily["net_eur"].to_numpy(dtype=float), minlength=groups * BAND_BUCKETS)
    return sums.reshape(groups, BAND_BUCKETS)


def band_from(net: float, sums: np.ndarray, spent: float, budget: float, period: Period) -> tuple[float, float, float]:
    """forecast_band from the window's net spend and its six periods' sums."""
    window_start = period.window_start
    window_days = (period.as_of - window_start).days
    forecast = forecast_at_completion(spent, net, budget, period.as_of, period.start, period.end, window_start)
    if period.as_of < period.start or period.as_of >= period.end or window_days <= 0:
        return forecast, forecast, forecast
    bucket_days = window_days / BAND_BUCKETS
    sums = sums.tolist()
    mean = sum(sums) / BAND_BUCKETS
    spread = math.sqrt(sum((s - mean) ** 2 for s in sums) / (BAND_BUCKETS - 1))
    half = BAND_Z * spread * math.sqrt(period.remaining_days / bucket_days)
    return forecast, forecast - half, forecast + half


def needed_per_month(budget: float, spent: float, period: Period) -> float | None:
    """The monthly net spend from now on that lands exactly on budget at the end date."""
    if period.remaining_days <= 0:
        return None
    return (budget - spent) / (period.remaining_days / DAYS_PER_MONTH)


def status(spent: float, planned: float, forecast: float, budget: float) -> str:
    spent_gap = abs(spent - planned) / planned if planned else 0.0
    forecast_gap = abs(forecast - budget) / budget if budget else 0.0
    if forecast_gap > OFF_FORECAST_GAP or spent_gap > OFF_SPENT_GAP:
        return "off_track"
    if forecast_gap > WATCH_FORECAST_GAP or spent_gap > WATCH_SPENT_GAP:
        return "watch"
    return "on_track"


def progress_share(achieved: dict[str, float], targets: dict[str, float | None]) -> float | None:
    """Weighted share of targets reached; an indicator without a target drops out of the weights."""
    parts = [(EV_WEIGHTS[k], min(achieved[k] / targets[k], 1.0)) for k in EV_WEIGHTS if targets.get(k)]
    if not parts:
        return None
    return sum(w * s for w, s in parts) / sum(w for w, _ in parts)


def implementer_targets(store: Store, budgets: pd.Series) -> dict[str, dict[str, float | None]]:
    """Each implementer's targets: its own where the plan sets them, else its budget's share of the
    project's (the plan of PRO SOS, like most ESR plans, sets indicator targets for the whole project)."""
    rows = store.fetch("indicator_totals_targets")
    project_budget = float(store.fetch_one("finance_totals")["budget_eur"])
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
    period = period_of(store, as_of)
    finance = finance_by_implementer(store, scope, as_of)
    daily = spending.net_spend_by_day(store, scope, period.window_start, as_of)
    progress = indicator_progress_by_implementer(store, scope, as_of).set_index("implementer_id")
    targets = implementer_targets(store, finance.set_index("implementer_id")["budget_eur"])

    number = {implementer: n for n, implementer in enumerate(finance["implementer_id"])}
    codes = daily["implementer_id"].map(number).to_numpy(dtype=np.int64)
    periods = window_periods(daily, period, codes, len(number))
    nets = np.bincount(codes, weights=daily["net_eur"].to_numpy(dtype=float), minlength=len(number))
    people, days = progress["participants"].astype(float).to_dict(), progress["person_days"].astype(float).to_dict()
    rows = []
    for row in finance.itertuples():
        n = number[row.implementer_id]
        achieved = {"participants": people[row.implementer_id], "person_days": days[row.implementer_id]}
        rows.append(
            _row(
                row.implementer_id,
                row.area,
                row.budget_eur,
                row.planned_to_date_eur,
                row.spent_eur,
                band_from(float(nets[n]), periods[n], float(row.spent_eur), float(row.budget_eur), period),
                achieved,
                targets[row.implementer_id],
                period,
            )
        )
    total_achieved = {"participants": float(progress["participants"].sum()), "person_days": float(progress["person_days"].sum())}
    total = _row(
        "__project__",
        None,
        finance["budget_eur"].sum(),
        finance["planned_to_date_eur"].sum(),
        finance["spent_eur"].sum(),
        forecast_band(daily, float(finance["spent_eur"].sum()), float(finance["budget_eur"].sum()), period),
        total_achieved,
        _scope_targets(scope, targets),
        period,
    )
    if scope.narrowed_by_area and all(r["earned_value_eur"] is not None for r in rows):
        # A region or municipality has no targets of its own: its earned value is its implementers'.
        earned = sum(r["earned_value_eur"] for r in rows)
        total |= {
            "earned_value_eur": earned,
            "cpi": _ratio(earned, total["spent_eur"]),
            "spi": _ratio(earned, total["planned_to_date_eur"]),
        }
    rows.append(total)
    return pd.DataFrame(rows)


def _scope_targets(scope: Scope, targets: dict) -> dict:
    if scope.narrowed_by_area:
        return {k: None for k in EV_WEIGHTS}
    if scope.implementer:
        return targets.get(scope.implementer, {k: None for k in EV_WEIGHTS})
    return targets["__project__"]


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def _row(implementer, area, budget, planned, spent, band, achieved, targets, period) -> dict:
    """band: (forecast, low, high) at completion."""
    forecast, low, high = band
    share = progress_share(achieved, targets)
    earned = None if share is None else float(budget) * share
    return {
        "implementer_id": implementer,
        "area": area,
        "budget_eur": float(budget),
        "planned_to_date_eur": float(planned),
        "spent_eur": float(spent),
        "forecast_eur": forecast,
        "forecast_low_eur": low,
        "forecast_high_eur": high,
        "variance_at_completion_eur": float(budget) - forecast,
        "needed_per_month_eur": needed_per_month(float(budget), float(spent), period),
        "earned_value_eur": earned,
        "cpi": _ratio(earned, float(spent)),
        "spi": _ratio(earned, float(planned)),
        "status": status(float(spent), float(planned), forecast, float(budget)),
    }


def cumulative_curves(store: Store, scope: Scope, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(planned, actual): cumulative net cost by implementer and day. Planned runs to the end date;
    actual runs to month ends up to as_of and ends on as_of itself. Callers get copies."""
    planned, actual = store.memo(("cumulative_curves", scope, as_of), lambda: _cumulative_curves(store, scope, as_of))
    return planned.copy(), actual.copy()


def _cumulative_curves(store: Store, scope: Scope, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    planned = fetch_for_scope(store, "planned_curve", scope)
    monthly = spending.spending_by_month(store, scope, as_of)
    monthly["net_eur"] = monthly["amount_eur"].where(monthly["cost_category"] != "revenue", -monthly["amount_eur"])
    period = period_of(store, as_of)
    first_month = pd.Timestamp(period.start).to_period("M").to_timestamp()
    months = pd.date_range(first_month, pd.Timestamp(as_of), freq="MS")
    implementers = planned["implementer_id"].unique()
    month = pd.to_datetime(monthly["month"])
    before = monthly[month < first_month].groupby("implementer_id")["net_eur"].sum()
    by_month = (
        monthly.assign(month=month)[month >= first_month].groupby(["implementer_id", "month"])["net_eur"].sum().unstack("month")
    )
    # Column 0: everything booked before the project's first month; then one column per month.
    # (Built by reindexing, not concatenating: before the first booking both parts are empty.)
    steps = by_month.reindex(index=implementers, columns=months).astype(float).fillna(0.0)
    steps.insert(0, first_month - pd.Timedelta(days=1), before.reindex(implementers).astype(float).fillna(0.0))
    running = steps.to_numpy(dtype=float).cumsum(axis=1)
    days = [period.start - dt.timedelta(days=1)] + [min((m + pd.offsets.MonthEnd(0)).date(), as_of) for m in months]
    actual = pd.DataFrame(
        {
            "implementer_id": np.repeat(implementers, len(days)),
            "day": days * len(implementers),
            "actual_eur": running.ravel(),
        }
    ).drop_duplicates(["implementer_id", "day"], keep="last")
    actual["day"] = pd.to_datetime(actual["day"])
    planned["day"] = pd.to_datetime(planned["day"])
    return planned, actual


def monthly_by_category(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Month × category of the scope's actual cost; revenue negative, as it reduces the net cost."""
    monthly = spending.spending_by_month(store, scope, as_of)
    monthly["amount_eur"] = monthly["amount_eur"].where(monthly["cost_category"] != "revenue", -monthly["amount_eur"])
    monthly["month"] = pd.to_datetime(monthly["month"])
    table = monthly.pivot_table(index="month", columns="cost_category", values="amount_eur", aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=list(CATEGORIES), fill_value=0.0).reset_index()


def category_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Budget against actual per cost category (flat rate computed, revenue as a reduction)."""
    finance = finance_by_implementer(store, scope, as_of)
    budget = fetch_for_scope(store, "budget_by_category", scope).groupby("cost_category")["amount_eur"].sum()
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


def financing_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per financing source: the plan, its share, and what the actual cost implies at each
    implementer's planned shares. Implied shares differ from planned ones when implementers with
    different financing structures progress at different paces."""
    plan = fetch_for_scope(store, "financing_plan", scope)
    finance = finance_by_implementer(store, scope, as_of).set_index("implementer_id")
    by_implementer = plan.groupby(["implementer_id", "source"])["amount_eur"].sum().reset_index()
    totals = by_implementer.groupby("implementer_id")["amount_eur"].transform("sum")
    spent_by = by_implementer["implementer_id"].map(finance["spent_eur"]).astype(float)
    by_implementer["implied_eur"] = (spent_by * by_implementer["amount_eur"] / totals).where(totals != 0, 0.0)
    table = by_implementer.groupby("source")[["amount_eur", "implied_eur"]].sum().reset_index()
    table = table.rename(columns={"amount_eur": "plan_eur"})
    table["plan_share"] = table["plan_eur"] / table["plan_eur"].sum()
    spent = table["implied_eur"].sum()
    table["implied_share"] = table["implied_eur"] / spent if spent else None
    order = {"esr_state": 0, "municipal": 1, "other_public": 2, "private": 3}
    return table.sort_values("source", key=lambda s: s.map(order)).reset_index(drop=True)


def warnings(store: Store, scope: Scope, as_of: dt.date) -> list[dict]:
    """The checks a finance officer makes. Each warning: kind, implementer_id and the facts."""
    found: list[dict] = []
    for row in fetch_for_scope(store, "bookings_outside_period", scope, as_of=as_of).itertuples():
        found.append(
            {
                "kind": "outside_period",
                "implementer_id": row.implementer_id,
                "date": _date(row.date),
                "cost_category": row.cost_category,
                "amount_eur": row.amount_eur,
                "voucher_id": row.voucher_id,
            }
        )
    finance = finance_by_implementer(store, scope, as_of).set_index("implementer_id")
    budget = fetch_for_scope(store, "budget_by_category", scope)
    by_category = budget.groupby(["implementer_id", "cost_category"])["amount_eur"].sum()
    actuals = finance[[f"{c}_eur" for c in CATEGORIES]].rename(columns=lambda c: c.removesuffix("_eur")).stack().to_dict()
    for (implementer, category), planned in by_category.items():
        if category == "revenue":
            continue
        actual = float(actuals[(implementer, category)])
        if actual > planned + 0.005:
            found.append(
                {
                    "kind": "category_over_budget",
                    "implementer_id": implementer,
                    "cost_category": category,
                    "budget_eur": float(planned),
                    "actual_eur": actual,
                }
            )
    budget["net_eur"] = budget["amount_eur"].where(budget["cost_category"] != "revenue", -budget["amount_eur"])
    yearly_plan = budget.groupby(["implementer_id", "year"])["net_eur"].sum().to_dict()  # a dict: 1 800 lookups nationally
    for row in spending.spending_by_year(store, scope, as_of).itertuples():
        planned = float(yearly_plan.get((row.implementer_id, row.year), 0.0))
        if row.net_eur > planned + 0.005:
            found.append(
                {
                    "kind": "year_over_budget",
                    "implementer_id": row.implementer_id,
                    "year": int(row.year),
                    "budget_eur": planned,
                    "actual_eur": float(row.net_eur),
                }
            )
    for row in fetch_for_scope(store, "negative_running_totals", scope, as_of=as_of).itertuples():
        found.append(
            {
                "kind": "negative_category",
                "implementer_id": row.implementer_id,
                "date": _date(row.date),
                "cost_category": row.cost_category,
                "amount_eur": row.amount_eur,
                "running_eur": row.running_eur,
                "voucher_id": row.voucher_id,
            }
        )
    return found
