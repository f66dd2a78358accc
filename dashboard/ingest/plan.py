"""Load and check a project's plan directory. A plan with any problem is not used at all: the
budget and the targets are the yardstick of every figure, and half a yardstick misleads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import contract
from dashboard.ingest.amendments import Amendment, load_amendments
from dashboard.ingest.problems import Problem
from dashboard.ingest.readers import ReadError, read_table
from dashboard.ingest.settings import FILE_ROW, read_settings, setting_date
from dashboard.ingest.validate import FILE_ROW_COLUMN, validate, with_file_rows
from queries.programmes import programme


@dataclass(frozen=True)
class PlanVersion:
    """The plan as in force from `decided_on` (None: the original) until the next amendment: the
    amendable tables whole, whether replaced by this decision or carried over from the one before."""

    number: int  # 0 is the original plan
    decided_on: dt.date | None
    description: str
    end_date: dt.date
    tables: dict[str, pd.DataFrame] = field(compare=False)
    replaced: tuple[str, ...] = ()  # the plan files this decision replaced


@dataclass
class Plan:
    directory: Path
    project: dict  # the original project.toml; the end date in force is a version's
    tables: dict[str, pd.DataFrame]  # the original plan files
    amendments: list[Amendment] = field(default_factory=list)

    def versions(self) -> list[PlanVersion]:
        """The original plan and, after it, the plan after each amendment in decision-date order."""
        current = PlanVersion(0, None, "", self.project["end_date"], {k: self.tables[k] for k in contract.AMENDABLE_TABLES})
        found = [current]
        for number, amendment in enumerate(self.amendments, start=1):
            current = PlanVersion(
                number,
                amendment.decided_on,
                amendment.description,
                amendment.end_date or current.end_date,
                current.tables | amendment.tables,
                tuple(k for k in contract.AMENDABLE_TABLES if k in amendment.tables),
            )
            found.append(current)
        return found

    def refs(self) -> dict[str, dict[str, str]]:
        """Lower-case value -> plan spelling, for references from the extracts (a claim may be for a
        period that only an amendment added)."""
        periods = [v.tables["payment_periods"]["period_id"] for v in self.versions()]
        return {
            "implementer": {v.lower(): v for v in self.tables["implementers"]["implementer_id"]},
            "municipality": {v.lower(): v for v in self.tables["municipalities"]["municipality"]},
            "period": {str(v).lower(): str(v) for ids in periods for v in ids},
        }


def load_plan(directory: Path) -> tuple[Plan | None, list[Problem]]:
    problems: list[Problem] = []
    project = _load_project(directory / "project.toml", problems)
    # The programme decides the codes targets.csv may use (its indicators and age groups).
    programme_of = programme(project["programme"] if project else None)
    tables: dict[str, pd.DataFrame] = {}
    refs: dict[str, dict[str, str]] = {}
    for kind in contract.PLAN_TABLES:  # implementers first: the others refer to it
        spec = contract.plan_spec(kind, programme_of)
        path = directory / f"{kind}.csv"
        label = str(path)
        if not path.exists():
            problems.append(Problem(label, FILE_ROW, "-", "missing_file", {}))
            continue
        try:
            raw = read_table(path)
        except ReadError as exc:
            problems.append(Problem(label, FILE_ROW, "-", "unreadable", {"reason": str(exc)}))
            continue
        checked = validate(raw, spec, refs, label)
        problems.extend(checked.problems)
        tables[kind] = checked.frame
        if kind == "targets":
            _check_code_targets(with_file_rows(checked), programme_of, label, problems)
        if kind == "implementers":
            _check_unique(with_file_rows(checked), "implementer_id", label, problems)
            refs["implementer"] = {v.lower(): v for v in checked.frame["implementer_id"]}
    if problems or project is None:
        return None, problems
    # A bad row of an optional file is set aside and reported, as in an extract: the plan still loads.
    for kind, spec in contract.OPTIONAL_PLAN_TABLES.items():
        tables[kind] = _optional_table(directory / f"{kind}.csv", spec, refs, problems)
    tables["payment_periods"] = _checked_periods(
        tables["payment_periods"], project, str(directory / "payment_periods.csv"), problems
    )
    tables["municipalities"]["region"] = tables["municipalities"]["region"].astype(str)
    count = len(problems)
    amendments = load_amendments(directory, project, refs, problems)
    if len(problems) > count:  # an amendment is part of the yardstick: a broken one refuses the plan
        return None, problems
    plan = Plan(directory, project, tables, amendments)
    _check_amended_periods(plan, problems)
    return (None if len(problems) > count else plan), problems


def _check_amended_periods(plan: Plan, problems: list[Problem]) -> None:
    """Each amended plan's payment periods must cover its own project period (an extension needs a
    period for its months), checked as the original's are; problems name the amendment's folder."""
    for version, amendment in zip(plan.versions()[1:], plan.amendments, strict=True):
        periods = version.tables["payment_periods"]
        if periods.empty and "payment_periods" not in version.replaced:
            continue  # the project keeps no payment periods
        folder = plan.directory / contract.AMENDMENTS_DIR / amendment.decided_on.isoformat()
        label = str(folder / "payment_periods.csv") if "payment_periods" in version.replaced else str(folder)
        checked = _checked_periods(periods, plan.project | {"end_date": version.end_date}, label, problems)
        if "payment_periods" in version.replaced:
            amendment.tables["payment_periods"] = checked  # in start-date order, as the original's


def _optional_table(path: Path, spec, refs: dict, problems: list[Problem]) -> pd.DataFrame:
    """A plan file the project may leave out: empty (with its columns) when absent, else read and
    validated like every other, its problems named by file, row and column."""
    empty = pd.DataFrame({column.name: pd.Series(dtype=object) for column in spec.columns})
    if not path.exists():
        return empty
    try:
        raw = read_table(path)
    except ReadError as exc:
        problems.append(Problem(str(path), FILE_ROW, "-", "unreadable", {"reason": str(exc)}))
        return empty
    checked = validate(raw, spec, refs, str(path))
    problems.extend(checked.problems)
    return empty if checked.rejected else with_file_rows(checked)


def _checked_periods(periods: pd.DataFrame, project: dict, label: str, problems: list[Problem]) -> pd.DataFrame:
    """Payment periods must follow one another without gaps or overlaps and cover the project
    period; periods that do not are reported and not used (claims against them would mislead).
    Each problem names the row of the period at fault (the later of two that do not meet)."""
    if periods.empty:
        return periods
    if FILE_ROW_COLUMN not in periods:
        periods = periods.assign(**{FILE_ROW_COLUMN: 0})
    ordered = periods.assign(
        start_date=pd.to_datetime(periods["start_date"]).dt.date, end_date=pd.to_datetime(periods["end_date"]).dt.date
    )
    ordered = ordered.sort_values("start_date", kind="stable").reset_index(drop=True)
    found = []
    doubled = ordered["period_id"].str.lower().duplicated()
    rows = ordered[FILE_ROW_COLUMN].tolist()
    found += [
        Problem(label, rows[i], "period_id", "duplicate_value", {"value": ordered.at[i, "period_id"]})
        for i in ordered.index[doubled]
    ]
    for n, (before, after) in enumerate(zip(ordered.itertuples(), ordered.iloc[1:].itertuples(), strict=False), start=1):
        gap = (after.start_date - before.end_date).days
        if gap != 1:
            code = "period_gap" if gap > 1 else "period_overlap"
            found.append(Problem(label, rows[n], "start_date", code, {"first": before.period_id, "next": after.period_id}))
    start, end = ordered["start_date"].iloc[0], ordered["end_date"].iloc[-1]
    if start > project["start_date"] or end < project["end_date"]:
        row, column = (rows[0], "start_date") if start > project["start_date"] else (rows[-1], "end_date")
        found.append(Problem(label, row, column, "periods_do_not_cover", {"first": start.isoformat(), "last": end.isoformat()}))
    problems.extend(found)
    return periods.iloc[0:0] if found else ordered


def _check_code_targets(frame: pd.DataFrame, programme_of, label: str, problems: list[Problem]) -> None:
    """A target for an indicator code (EECO07, ...) is for the whole code: the breakdown columns stay
    empty (contract v2), or the target would read as something it is not."""
    coded = frame["indicator"].isin(programme_of.indicators)
    for column in ("labour_market_status", "age_group", "gender", "day_type"):
        for index in frame.index[coded & frame[column].notna()]:
            row, code = int(frame.at[index, FILE_ROW_COLUMN]), frame.at[index, "indicator"]
            problems.append(Problem(label, row, column, "code_target_breakdown", {"value": code}))


def _check_unique(frame: pd.DataFrame, column: str, label: str, problems: list[Problem]) -> None:
    """`frame` with its rows' numbers in the file (with_file_rows)."""
    doubled = frame[column].duplicated(keep="first")
    for index in frame.index[doubled]:
        row = int(frame.at[index, FILE_ROW_COLUMN])
        problems.append(Problem(label, row, column, "duplicate_value", {"value": frame.at[index, column]}))


