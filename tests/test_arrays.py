"""The arrays file of a build: structures written as made, read back mapped, written once."""

from __future__ import annotations

import mmap
import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from queries.arrays import ALIGN, ArrayFile


def _read(path, structure, spans):
    with open(path, "rb") as handle:
        view = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    return pickle.loads(structure, buffers=[view[a : a + n] for a, n in spans])


def test_spilled_value_is_the_same_read_from_the_file(tmp_path):
    arrays = ArrayFile(tmp_path / "arrays.bin")
    value = {"key": np.arange(1000, dtype=np.int32), "prints": np.arange(20, dtype=np.uint64).reshape(10, 2), "n": 3}
    spilled = arrays.spilled(value)
    assert spilled["n"] == 3
    np.testing.assert_array_equal(spilled["key"], value["key"])
    np.testing.assert_array_equal(spilled["prints"], value["prints"])
    assert not spilled["key"].flags.owndata and not spilled["key"].flags.writeable  # a view of the mapping
    assert (tmp_path / "arrays.bin").stat().st_size >= 4000 + 160


def test_spans_reuse_what_is_written_and_add_the_rest(tmp_path):
    path = tmp_path / "arrays.bin"
    arrays = ArrayFile(path)
    first = arrays.spilled(np.arange(5000, dtype=np.int64))
    size = path.stat().st_size
    whole = {"first": first, "second": np.full(7, 9, dtype=np.int16)}
    structure, spans = arrays.spans(whole)
    assert spans[0] == (0, 40000)  # already in the file: not written again
    assert spans[1][0] % ALIGN == 0 and spans[1][0] >= size
    back = _read(path, structure, spans)
    np.testing.assert_array_equal(back["first"], np.arange(5000))
    np.testing.assert_array_equal(back["second"], np.full(7, 9))


def test_a_spilled_value_spilled_again_is_unchanged(tmp_path):
    arrays = ArrayFile(tmp_path / "arrays.bin")
    once = arrays.spilled([np.ones(100)])
    size = (tmp_path / "arrays.bin").stat().st_size
    assert arrays.spilled(once) is once
    assert (tmp_path / "arrays.bin").stat().st_size == size


def test_slices_of_a_mapped_array_are_found_at_their_offsets(tmp_path):
    path = tmp_path / "arrays.bin"
    arrays = ArrayFile(path)
    mapped = arrays.spilled(np.arange(100, dtype=np.int64))
    structure, spans = arrays.spans({"tail": mapped[60:]})
    assert spans == [(60 * 8, 40 * 8)]
    np.testing.assert_array_equal(_read(path, structure, spans)["tail"], np.arange(60, 100))


def test_empty_and_memory_arrays_are_written(tmp_path):
    path = tmp_path / "arrays.bin"
    arrays = ArrayFile(path)
    structure, spans = arrays.spans({"empty": np.zeros(0, dtype=np.int32), "here": np.arange(3)})
    back = _read(path, structure, spans)
    assert len(back["empty"]) == 0
    np.testing.assert_array_equal(back["here"], [0, 1, 2])


def test_a_value_of_empty_arrays_alone_stays_in_memory(tmp_path):
    arrays = ArrayFile(tmp_path / "arrays.bin")
    value = [np.zeros(0)]
    assert arrays.spilled(value) is value


def test_structures_spilled_from_two_threads_at_once_read_back_whole(tmp_path):
    # A build makes the running profile and the other running totals on two threads.
    path = tmp_path / "arrays.bin"
    arrays = ArrayFile(path)

    def spill(seed: int) -> list:
        rng = np.random.default_rng(seed)
        made = [rng.integers(0, 1 << 40, size=int(rng.integers(1, 20_000)), dtype=np.int64) for _ in range(60)]
        return [(value, arrays.spilled({"v": value})) for value in made]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [r for part in pool.map(spill, [1, 2]) for r in part]
    for value, spilled in results:
        np.testing.assert_array_equal(spilled["v"], value)
    structure, spans = arrays.spans([s for _, s in results])
    assert len({start for start, _ in spans}) == len(spans)  # every array has a place of its own
    assert path.stat().st_size >= sum(size for _, size in spans)
    for (value, _), back in zip(results, _read(path, structure, spans), strict=True):
        np.testing.assert_array_equal(back["v"], value)
