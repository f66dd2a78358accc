"""Load a project (plan directory + extracts directory) into a fresh DuckDB store. The store is
built completely before anyone sees it, so a caller can swap it in atomically."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import contract
from dashboard.config import build_memory_limit, duckdb_memory_limit
from dashboard.ingest.extracts import FileReport, NoRows, load_extracts
from dashboard.ingest.parquet_intake import CleanFile, clean_file
from dashboard.ingest.plan import Plan, load_plan
from dashboard.ingest.problems import Problem
from queries import Store
from queries.intake import Load, distinct_values
from queries.participant_counts import running_entries
from queries.person_days import running_person_days
from queries.profile import running_profile
from queries.programmes import programme
from queries.spending import running_spend
from queries.store import Appender

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

    @property
    def threshold(self) -> int:
        """The plan's suppression threshold: participant counts 1 … threshold−1 are never shown."""
        return int(self.plan.project["suppression_threshold"])

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
    """Read, validate and load: each extract file's batches go into DuckDB as they are checked. With
    `database`, the store is built in that file (a snapshot's build, dashboard/snapshots.py)."""
    return _load(plan_dir, extracts_dir, build=True, database=database)


def check_project(plan_dir: Path, extracts_dir: Path) -> LoadResult:
    """Read and validate the plan and every extract, and build nothing: the rows are checked and let go."""
    return _load(plan_dir, extracts_dir, build=False)


def _load(plan_dir: Path, extracts_dir: Path, build: bool, database: Path | None = None) -> LoadResult:
    plan, problems = load_plan(plan_dir)
    is_demo = (extracts_dir / DEMO_MARKER).is_file()
    if plan is None:
        return LoadResult(plan_dir, extracts_dir, None, None, problems, [], is_demo)
    store = _plan_store(plan, database) if build else None
    extracts = load_extracts(extracts_dir, plan, StoreRows(store, plan) if store else NoRows())
    if store:
        _derive(store)
    problems += extracts.problems
    return LoadResult(plan_dir, extracts_dir, store, plan, problems, extracts.files, is_demo, extracts.set_aside)


class StoreRows:
    """Checked extract rows appended to the store's tables as they come, a file per transaction;
    participants get their age group of the project's programme (once per distinct age)."""

    def __init__(self, store: Store, plan: Plan):
        self._store, self._programme = store, programme(plan.project.get("programme"))
        self._appender: Appender | None = None
        self._kind = ""

    def start(self, kind: str) -> None:
        self._kind, self._appender = kind, self._store.appending(kind)

    def screen(self, kind: str, path: Path, spec: contract.TableSpec, refs: dict, rules: tuple) -> CleanFile | None:
        with self._store.screening() as cursor:
            clean = clean_file(cursor, path, spec, refs, rules)
            if clean is not None and kind == "participants":  # whole ages from 0 to 120 (checked), each in its group
                source = clean.sources["age_at_start"]
                ages = distinct_values(cursor, str(path), source)
                groups = [self._programme.age_group(int(a)) for a in ages]
                clean.loads.append(Load("age_group", source, "text", lookup=(ages, groups)))
        return clean

    def take_clean(self, clean: CleanFile) -> int | None:
        self._appender.add_file(clean.path, clean.loads)
        return clean.rows

    def add(self, frame: pd.DataFrame) -> None:
        if self._kind == "participants":
            ages = frame["age_at_start"]
            # Once per distinct age (a few dozen), not per row: 2.5 M Python calls took two seconds.
            groups = {age: self._programme.age_group(int(age)) for age in ages.dropna().unique()}
            frame = frame.assign(age_group=ages.map(groups))
        self._appender.add(frame)

    def keep(self) -> None:
        self._appender.commit()

    def drop(self) -> None:
        self._appender.rollback()


def insert_plan_versions(store: Store, plan: Plan) -> None:
    """Every version of the plan: its end date and, whole, each amendable table as then in force."""
    versions = plan.versions()
    rows = [(v.number, v.decided_on, v.description, v.end_date, list(v.replaced)) for v in versions]
    store.insert("plan_versions", pd.DataFrame(rows, columns=["version", "decided_on", "description", "end_date", "replaced"]))
    for kind in contract.AMENDABLE_TABLES:
        store.insert(kind, pd.concat([v.tables[kind].assign(version=v.number) for v in versions], ignore_index=True))


def _plan_store(plan: Plan, path: Path | None) -> Store:
    """A new store holding the plan, in memory or with `path` in that database file."""
    # A build into a file is written out as it goes, and spills well (config.build_memory_limit).
    limit = build_memory_limit() if path else duckdb_memory_limit()
    store = Store.create_empty(memory_limit=limit, path=path, listed=listed_values(plan))
    store.insert("project", pd.DataFrame([plan.project]))
    insert_plan_versions(store, plan)
    for kind in contract.PLAN_TABLES:
        if kind not in contract.AMENDABLE_TABLES:
            store.insert(kind, plan.tables[kind])
    return store


def listed_values(plan: Plan) -> dict[str, list[str]]:
    """Every value a validated extract row can hold in the store's listed columns (queries/store.py
    LISTED_TYPES): the plan's spellings of its implementers and municipalities, and the contract's codes."""
    refs = plan.refs()
    return {
        "implementer_id": list(refs["implementer"].values()),
        "municipality": list(refs["municipality"].values()),
        "cost_category": list(contract.SPENDING.column("cost_category").codes),
        "day_type": list(contract.PERSON_DAYS.column("day_type").codes),
    }


def _derive(store: Store) -> None:
    """The derived tables, and the running totals and counts made now rather than at a first request."""
    store.derive()
    store.release_intake()
    # The running profile alternates DuckDB's sorts with numpy on one core: the other running totals
    # are made beside it, on that idle core (national: 5.7-5.9 s of them -> 5.0 s).
    with ThreadPoolExecutor(max_workers=1) as beside:
        others = beside.submit(_other_running_totals, store)
        running_profile(store)
        others.result()
    store.drop_scratch()


def _other_running_totals(store: Store) -> None:
    running_spend(store)
    running_person_days(store)
    running_entries(store)
