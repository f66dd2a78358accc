"""records() must give exactly what pandas' to_dict("records") gives."""

import numpy as np
import pandas as pd

from dashboard.frames import records


def _same(a, b) -> bool:
    """Equal and of one type, a missing value (NaN, NaT, None) equal to the same missing value."""
    if type(a) is not type(b):
        return False
    return True if a is None or pd.isna(a) else a == b


def test_records_are_to_dict_records():
    frame = pd.DataFrame(
        {
            "text": pd.array(["a", None, "c"], dtype="str"),
            "objects": ["x", None, 3],
            "euros": [1.5, np.nan, -2.0],
            "counts": np.array([1, 2, 3], dtype=np.int64),
            "flags": [True, False, True],
            "days": pd.to_datetime(["2018-06-30", "2017-01-01", None]),
        }
    )
    expected, got = frame.to_dict("records"), records(frame)
    assert len(got) == len(expected) == 3
    for want, row in zip(expected, got, strict=True):
        assert list(row) == list(want)
        assert all(_same(row[k], want[k]) for k in want), (row, want)
    assert records(frame.iloc[:0]) == []