def _load_project(path: Path, problems: list[Problem]) -> dict | None:
    label = str(path)
    settings = read_settings(path, problems)
    if settings is None:
        return None
    data, line_of = settings
    project: dict = {}
    count = len(problems)
    for key in contract.PROJECT_KEYS:
        if key not in data:
            problems.append(Problem(label, FILE_ROW, key, "missing_key", {}))
            continue
        value, ok = _project_value(key, data[key])
        if not ok:
            problems.append(Problem(label, line_of(key), key, "bad_value", {"value": str(data[key])[:40]}))
        project[key] = value
    window = data.get("claim_window_months", contract.CLAIM_WINDOW_MONTHS)  # optional
    if isinstance(window, int) and not isinstance(window, bool) and 0 <= window <= 24:
        project["claim_window_months"] = window
    else:
        problems.append(
            Problem(label, line_of("claim_window_months"), "claim_window_months", "bad_value", {"value": str(window)[:40]})
        )
    _optional_choice(data, "programme", contract.PROGRAMMES, contract.DEFAULT_PROGRAMME_ID, project, line_of, label, problems)
    _optional_choice(data, "cost_model", contract.COST_MODELS, contract.DEFAULT_COST_MODEL, project, line_of, label, problems)
    if {"programme", "cost_model"} <= project.keys() and project["cost_model"] not in programme(project["programme"]).cost_models:
        problems.append(
            Problem(label, line_of("cost_model"), "cost_model", "cost_model_not_in_programme", {"value": project["cost_model"]})
        )
    if len(problems) == count and project["end_date"] < project["start_date"]:
        problems.append(Problem(label, line_of("end_date"), "end_date", "end_before_start", {"value": str(project["end_date"])}))
    return project if len(problems) == count else None


def _optional_choice(data: dict, key: str, choices, default: str, project: dict, line_of, label: str, problems) -> None:
    value = data.get(key, default)
    if value in choices:
        project[key] = value
    else:
        problems.append(Problem(label, line_of(key), key, "bad_value", {"value": str(value)[:40]}))


def _project_value(key: str, value):
    if key in ("start_date", "end_date"):
        day = setting_date(value)
        return day, day is not None
    if key == "flat_rate":
        return value, isinstance(value, (int, float)) and 0 <= value < 1
    if key == "suppression_threshold":
        return value, isinstance(value, int) and not isinstance(value, bool) and value >= 1
    if key == "language":
        return value, value in contract.LANGUAGES
    return value, isinstance(value, str) and bool(value.strip())
