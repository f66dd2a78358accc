"""What a question is asked about: the whole project or one implementer, a region, a list of
municipalities, at an as-of date. Every query module takes one; it depends on nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    implementer: str | None = None
    region: str | None = None
    municipalities: tuple[str, ...] = ()
    as_of: dt.date | None = None

    @property
    def narrowed_by_area(self) -> bool:
        """True when a region or municipality filter is on: finance is then at implementer level."""
        return bool(self.region or self.municipalities)

    def params(self) -> dict:
        return {
            "implementer": self.implementer,
            "region": self.region,
            "municipalities": list(self.municipalities) or None,
        }
