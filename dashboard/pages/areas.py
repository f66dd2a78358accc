"""Areas (`/alueet`): areas ranked by share of plan reached against time elapsed, a tile grid of
regions, each area's progress, and a drill-down from an area to its municipalities. Clicking an
area or a region filters the whole app to it."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, html, no_update

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.charts import clicked, graph
from dashboard.components.notices import life_notice, meeting_list, page_notes, split_reconciliation
from dashboard.components.table import TableColumn, data_table, download_button, message, table_host, table_output
from dashboard.exports import export
from dashboard.figures.areas import progress_multiples, ranking_chart, region_tiles
from dashboard.frames import records
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.pages.overview import FILTER_INPUTS, SINCE_INPUT, scope_label, with_since_value
from dashboard.url_state import ViewFilters, from_inputs
from dashboard.view import page_view, plan_options, project_at, scope_for, since_for
from queries import areas
from queries.participants import GRAND, participant_stats
from queries.programmes import Programme
from queries.summary import person_days_figures, phase

PATH = "/alueet"
TITLE_KEY = "nav.areas"


def layout(lang: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    return html.Div(
        [
            html.Div([html.H1(t("areas.title")), html.P(id="areas-scope", className="scope-line")], className="page-heading"),
            html.P(t("areas.help"), className="page-help"),
            html.Div(id="areas-note"),
            html.Div(
                [
                    html.Figure(
                        [
                            graph("areas-ranking", "alueet-jarjestys"),
                            html.Figcaption(id="areas-ranking-text", className="visually-hidden"),
                        ],
                        className="chart-figure",
                    ),
                    html.Figure(graph("areas-tiles", "maakunnat", toolbar=False), className="chart-figure"),
                ],
                className="two-columns",
            ),
            html.Section(
                [
                    html.H2(id="areas-drilldown-title"),
                    table_host("areas-drilldown"),
                    download_button("areas-municipalities", lang),
                ],
                className="table-section",
            ),
            html.Figure(
                [graph("areas-multiples", "alueet-eteneminen"), html.Div(id="areas-meetings")],
                className="chart-figure panels-figure",
            ),
        ],
        className="page page-areas",
    )


def municipality_table(rows: list[dict], total: int, days_without_town: float, programme_of: Programme, lang: str):
    """`total`: the scope's participants (once each); `days_without_town`: person-days recorded
    with no municipality, which no row holds."""
    t = lambda k: translate(k, lang)  # noqa: E731
    # The rows' hidden counts are Withheld marks, each carrying the plan's threshold.
    count = lambda v: fmt.count(v, lang)  # noqa: E731
    columns = [
        TableColumn("municipality", t("participants.split.muni")),
        TableColumn("participants", t("kpi.participants"), count, True),
        *(TableColumn(f"gender_{g}", t(programme_of.gender_key(g)), count, True) for g in programme_of.genders),
        TableColumn("person_days", t("kpi.person_days"), lambda v: fmt.days(v, lang), True),
    ]
    counts = [r[k] for r in rows for k in ("participants", *(f"gender_{g}" for g in programme_of.genders))]
    notes = fmt.withheld_notes(counts, lang) + fmt.split_notes([r["participants"] for r in rows], total, lang, "muni")
    unassigned = days_without_town
    if unassigned:
        notes.append(translate("split.unassigned_days", lang, days=fmt.days(unassigned, lang)))
    return data_table(rows, columns, t("participants.split.caption"), notes=notes)


def _context(result: LoadResult, filters: ViewFilters):
    scope = scope_for(result, filters)
    return scope, participant_stats(result.store, scope, scope.as_of)


def scope_view(result: LoadResult, filters: ViewFilters) -> dict:
    """What follows the filters: the scope line and the drill-down to municipalities."""
    lang = filters.lang
    scope, stats = _context(result, filters)
    if scope.implementer or scope.region or scope.municipalities:
        title = translate("areas.drilldown.title", lang, scope=scope_label(scope, result, lang))
        rows = areas.municipality_rows(result.store, scope, scope.as_of, stats)
        days = person_days_figures(result.store, scope, scope.as_of)[0]["total"]
        without_town = round(max(0.0, days - sum(r["person_days"] for r in rows)), 2)
        drilldown = municipality_table(rows, stats.view.value(GRAND), without_town, stats.programme, lang)
    else:
        title, drilldown = translate("areas.drilldown.pick", lang), message(translate("areas.drilldown.help", lang))
    return {
        "scope": f"{scope_label(scope, result, lang)} · {translate('stamp.as_of', lang, date=fmt.date(scope.as_of, lang))}",
        "note": page_notes(life_notice(phase(result.store, scope.as_of), project_at(result, scope.as_of), lang)),
        "drilldown-title": title,
        "drilldown": drilldown,
    }


def all_areas_view(result: LoadResult, filters: ViewFilters) -> dict:
    """Every area whatever is chosen, so that one can be compared with the others and clicked; only
    the as-of date, the language and the highlighted region change these."""
    charts = page_view(_all_areas_charts, result, ViewFilters(as_of=filters.as_of, lang=filters.lang, since=filters.since))
    _, all_stats = _everything(result, filters)
    region = filters.region if filters.region in plan_options(result).regions else None
    counts = areas.region_counts(all_stats)
    notes = split_reconciliation(all_stats, "region", filters.lang)
    return charts | {"tiles": region_tiles(counts, region, filters.lang, notes)}


def _everything(result: LoadResult, filters: ViewFilters):
    """The whole project at the filters' as-of date, and its protected participant counts."""
    everything = scope_for(result, ViewFilters(as_of=filters.as_of))
    return everything, participant_stats(result.store, everything, everything.as_of)


