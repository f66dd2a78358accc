"""Payment claims (maksatushakemukset) against the costs booked, per payment period and implementer.

An ESR project is paid only through claims, one per period, each approved before money arrives:
costs booked but never claimed are money lost, and the gap between costs and payments is the
project's cash-flow risk. At an as-of date a claim counts once submitted (`submitted_date` on or
before it), and a payment once received (`paid_date` on or before it); an approved amount has no
date in the contract, so it is known from the claim's submission on. Where a period and implementer
have two claims (a file pasted twice, a corrected claim), the one submitted last counts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from queries.calendar import month_ends
from queries.plan_versions import version_at
from queries.scope import Scope
from queries.scoped import in_scope
from queries.spending import net_to
from queries.store import Store

DIFFERENCE_SHARE = 0.01  # a claim more than 1 % off its period's booked net cost is flagged


def periods(store: Store, as_of: dt.date) -> pd.DataFrame:
    """The payment periods of the plan in force on as_of (an extension adds one)."""
    frame = store.fetch("payment_periods", version=version_at(store, as_of))
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def has_periods(store: Store, as_of: dt.date) -> bool:
    return not periods(store, as_of).empty


def claim_table(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """One row per payment period begun by as_of and implementer in scope: booked net cost in the
    period (up to as_of), claimed, approved, paid, the three open amounts, the days since the period
    ended, and flags for a missing claim past the claim window and a claim off its booked cost."""
    plan = periods(store, as_of)
    plan = plan[plan["start_date"] <= as_of].reset_index(drop=True)
    implementers = in_scope(store, scope)
    if plan.empty or not implementers:
        return pd.DataFrame(columns=COLUMNS)
    window = int(store.fetch_one("project")["claim_window_months"])
    cut = [min(end, as_of) for end in plan["end_date"]]
    before = [start - dt.timedelta(days=1) for start in plan["start_date"]]
    # Net cost to each period's end and to the day before its start: (implementers, days)
    to_end, to_start = net_to(store, implementers, cut), net_to(store, implementers, before)
    booked = np.round(to_end - to_start, 2)  # (implementers, periods)
    grid = pd.DataFrame(
        {
            "period_id": np.tile(plan["period_id"].to_numpy(), len(implementers)),
            "start_date": np.tile(plan["start_date"].to_numpy(), len(implementers)),
            "end_date": np.tile(plan["end_date"].to_numpy(), len(implementers)),
            "implementer_id": np.repeat(implementers, len(plan)),
            "booked_eur": booked.reshape(-1),
        }
    )
    claims = _claims_by(store, as_of)
    table = grid.merge(claims, on=["period_id", "implementer_id"], how="left")
    table["claimed"] = table["claimed_eur"].notna()
    table["paid_eur"] = table["paid_eur"].where(table["paid_date"].notna())
    for column in ("claimed_eur", "approved_eur", "paid_eur"):
        table[column] = table[column].astype(float)
    table["booked_not_claimed_eur"] = np.where(table["claimed"], 0.0, table["booked_eur"])
    table["claimed_not_approved_eur"] = np.where(table["claimed"] & table["approved_eur"].isna(), table["claimed_eur"], 0.0)
    approved_open = table["approved_eur"].notna() & table["paid_date"].isna()
    table["approved_not_paid_eur"] = np.where(approved_open, table["approved_eur"], 0.0)
    ended = [(as_of - end).days if end < as_of else None for end in table["end_date"]]
    table["days_since_end"] = pd.array(ended, dtype="Int64")
    due = [_months_after(end, window) for end in table["end_date"]]
    table["overdue"] = [
        (not claimed) and booked > 0 and as_of > deadline
        for claimed, booked, deadline in zip(table["claimed"], table["booked_eur"], due, strict=True)
    ]
    off = (table["claimed_eur"] - table["booked_eur"]).abs() > DIFFERENCE_SHARE * table["booked_eur"].abs()
    table["differs"] = (table["claimed"] & off).to_numpy(dtype=bool)
    table["claim_window_months"] = window
    return table[COLUMNS]


COLUMNS = [
    "period_id",
    "start_date",
    "end_date",
    "implementer_id",
    "booked_eur",
    "claimed_eur",
    "approved_eur",
    "paid_eur",
    "submitted_date",
    "paid_date",
    "claims_in_file",
    "booked_not_claimed_eur",
    "claimed_not_approved_eur",
    "approved_not_paid_eur",
    "days_since_end",
    "overdue",
    "differs",
    "claim_window_months",
]


def _claims_by(store: Store, as_of: dt.date) -> pd.DataFrame:
    """The claim that counts per period and implementer at as_of, and how many the file holds."""
    claims = store.fetch("payment_claims", version=version_at(store, as_of))
    for column in ("submitted_date", "paid_date"):
        claims[column] = pd.to_datetime(claims[column]).dt.date
    claims = claims[claims["submitted_date"] <= as_of]
    counts = claims.groupby(["period_id", "implementer_id"]).size().rename("claims_in_file")
    latest = claims.sort_values("submitted_date", kind="stable").groupby(["period_id", "implementer_id"]).tail(1)
    latest = latest.assign(
        paid_date=[d if d is not None and not pd.isna(d) and d <= as_of else None for d in latest["paid_date"]]
    )
    keep = ["period_id", "implementer_id", "submitted_date", "claimed_eur", "approved_eur", "paid_date", "paid_eur"]
    return latest[keep].merge(counts.reset_index(), on=["period_id", "implementer_id"])


def _months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def totals(table: pd.DataFrame) -> dict:
    """The scope's sums of claim_table, as summary --json prints them (euros to cents)."""
    keys = (
        "claimed_eur",
        "approved_eur",
        "paid_eur",
        "booked_not_claimed_eur",
        "claimed_not_approved_eur",
        "approved_not_paid_eur",
    )
    return {key: round(float(table[key].fillna(0).sum()), 2) for key in keys}


def cash_curve(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Cumulative net cost and cumulative payments received at each month end from the project's
    start, and at as_of itself (a month not yet ended is drawn up to the as-of date)."""
    implementers = in_scope(store, scope)
    days = month_ends(pd.Timestamp(store.fetch_one("project")["start_date"]).date(), as_of)
    cost = net_to(store, implementers, days).sum(axis=0) if implementers else np.zeros(len(days))
    claims = store.fetch("payment_claims", version=version_at(store, as_of))
    claims = claims[claims["implementer_id"].isin(implementers) & claims["paid_date"].notna()]
    paid_days = pd.to_datetime(claims["paid_date"]).dt.date.to_numpy()
    amounts = claims["paid_eur"].fillna(0).to_numpy(dtype=float)
    paid = [float(amounts[paid_days <= day].sum()) for day in days]
    return pd.DataFrame({"date": days, "cost_eur": np.round(cost, 2), "paid_eur": np.round(paid, 2)})
