"""A participant count that is not shown, and why: a small count (1 … threshold−1) itself, or a
larger count hidden only so that a small one cannot be worked out from the totals beside it. The
two carry different marks, so that "<5" never stands for 46 people."""

from __future__ import annotations

from dataclasses import dataclass

SMALL = "small"
PROTECTING = "protecting"


@dataclass(frozen=True)
class Withheld:
    reason: str  # SMALL or PROTECTING
    threshold: int

    def __bool__(self) -> bool:  # adds up as nothing, like the None it replaces (`count or 0`)
        return False


def is_withheld(value: object) -> bool:
    return isinstance(value, Withheld)


def shown_or_none(value: object) -> int | None:
    """The count where it is shown, None where it is withheld (for sums and shares)."""
    return None if isinstance(value, Withheld) or value is None else value
