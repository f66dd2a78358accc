"""The finance page's payment claims: per payment period and implementer, the costs booked against
what was claimed, approved and paid, the open amounts, warnings, the ESR+state share received, and
the cash chart. A project without payment periods in its plan is told how to add them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from dashboard import formatting as fmt
from dashboard.components.charts import graph
from dashboard.components.table import TableColumn, data_table, download_button, table_host, table_output
from dashboard.exports import export
from dashboard.figures.finance import cash_chart
from dashboard.frames import records
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.url_state import ViewFilters
from dashboard.view import plan_options, scope_for
from queries import claims, finance
from queries.summary import Scope

HIDDEN = {"display": "none"}


def layout(lang: str):
    t = lambda key: translate(key, lang)  # noqa: E731
    return html.Section(
        [
            html.H2(t("finance.claims.title")),
            html.P(id="finance-claims-summary"),
            html.Div(id="finance-claims-warnings"),
            html.Div(
                [table_host("finance-claims-table"), download_button("finance-claims", lang)],
                id="finance-claims-body",
            ),
            html.Figure(graph("finance-cash", "maksut-ja-kustannukset"), id="finance-cash-figure", className="chart-figure"),
        ],
        className="table-section",
        id="finance-claims",
    )


OUTPUTS = {
    "claims-summary": ("finance-claims-summary", "children"),
    "claims-warnings": ("finance-claims-warnings", "children"),
    "claims-table": table_output("finance-claims-table"),
    "claims-body-style": ("finance-claims-body", "style"),
    "cash": ("finance-cash", "figure"),
    "cash-style": ("finance-cash-figure", "style"),
}


def view(result: LoadResult, scope: Scope, as_of: dt.date, lang: str, since: dt.date | None = None) -> dict:
    store = result.store
    if not claims.has_periods(store, as_of):
        return {
            "claims-summary": translate("finance.claims.no_periods", lang),
            "claims-warnings": [],
            "claims-table": data_table([], [], ""),
            "claims-periods": data_table([], [], ""),
            "claims-body-style": HIDDEN,
            "cash": cash_chart(pd.DataFrame({"date": [], "cost_eur": [], "paid_eur": []}), lang),
            "cash-style": HIDDEN,
        }
    table = claims.claim_table(store, scope, as_of)
    sums = claims.totals(table)
    areas = plan_options(result).areas
    esr = finance.financing_table(store, scope, as_of).set_index("source")["implied_eur"].get("esr_state", 0.0)
    summary = translate(
        "finance.claims.summary",
        lang,
        claimed=fmt.eur(sums["claimed_eur"], lang),
        approved=fmt.eur(sums["approved_eur"], lang),
        paid=fmt.eur(sums["paid_eur"], lang),
        implied=fmt.eur(esr, lang),
        unclaimed=fmt.eur(sums["booked_not_claimed_eur"], lang),
        unapproved=fmt.eur(sums["claimed_not_approved_eur"], lang),
        unpaid=fmt.eur(sums["approved_not_paid_eur"], lang),
    )
    curve = claims.cash_curve(store, scope, as_of)
    return {
        "claims-summary": summary,
        "claims-warnings": warning_list(table, areas, lang),
        "claims-table": claim_table(table, areas, lang),
        "claims-periods": period_table(table, lang),
        "claims-body-style": {},
        "cash": cash_chart(curve, lang, as_of, since, plan_options(result).meetings),
        "cash-style": {},
    }


def _plain(table: pd.DataFrame) -> list[dict]:
    """Rows with every missing value as None (not NaN)."""
    return records(table.astype(object).where(table.notna(), None))


def warnings(table: pd.DataFrame, areas: dict[str, str], lang: str) -> list[str]:
    found = []
    for row in _plain(table):
        facts = {
            "period": row["period_id"],
            "area": areas.get(row["implementer_id"], row["implementer_id"]),
            "booked": fmt.eur(row["booked_eur"], lang, 2),
            "claimed": fmt.eur(row["claimed_eur"], lang, 2) if row["claimed_eur"] is not None else "",
            "months": row["claim_window_months"],
            "days": row["days_since_end"],
            "count": row["claims_in_file"],
        }
        if row["overdue"]:
            found.append(translate("finance.claims.warning.overdue", lang, **facts))
        if row["differs"]:
            found.append(translate("finance.claims.warning.differs", lang, **facts))
        if row["claims_in_file"] is not None and row["claims_in_file"] > 1:
            found.append(translate("finance.claims.warning.repeated", lang, **facts))
    return found


def warning_list(table: pd.DataFrame, areas: dict[str, str], lang: str):
    found = warnings(table, areas, lang)
    if not found:
        return html.P(translate("finance.claims.warnings.none", lang), className="all-clear")
    return html.Ul([html.Li([html.Span("⚠ ", **{"aria-hidden": "true"}), text]) for text in found], className="warning-list")


def _rows(table: pd.DataFrame, areas: dict[str, str], lang: str) -> list[dict]:
    rows = _plain(table)
    for row in rows:
        row["area"] = areas.get(row["implementer_id"], row["implementer_id"])
        row["period"] = f"{row['period_id']} ({fmt.date(row['start_date'], lang)}–{fmt.date(row['end_date'], lang)})"
        ended = row["days_since_end"] is not None
        state = (
            "overdue" if row["overdue"] else "differs" if row["differs"] else "ok" if ended or row["claimed_eur"] else "running"
        )
        row["state"] = translate(f"finance.claims.state.{state}", lang)
    return rows


def claim_table(table: pd.DataFrame, areas: dict[str, str], lang: str):
    t = lambda key: translate(key, lang)  # noqa: E731
    e = lambda v: fmt.eur(v, lang, 2) if v is not None else "–"  # noqa: E731
    columns = [
        TableColumn("period", t("finance.claims.col.period")),
        TableColumn("area", t("finance.col.area")),
        TableColumn("booked_eur", t("finance.claims.col.booked"), e, True),
        TableColumn("claimed_eur", t("finance.claims.col.claimed"), e, True),
        TableColumn("approved_eur", t("finance.claims.col.approved"), e, True),
        TableColumn("paid_eur", t("finance.claims.col.paid"), e, True),
        TableColumn("booked_not_claimed_eur", t("finance.claims.col.unclaimed"), e, True),
        TableColumn("claimed_not_approved_eur", t("finance.claims.col.unapproved"), e, True),
        TableColumn("approved_not_paid_eur", t("finance.claims.col.unpaid"), e, True),
        TableColumn("days_since_end", t("finance.claims.col.days"), lambda v: "–" if v is None else fmt.count(v, lang), True),
        TableColumn("state", t("finance.claims.col.state")),
    ]
    return data_table(_rows(table, areas, lang), columns, t("finance.claims.caption"))


def period_table(table: pd.DataFrame, lang: str):
    """The claims summed per payment period over the implementers in scope (the report's table: a
    programme of hundreds of implementers would fill pages with the full one)."""
    t = lambda key: translate(key, lang)  # noqa: E731
    e = lambda v: fmt.eur(v, lang) if v is not None else "–"  # noqa: E731
    amounts = ["booked_eur", "claimed_eur", "approved_eur", "paid_eur"]
    amounts += ["booked_not_claimed_eur", "claimed_not_approved_eur", "approved_not_paid_eur"]
    sums = table.groupby(["period_id", "start_date", "end_date"], sort=False)[amounts].sum(min_count=0).reset_index()
    rows = _plain(sums)
    for row in rows:
        row["period"] = f"{row['period_id']} ({fmt.date(row['start_date'], lang)}–{fmt.date(row['end_date'], lang)})"
    labels = ("booked", "claimed", "approved", "paid", "unclaimed", "unapproved", "unpaid")
    columns = [TableColumn("period", t("finance.claims.col.period"))]
    columns += [TableColumn(key, t(f"finance.claims.col.{label}"), e, True) for key, label in zip(amounts, labels, strict=True)]
    return data_table(rows, columns, t("finance.claims.period_caption"))


@export("finance-claims")
def export_claims(result: LoadResult, filters: ViewFilters):
    scope = scope_for(result, filters)
    table = claims.claim_table(result.store, scope, scope.as_of)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    rows = _rows(table, plan_options(result).areas, filters.lang)
    frame = pd.DataFrame(
        {
            t("finance.claims.col.period"): [r["period_id"] for r in rows],
            t("finance.col.area"): [r["area"] for r in rows],
            t("finance.claims.col.booked"): table["booked_eur"],
            t("finance.claims.col.claimed"): table["claimed_eur"],
            t("finance.claims.col.approved"): table["approved_eur"],
            t("finance.claims.col.paid"): table["paid_eur"],
            t("finance.claims.col.unclaimed"): table["booked_not_claimed_eur"],
            t("finance.claims.col.unapproved"): table["claimed_not_approved_eur"],
            t("finance.claims.col.unpaid"): table["approved_not_paid_eur"],
            t("finance.claims.col.days"): table["days_since_end"],
            t("finance.claims.col.state"): [r["state"] for r in rows],
        }
    )
    return frame, f"maksatushakemukset-{scope.as_of.isoformat()}"
