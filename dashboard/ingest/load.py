"""Load a project (plan directory + extracts directory) into a fresh DuckDB store. The store is
built completely before anyone sees it, so a caller can swap it in atomically."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import contract
from dashboard.config import build_memory_limit, duckdb_memory_limit
from dashboard.ingest.extracts import Extracts, FileReport, load_extracts
from dashboard.ingest.plan import Plan, load_plan
from dashboard.ingest.problems import Problem
from queries import Store
from queries.participant_counts import running_entries
from queries.person_days import running_person_days
from queries.profile import running_profile
from queries.programmes import programme
from queries.spending import running_spend

DEMO_MARKER = "DEMO.md"  # a file of this name marks an extracts directory as demo data


@dataclass
class LoadResult:
    plan_dir: Path
    extracts_dir: Path
    store: Store | None
    plan: Plan | None
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    is_demo: bool = False
    # Rows set aside by validation, per file: kept on the server (never sent to a browser) so that
    # nothing read is lost; the data page counts them.
    set_aside: dict[str, pd.DataFrame] = field(default_factory=dict)
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    snapshot: object | None = None  # the dashboard.snapshots.Snapshot this was opened from, if any

    @property
    def ok(self) -> bool:
        return self.store is not None

    def shown_name(self, path: str) -> str:
        """A file as pages may name it: relative to the plan or extracts folder, never the server's
        path (a folder itself by its own name)."""
        target = Path(path)
        for folder in (self.plan_dir, self.extracts_dir):
            if target == folder:
                return folder.name
            if target.is_relative_to(folder):
                return target.relative_to(folder).as_posix()
        return target.name


def load_project(plan_dir: Path, extracts_dir: Path, database: Path | None = None) -> LoadResult:
    """Read, validate and load. With `database`, the store is built in that file and closed: the
    result's store is None and its running totals are in `built` (a snapshot's build)."""
    result, extracts = _read(plan_dir, extracts_dir)
    if extracts is not None:
        result.store = build_store(result.plan, extracts, database)
    return result


def check_project(plan_dir: Path, extracts_dir: Path) -> LoadResult:
    """Read and validate the plan and every extract, and build nothing: all that `check` and
    `reload` need (the store and its running totals are most of a load's time and memory)."""
    return _read(plan_dir, extracts_dir)[0]


def _read(plan_dir: Path, extracts_dir: Path) -> tuple[LoadResult, Extracts | None]:
    plan, problems = load_plan(plan_dir)
    is_demo = (extracts_dir / DEMO_MARKER).is_file()
    if plan is None:
        return LoadResult(plan_dir, extracts_dir, None, None, problems, [], is_demo), None
    extracts = load_extracts(extracts_dir, plan)
    problems += extracts.problems
    return LoadResult(plan_dir, extracts_dir, None, plan, problems, extracts.files, is_demo, extracts.set_aside), extracts


def insert_plan_versions(store: Store, plan: Plan) -> None:
    """Every version of the plan: its end date and, whole, each amendable table as then in force."""
    versions = plan.versions()
    rows = [(v.number, v.decided_on, v.description, v.end_date, list(v.replaced)) for v in versions]
    store.insert("plan_versions", pd.DataFrame(rows, columns=["version", "decided_on", "description", "end_date", "replaced"]))
    for kind in contract.AMENDABLE_TABLES:
        store.insert(kind, pd.concat([v.tables[kind].assign(version=v.number) for v in versions], ignore_index=True))


def build_store(plan: Plan, extracts: Extracts, path: Path | None = None) -> Store:
    """The data set in DuckDB with its derived tables and running totals: in memory, or with `path`
    in that database file (a snapshot being built, dashboard/snapshots.py)."""
    # A build into a file is written out as it goes, and spills well (config.build_memory_limit).
    store = Store.create_empty(memory_limit=build_memory_limit() if path else duckdb_memory_limit(), path=path)
    store.insert("project", pd.DataFrame([plan.project]))
    insert_plan_versions(store, plan)
    for kind in contract.PLAN_TABLES:
        if kind not in contract.AMENDABLE_TABLES:
            store.insert(kind, plan.tables[kind])
    # The extract frames are handed over: each is let go once DuckDB holds it, so that a national
    # programme's millions of rows are not held twice while the derived tables are built.
    participants = extracts.tables.pop("participants")
    programme_of = programme(plan.project.get("programme"))
    ages = participants["age_at_start"]
    # Once per distinct age (a few dozen), not per row: 2.5 M Python calls took two seconds.
    participants["age_group"] = ages.map({age: programme_of.age_group(int(age)) for age in ages.dropna().unique()})
    store.insert("participants", participants)
    del participants
    for kind in ("person_days", "spending", "claims", "followups"):
        store.insert(kind, extracts.tables.pop(kind))
    store.derive()
    # Running totals and counts, made now rather than at a first request.
    running_spend(store)
    running_person_days(store)
    running_entries(store)
    running_profile(store)
    store.drop_scratch()
    return store
