"""Plan amendments (change decisions, contract v2): `amendments/<decision date>/` in the plan
directory, each with amendment.toml and the plan files the decision replaces, whole. Read and checked
like the original plan: any problem refuses the plan, as a wrong yardstick misleads every figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import contract
from dashboard.ingest.problems import Problem
from dashboard.ingest.readers import ReadError, read_table
from dashboard.ingest.settings import FILE_ROW, read_settings, setting_date
from dashboard.ingest.validate import validate, with_file_rows
from queries.programmes import programme


@dataclass(frozen=True)
class Amendment:
    decided_on: dt.date
    description: str
    end_date: dt.date | None  # None: the end date stays as it was
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False)  # the files it replaces


def load_amendments(directory: Path, project: dict, refs: dict, problems: list[Problem]) -> list[Amendment]:
    """Every amendment under `directory`/amendments, in decision-date order; problems are appended."""
    root = directory / contract.AMENDMENTS_DIR
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        amendment = _load_one(folder, project, refs, problems)
        if amendment is not None:
            found.append(amendment)
    return sorted(found, key=lambda a: a.decided_on)


def _load_one(folder: Path, project: dict, refs: dict, problems: list[Problem]) -> Amendment | None:
    label = str(folder)
    if not folder.is_dir():
        problems.append(Problem(label, FILE_ROW, "-", "amendment_not_folder", {}))
        return None
    try:
        decided_on = dt.date.fromisoformat(folder.name)
    except ValueError:
        problems.append(Problem(label, FILE_ROW, "-", "amendment_bad_date", {"value": folder.name[:40]}))
        return None
    settings = _settings(folder / contract.AMENDMENT_FILE, project, problems)
    tables: dict[str, pd.DataFrame] = {}
    programme_of = programme(project.get("programme") if project else None)
    for path in sorted(folder.iterdir()):
        if path.name == contract.AMENDMENT_FILE or path.name.startswith("."):
            continue
        kind = path.stem if path.suffix.lower() == ".csv" else None
        if kind not in contract.AMENDABLE_TABLES:
            problems.append(Problem(str(path), FILE_ROW, "-", "not_amendable", {"files": ", ".join(contract.AMENDABLE_TABLES)}))
            continue
        try:
            raw = read_table(path)
        except ReadError as exc:
            problems.append(Problem(str(path), FILE_ROW, "-", "unreadable", {"reason": str(exc)}))
            continue
        checked = validate(raw, contract.plan_spec(kind, programme_of), refs, str(path))
        problems.extend(checked.problems)
        tables[kind] = with_file_rows(checked)
    if settings is None:
        return None
    return Amendment(decided_on, settings["description"], settings.get("end_date"), tables)


def _settings(path: Path, project: dict, problems: list[Problem]) -> dict | None:
    label = str(path)
    settings = read_settings(path, problems)
    if settings is None:
        return None
    data, line_of = settings
    count = len(problems)
    for key in sorted(set(data) - set(contract.AMENDMENT_KEYS)):  # a misspelt end_date must not pass unnoticed
        problems.append(Problem(label, line_of(key), key, "unknown_key", {"keys": ", ".join(contract.AMENDMENT_KEYS)}))
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(Problem(label, line_of("description"), "description", "missing_key", {}))
    found: dict = {"description": str(description or "").strip()}
    if "end_date" in data:
        end = setting_date(data["end_date"])
        if end is None:
            problems.append(Problem(label, line_of("end_date"), "end_date", "bad_value", {"value": str(data["end_date"])[:40]}))
        elif project and end < project["start_date"]:
            problems.append(Problem(label, line_of("end_date"), "end_date", "end_before_start", {"value": end.isoformat()}))
        found["end_date"] = end
    return found if len(problems) == count else None
