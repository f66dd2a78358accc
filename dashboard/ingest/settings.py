"""A TOML settings file of the plan (project.toml, an amendment's amendment.toml): read once, its
problems named by file and line as every other plan problem is."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path

from dashboard.ingest.problems import Problem

FILE_ROW = 0  # a problem with the file as a whole


def read_settings(path: Path, problems: list[Problem]) -> tuple[dict, Callable[[str], int]] | None:
    """(the settings, the line a key is set on: FILE_ROW where it is not), or None with a problem
    appended where the file is missing or is not TOML."""
    label = str(path)
    if not path.exists():
        problems.append(Problem(label, FILE_ROW, "-", "missing_file", {}))
        return None
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(label, FILE_ROW, "-", "unreadable", {"reason": str(exc)}))
        return None
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((i + 1 for i, line in enumerate(lines) if line.strip().startswith(key)), FILE_ROW)

    return data, line_of


def setting_date(value) -> dt.date | None:
    """A TOML date (2018-12-31 unquoted) or an ISO date written as text; None for anything else."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
