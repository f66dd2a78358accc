"""The meeting report (`/raportti`): one printable page with the overview figures, the finance and
participant charts, the 12.2 and 12.3 tables, a status table per area and the data sources.
Headless Chromium prints it to PDF (dashboard/report_pdf.py); the page itself prints well too."""

from __future__ import annotations

import datetime as dt

from dash import Output, dcc, html

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.kpi import kpi_card
from dashboard.components.notices import life_notice
from dashboard.components.table import table_host, table_output
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.pages import finance as finance_page
from dashboard.pages import overview as overview_page
from dashboard.pages import participants as participants_page
from dashboard.pages.overview import FILTER_INPUTS, scope_label
from dashboard.url_state import ViewFilters, from_inputs
from dashboard.view import page_view, scope_for
from queries.summary import phase

PATH = "/raportti"
TITLE_KEY = "nav.report"
KPIS = (
    ("kpi.budget", "kpi-budget"),
    ("kpi.spent", "kpi-spent"),
    ("kpi.burn", "kpi-burn"),
    ("kpi.participants", "kpi-participants"),
    ("kpi.person_days", "kpi-person-days"),
)
CHARTS = ("report-burn", "report-monthly", "report-participants")
TABLES = ("report-status", "report-matrix", "report-person-days")
STATIC = {"displayModeBar": False, "staticPlot": True}  # paper needs no hover or zoom


def layout(lang: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    section = lambda title, body: html.Section([html.H2(t(title)), *body], className="report-section")  # noqa: E731
    chart = lambda chart_id: html.Section(dcc.Graph(id=chart_id, config=STATIC), className="report-section")  # noqa: E731
    return html.Div(
        [
            html.Header(
                [html.H1(id="report-title"), html.Div(id="report-scope", className="report-scope")], className="report-heading"
            ),
            html.Div([kpi_card(t(label), f"report-{kpi}") for label, kpi in KPIS], className="kpi-grid report-kpis"),
            chart("report-burn"),
            section("finance.status.title", [table_host("report-status")]),
            chart("report-monthly"),
            chart("report-participants"),
            section("participants.matrix.title", [table_host("report-matrix")]),
            section("person_days.title", [table_host("report-person-days")]),
            section("report.sources", [html.Ul(id="report-sources", className="report-sources")]),
            html.Div(id="report-protection"),
        ],
        className="page page-report",
    )


def view(result: LoadResult, filters: ViewFilters) -> dict:
    lang = filters.lang
    scope = scope_for(result, filters)
    overview = page_view(overview_page.view, result, filters)
    finance = page_view(finance_page.view, result, filters)
    participants = page_view(participants_page.view, result, filters)
    project = result.plan.project
    made = dt.datetime.now().replace(microsecond=0)
    title = translate("report.title", lang, project=project["name"], date=fmt.date(scope.as_of, lang))
    sources = [
        html.Li(translate("report.plan", lang, path=project["name"])),
        *[
            html.Li(
                translate(
                    "report.file",
                    lang,
                    path=result.shown_name(f.path),
                    rows=fmt.count(f.rows_loaded, lang),
                    aside=fmt.count(f.rows_set_aside, lang),
                    sha=f.sha256[:12],
                )
            )
            for f in result.files
        ],
        html.Li(translate("report.made", lang, when=f"{fmt.date(made.date(), lang)} {made:%H:%M}")),
    ]
    return {
        "title": title,
        "scope": [
            f"{scope_label(scope, result, lang)} · {translate('stamp.as_of', lang, date=fmt.date(scope.as_of, lang))}",
            life_notice(phase(result.store, scope.as_of), project, lang),
        ],
        **{f"report-{kpi}": overview[kpi] for _, kpi in KPIS},
        **{f"report-{kpi}-detail": overview[f"{kpi}-detail"] for _, kpi in KPIS},
        "report-burn": finance["burn"],
        "report-monthly": finance["monthly"],
        "report-participants": participants["cumulative"],
        "report-status": finance["status-table"],
        "report-matrix": participants["matrix"],
        "report-person-days": participants["days-table"],
        "sources": sources,
        "protection": participants["protection"],
    }


OUTPUTS = {
    "title": ("report-title", "children"),
    "scope": ("report-scope", "children"),
    **{f"report-{kpi}": (f"report-{kpi}", "children") for _, kpi in KPIS},
    **{f"report-{kpi}-detail": (f"report-{kpi}-detail", "children") for _, kpi in KPIS},
    **{chart: (chart, "figure") for chart in CHARTS},
    **{name: table_output(name) for name in TABLES},
    "sources": ("report-sources", "children"),
    "protection": ("report-protection", "children"),
}


def register(app) -> None:
    @app.callback([Output(i, p) for i, p in OUTPUTS.values()], *FILTER_INPUTS)
    def update_report(implementer, region, municipalities, as_of, lang):
        shown = view(state.current(), from_inputs(implementer, region, municipalities, as_of, lang))
        return [shown[k] for k in OUTPUTS]
