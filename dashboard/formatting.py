"""Numbers and dates as each UI language writes them: Finnish `1 234 567 €`, `12,5 %`, `30.6.2018`.
Every figure on a page passes through here; the page code never formats a number itself."""

from __future__ import annotations

import datetime as dt
import functools
import math

from dashboard.i18n import translate
from queries.withheld import PROTECTING, SMALL, Withheld

NBSP = "\u00a0"  # keeps "1 234 €" on one line
# A count hidden only to protect a small one: Statistics Finland's mark for a figure withheld as
# confidential. Never "<threshold": the cell may hold dozens of people.
PROTECTING_MARK = ".."

_STYLE = {  # thousands separator, decimal mark, percent sign spacing
    "fi": (NBSP, ",", NBSP),
    "sv": (NBSP, ",", NBSP),
    "en": (",", ".", ""),
}


def _missing(value) -> bool:
    """None, or a NaN that pandas left behind for a missing value."""
    return value is None or (isinstance(value, float) and value != value)


def _group(value: float, decimals: int, lang: str) -> str:
    thousands, decimal_mark, _ = _STYLE.get(lang, _STYLE["fi"])
    if decimals == 0 and math.isfinite(value):  # the common case, quickly: a national table has thousands of euros
        whole = round(abs(value))  # to even at .5, as the format below rounds
        return ("\u2212" if value < 0 and whole else "") + f"{whole:,}".replace(",", thousands)
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", decimal_mark).replace("\x00", thousands)
    shows_nonzero = text.strip("0" + thousands + decimal_mark) != ""  # -0.001 to no decimals is "0", not "−0"
    return ("\u2212" if value < 0 and shows_nonzero else "") + text


def number(value: float | None, decimals: int = 0, lang: str = "fi") -> str:
    return "–" if _missing(value) else _group(float(value), decimals, lang)


def eur(value: float | None, lang: str = "fi", decimals: int = 0) -> str:
    if _missing(value):
        return "–"
    text = _group(float(value), decimals, lang)
    if lang != "en":
        return f"{text}{NBSP}€"
    sign = "\u2212" if text.startswith("\u2212") else ""  # English writes the sign before the euro: −€9,311
    return f"{sign}€{text.removeprefix(sign)}"


def signed_eur(value: float | None, lang: str = "fi") -> str:
    if _missing(value):
        return "–"
    return ("+" if round(value) > 0 else "") + eur(value, lang)


def signed_count(value: int | Withheld | None, lang: str = "fi", below: int | None = None) -> str:
    """A change in a number of people: "+45"; a withheld one as its mark; None (a change of
    1 … below−1 that a summary hides) as "<below", the plan's threshold."""
    if value is None or isinstance(value, Withheld):
        return count(value, lang, below)
    return ("+" if value > 0 else "") + count(value, lang)


def signed_points(share: float | None, lang: str = "fi") -> str:
    """A change of a share, in percentage points: 0.153 -> "+15,3 %-yks."."""
    if _missing(share):
        return "–"
    unit = {"fi": "%-yks.", "sv": "procentenheter", "en": "pp"}.get(lang, "%-yks.")
    return ("+" if round(share * 100, 1) > 0 else "") + _group(share * 100, 1, lang) + NBSP + unit


def signed_days(value: float | None, lang: str = "fi") -> str:
    if _missing(value):
        return "–"
    return ("+" if value > 0 else "") + days(value, lang)


def percent(share: float | None, decimals: int = 1, lang: str = "fi") -> str:
    """`share` is a fraction: 0.125 -> "12,5 %"."""
    if _missing(share):
        return "–"
    if decimals == 0 and math.isfinite(share):  # whole percents, a few hundred texts for 300 areas' shares
        whole = round(abs(share * 100))  # as _group rounds
        return _whole_percent(-whole if share < 0 else whole, lang)
    _, _, space = _STYLE.get(lang, _STYLE["fi"])
    return f"{_group(share * 100, decimals, lang)}{space}%"


@functools.lru_cache(maxsize=4096)
def _whole_percent(whole: int, lang: str) -> str:
    return f"{_group(whole, 0, lang)}{_STYLE.get(lang, _STYLE['fi'])[2]}%"


def withheld(value: Withheld) -> str:
    """The mark of a count not shown: "<5" (the plan's threshold) for a small one, ".." for one
    hidden to protect another."""
    return f"<{value.threshold}" if value.reason == SMALL else PROTECTING_MARK


def withheld_notes(values, lang: str) -> list[str]:
    """The legend lines for the marks among `values` ("<5", then ".."); none where nothing is withheld."""
    marks = {v.reason: v.threshold for v in values if isinstance(v, Withheld)}
    return [
        translate(f"withheld.{reason}", lang, threshold=marks[reason], largest=marks[reason] - 1)
        for reason in (SMALL, PROTECTING)
        if reason in marks
    ]


def split_notes(values, total: int, lang: str, places: str | None = None) -> list[str]:
    """Why the rows of a split do not add up to its total, where they do not: the hidden counts, and
    (`places` "muni" or "region") people counted in each place they had entries in. Only what the
    reader can see already is stated: the sum of the shown counts and how many are hidden."""
    values = list(values)
    shown = sum(v for v in values if isinstance(v, int))
    if shown == total:
        return []
    hidden = [v for v in values if isinstance(v, Withheld)]
    notes = [translate("split.shown", lang, shown=count(shown, lang), total=count(total, lang))]
    if hidden:
        notes.append(translate("split.hidden", lang, count=count(len(hidden), lang), threshold=hidden[0].threshold))
    if places:  # the rule, whether or not it is what makes the difference here
        notes.append(translate(f"split.several.{places}", lang))
    return [" ".join(notes)]


def count(value: int | Withheld | None, lang: str = "fi", below: int | None = None) -> str:
    """A participant count; a withheld one as its mark. None is a count that a summary hides
    because it is small ("<below", `below` being the plan's threshold) or, without `below`, one
    that is not known ("–")."""
    if isinstance(value, Withheld):
        return withheld(value)
    if value is None:
        return f"<{below}" if below else "–"
    if isinstance(value, int) and value >= 0:  # the common case, quickly: a split table has 10 000 counts
        return f"{value:,}".replace(",", _STYLE.get(lang, _STYLE["fi"])[0])
    return _group(value, 0, lang)


def days(value: float | None, lang: str = "fi") -> str:
    if _missing(value):
        return "–"
    return _group(value, 0 if float(value).is_integer() else 1, lang)


def date(value: dt.date | None, lang: str = "fi") -> str:
    if value is None:
        return "–"
    if lang == "en":
        return value.isoformat()
    return f"{value.day}.{value.month}.{value.year}"


# Plotly's own separators (decimal mark first, then thousands) for axis ticks in each language.
PLOTLY_SEPARATORS = {"fi": ",\u00a0", "sv": ",\u00a0", "en": ".,"}
# Dates on hover (the unified hover header of a time chart) as each language writes them (date()).
PLOTLY_DATES = {"fi": "%-d.%-m.%Y", "sv": "%-d.%-m.%Y", "en": "%Y-%m-%d"}
