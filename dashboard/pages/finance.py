"""Finance (`/talous`): burn rate against the plan, forecast at completion, cost structure, earned
value, financing and the finance officer's checks, for the project director."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from dashboard import contract, state
from dashboard import formatting as fmt
from dashboard.components.charts import graph, outputs_hiding_comparisons, outputs_with_comparisons
from dashboard.components.kpi import kpi_card
from dashboard.components.notices import life_notice, meeting_list, nothing_yet, page_notes
from dashboard.components.table import Cell, TableColumn, data_table, download_button, part, table_host, table_output
from dashboard.exports import export
from dashboard.figures.finance import burn_chart, burn_small_multiples, monthly_category_chart
from dashboard.frames import records
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.pages import finance_amendments, finance_claims
from dashboard.pages.overview import FILTER_INPUTS, SINCE_INPUT, finance_level_note, scope_label, with_since_value
from dashboard.url_state import ViewFilters, from_inputs
from dashboard.view import page_view, plan_options, project_at, scope_for, since_for
from queries import finance
from queries.summary import Scope, phase

PATH = "/talous"
TITLE_KEY = "nav.finance"
PROJECT_ROW = "__project__"


def layout(lang: str):
    t = lambda key: translate(key, lang)  # noqa: E731 - short alias keeps the layout readable
    return html.Div(
        [
            html.Div([html.H1(t("finance.title")), html.P(id="finance-scope", className="scope-line")], className="page-heading"),
            html.Div(id="finance-note"),
            html.Div(
                [
                    kpi_card(t("finance.kpi.forecast"), "finance-kpi-forecast"),
                    kpi_card(t("finance.kpi.variance"), "finance-kpi-variance"),
                    kpi_card(t("finance.kpi.needed"), "finance-kpi-needed"),
                    kpi_card(t("finance.kpi.status"), "finance-kpi-status"),
                ],
                className="kpi-grid",
            ),
            html.Figure(
                [
                    graph("finance-burn", "kustannukset-ja-suunnitelma"),
                    html.Figcaption(id="finance-burn-text", className="visually-hidden"),
                    html.Div(id="finance-meetings"),
                ],
                className="chart-figure",
            ),
            html.Section(
                [
                    html.H2(t("finance.method.title")),
                    html.P(t("finance.method.forecast")),
                    html.P(t("finance.method.band")),
                    html.P(t("finance.method.status")),
                ],
                className="method-note",
            ),
            html.Section(
                [
                    html.H2(t("finance.status.title")),
                    table_host("finance-status-table"),
                    download_button("finance-status", lang),
                ],
                className="table-section",
            ),
            html.Figure(
                graph("finance-multiples", "toteuttajat-kustannukset"),
                id="finance-multiples-figure",
                className="chart-figure panels-figure",
            ),
            html.Div(
                [
                    html.Figure(graph("finance-monthly", "kuukausikustannukset"), className="chart-figure"),
                    html.Section(
                        [
                            html.H2(t("finance.categories.title")),
                            table_host("finance-category-table"),
                            download_button("finance-categories", lang),
                        ],
                        className="table-section",
                    ),
                ],
                className="two-columns",
            ),
            html.Section(
                [
                    html.H2(t("finance.evm.title")),
                    html.Ul(
                        [html.Li(t(f"finance.evm.explain.{k}")) for k in ("pv", "ac", "ev", "cpi", "spi")],
                        className="explain-list",
                    ),
                    table_host("finance-evm-table"),
                    download_button("finance-evm", lang),
                ],
                className="table-section",
            ),
            html.Section(
                [
                    html.H2(t("finance.financing.title")),
                    html.P(id="finance-reimbursement"),
                    table_host("finance-financing-table"),
                    download_button("finance-financing", lang),
                ],
                className="table-section",
            ),
            finance_amendments.layout(lang),
            finance_claims.layout(lang),
            html.Section(
                [
                    html.H2(t("finance.warnings.title")),
                    html.Div(id="finance-warnings"),
                    download_button("finance-warnings", lang),
                ],
                className="table-section",
            ),
        ],
        className="page page-finance",
    )


def _status_class(code: str) -> str:
    return f"status status-{code.replace('_', '-')}"


def _status_badge(code: str, lang: str) -> html.Span:
    """Status is never colour alone: a symbol and a word go with it."""
    return html.Span(translate(f"finance.status.{code}", lang), className=_status_class(code))


def _status_cell(code: str, lang: str) -> list[Cell]:
    return [part(translate(f"finance.status.{code}", lang), class_name=_status_class(code))]


def _eur(lang):
    return lambda v: fmt.eur(v, lang)


def _ratio(lang):
    return lambda v: fmt.number(v, 2, lang)


def _share(lang):
    return lambda v: fmt.percent(v, 1, lang)


def _with_names(table: pd.DataFrame, lang: str) -> list[dict]:
    rows = records(table)
    for row in rows:
        if row["implementer_id"] == PROJECT_ROW:
            row["area"] = translate("finance.total_row", lang)
    return rows


def status_table(table: pd.DataFrame, lang: str):
    e, t = _eur(lang), (lambda key: translate(key, lang))
    badges = {code: _status_cell(code, lang) for code in finance.STATUSES}  # one per status, not per row
    rows = _with_names(table, lang)
    for row in rows:
        row["gap"] = (
            (row["spent_eur"] - row["planned_to_date_eur"]) / row["planned_to_date_eur"] if row["planned_to_date_eur"] else None
        )
        row["band"] = f"{fmt.eur(row['forecast_low_eur'], lang)} – {fmt.eur(row['forecast_high_eur'], lang)}"
    columns = [
        TableColumn("area", t("finance.col.area")),
        TableColumn("status", t("finance.col.status"), lambda v: badges[v]),
        TableColumn("budget_eur", t("finance.col.budget"), e, True),
        TableColumn("planned_to_date_eur", t("finance.col.planned"), e, True),
        TableColumn("spent_eur", t("finance.col.spent"), e, True),
        TableColumn("gap", t("finance.col.gap"), lambda v: fmt.percent(v, 1, lang), True),
        TableColumn("forecast_eur", t("finance.col.forecast"), e, True),
        TableColumn("band", t("finance.col.band"), str, True),
        TableColumn("variance_at_completion_eur", t("finance.col.variance"), lambda v: fmt.signed_eur(v, lang), True),
        TableColumn("needed_per_month_eur", t("finance.col.needed"), e, True),
    ]
    return data_table(rows, columns, t("finance.status.caption"), total_last=True)


def evm_table(table: pd.DataFrame, lang: str):
    e, t = _eur(lang), (lambda key: translate(key, lang))
    columns = [
        TableColumn("area", t("finance.col.area")),
        TableColumn("planned_to_date_eur", t("finance.col.pv"), e, True),
        TableColumn("spent_eur", t("finance.col.ac"), e, True),
        TableColumn("earned_value_eur", t("finance.col.ev"), e, True),
        TableColumn("cpi", t("finance.col.cpi"), _ratio(lang), True),
        TableColumn("spi", t("finance.col.spi"), _ratio(lang), True),
    ]
    return data_table(_with_names(table, lang), columns, t("finance.evm.caption"), total_last=True)


def category_table(table: pd.DataFrame, lang: str, cost_model: str = contract.DEFAULT_COST_MODEL):
    """Budget against actual per cost category; under flat_rate_covers_other the categories the flat
    rate covers say so (their bookings are not eligible and were set aside at loading)."""
    t = lambda key: translate(key, lang)  # noqa: E731
    rows = records(table)
    covered = contract.COVERED_COSTS if cost_model == "flat_rate_covers_other" else ()
    for row in rows:
        row["name"] = t(f"category.{row['cost_category']}")
        if row["cost_category"] in covered:
            row["name"] += f" ({t('finance.categories.covered')})"
    columns = [
        TableColumn("name", t("finance.col.category")),
        TableColumn("budget_eur", t("finance.col.budget"), _eur(lang), True),
        TableColumn("actual_eur", t("finance.col.spent"), _eur(lang), True),
        TableColumn("used_share", t("finance.col.used"), _share(lang), True),
    ]
    return data_table(rows, columns, t(f"finance.categories.caption.{cost_model}"), total_last=True)


def financing_table(table: pd.DataFrame, lang: str):
    t = lambda key: translate(key, lang)  # noqa: E731
    rows = records(table)
    for row in rows:
        row["name"] = t(f"source.{row['source']}")
    columns = [
        TableColumn("name", t("finance.col.source")),
        TableColumn("plan_eur", t("finance.col.plan"), _eur(lang), True),
        TableColumn("plan_share", t("finance.col.plan_share"), _share(lang), True),
        TableColumn("implied_eur", t("finance.col.implied"), _eur(lang), True),
        TableColumn("implied_share", t("finance.col.implied_share"), _share(lang), True),
    ]
    return data_table(rows, columns, t("finance.financing.caption"))


def warning_text(warning: dict, areas: dict[str, str], lang: str) -> str:
    facts = {
        key: (fmt.eur(value, lang, 2) if key.endswith("_eur") else fmt.date(value, lang) if isinstance(value, dt.date) else value)
        for key, value in warning.items()
    }
    facts["area"] = areas.get(warning["implementer_id"], warning["implementer_id"])
    if "cost_category" in warning:
        facts["category"] = translate(f"category.{warning['cost_category']}", lang)
    return translate(f"finance.warning.{warning['kind']}", lang, **facts)


# A national programme can have thousands of findings: the page lists the first ones, the download all.
MAX_WARNINGS = 50


def warnings_list(found: list[dict], areas: dict[str, str], lang: str):
    if not found:
        return html.P(translate("finance.warnings.none", lang), className="all-clear")
    items = [html.Li([html.Span("⚠ ", **{"aria-hidden": "true"}), warning_text(w, areas, lang)]) for w in found[:MAX_WARNINGS]]
    if len(found) > MAX_WARNINGS:
        items.append(html.Li(translate("finance.warnings.more", lang, count=fmt.count(len(found) - MAX_WARNINGS, lang))))
    return html.Ul(items, className="warning-list")


def _scope_and_as_of(result: LoadResult, filters: ViewFilters) -> tuple[Scope, dt.date]:
    scope = scope_for(result, filters)
    return scope, scope.as_of


def view(result: LoadResult, filters: ViewFilters) -> dict:
    lang = filters.lang
    scope, as_of = _scope_and_as_of(result, filters)
    store = result.store
    period = finance.period_of(store, as_of)
    table = finance.implementer_table(store, scope, as_of)
    total = table.iloc[-1]
    implementers = table.iloc[:-1].copy()
    areas = dict(zip(implementers["implementer_id"], implementers["area"], strict=True))
    planned, actual = finance.cumulative_curves(store, scope, as_of)
    forecast = {
        "as_of": as_of,
        "end": period.end,
        "spent": total["spent_eur"],
        "value": total["forecast_eur"],
        "low": total["forecast_low_eur"],
        "high": total["forecast_high_eur"],
    }
    scope_planned = planned.groupby("day", as_index=False)["planned_eur"].sum()
    scope_actual = actual.groupby("day", as_index=False)["actual_eur"].sum()
    implementers["as_of"], implementers["end"] = as_of, period.end
    variance = total["variance_at_completion_eur"]
    needed = total["needed_per_month_eur"]
    financing = finance.financing_table(store, scope, as_of)
    esr = financing[financing["source"] == "esr_state"]["implied_eur"].sum()
    note = page_notes(life_notice(phase(store, as_of), project_at(result, as_of), lang), finance_level_note(scope, lang))
    nothing_booked = scope_actual.empty or not scope_actual["actual_eur"].abs().sum()
    return {
        "scope": f"{scope_label(scope, result, lang)} · {translate('stamp.as_of', lang, date=fmt.date(as_of, lang))}",
        "note": note,
        "kpi-forecast": fmt.eur(total["forecast_eur"], lang),
        "kpi-forecast-detail": [
            *([nothing_yet(lang, "finance.kpi.forecast.plan")] if nothing_booked and as_of < period.end else []),
            html.P(
                translate(
                    "finance.kpi.forecast.band",
                    lang,
                    low=fmt.eur(total["forecast_low_eur"], lang),
                    high=fmt.eur(total["forecast_high_eur"], lang),
                )
            ),
        ],
        "kpi-variance": fmt.signed_eur(variance, lang),
        "kpi-variance-detail": [
            html.P(
                translate("finance.kpi.variance.under" if variance >= 0 else "finance.kpi.variance.over", lang),
                className="kpi-behind" if abs(variance) > 0.05 * total["budget_eur"] else None,
            )
        ],
        "kpi-needed": fmt.eur(needed, lang) if needed is not None else "–",
        "kpi-needed-detail": [
            html.P(
                translate(
                    "finance.kpi.needed.detail",
                    lang,
                    days=period.remaining_days,
                    current=fmt.eur(_recent_monthly(total, period), lang),
                )
            )
        ],
        "kpi-status": _status_badge(total["status"], lang),
        "kpi-status-detail": [
            html.P(
                translate(
                    "finance.kpi.status.detail",
                    lang,
                    off=int((implementers["status"] == "off_track").sum()),
                    watch=int((implementers["status"] == "watch").sum()),
                    count=len(implementers),
                )
            )
        ],
        "burn": burn_chart(
            scope_planned,
            scope_actual,
            forecast,
            float(total["budget_eur"]),
            lang,
            since=since_for(result, filters, as_of),
            meetings=plan_options(result).meetings,
            original=_scope_curve(finance.original_plan_curve(store, scope, as_of)),
        ),
        "meetings": meeting_list(plan_options(result).meetings, as_of, lang),
        "burn-text": translate(
            "finance.chart.burn.alt",
            lang,
            spent=fmt.eur(total["spent_eur"], lang),
            planned=fmt.eur(total["planned_to_date_eur"], lang),
            forecast=fmt.eur(total["forecast_eur"], lang),
            budget=fmt.eur(total["budget_eur"], lang),
        ),
        "status-table": status_table(table, lang),
        "one-implementer": len(implementers) <= 1,
        "multiples": burn_small_multiples(
            planned, actual, implementers, lang, since_for(result, filters, as_of), plan_options(result).meetings
        ),
        "monthly": monthly_category_chart(
            finance.monthly_by_category(store, scope, as_of),
            lang,
            as_of,
            since_for(result, filters, as_of),
            plan_options(result).meetings,
        ),
        "category-table": category_table(finance.category_table(store, scope, as_of), lang, result.plan.project["cost_model"]),
        "evm-table": evm_table(table, lang),
        "reimbursement": translate(
            "finance.financing.reimbursement", lang, amount=fmt.eur(esr, lang), spent=fmt.eur(total["spent_eur"], lang)
        ),
        "financing-table": financing_table(financing, lang),
        "warnings": warnings_list(finance.warnings(store, scope, as_of), areas, lang),
        **finance_amendments.view(result, scope, as_of, lang),
        **finance_claims.view(result, scope, as_of, lang, since_for(result, filters, as_of)),
    }


def _scope_curve(planned: pd.DataFrame | None) -> pd.DataFrame | None:
    """A planned curve summed over the implementers in scope (None stays None)."""
    return None if planned is None else planned.groupby("day", as_index=False)["planned_eur"].sum()


def _recent_monthly(total: pd.Series, period: finance.Period) -> float:
    """The monthly net spend of the run-rate window, for comparison with what is needed."""
    window_days = (period.as_of - period.window_start).days
    if window_days <= 0 or period.remaining_days <= 0:
        return 0.0
    daily = (total["forecast_eur"] - total["spent_eur"]) / period.remaining_days
    return daily * finance.DAYS_PER_MONTH


OUTPUTS = {
    "scope": ("finance-scope", "children"),
    "note": ("finance-note", "children"),
    "kpi-forecast": ("finance-kpi-forecast", "children"),
    "kpi-forecast-detail": ("finance-kpi-forecast-detail", "children"),
    "kpi-variance": ("finance-kpi-variance", "children"),
    "kpi-variance-detail": ("finance-kpi-variance-detail", "children"),
    "kpi-needed": ("finance-kpi-needed", "children"),
    "kpi-needed-detail": ("finance-kpi-needed-detail", "children"),
    "kpi-status": ("finance-kpi-status", "children"),
    "kpi-status-detail": ("finance-kpi-status-detail", "children"),
    "burn": ("finance-burn", "figure"),
    "meetings": ("finance-meetings", "children"),
    "burn-text": ("finance-burn-text", "children"),
    "status-table": table_output("finance-status-table"),
    "multiples": ("finance-multiples", "figure"),
    "monthly": ("finance-monthly", "figure"),
    "category-table": table_output("finance-category-table"),
    "evm-table": table_output("finance-evm-table"),
    "reimbursement": ("finance-reimbursement", "children"),
    "financing-table": table_output("finance-financing-table"),
    "warnings": ("finance-warnings", "children"),
    **finance_amendments.OUTPUTS,
    **finance_claims.OUTPUTS,
}


# The per-implementer burn charts repeat the scope's own when one implementer is in scope: hidden then.
COMPARING = {"multiples": "finance-multiples-figure"}


def register(app) -> None:
    @app.callback(outputs_with_comparisons(OUTPUTS, COMPARING), *FILTER_INPUTS, SINCE_INPUT)
    def update_finance(implementer, region, municipalities, as_of, lang, since):
        filters = with_since_value(from_inputs(implementer, region, municipalities, as_of, lang), since)
        return outputs_hiding_comparisons(page_view(view, state.current(), filters), OUTPUTS, COMPARING)


# CSV exports: numbers as numbers, headers in the UI language.
def _export_frame(result: LoadResult, filters: ViewFilters) -> tuple[pd.DataFrame, Scope, dt.date]:
    scope, as_of = _scope_and_as_of(result, filters)
    table = finance.implementer_table(result.store, scope, as_of)
    table["area"] = [
        translate("finance.total_row", filters.lang) if i == PROJECT_ROW else a
        for i, a in zip(table["implementer_id"], table["area"], strict=True)
    ]
    return table, scope, as_of


def _stem(name: str, as_of: dt.date) -> str:
    return f"{name}-{as_of.isoformat()}"


@export("finance-status")
def export_status(result: LoadResult, filters: ViewFilters):
    table, _, as_of = _export_frame(result, filters)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            t("finance.col.area"): table["area"],
            t("finance.col.status"): [t(f"finance.status.{s}") for s in table["status"]],
            t("finance.col.budget"): table["budget_eur"],
            t("finance.col.planned"): table["planned_to_date_eur"],
            t("finance.col.spent"): table["spent_eur"],
            t("finance.col.forecast"): table["forecast_eur"],
            t("finance.col.forecast_low"): table["forecast_low_eur"],
            t("finance.col.forecast_high"): table["forecast_high_eur"],
            t("finance.col.variance"): table["variance_at_completion_eur"],
            t("finance.col.needed"): table["needed_per_month_eur"],
        }
    )
    return frame, _stem("talous-tila", as_of)


@export("finance-evm")
def export_evm(result: LoadResult, filters: ViewFilters):
    table, _, as_of = _export_frame(result, filters)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            t("finance.col.area"): table["area"],
            t("finance.col.pv"): table["planned_to_date_eur"],
            t("finance.col.ac"): table["spent_eur"],
            t("finance.col.ev"): table["earned_value_eur"],
            t("finance.col.cpi"): table["cpi"],
            t("finance.col.spi"): table["spi"],
        }
    )
    return frame, _stem("ansaittu-arvo", as_of)


@export("finance-categories")
def export_categories(result: LoadResult, filters: ViewFilters):
    scope, as_of = _scope_and_as_of(result, filters)
    table = finance.category_table(result.store, scope, as_of)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            t("finance.col.category"): [t(f"category.{c}") for c in table["cost_category"]],
            t("finance.col.budget"): table["budget_eur"],
            t("finance.col.spent"): table["actual_eur"],
            t("finance.col.used") + " (%)": table["used_share"] * 100,
        }
    )
    return frame, _stem("kustannuslajit", as_of)


@export("finance-financing")
def export_financing(result: LoadResult, filters: ViewFilters):
    scope, as_of = _scope_and_as_of(result, filters)
    table = finance.financing_table(result.store, scope, as_of)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            t("finance.col.source"): [t(f"source.{s}") for s in table["source"]],
            t("finance.col.plan"): table["plan_eur"],
            t("finance.col.plan_share") + " (%)": table["plan_share"] * 100,
            t("finance.col.implied"): table["implied_eur"],
            t("finance.col.implied_share") + " (%)": table["implied_share"] * 100,
        }
    )
    return frame, _stem("rahoitus", as_of)


@export("finance-warnings")
def export_warnings(result: LoadResult, filters: ViewFilters):
    scope, as_of = _scope_and_as_of(result, filters)
    areas = plan_options(result).areas
    found = finance.warnings(result.store, scope, as_of)
    t = lambda key: translate(key, filters.lang)  # noqa: E731
    frame = pd.DataFrame(
        {
            t("finance.col.area"): [areas.get(w["implementer_id"]) for w in found],
            t("finance.col.warning"): [warning_text(w, areas, filters.lang) for w in found],
        },
        columns=[t("finance.col.area"), t("finance.col.warning")],
    )
    return frame, _stem("talous-varoitukset", as_of)
