"""Shared fixtures. Each names the world it sets up."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.ingest.load import load_project

TINY = Path(__file__).parent / "fixtures" / "tiny"

# Tests write a file and reload at once: files count as fully written as soon as they are (every
# server these tests start inherits it). tests/test_reload.py tests the waiting itself.
os.environ.setdefault("ESR_STABLE_SECONDS", "0")
# Every app and command of the tests opens its data from a snapshot store of this session (never the
# user's own cache), built in the test process itself: a child process per small fixture would add
# seconds each. tests/test_snapshots.py tests the child builds and the store itself.
_STORE = tempfile.mkdtemp(prefix="esr-test-store-")
atexit.register(shutil.rmtree, _STORE, ignore_errors=True)
os.environ.setdefault("ESR_STORE", _STORE)
os.environ.setdefault("ESR_BUILD_IN", "process")


@pytest.fixture(scope="session")
def tiny():
    """The tiny world of tests/fixtures/tiny (see its README for every hand-computed answer)."""
    result = load_project(TINY / "plan", TINY / "extracts")
    assert result.ok and not result.problems, [p.line() for p in result.problems]
    return result


@pytest.fixture(scope="session")
def demo():
    """The embedded default: the PRO SOS plan and the demo extracts."""
    result = load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR)
    assert result.ok
    return result


@pytest.fixture
def tiny_copy(tmp_path):
    """A writable copy of the tiny world, for tests that break or add files."""
    shutil.copytree(TINY / "plan", tmp_path / "plan")
    shutil.copytree(TINY / "extracts", tmp_path / "extracts")
    return tmp_path


FORMULA = '=HYPERLINK("http://evil.example","x")'


def formula_named_world(root: Path):
    """The tiny world copied under `root` with implementer a named like a spreadsheet formula and
    its area starting with "@": every download must carry them as text. Returns the loaded data."""
    shutil.copytree(TINY / "plan", root / "plan")
    shutil.copytree(TINY / "extracts", root / "extracts")
    implementers = root / "plan" / "implementers.csv"
    implementers.write_text(
        implementers.read_text().replace("Alpha Oy,Alpha", f'"{FORMULA.replace(chr(34), chr(34) * 2)}",@Alpha')
    )
    result = load_project(root / "plan", root / "extracts")
    assert result.ok, [p.line() for p in result.problems]
    return result
