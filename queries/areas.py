"""Areas against their plan: for each implementer (area), the share of budget used, of participants
and of person-days reached, each set against the share of project time elapsed."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from queries import finance
from queries.participants import ParticipantStats, key
from queries.person_days import person_days_by_municipality
from queries.plan_versions import version_at
from queries.scope import Scope
from queries.store import Store
from queries.summary import indicator_progress_by_implementer, time_elapsed
from queries.withheld import shown_or_none


def area_progress(store: Store, scope: Scope, as_of: dt.date, stats: ParticipantStats) -> pd.DataFrame:
    """One row per implementer in scope, ranked by pace: the mean of its three shares divided by the
    share of time elapsed (1 = on an even path; below 1 = behind). A participant share is left out
    where the count behind it is hidden (share × target would give it back)."""
    period = finance.period_of(store, as_of)
    table = finance.implementer_table(store, scope, as_of).iloc[:-1]
    days_of = indicator_progress_by_implementer(store, scope, as_of).set_index("implementer_id")["person_days"].to_dict()
    targets = finance.implementer_targets(store, table.set_index("implementer_id")["budget_eur"], version_at(store, as_of))
    elapsed = time_elapsed(period.as_of, period.start, period.end)
    rows = []
    present = set(stats.implementers)
    # Column by column: a national programme has 300 areas, and a frame's rows come cell by cell.
    columns = ("implementer_id", "area", "spent_eur", "budget_eur", "status")
    for implementer, area, spent, budget, status in zip(*(table[c].tolist() for c in columns), strict=True):
        own = targets[implementer]
        people = stats.view.value(key(impl=implementer)) if implementer in present else 0
        days = float(days_of[implementer])
        shares = {
            "budget_used": spent / budget if budget else None,
            "participants_share": shown_or_none(people) / own["participants"]
            if shown_or_none(people) is not None and own.get("participants")
            else None,
            "person_days_share": days / own["person_days"] if own.get("person_days") else None,
        }
        known = [v for v in shares.values() if v is not None]
        pace = (sum(known) / len(known)) / elapsed if known and elapsed else None
        rows.append(
            {
                "implementer_id": implementer,
                "area": area,
                **shares,
                "time_elapsed": elapsed,
                "pace": pace,
                "participants": people,
                "status": status,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("pace", ascending=False, na_position="last").reset_index(drop=True)


def progress_over_time(store: Store, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Per implementer and month end: cumulative cost as a share of budget (participant shares over
    time are on the participants page, under the same protection)."""
    planned, actual = finance.cumulative_curves(store, scope, as_of)
    budgets = planned.groupby("implementer_id")["planned_eur"].max()
    actual["budget_share"] = actual["actual_eur"] / actual["implementer_id"].map(budgets)
    return actual


def municipality_rows(store: Store, scope: Scope, as_of: dt.date, stats: ParticipantStats) -> list[dict]:
    """Drill-down: each municipality of the scope with participants (protected) and person-days."""
    days = person_days_by_municipality(store, scope, as_of).set_index("municipality")["days"]
    towns = sorted(set(stats.municipalities) | set(days.index))
    return [
        {
            "municipality": town,
            "participants": stats.view.value(key(muni=town)) if town in stats.municipalities else 0,
            # one column per gender column of the programme (women and the rest, or women, men, non-binary)
            **{
                f"gender_{g}": stats.view.value(key(muni=town, gender=g)) if town in stats.municipalities else 0
                for g in stats.programme.genders
            },
            "person_days": float(days.get(town, 0.0)),
        }
        for town in towns
    ]


def region_counts(stats: ParticipantStats) -> dict[str, int | None]:
    return {region: stats.view.value(key(region=region)) for region in stats.regions}
