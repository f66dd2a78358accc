"""The meeting report (`/raportti`): one printable page with the overview figures, the finance and
participant charts, the 12.2 and 12.3 tables, a status table per area and the data sources.
Headless Chromium prints it to PDF (dashboard/report_pdf.py); the page itself prints well too."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dash import Output, dcc, html

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.kpi import kpi_card
from dashboard.components.notices import life_notice
from dashboard.components.table import table_host, table_output
from dashboard.headlines import participants_sentence, spending_sentence
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.pages import finance as finance_page
from dashboard.pages import overview as overview_page
from dashboard.pages import participants as participants_page
from dashboard.pages.overview import FILTER_INPUTS, SINCE_INPUT, change_lines, scope_label, with_since_value
from dashboard.url_state import ViewFilters, from_inputs
from dashboard.view import page_view, plan_options, project_at, scope_for, since_for
from queries import finance
from queries.plan_versions import in_force
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
TABLES = ("report-status", "report-amendments", "report-claims", "report-matrix", "report-person-days", "report-indicators")
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
            html.Section(id="report-since", className="report-section"),
            chart("report-burn"),
            section("finance.status.title", [table_host("report-status")]),
            chart("report-monthly"),
            chart("report-participants"),
            html.Section(
                [
                    html.H2(t("finance.amendments.title")),
                    html.Div(id="report-amendments-summary"),
                    html.Div(table_host("report-amendments"), id="report-amendments-body"),
                ],
                id="report-amendments-section",
                className="report-section",
            ),
            html.Section(
                [
                    html.H2(t("finance.claims.title")),
                    html.P(id="report-claims-summary"),
                    html.Div(id="report-claims-warnings"),
                    table_host("report-claims"),
                ],
                id="report-claims-section",
                className="report-section",
            ),
            section("participants.matrix.title", [table_host("report-matrix")]),
            section("person_days.title", [table_host("report-person-days")]),
            section("indicators.title", [table_host("report-indicators")]),
            section("report.sources", [html.Ul(id="report-sources", className="report-sources")]),
            html.Div(id="report-protection"),
        ],
        className="page page-report",
    )


def _plan_source(result: LoadResult, as_of: dt.date, name: str, lang: str) -> str:
    """Which plan the figures were measured against: the original or the amended one in force."""
    plan = in_force(result.store, as_of)
    end = fmt.date(plan.end_date, lang)
    if plan.decided_on is None:
        return translate("report.plan.original", lang, path=name, end=end)
    return translate("report.plan.amended", lang, path=name, date=fmt.date(plan.decided_on, lang), end=end)


def view(result: LoadResult, filters: ViewFilters) -> dict:
    lang = filters.lang
    scope = scope_for(result, filters)
    overview = page_view(overview_page.view, result, filters)
    finance = page_view(finance_page.view, result, filters)
    participants = page_view(participants_page.view, result, filters)
    project = project_at(result, scope.as_of)
    made = dt.datetime.now().replace(microsecond=0)
    title = translate("report.title", lang, project=project["name"], date=fmt.date(scope.as_of, lang))
    sources = [
        html.Li(_plan_source(result, scope.as_of, project["name"], lang)),
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
            # Demo data says so on paper too: a report for the minutes must not pass for real figures.
            html.Span(translate("demo.badge", lang), className="demo-badge report-demo") if result.is_demo else None,
            f"{scope_label(scope, result, lang)} · {translate('stamp.as_of', lang, date=fmt.date(scope.as_of, lang))}",
            life_notice(phase(result.store, scope.as_of), project, lang),
            # The slides' messages, for the minutes.
            html.P(spending_sentence(result, scope, lang), className="report-headline"),
            html.P(participants_sentence(result, scope, lang), className="report-headline"),
        ],
        **{f"report-{kpi}": overview[kpi] for _, kpi in KPIS},
        **{f"report-{kpi}-detail": overview[f"{kpi}-detail"] for _, kpi in KPIS},
        "report-burn": finance["burn"],
        "report-monthly": finance["monthly"],
        "report-participants": participants["cumulative"],
        "report-status": finance["status-table"],
        "report-amendments": finance["amendments-table"],
        "amendments-summary": finance["amendments-summary"],
        "amendments-style": finance["amendments-body-style"],  # no table before any amendment
        "report-claims": finance["claims-periods"],
        "claims-summary": finance["claims-summary"],
        "claims-warnings": finance["claims-warnings"],
        "claims-style": finance["claims-body-style"],  # hidden without payment periods
        "report-matrix": participants["matrix"],
        "report-person-days": participants["days-table"],
        "report-indicators": participants["indicators"],
        "sources": sources,
        "protection": participants["protection"],
        "since": since_section(result, filters, scope, lang),
    }


def since_section(result: LoadResult, filters: ViewFilters, scope, lang: str) -> list:
    """ "Since the last meeting": what changed (the overview's change lines), which areas changed
    status, and what that meeting decided. Nothing where there is no meeting before the as-of date
    and no date chosen."""
    since = since_for(result, filters, scope.as_of)
    if since is None:
        return []
    t = lambda k, **p: translate(k, lang, **p)  # noqa: E731
    changes = change_lines(result, filters, scope, scope.as_of, lang)
    labels = {
        "kpi-spent-change": "kpi.spent",
        "kpi-burn-change": "kpi.burn",
        "kpi-participants-change": "kpi.participants",
        "kpi-women-change": "participants.kpi.women",
        "kpi-person-days-change": "kpi.person_days",
    }
    items = [html.Li(f"{t(labels[key])}: {text}") for key, text in changes.items()]
    before = finance.implementer_table(result.store, replace(scope, as_of=since), since).iloc[:-1]
    now = finance.implementer_table(result.store, scope, scope.as_of).iloc[:-1]
    was = dict(zip(before["implementer_id"], before["status"], strict=True))
    moved = [
        html.Li(t("report.since.status", area=area, before=t(f"finance.status.{was[i]}"), now=t(f"finance.status.{status}")))
        for i, area, status in zip(now["implementer_id"], now["area"], now["status"], strict=True)
        if was.get(i) not in (None, status)
    ]
    meeting = next(((title, decisions) for day, title, decisions in plan_options(result).meetings if day == since), None)
    body = [html.H2(t("report.since.title", date=fmt.date(since, lang))), html.Ul(items)]
    body += [html.H3(t("report.since.statuses")), html.Ul(moved)] if moved else [html.P(t("report.since.no_status_change"))]
    if meeting:
        body += [html.H3(t("report.since.decisions", title=meeting[0])), html.P(meeting[1] or "–")]
    return body


OUTPUTS = {
    "title": ("report-title", "children"),
    "scope": ("report-scope", "children"),
    **{f"report-{kpi}": (f"report-{kpi}", "children") for _, kpi in KPIS},
    **{f"report-{kpi}-detail": (f"report-{kpi}-detail", "children") for _, kpi in KPIS},
    **{chart: (chart, "figure") for chart in CHARTS},
    **{name: table_output(name) for name in TABLES},
    "sources": ("report-sources", "children"),
    "protection": ("report-protection", "children"),
    "amendments-summary": ("report-amendments-summary", "children"),
    "amendments-style": ("report-amendments-body", "style"),
    "claims-summary": ("report-claims-summary", "children"),
    "claims-warnings": ("report-claims-warnings", "children"),
    "claims-style": ("report-claims-section", "style"),
    "since": ("report-since", "children"),
}


def register(app) -> None:
    @app.callback([Output(i, p) for i, p in OUTPUTS.values()], *FILTER_INPUTS, SINCE_INPUT)
    def update_report(implementer, region, municipalities, as_of, lang, since):
        shown = view(state.current(), with_since_value(from_inputs(implementer, region, municipalities, as_of, lang), since))
        return [shown[k] for k in OUTPUTS]
