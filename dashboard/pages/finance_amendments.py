"""The finance page's plan amendments: which plan is in force at the as-of date, and for every
amendment decided by then its date, description and what it changed (end date, net budget, the
budget per implementer and cost category before and after). Also the report's amendment list."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from dashboard import formatting as fmt
from dashboard.components.table import TableColumn, data_table, download_button, table_host, table_output
from dashboard.exports import export
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.url_state import ViewFilters
from dashboard.view import plan_options, scope_for
from queries.plan_versions import amendments_in_force, budget_changes, in_force, plan_versions
from queries.scoped import in_scope
from queries.summary import CATEGORIES, Scope, net_budget


def layout(lang: str):
    t = lambda key: translate(key, lang)  # noqa: E731
    return html.Section(
        [
            html.H2(t("finance.amendments.title")),
            html.Div(id="finance-amendments-summary"),
            html.Div(
                [table_host("finance-amendments-table"), download_button("finance-amendments", lang)],
                id="finance-amendments-body",
            ),
        ],
        className="table-section",
        id="finance-amendments",
    )


OUTPUTS = {
    "amendments-summary": ("finance-amendments-summary", "children"),
    "amendments-table": table_output("finance-amendments-table"),
    "amendments-body-style": ("finance-amendments-body", "style"),
}


def view(result: LoadResult, scope: Scope, as_of: dt.date, lang: str) -> dict:
    decided = amendments_in_force(result.store, as_of)
    changes = change_rows(result, scope, as_of, lang)
    return {
        "amendments-summary": [
            html.P(in_force_sentence(result, as_of, lang), id="finance-plan-in-force"),
            *([amendment_list(result, scope, as_of, lang)] if decided else []),
        ],
        "amendments-table": change_table(changes, lang),
        "amendments-body-style": {} if changes else {"display": "none"},
    }


def in_force_sentence(result: LoadResult, as_of: dt.date, lang: str) -> str:
    """Which plan the figures follow on as_of, and how many later decisions a replay does not know."""
    plan = in_force(result.store, as_of)
    later = [v for v in plan_versions(result.store) if v.decided_on is not None and v.decided_on > as_of]
    text = translate(
        "finance.amendments.original" if plan.decided_on is None else "finance.amendments.in_force",
        lang,
        date=fmt.date(as_of, lang),
        decided=fmt.date(plan.decided_on, lang),
        end=fmt.date(plan.end_date, lang),
    )
    if later:
        text += " " + translate("finance.amendments.later", lang, count=len(later), first=fmt.date(later[0].decided_on, lang))
    return text


def amendment_lines(result: LoadResult, scope: Scope, as_of: dt.date, lang: str) -> list[str]:
    """One sentence per amendment decided by as_of: date, description, end date and net budget in
    scope before and after, the files it replaced."""
    versions = plan_versions(result.store)
    lines = []
    for version in amendments_in_force(result.store, as_of):
        before = versions[version.number - 1]
        budget_before, budget_after = (net_budget(result.store, scope, v.number) for v in (before, version))
        lines.append(
            translate(
                "finance.amendments.line",
                lang,
                date=fmt.date(version.decided_on, lang),
                description=version.description,
                end_before=fmt.date(before.end_date, lang),
                end_after=fmt.date(version.end_date, lang),
                budget_before=fmt.eur(budget_before, lang),
                budget_after=fmt.eur(budget_after, lang),
                change=fmt.signed_eur(budget_after - budget_before, lang),
                files=", ".join(f"{kind}.csv" for kind in version.replaced) or "–",
            )
        )
    return lines


def amendment_list(result: LoadResult, scope: Scope, as_of: dt.date, lang: str):
    return html.Ul([html.Li(line) for line in amendment_lines(result, scope, as_of, lang)], className="amendment-list")


def change_rows(result: LoadResult, scope: Scope, as_of: dt.date, lang: str) -> list[dict]:
    """Every budget amount an amendment decided by as_of changed, for the implementers in scope, in
    the plan's order of implementers and categories: one row per amount (the download's shape)."""
    implementers = in_scope(result.store, scope)
    areas = plan_options(result).areas
    order = {implementer: n for n, implementer in enumerate(areas)}
    rows = []
    for version in amendments_in_force(result.store, as_of):
        changes = budget_changes(result.store, version.number, implementers)
        for change in changes.itertuples():
            rows.append(
                {
                    "decided_on": version.decided_on,
                    "implementer_id": change.implementer_id,
                    "area": areas.get(change.implementer_id, change.implementer_id),
                    "cost_category": change.cost_category,
                    "category": translate(f"category.{change.cost_category}", lang),
                    "before_eur": change.before_eur,
                    "after_eur": change.after_eur,
                    "change_eur": change.after_eur - change.before_eur,
                }
            )
    rank = {c: n for n, c in enumerate(CATEGORIES)}
    return sorted(rows, key=lambda r: (r["decided_on"], order.get(r["implementer_id"], len(order)), rank[r["cost_category"]]))


def by_implementer(rows: list[dict]) -> list[dict]:
    """The changes one row per amendment and implementer: each category's (before, after) where it
    changed, and the net budget before and after (revenue reduces it)."""
    found: dict[tuple, dict] = {}
    for r in rows:
        line = found.setdefault((r["decided_on"], r["implementer_id"]), {"decided_on": r["decided_on"], "area": r["area"]})
        line[r["cost_category"]] = (r["before_eur"], r["after_eur"])
        sign = -1 if r["cost_category"] == "revenue" else 1
        line["net_change_eur"] = line.get("net_change_eur", 0.0) + sign * r["change_eur"]
    return list(found.values())


def change_table(rows: list[dict], lang: str):
    t = lambda key: translate(key, lang)  # noqa: E731

    def before_after(value) -> str:
        return "–" if value is None else f"{fmt.eur(value[0], lang)} → {fmt.eur(value[1], lang)}"

    lines = by_implementer(rows)
    columns = [
        TableColumn("decided_on", t("finance.amendments.col.date"), lambda v: fmt.date(v, lang)),
        TableColumn("area", t("finance.col.area")),
        *[TableColumn(c, t(f"category.{c}"), before_after, True) for c in CATEGORIES if any(c in line for line in lines)],
        TableColumn("net_change_eur", t("finance.amendments.col.net_change"), lambda v: fmt.signed_eur(v, lang), True),
    ]
    return data_table(lines, columns, t("finance.amendments.caption"))


@export("finance-amendments")
def export_amendments(result: LoadResult, filters: ViewFilters):
    scope = scope_for(result, filters)
    rows = change_rows(result, scope, scope.as_of, filters.lang)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            t("finance.amendments.col.date"): [r["decided_on"] for r in rows],
            t("finance.col.area"): [r["area"] for r in rows],
            t("finance.amendments.col.category"): [r["category"] for r in rows],
            t("finance.amendments.col.before"): [r["before_eur"] for r in rows],
            t("finance.amendments.col.after"): [r["after_eur"] for r in rows],
            t("finance.amendments.col.change"): [r["change_eur"] for r in rows],
        }
    )
    return frame, f"muutospaatokset-{scope.as_of.isoformat()}"
