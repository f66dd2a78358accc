"""Caches bounded by bytes, not entries (a worker grew 248 → 3 090 MB over 24 as-of dates when its
cache held 512 entries of any size)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from queries.sizes import approximate_bytes
from queries.store import Store, cache_bytes_from_env
from tests.conftest import TINY


def test_sizes_count_buffers_and_everything_held_once():
    frame = pd.DataFrame({"x": np.zeros(100_000)})
    assert 800_000 <= approximate_bytes(frame) < 900_000
    array = np.zeros(50_000)
    assert approximate_bytes({"a": array, "b": array}) < 400_000 + 2_000  # the same array once
    assert approximate_bytes([array, np.zeros(50_000)]) >= 800_000
    nested = {"rows": [{"name": f"{n}" + "x" * 1000} for n in range(100)]}
    assert 100_000 < approximate_bytes(nested) < 200_000


def test_the_cache_keeps_the_most_recent_within_its_bytes():
    store = Store.create_empty()
    store.cache_limit = 900_000
    block = lambda: np.zeros(25_000)  # noqa: E731 - 200 kB each
    for n in range(10):
        store.memo(("block", n), block)
    assert store.cached_bytes <= 900_000
    kept = [n for n in range(10) if ("memo", "block", n) in store._cache]
    assert kept == [6, 7, 8, 9]  # the least recently used went first
    store.memo(("block", 6), block)  # used again: now the most recent
    store.memo(("block", 10), block)
    assert ("memo", "block", 6) in store._cache and ("memo", "block", 7) not in store._cache
    huge = store.memo(("huge",), lambda: np.zeros(200_000))  # larger than the whole cache: given, not kept
    assert huge.shape == (200_000,) and ("memo", "huge") not in store._cache
    assert store.cached_bytes == sum(size for _, size in store._cache.values())


def test_many_as_of_dates_stay_within_the_bound():
    from dashboard.ingest.load import load_project
    from dashboard.pages import participants
    from dashboard.url_state import ViewFilters

    tiny = load_project(TINY / "plan", TINY / "extracts")  # its own: the session's store may hold more already
    store = tiny.store
    store.cache_limit = 2_000_000
    start = dt.date(2020, 7, 1)
    for day in range(0, 240, 3):
        participants.view(tiny, ViewFilters(as_of=start + dt.timedelta(days=day)))
        assert store.cached_bytes <= store.cache_limit
    shown = participants.view(tiny, ViewFilters(as_of=dt.date(2021, 2, 28)))
    assert shown["kpi-total"] == "10"  # still right after all that forgetting


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ESR_CACHE_MB", "64")
    assert cache_bytes_from_env() == 64 << 20
    monkeypatch.setenv("ESR_CACHE_MB", "lots")
    with pytest.raises(ValueError, match="ESR_CACHE_MB"):
        cache_bytes_from_env()
