"""The arrays of a snapshot being built, written to its arrays file as each structure is made and
read back mapped, so that a build does not hold the running totals of millions of entries (a
2.5 M-entry profile is 740 MiB) in its own memory: the pages the kernel has written count in no
one's resident memory until they are read.

The file is the one every reader maps (dashboard/snapshots.py): each array's bytes at an offset
aligned to ALIGN, found again by pickle's out-of-band buffers (protocol 5) as (offset, size) spans."""

from __future__ import annotations

import mmap
import pickle
import threading
from pathlib import Path

import numpy as np

ARRAYS_FILE = "arrays.bin"
ALIGN = 64


class ArrayFile:
    """An arrays file being written: structures go in (`spilled`), and at the end `spans` says
    where each buffer of the whole is, writing only those not already in the file."""

    def __init__(self, path: Path):
        self.path = path
        path.write_bytes(b"")
        # (address, length, mapping) of each mapping of the file from offset 0, kept open for the
        # build's life: an address freed and reused by memory of the process must not look mapped.
        self._mapped: list[tuple[int, int, mmap.mmap]] = []
        # Running totals are made on two threads (dashboard/ingest/load.py): one writes at a time.
        self._lock = threading.Lock()

    def spilled(self, value):
        """`value` with its arrays' bytes in the file, read through a mapping of it (the same value
        unless it held arrays not yet written)."""
        with self._lock:
            structure, spans, wrote = self._placed(value)
            if not wrote:
                return value
            view = self._map()
        return pickle.loads(structure, buffers=[view[start : start + size] for start, size in spans])

    def spans(self, value) -> tuple[bytes, list[tuple[int, int]]]:
        """The pickled structure of `value` and the (offset, size) of each of its buffers in the file."""
        with self._lock:
            structure, spans, _ = self._placed(value)
        return structure, spans

    def _placed(self, value) -> tuple[bytes, list[tuple[int, int]], bool]:
        buffers: list[pickle.PickleBuffer] = []
        structure = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
        spans, wrote = [], False
        with open(self.path, "ab") as out:
            for buffer in buffers:
                raw = buffer.raw()
                found = self._offset_of(raw)
                if found is None:
                    out.write(b"\0" * (-out.tell() % ALIGN))
                    found = out.tell()
                    out.write(raw)
                    wrote = wrote or raw.nbytes > 0  # an empty file cannot be mapped
                spans.append((found, raw.nbytes))
        return structure, spans, wrote

    def _offset_of(self, raw: memoryview) -> int | None:
        """Where in the file bytes already mapped from it are (None for bytes held in memory)."""
        if not raw.nbytes:
            return None
        address = np.frombuffer(raw, dtype=np.uint8).ctypes.data
        for start, length, _ in self._mapped:
            if start <= address and address + raw.nbytes <= start + length:
                return address - start
        return None

    def _map(self) -> memoryview:
        with open(self.path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._mapped.append((np.frombuffer(mapped, dtype=np.uint8).ctypes.data, len(mapped), mapped))
        return memoryview(mapped)
