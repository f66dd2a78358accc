"""Each loaded data set's DuckDB keeps within a memory limit and spills, if it must, to a directory
of its own that goes with it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from dashboard import config
from dashboard.ingest.load import load_project
from queries.store import DEFAULT_MEMORY_LIMIT, Store


def _setting(store: Store, name: str) -> str:
    return store._connection.execute("select current_setting($name)", {"name": name}).fetchone()[0]


def test_a_store_has_its_memory_limit_and_a_spill_directory_of_its_own_that_goes_with_it():
    first, second = Store.create_empty(memory_limit="300MB"), Store.create_empty(memory_limit="300MB")
    assert _setting(first, "memory_limit") == "286.1 MiB"  # DuckDB reports 300 MB in MiB
    spill, other = Path(_setting(first, "temp_directory")), Path(_setting(second, "temp_directory"))
    assert spill != other and spill.parent == other.parent
    assert not spill.exists()  # made only when DuckDB spills
    spill.mkdir()
    (spill / "spilled.tmp").write_bytes(b"x")
    del first
    gc.collect()
    assert not spill.exists() and _setting(second, "temp_directory") == str(other)


def test_a_data_set_larger_than_its_limit_spills_and_still_answers():
    """DuckDB writes what does not fit to the store's own directory, which goes with the store."""
    store = Store.create_empty(memory_limit="64MB")
    spill = Path(_setting(store, "temp_directory"))
    store._connection.execute("create table big as select range as n, repeat('x', 100) as text from range(2000000)")
    assert spill.is_dir() and any(spill.iterdir())
    assert store._connection.execute("select count(*), sum(n) from big").fetchone() == (2000000, 1999999000000)
    del store
    gc.collect()
    assert not spill.exists()


def test_the_loaded_data_set_has_the_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("ESR_DUCKDB_MEMORY", "700MB")
    result = load_project(config.DEFAULT_PLAN_DIR, config.DEFAULT_EXTRACTS_DIR)
    assert result.ok and _setting(result.store, "memory_limit") == "667.5 MiB"


@pytest.mark.parametrize("value", ["2 GB", "1500MB", "0.5GiB", " 3gb "])
def test_memory_limit_accepts_sizes(monkeypatch, value):
    monkeypatch.setenv("ESR_DUCKDB_MEMORY", value)
    assert config.duckdb_memory_limit() == value.strip()


@pytest.mark.parametrize("value", ["lots", "2", "-1GB", "2GB; drop table participants"])
def test_memory_limit_refuses_anything_else_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("ESR_DUCKDB_MEMORY", value)
    with pytest.raises(ValueError, match="ESR_DUCKDB_MEMORY"):
        config.duckdb_memory_limit()


def test_memory_limit_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("ESR_DUCKDB_MEMORY", raising=False)
    assert config.duckdb_memory_limit() == DEFAULT_MEMORY_LIMIT


def test_a_build_into_a_file_has_the_build_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("ESR_BUILD_MEMORY", "300MB")
    monkeypatch.setenv("ESR_DUCKDB_MEMORY", "700MB")
    result = load_project(config.DEFAULT_PLAN_DIR, config.DEFAULT_EXTRACTS_DIR, database=tmp_path / "data.duckdb")
    assert _setting(result.store, "memory_limit") == "286.1 MiB"
    result.store.finish_file()


def test_build_limit_defaults_and_refuses_nonsense_naming_the_variable(monkeypatch):
    monkeypatch.delenv("ESR_BUILD_MEMORY", raising=False)
    assert config.build_memory_limit() == config.BUILD_MEMORY_LIMIT
    monkeypatch.setenv("ESR_BUILD_MEMORY", "much")
    with pytest.raises(ValueError, match="ESR_BUILD_MEMORY"):
        config.build_memory_limit()
