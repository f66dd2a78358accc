"""Find, read and check the extract files of a directory against the plan."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import contract
from dashboard.ingest.plan import FILE_ROW, Plan
from dashboard.ingest.problems import Problem
from dashboard.ingest.readers import ReadError, read_table
from dashboard.ingest.validate import validate


@dataclass
class FileReport:
    path: str
    kind: str
    rows_loaded: int
    rows_set_aside: int
    sha256: str
    rejected: bool


@dataclass
class Extracts:
    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    set_aside: dict[str, pd.DataFrame] = field(default_factory=dict)  # label -> raw bad rows


def find_extract_files(directory: Path) -> dict[str, list[Path]]:
    """Files by kind, found by name prefix (participants*, person_days*, spending*)."""
    found: dict[str, list[Path]] = {kind: [] for kind in contract.EXTRACTS}
    if not directory.is_dir():
        return found
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.suffix.lower() not in contract.EXTRACT_SUFFIXES:
            continue
        # person_days before participants would not matter, but a longer prefix must win a tie
        for kind in sorted(contract.EXTRACTS, key=len, reverse=True):
            if path.name.lower().startswith(kind):
                found[kind].append(path)
                break
    return found


def _row_rules(kind: str, plan: Plan) -> tuple:
    """The plan's own rules for an extract's rows: under the cost model flat_rate_covers_other
    (ESR+) the flat rate covers every cost besides salaries, so a purchased service or other cost
    booked is not eligible: reported by file, row and column, and not counted."""
    if kind == "spending" and plan.project.get("cost_model") == "flat_rate_covers_other":
        return (
            lambda rows: ("cost_category", "not_eligible_under_cost_model", rows["cost_category"].isin(contract.COVERED_COSTS)),
        )
    return ()


def load_extracts(directory: Path, plan: Plan) -> Extracts:
    refs = plan.refs()
    result = Extracts(tables={})
    for kind, paths in find_extract_files(directory).items():
        spec = contract.EXTRACTS[kind]
        frames = []
        for path in paths:
            label = str(path)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            try:
                raw = read_table(path)
            except ReadError as exc:
                result.problems.append(Problem(label, FILE_ROW, "-", "unreadable", {"reason": str(exc)}))
                result.files.append(FileReport(label, kind, 0, 0, digest, True))
                continue
            checked = validate(raw, spec, refs, label, _row_rules(kind, plan))
            result.problems.extend(checked.problems)
            result.files.append(FileReport(label, kind, len(checked.frame), len(checked.set_aside), digest, checked.rejected))
            if len(checked.set_aside):
                result.set_aside[label] = checked.set_aside
            if not checked.rejected:
                frames.append(checked.frame)
        columns = [c.name for c in spec.columns]
        result.tables[kind] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return result
