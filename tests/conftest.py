"""Shared fixtures. Each names the world it sets up."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.ingest.load import load_project

TINY = Path(__file__).parent / "fixtures" / "tiny"

# Tests write a file and reload at once: files count as fully written as soon as they are (every
# server these tests start inherits it). tests/test_reload.py tests the waiting itself.
os.environ.setdefault("ESR_STABLE_SECONDS", "0")


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
