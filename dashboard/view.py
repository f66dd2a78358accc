"""From URL filters to what the queries need (a Scope) and to what the filter bar offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from dashboard.ingest.load import LoadResult
from dashboard.url_state import ViewFilters, restrict
from queries.plan_versions import plan_versions
from queries.summary import Scope, project_period, resolve_as_of


@dataclass(frozen=True)
class PlanOptions:
    implementers: tuple[tuple[str, str, str], ...]  # (implementer_id, area, name)
    municipalities: tuple[tuple[str, str, str], ...]  # (municipality, region, implementer_id)
    meetings: tuple[tuple[dt.date, str, str], ...] = ()  # (date, title, decisions), by date

    @cached_property
    def implementer_ids(self) -> set[str]:
        return {i for i, _, _ in self.implementers}

    @cached_property
    def regions(self) -> list[str]:
        return sorted({r for _, r, _ in self.municipalities})

    @cached_property
    def municipality_names(self) -> list[str]:
        return sorted({m for m, _, _ in self.municipalities})

    @cached_property
    def areas(self) -> dict[str, str]:
        """implementer_id -> area, in the plan's order (main implementer first)."""
        return {i: area for i, area, _ in self.implementers}

    def area_of(self, implementer_id: str) -> str:
        return self.areas.get(implementer_id, implementer_id)


def plan_options(result: LoadResult) -> PlanOptions:
    """Built once per loaded data set: every callback asks for it, and a national plan lists
    thousands of municipalities."""
    return result.store.memo(("plan_options",), lambda: _plan_options(result))


def _plan_options(result: LoadResult) -> PlanOptions:
    implementers = result.store.fetch("implementers")
    municipalities = result.store.fetch("municipalities")
    return PlanOptions(
        tuple(implementers[["implementer_id", "area", "name"]].itertuples(index=False, name=None)),
        tuple(municipalities[["municipality", "region", "implementer_id"]].itertuples(index=False, name=None)),
        _meetings(result),
    )


def _meetings(result: LoadResult) -> tuple[tuple[dt.date, str, str], ...]:
    frame = result.plan.tables.get("meetings") if result.plan else None
    if frame is None or frame.empty:
        return ()
    rows = [
        (pd.Timestamp(day).date(), str(title), "" if pd.isna(decisions) else str(decisions))
        for day, title, decisions in frame[["date", "title", "decisions"]].itertuples(index=False, name=None)
        if pd.notna(day)
    ]
    return tuple(sorted(rows, key=lambda m: m[0]))


def project_at(result: LoadResult, as_of: dt.date) -> dict:
    """project.toml's settings as in force on as_of: the end date is the one the plan then in force
    sets (an amendment may have moved it)."""
    return result.plan.project | {"end_date": project_period(result.store, as_of)[1]}


def last_possible_day(result: LoadResult) -> dt.date:
    """The latest end date of any version of the plan: the last day the as-of picker offers."""
    return max(version.end_date for version in plan_versions(result.store))


def since_for(result: LoadResult, filters: ViewFilters, as_of: dt.date) -> dt.date | None:
    """The date changes are shown since: the one asked for (never after the as-of date), else the
    last steering group meeting before the as-of date, else none (contract v2: `since`)."""
    if filters.since is not None:
        return min(filters.since, as_of)
    earlier = [day for day, _, _ in plan_options(result).meetings if day < as_of]
    return earlier[-1] if earlier else None


def clean_filters(result: LoadResult, filters: ViewFilters) -> ViewFilters:
    """The one place a view's filters are resolved, for every page, slide, download and the report:
    only what the plan knows, narrowed as the filter bar narrows them (a region the implementer does
    not serve is dropped), and an as-of date inside the project period."""
    options = plan_options(result)
    cleaned = restrict(filters, options.implementer_ids, set(options.regions), set(options.municipality_names))
    cleaned = cascade(options, cleaned)[2]
    return replace(cleaned, as_of=resolve_as_of(result.store, cleaned.as_of)) if cleaned.as_of else cleaned


def scope_for(result: LoadResult, filters: ViewFilters) -> Scope:
    filters = clean_filters(result, filters)
    return Scope(
        implementer=filters.implementer,
        region=filters.region,
        municipalities=filters.municipalities,
        as_of=resolve_as_of(result.store, filters.as_of),
    )


def cascade(options: PlanOptions, filters: ViewFilters) -> tuple[list[str], list[str], ViewFilters]:
    """Each filter narrows the next: an implementer limits the regions to those it serves, and
    implementer and region limit the municipalities. Returns the region choices, the municipality
    choices and the filters without any value the narrower choices no longer hold."""
    served = [(m, r) for m, r, i in options.municipalities if filters.implementer in (None, i)]
    regions = sorted({r for _, r in served})
    region = filters.region if filters.region in regions else None
    municipalities = sorted({m for m, r in served if region in (None, r)})
    chosen = tuple(m for m in filters.municipalities if m in municipalities)
    return regions, municipalities, replace(filters, region=region, municipalities=chosen)


def page_view(view: Callable[[LoadResult, ViewFilters], dict], result: LoadResult, filters: ViewFilters) -> dict:
    """A page's figures for one view, computed once per loaded data: the same area is opened again
    and again in a meeting, and a store never changes (a reload builds a new one). The key is the
    cleaned filters with the as-of date resolved, so equal views share one entry."""
    if not result.ok:
        return view(result, filters)
    cleaned = clean_filters(result, filters)
    cleaned = replace(cleaned, as_of=resolve_as_of(result.store, cleaned.as_of))
    return result.store.memo(("page", view.__module__, view.__qualname__, cleaned), lambda: view(result, cleaned))
