"""Dates that several questions step through."""

from __future__ import annotations

import datetime as dt

import numpy as np


def month_ends(start: dt.date, as_of: dt.date) -> list[dt.date]:
    """The last day of each month from start's month to as_of's (as_of for its own), and as_of."""
    months = np.arange(np.datetime64(start, "M"), np.datetime64(as_of, "M") + 1)
    ends = (months + 1).astype("datetime64[D]") - 1
    return sorted({min(day, as_of) for day in ends.astype(dt.date)} | {as_of})
