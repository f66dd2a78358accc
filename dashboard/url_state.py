"""The view's filters as they live in the URL query string (contract: implementer, region,
municipality (repeatable), as_of, lang). Parsing is forgiving: a value the plan does not know is
dropped, never passed on, so a mistyped or hostile link opens a clean default view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, parse_qsl, urlencode

from dashboard.contract import LANGUAGES
from dashboard.i18n import DEFAULT_LANGUAGE

MAX_VALUE_LENGTH = 100


@dataclass(frozen=True)
class ViewFilters:
    implementer: str | None = None
    region: str | None = None
    municipalities: tuple[str, ...] = ()
    as_of: dt.date | None = None
    lang: str = DEFAULT_LANGUAGE
    since: dt.date | None = None  # (v2) changes are shown since this date


def parse_date(text: str | None) -> dt.date | None:
    if not text or len(text) > 10:
        return None
    try:
        if "." in text:
            day, month, year = (int(part) for part in text.split("."))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_query(search: object) -> ViewFilters:
    """`search` comes from the browser (or a forged request): anything but a string is no filter."""
    params = parse_qs(search.lstrip("?") if isinstance(search, str) else "", keep_blank_values=False)

    def first(key: str) -> str | None:
        values = [v for v in params.get(key, []) if len(v) <= MAX_VALUE_LENGTH]
        return values[0] if values else None

    lang = first("lang")
    return ViewFilters(
        implementer=first("implementer"),
        region=first("region"),
        municipalities=tuple(dict.fromkeys(v for v in params.get("municipality", []) if len(v) <= MAX_VALUE_LENGTH)),
        as_of=parse_date(first("as_of")),
        lang=lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
        since=parse_date(first("since")),
    )


def restrict(filters: ViewFilters, implementers: set[str], regions: set[str], municipalities: set[str]) -> ViewFilters:
    """Drop every value the plan does not know."""
    return replace(
        filters,
        implementer=filters.implementer if filters.implementer in implementers else None,
        region=filters.region if filters.region in regions else None,
        municipalities=tuple(m for m in filters.municipalities if m in municipalities),
    )


def to_query(filters: ViewFilters) -> str:
    pairs: list[tuple[str, str]] = []
    if filters.implementer:
        pairs.append(("implementer", filters.implementer))
    if filters.region:
        pairs.append(("region", filters.region))
    pairs.extend(("municipality", m) for m in filters.municipalities)
    if filters.as_of:
        pairs.append(("as_of", filters.as_of.isoformat()))
    if filters.lang != DEFAULT_LANGUAGE:
        pairs.append(("lang", filters.lang))
    if filters.since:
        pairs.append(("since", filters.since.isoformat()))
    return "?" + urlencode(pairs) if pairs else ""


# How the view is shown rather than what it shows (presentation mode): kept as they are whenever the
# filters rewrite the query.
DISPLAY_PARAMS = ("kiosk", "rotate")
# Kept too when the filter bar rewrites the query: `since` has its own control (see shell).
KEPT_PARAMS = (*DISPLAY_PARAMS, "since")


def with_since(search: str | None, since: dt.date | None) -> str:
    """The query with its `since` set to this date, or without it."""
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != "since"]
    if since is not None:
        pairs.append(("since", since.isoformat()))
    return "?" + urlencode(pairs) if pairs else ""


def keep_display_params(query: str, search: str | None) -> str:
    params = parse_qs((search or "").lstrip("?"))
    kept = [(name, params[name][0][:MAX_VALUE_LENGTH]) for name in KEPT_PARAMS if params.get(name)]
    if not kept:
        return query
    return query + ("&" if query else "?") + urlencode(kept)


def from_inputs(implementer, region, municipalities, as_of, lang) -> ViewFilters:
    """The filter bar's values as a callback receives them. Anything not of the expected type (a
    request can carry anything) is dropped rather than passed on."""

    def text(value) -> str | None:
        return value if isinstance(value, str) and 0 < len(value) <= MAX_VALUE_LENGTH else None

    chosen = municipalities if isinstance(municipalities, list) else []
    return ViewFilters(
        implementer=text(implementer),
        region=text(region),
        municipalities=tuple(dict.fromkeys(m for m in chosen if text(m))),
        as_of=parse_date(text(as_of)),
        lang=lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
    )
