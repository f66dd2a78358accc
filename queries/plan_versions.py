"""Which plan is in force (contract v2): the original with every amendment decided on or before the
as-of date applied. Every question about budgets, targets, financing, payment periods or the end
date is asked of the version in force at its date, so replaying a past date uses the plan then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from queries.store import Store

ORIGINAL = 0


@dataclass(frozen=True)
class PlanVersion:
    number: int  # 0: the original plan
    decided_on: dt.date | None
    description: str
    end_date: dt.date
    replaced: tuple[str, ...]  # the plan files the decision replaced

    @property
    def label(self) -> str:
        """As summary --json names it: "original" or the decision date."""
        return "original" if self.decided_on is None else self.decided_on.isoformat()


def plan_versions(store: Store) -> tuple[PlanVersion, ...]:
    """Every version, the original first. Read once per store."""
    return store.memo(("plan_versions",), lambda: _plan_versions(store))


def _plan_versions(store: Store) -> tuple[PlanVersion, ...]:
    frame = store.fetch("plan_versions")
    return tuple(
        PlanVersion(
            int(row.version),
            None if pd.isna(row.decided_on) else pd.Timestamp(row.decided_on).date(),
            str(row.description),
            pd.Timestamp(row.end_date).date(),
            tuple(row.replaced),
        )
        for row in frame.itertuples()
    )


def in_force(store: Store, as_of: dt.date | None) -> PlanVersion:
    """The version in force on `as_of` (None: the latest one, as when no date is asked for)."""
    versions = plan_versions(store)
    if as_of is None:
        return versions[-1]
    return [v for v in versions if v.decided_on is None or v.decided_on <= as_of][-1]


def version_at(store: Store, as_of: dt.date | None) -> int:
    """The number of the version in force on `as_of`: the `$version` of every plan question."""
    return in_force(store, as_of).number


def amendments_in_force(store: Store, as_of: dt.date) -> tuple[PlanVersion, ...]:
    """The amendments decided on or before as_of, in decision order (what a replay then knew)."""
    return tuple(v for v in plan_versions(store) if v.decided_on is not None and v.decided_on <= as_of)


def budget_changes(store: Store, version: int, implementers: list[str]) -> pd.DataFrame:
    """What amendment `version` changed in the budget of these implementers: implementer_id,
    cost_category, before_eur, after_eur (all years together; only the amounts that changed)."""
    changes = store.fetch("budget_changes", version=version)
    return changes[changes["implementer_id"].isin(implementers)].reset_index(drop=True)
