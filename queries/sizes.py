"""About how many bytes a cached value holds, so that caches are bounded by memory, not by their
number of entries: one national participants view outweighs a thousand small frames."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

_ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None))


def approximate_bytes(value: object, _seen: set[int] | None = None) -> int:
    """The value's size with everything it holds, each object counted once. Frames and arrays by
    their buffers; containers and plain objects by their items and attributes. Stops at objects
    that own a data set rather than hold a result (anything with a `_connection`, i.e. a Store)."""
    seen = set() if _seen is None else _seen
    stack, total = [value], 0
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, _ATOMS):
            total += sys.getsizeof(item)
        elif isinstance(item, pd.DataFrame):
            total += int(item.memory_usage(deep=True, index=True).sum())
        elif isinstance(item, (pd.Series, pd.Index)):
            total += int(item.memory_usage(deep=True))
        elif isinstance(item, np.ndarray):
            total += item.nbytes + (sum(sys.getsizeof(v) for v in item.ravel()) if item.dtype == object else 0)
        elif isinstance(item, dict):
            total += sys.getsizeof(item) + _items(item.keys(), stack) + _items(item.values(), stack)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += sys.getsizeof(item) + _items(item, stack)
        elif isinstance(item, type) or callable(item) or hasattr(item, "_connection"):
            continue  # classes, functions and stores are not the result's own
        else:
            total += sys.getsizeof(item)
            attributes = getattr(item, "__dict__", None)
            if attributes is not None:
                stack.append(attributes)
            for name in getattr(type(item), "__slots__", ()):
                if hasattr(item, name):
                    stack.append(getattr(item, name))
    return total


def _items(items, stack: list) -> int:
    """The size of the atoms among `items` (bytes, numbers, text: summed at once, a repeated one
    counted each time it appears); the rest go on the stack. A participants view holds tens of
    thousands of cell identities, which one at a time through the loop above took milliseconds."""
    atoms = [v for v in items if type(v) in _ATOM_TYPES]
    if len(atoms) < len(items):
        stack.extend(v for v in items if type(v) not in _ATOM_TYPES)
    return sum(map(sys.getsizeof, atoms))


_ATOM_TYPES = frozenset(_ATOMS)
