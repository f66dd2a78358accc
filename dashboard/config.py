"""Where the embedded PRO SOS default lives, and the settings read from the environment."""

from __future__ import annotations

import os
import re
from pathlib import Path

from queries.store import DEFAULT_MEMORY_LIMIT

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PLAN_DIR = ROOT / "data" / "plan"
DEFAULT_EXTRACTS_DIR = ROOT / "data" / "demo"


def plan_dir(value: str | None = None) -> Path:
    return Path(value or os.environ.get("ESR_PLAN_DIR") or DEFAULT_PLAN_DIR)


def extracts_dir(value: str | None = None) -> Path:
    return Path(value or os.environ.get("ESR_EXTRACTS_DIR") or DEFAULT_EXTRACTS_DIR)


def chromium_path() -> Path:
    """The Chromium that prints reports: CHROMIUM_PATH, else Debian's `chromium` on the PATH."""
    import shutil

    return Path(os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium")


BUILD_MEMORY_LIMIT = "800MB"
_SIZE = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def duckdb_memory_limit() -> str:
    """ESR_DUCKDB_MEMORY: how much memory each loaded data set's DuckDB may use (default 2GB)."""
    return _size_setting("ESR_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)


def build_memory_limit() -> str:
    """ESR_BUILD_MEMORY: how much memory DuckDB may use while a snapshot is built (default 800MB;
    beyond it, it spills to disk). The extract rows are held in memory until derived (the intake
    database, queries/intake.sql): a national build's derive took 16.8 s at 600MB, 14.3 s at 1GB
    with a peak of 1.2 GiB; 2.5 M participants from CSV 38.5 s in 1.2 GiB at 600MB, 34.2 s in
    1.5 GiB at 1GB (docs/benchmarks.md)."""
    return _size_setting("ESR_BUILD_MEMORY", BUILD_MEMORY_LIMIT)


def _size_setting(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not _SIZE.fullmatch(value):
        raise ValueError(f"{name} must be a size such as 2GB or 1500MB, not {value!r}")
    return value


def report_renders() -> int:
    """ESR_REPORT_RENDERS: how many report PDFs one server process draws at once (default 1; each
    is a headless Chromium of a few hundred megabytes). Others wait a moment, then get 503."""
    value = os.environ.get("ESR_REPORT_RENDERS", "").strip() or "1"
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"ESR_REPORT_RENDERS must be a whole number of at least 1, not {value!r}")
    return int(value)


def build_in_child() -> bool:
    """ESR_BUILD_IN: where a server process builds a snapshot that does not exist yet: `child`
    (default; a process of its own, whose peak memory goes with it) or `process` (in the server
    process itself: quicker for small projects, as in the tests)."""
    value = os.environ.get("ESR_BUILD_IN", "").strip() or "child"
    if value not in ("child", "process"):
        raise ValueError(f"ESR_BUILD_IN must be child or process, not {value!r}")
    return value == "child"


def forking() -> bool:
    """ESR_FORKING=1 (gunicorn.conf.py sets it, with preload): the app is made in a process that
    forks its workers, so it starts its threads in each worker instead."""
    return os.environ.get("ESR_FORKING") == "1"
