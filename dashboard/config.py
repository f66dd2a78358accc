"""Where the embedded PRO SOS default lives, and the settings read from the environment."""

from __future__ import annotations

import os
from pathlib import Path

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