def _all_areas_charts(result: LoadResult, filters: ViewFilters) -> dict:
    """The charts of every area at an as-of date: drawn once, whichever region is highlighted (a
    national programme has 300 areas to rank and draw)."""
    lang = filters.lang
    everything, all_stats = _everything(result, filters)
    progress = areas.area_progress(result.store, everything, everything.as_of, all_stats)
    names = plan_options(result).areas
    project = project_at(result, everything.as_of)
    lines = " ".join(
        translate(
            "areas.ranking.line",
            lang,
            area=row["area"],
            budget=fmt.percent(row["budget_used"], 0, lang),
            people=fmt.percent(row["participants_share"], 0, lang),
            days=fmt.percent(row["person_days_share"], 0, lang),
        )
        for row in records(progress)
    )
    return {
        "ranking": ranking_chart(progress, lang),
        "ranking-text": lines,
        "multiples": progress_multiples(
            areas.progress_over_time(result.store, everything, everything.as_of),
            {i: names[i] for i in progress["implementer_id"]},
            project["start_date"],
            project["end_date"],
            lang,
            since=since_for(result, filters, everything.as_of),
            meetings=plan_options(result).meetings,
            as_of=everything.as_of,
        ),
        "meetings": meeting_list(plan_options(result).meetings, everything.as_of, lang),  # the panels' dotted lines
    }


def view(result: LoadResult, filters: ViewFilters) -> dict:
    return scope_view(result, filters) | all_areas_view(result, filters)


# What follows the chosen area, and what shows every area whatever is chosen: kept apart so that
# choosing an area redraws only the drill-down, not the three charts of all areas.
OUTPUTS = {
    "scope": ("areas-scope", "children"),
    "note": ("areas-note", "children"),
    "drilldown-title": ("areas-drilldown-title", "children"),
    "drilldown": table_output("areas-drilldown"),
}
ALL_AREAS_OUTPUTS = {
    "ranking": ("areas-ranking", "figure"),
    "ranking-text": ("areas-ranking-text", "children"),
    "tiles": ("areas-tiles", "figure"),
    "multiples": ("areas-multiples", "figure"),
    "meetings": ("areas-meetings", "children"),
}


def register(app) -> None:
    @app.callback([Output(i, p) for i, p in OUTPUTS.values()], *FILTER_INPUTS)
    def update_areas(implementer, region, municipalities, as_of, lang):
        shown = page_view(scope_view, state.current(), from_inputs(implementer, region, municipalities, as_of, lang))
        return [shown[k] for k in OUTPUTS]

    @app.callback(
        [Output(i, p) for i, p in ALL_AREAS_OUTPUTS.values()],
        Input("filter-region", "value"),
        Input("filter-as-of", "date"),
        SINCE_INPUT,
        State("lang", "data"),
    )
    def update_all_areas(region, as_of, since, lang):
        filters = with_since_value(from_inputs(None, region, [], as_of, lang), since)
        shown = page_view(all_areas_view, state.current(), filters)
        return [shown[k] for k in ALL_AREAS_OUTPUTS]

    @app.callback(
        Output("filter-implementer", "value", allow_duplicate=True),
        Input("areas-ranking", "clickData"),
        prevent_initial_call=True,
    )
    def filter_to_clicked_area(click_data):
        return clicked(click_data) or no_update

    @app.callback(
        Output("filter-region", "value", allow_duplicate=True), Input("areas-tiles", "clickData"), prevent_initial_call=True
    )
    def filter_to_clicked_region(click_data):
        region = clicked(click_data)
        return region if region in plan_options(state.current()).regions else no_update


@export("areas-municipalities")
def export_municipalities(result: LoadResult, filters: ViewFilters):
    scope, stats = _context(result, filters)
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    rows = areas.municipality_rows(result.store, scope, scope.as_of, stats)
    frame = pd.DataFrame(
        {
            t("participants.split.muni"): [r["municipality"] for r in rows],
            t("kpi.participants"): [r["participants"] for r in rows],
            **{t(stats.programme.gender_key(g)): [r[f"gender_{g}"] for r in rows] for g in stats.programme.genders},
            t("kpi.person_days"): [r["person_days"] for r in rows],
        }
    )
    return frame, f"kunnat-{scope.as_of.isoformat()}"
