"""The headline figures of a scope, as `summary --json` prints them and the overview shows them.
One function computes them for both, so the CLI and the page cannot disagree."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from queries import claims
from queries.indicators import indicator_figures
from queries.participant_counts import participants_by_implementer, participants_summary
from queries.person_days import person_days_by_implementer, person_days_by_type
from queries.plan_versions import in_force, version_at
from queries.scope import Scope
from queries.scoped import fetch_for_scope, in_scope
from queries.spending import booked_by_implementer, booking_counts
from queries.store import Store
from queries.withheld import PROTECTING, SMALL, Withheld

DAY_TYPES = ("contact_teaching", "distance_teaching", "subsidised_employment", "guidance_consulting", "other")
CATEGORIES = ("salaries", "purchased_services", "other_costs", "flat_rate", "revenue")

# Forecast at completion: actual cost so far plus the net run rate of the last RUN_RATE_DAYS days
# (or of the days since the start, when fewer) over the days left until the end date.
RUN_RATE_DAYS = 182


def suppress(count: int | None, threshold: int) -> int | None:
    """A count from 1 to threshold-1 is never shown: it becomes None (printed as null / "<5")."""
    if count is None:
        return None
    return None if 0 < count < threshold else int(count)


def suppressed_change(now, then, threshold: int) -> int | Withheld:
    """now − then as a count that may be shown. Withheld where the change itself is small (SMALL)
    or where either count is withheld (not a whole number: None or a Withheld mark): a change beside
    a shown count would give the withheld one away, and it may be large (PROTECTING), so it must not
    carry the small count's mark."""
    if not isinstance(now, int) or not isinstance(then, int):
        return Withheld(PROTECTING, threshold)
    change = suppress(now - then, threshold)
    return Withheld(SMALL, threshold) if change is None else change


def extract_date_range(store: Store) -> tuple[dt.date | None, dt.date | None]:
    """Once per store: every callback resolves its as-of date from it (resolve_as_of)."""
    return store.memo(("extract_date_range",), lambda: _extract_date_range(store))


def _extract_date_range(store: Store) -> tuple[dt.date | None, dt.date | None]:
    row = store.fetch_one("extract_date_range")
    return _date(row.get("first_date")), _date(row.get("latest_date"))


