"""Pandas frames as plain Python values, for pages and figures that walk their rows."""

from __future__ import annotations

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"), column by column: the same Python values in a quarter of the time
    (a national programme's implementer tables have 300 rows, and pandas converts cell by cell)."""
    columns = list(frame.columns)
    values = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