def project_period(store: Store, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(start, end) of the project in the plan in force on `as_of` (an amendment may move the end;
    None: the latest plan)."""
    start = store.memo(("project_start",), lambda: _date(store.fetch_one("project")["start_date"]))
    return start, in_force(store, as_of).end_date


def resolve_as_of(store: Store, requested: dt.date | None = None, today: dt.date | None = None) -> dt.date:
    """The date every figure is "as of" (contract v2): the one asked for, else the latest date in the
    extracts, else today (a plan with no extracts yet); always clamped to the project period, so that
    a date before the start shows nothing yet and one after the end shows the final state. The end is
    that of the plan in force on the date asked for: an extension decided later does not reach back."""
    start, _ = project_period(store)
    chosen = max(requested or extract_date_range(store)[1] or today or dt.date.today(), start)
    return min(chosen, project_period(store, chosen)[1])


def default_as_of(store: Store) -> dt.date:
    return resolve_as_of(store)


def phase(store: Store, as_of: dt.date) -> str:
    """Where in its life the project is at a resolved as-of date: "not_started" on its first day (a
    date before the start is clamped to it), "ended" on its end date or after, else "running"."""
    start, end = project_period(store, as_of)
    return "not_started" if as_of <= start else "ended" if as_of >= end else "running"


def finance_by_implementer(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """One row per implementer in scope: budget, planned to date, cost by category, spent, forecast.
    Worked out once per store, scope and date (a finance page reads it four times); callers get a copy."""
    return store.memo(("finance_by_implementer", scope, as_of), lambda: _finance_by_implementer(store, scope, as_of)).copy()


def _finance_by_implementer(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    start, end = project_period(store, as_of)
    window_start = run_rate_window_start(start, as_of)
    plan = fetch_for_scope(store, "finance_plan_by_implementer", scope, version=version_at(store, as_of))
    plan["planned_to_date_eur"] = planned_to_date(store, plan["implementer_id"].tolist(), as_of)
    booked = booked_by_implementer(store, plan["implementer_id"].tolist(), as_of, window_start)
    frame = pd.concat([plan, booked], axis=1)
    frame["spent_eur"] = (
        frame["salaries_eur"]
        + frame["purchased_services_eur"]
        + frame["other_costs_eur"]
        + frame["flat_rate_eur"]
        - frame["revenue_eur"]
    )
    budget = frame["budget_eur"].to_numpy(dtype=float)
    forecast = forecast_at_completion(
        frame["spent_eur"].to_numpy(dtype=float),
        frame["window_net_eur"].to_numpy(dtype=float),
        budget,
        as_of,
        start,
        end,
        window_start,
    )
    # Nothing booked yet (day one, or an office whose file has not come): no run rate to go by, so
    # the plan is the best forecast, as before the start. After the end the forecast is what was spent.
    booked_anything = booking_counts(store, frame["implementer_id"].tolist(), as_of) > 0
    frame["forecast_at_completion_eur"] = np.where(booked_anything | (as_of >= end), forecast, budget)
    return frame


def budgets_by_implementer(store: Store, scope: Scope, as_of: dt.date) -> pd.Series:
    """Each implementer's net budget in the plan in force on as_of, by implementer id."""
    return budgets_in_version(store, scope, version_at(store, as_of))


def budgets_in_version(store: Store, scope: Scope, version: int) -> pd.Series:
    """Each implementer's net budget in plan version `version`, by implementer id."""
    plan = fetch_for_scope(store, "finance_plan_by_implementer", scope, version=version)
    return plan.set_index("implementer_id")["budget_eur"]


def net_budget(store: Store, scope: Scope, version: int) -> float:
    """The scope's net budget in plan version `version`."""
    return float(budgets_in_version(store, scope, version).sum())


def planned_to_date(store: Store, implementers: list[str], as_of: dt.date) -> np.ndarray:
    """Each implementer's planned net cost up to and including as_of: schema.sql's planned_to rule
    (each year's net budget spread evenly over its days inside the project period), over every
    budget year at once rather than as a query per as-of date. The plan is the one in force on as_of:
    planned-to-date follows the plan as amended, from the start."""
    version = version_at(store, as_of)
    years = store.memo(("budget_year_days", version), lambda: store.fetch("budget_year_days", version=version))
    first = years["first_day"].to_numpy().astype("datetime64[D]")
    length = (years["last_day"].to_numpy().astype("datetime64[D]") - first).astype(np.int64) + 1
    upto = np.clip((np.datetime64(as_of, "D") - first).astype(np.int64) + 1, 0, np.maximum(length, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        planned = np.where(length > 0, years["net_eur"].to_numpy(dtype=float) * upto / np.where(length > 0, length, 1), 0.0)
    sums = pd.Series(planned).groupby(years["implementer_id"].to_numpy()).sum()
    return sums.reindex(implementers, fill_value=0.0).to_numpy(dtype=float)


def indicator_progress_by_implementer(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per implementer in scope: participants (distinct, entered by as_of) and person-days (dated by
    as_of), wherever they took part: the achievement side of earned value. Columns implementer_id,
    participants, person_days; ordered by implementer. Worked out once per scope and date (the finance
    and areas pages both read it); callers get a copy."""
    return store.memo(
        ("indicator_progress", scope, as_of), lambda: _indicator_progress_by_implementer(store, scope, as_of)
    ).copy()


def _indicator_progress_by_implementer(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    implementers = in_scope(store, scope)
    people, days = participants_by_implementer(store, as_of), person_days_by_implementer(store, as_of)
    return pd.DataFrame(
        {
            "implementer_id": pd.Series(implementers, dtype=object),
            "participants": [people.get(i, 0) for i in implementers],
            "person_days": [float(days.get(i, 0.0)) for i in implementers],
        }
    )


def time_elapsed(as_of: dt.date, start: dt.date, end: dt.date) -> float:
    """Share of the project period that has passed by as_of (start and as_of days included), 0…1."""
    total = (end - start).days + 1
    return min(max((as_of - start).days + 1, 0), total) / total


def run_rate_window_start(start: dt.date, as_of: dt.date) -> dt.date:
    """The run-rate window is (window_start, as_of]: the last RUN_RATE_DAYS, or since the start."""
    return max(start - dt.timedelta(days=1), as_of - dt.timedelta(days=RUN_RATE_DAYS))


def forecast_at_completion(
    spent: float, window_net: float, budget: float, as_of: dt.date, start: dt.date, end: dt.date, window_start: dt.date
) -> float:
    """Also for arrays of spent, window_net and budget: one forecast per element."""
    if as_of < start:
        return budget  # nothing spent yet to extrapolate from: the plan is the best forecast
    if as_of >= end:
        return spent
    window_days = (as_of - window_start).days
    return spent + window_net / window_days * (end - as_of).days


def summary(store: Store, scope: Scope) -> dict:
    """Worked out once per scope and date (the overview, presentation and report all show it);
    each caller gets its own copy."""
    as_of = resolve_as_of(store, scope.as_of)
    return copy.deepcopy(store.memo(("summary", scope, as_of), lambda: _summary(store, scope, as_of)))


def _summary(store: Store, scope: Scope, as_of: dt.date) -> dict:
    project = store.fetch_one("project")
    threshold = int(project["suppression_threshold"])
    finance = finance_by_implementer(store, scope, as_of)
    people = participants_summary(store, scope, as_of)
    targets = _targets(store, scope, as_of)
    plan = in_force(store, as_of)
    person_days, person_days_target = person_days_figures(store, scope, as_of, targets)
    figures = {
        "project": project["name"],
        "as_of": as_of.isoformat(),
        "implementer": scope.implementer,
        "budget_eur": _eur(finance["budget_eur"].sum()),
        "planned_to_date_eur": _eur(finance["planned_to_date_eur"].sum()),
        "spent_eur": _eur(finance["spent_eur"].sum()),
        "spent_by_category_eur": {c: _eur(finance[f"{c}_eur"].sum()) for c in CATEGORIES},
        "forecast_at_completion_eur": _eur(finance["forecast_at_completion_eur"].sum()),
        "participants": int(people.get("participants") or 0),
        "participants_women": suppress(int(people.get("participants_women") or 0), threshold),
        "participants_target": targets.get(("participants", None)),
        "participants_women_target": targets.get(("participants", "F")),
        "person_days": person_days,
        "person_days_target": person_days_target,
        "programme": project["programme"],  # contract v2: the programme period (data/programmes/)
        "plan_version": plan.label,  # contract v2: the plan in force and its end date
        "end_date": plan.end_date.isoformat(),
    }
    if len(store.fetch("payment_claims", version=plan.number)):  # contract v2: only where claims exist
        sums = claims.totals(claims.claim_table(store, scope, as_of))
        figures["claims"] = {k: sums[k] for k in ("claimed_eur", "approved_eur", "paid_eur", "booked_not_claimed_eur")}
    return figures


def summary_json(store: Store, scope: Scope) -> dict:
    """What `summary --json` prints: the summary and, after the end date, every indicator of the
    programme (contract v2). Apart from the summary, so that the pages that show the summary (the
    overview, at two dates) do not also build the protected participant view they never read."""
    figures = summary(store, scope)
    indicators = indicator_figures(store, scope, dt.date.fromisoformat(figures["as_of"]))
    found = {}
    for name, value in figures.items():
        found[name] = value
        if name == "end_date":
            found["indicators"] = indicators
    return found


def changes_since(store: Store, scope: Scope, since: dt.date) -> dict:
    """The change since `since` of the figures a steering group follows (contract v2, `summary
    --since`): spent, participants and person-days in total, from the state on `since` to the state
    on the scope's as-of date. A date before the project's start compares with nothing yet; one after
    the as-of date with the as-of date itself. A participant change of 1 … threshold−1 is withheld
    (None) like any small count."""
    now = summary(store, scope)
    as_of = dt.date.fromisoformat(now["as_of"])
    start, _ = project_period(store)
    day = min(since, as_of)
    if day < start:
        spent, people, days = 0.0, 0, 0.0
    else:
        then = summary(store, dataclasses.replace(scope, as_of=day))
        spent, people, days = then["spent_eur"], then["participants"], then["person_days"]["total"]
    threshold = int(store.fetch_one("project")["suppression_threshold"])
    return {
        "date": day.isoformat() if day >= start else since.isoformat(),
        "spent_eur": _eur(now["spent_eur"] - spent),
        "participants": suppress(now["participants"] - people, threshold),
        "person_days": {"total": _days(now["person_days"]["total"] - days)},
    }


def person_days_figures(store: Store, scope: Scope, as_of: dt.date, targets: dict | None = None) -> tuple[dict, dict]:
    """(person-days by day type and in total, their targets), as the summary gives them: for the
    participants page, which needs these without the rest of the summary."""
    targets = _targets(store, scope, as_of) if targets is None else targets
    days = person_days_by_type(store, scope, as_of)
    by_type = {day_type: 0.0 for day_type in DAY_TYPES} | dict(zip(days["day_type"], days["days"].astype(float), strict=False))
    person_days = {key: _days(value) for key, value in by_type.items()} | {"total": _days(sum(by_type.values()))}
    return person_days, {key: targets.get(("person_days", key)) for key in person_days}


def _targets(store: Store, scope: Scope, as_of: dt.date) -> dict:
    """(indicator, key) -> target for the totals the summary needs, in the plan in force on as_of;
    empty when the plan sets none for the scope (a region or municipality never has targets of its own)."""
    if scope.narrowed_by_area:
        return {}
    rows = store.fetch("targets_for_implementer", implementer=scope.implementer, version=version_at(store, as_of))
    found = {}
    for row in rows.itertuples():
        if pd.notna(row.labour_market_status) or pd.notna(row.age_group):
            continue
        if row.indicator == "participants" and pd.isna(row.day_type):
            key = row.gender if pd.notna(row.gender) else None
        elif row.indicator == "person_days" and pd.isna(row.gender):
            key = row.day_type if pd.notna(row.day_type) else "total"
        else:
            continue
        found[(row.indicator, key)] = _number(row.target)
    return found


def _date(value) -> dt.date | None:
    if value is None or value is pd.NaT or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _eur(value: float) -> float:
    return round(float(value) + 0.0, 2)


def _days(value: float) -> float | int:
    return _number(round(float(value), 2))


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)
