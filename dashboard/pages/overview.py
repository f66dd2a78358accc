"""Overview (`/`): the state of the project in five figures and one chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dash import Input, Output, State, html, no_update

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.charts import clicked, graph
from dashboard.components.kpi import kpi_card, progress_bar
from dashboard.components.notices import derived_target_note, life_notice, nothing_yet, page_notes, target_figure
from dashboard.figures.overview import implementer_progress, implementer_progress_text
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.url_state import ViewFilters, from_inputs, parse_date
from dashboard.view import page_view, plan_options, project_at, scope_for, since_for
from queries.finance import scope_target
from queries.summary import (
    Scope,
    changes_since,
    finance_by_implementer,
    phase,
    project_period,
    summary,
    suppressed_change,
    time_elapsed,
)
from queries.withheld import Withheld

PATH = "/"
TITLE_KEY = "nav.overview"
# The language is State, not Input: a page callback that waited for the language (an output of the
# URL sync) would start only after that round trip. A language change re-renders the page anyway.
FILTER_INPUTS = [
    Input("filter-implementer", "value"),
    Input("filter-region", "value"),
    Input("filter-municipality", "value"),
    Input("filter-as-of", "date"),
    State("lang", "data"),
]
# Pages that show changes, or shade time charts, since a date also take the since control.
SINCE_INPUT = Input("filter-since", "value")


def with_since_value(filters: ViewFilters, since: object) -> ViewFilters:
    """The filters with the since control's value (a request can carry anything: only a date counts)."""
    return replace(filters, since=parse_date(since if isinstance(since, str) else None))


def layout(lang: str):
    cards = [
        kpi_card(translate("kpi.budget", lang), "kpi-budget"),
        kpi_card(translate("kpi.spent", lang), "kpi-spent", change=True),
        kpi_card(translate("kpi.burn", lang), "kpi-burn", change=True),
        kpi_card(translate("kpi.participants", lang), "kpi-participants", change=("kpi-participants-change", "kpi-women-change")),
        kpi_card(translate("kpi.person_days", lang), "kpi-person-days", change=True),
    ]
    return html.Div(
        [
            html.Div(
                [html.H1(translate("overview.title", lang)), html.P(id="overview-scope", className="scope-line")],
                className="page-heading",
            ),
            html.Div(id="overview-note"),
            html.Div(cards, className="kpi-grid"),
            html.Figure(
                [
                    graph("overview-implementers", "toteuttajat-kustannukset"),
                    html.Figcaption(id="overview-implementers-text", className="visually-hidden"),
                ],
                className="chart-figure",
            ),
        ],
        className="page page-overview",
    )


def whole_count(value: float, lang: str) -> str:
    """A participant target as a whole number of people (a derived one is rarely whole)."""
    return fmt.count(round(value), lang)


def _share(value: float | None, target: float | None) -> float | None:
    return None if value is None or not target else value / target


def scope_label(scope: Scope, result: LoadResult, lang: str) -> str:
    parts = [plan_options(result).area_of(scope.implementer) if scope.implementer else translate("scope.project", lang)]
    if scope.region:
        parts.append(translate("scope.region", lang, region=scope.region))
    if scope.municipalities:
        parts.append(translate("scope.municipalities", lang, names=", ".join(scope.municipalities)))
    return " · ".join(parts)


def finance_level_note(scope: Scope, lang: str):
    if not scope.narrowed_by_area:
        return None
    return html.P(translate("note.finance_level", lang), className="notice notice-info")


def view(result: LoadResult, filters: ViewFilters) -> dict:
    """Everything the overview shows for these filters, as the callback returns it."""
    lang = filters.lang
    scope = scope_for(result, filters)
    figures = summary(result.store, scope)
    as_of = dt.date.fromisoformat(figures["as_of"])
    project = project_at(result, as_of)
    start, end = project["start_date"], project["end_date"]

    spent, planned, budget = figures["spent_eur"], figures["planned_to_date_eur"], figures["budget_eur"]
    difference = spent - planned
    spent_details = [
        html.P(translate("kpi.spent.planned", lang, planned=fmt.eur(planned, lang))),
        html.P(
            translate(
                "kpi.spent.diff",
                lang,
                diff=fmt.signed_eur(difference, lang),
                share=fmt.percent(_share(difference, planned), 1, lang),
            ),
            className="kpi-ahead" if difference >= 0 else "kpi-behind",
        ),
    ]
    elapsed = time_elapsed(as_of, start, end)
    used = _share(spent, budget)
    burn_details = [
        progress_bar(used, translate("kpi.burn", lang)),
        html.P(translate("kpi.burn.time", lang, share=fmt.percent(elapsed, 1, lang))),
        progress_bar(elapsed, translate("kpi.burn.time", lang, share=fmt.percent(elapsed, 1, lang))),
        html.P(translate("kpi.burn.forecast", lang, forecast=fmt.eur(figures["forecast_at_completion_eur"], lang))),
    ]

    people = figures["participants"]
    people_goal = scope_target(result.store, scope, "participants", figures["participants_target"])
    women, women_target = figures["participants_women"], figures["participants_women_target"]
    if people_goal:
        people_target = people_goal.value
        people_details = [
            progress_bar(_share(people, people_target), translate("kpi.participants", lang)),
            html.P(
                translate(
                    "kpi.participants.target",
                    lang,
                    target=target_figure(people_goal, whole_count, lang),
                    share=fmt.percent(_share(people, people_target), 0, lang),
                )
            ),
            *derived_target_note(people_goal, whole_count, lang),
        ]
    else:
        people_details = [html.P(translate("kpi.no_target", lang))]
    people_details.append(
        html.P(
            translate(
                "kpi.participants.women",
                lang,
                women=fmt.count(women, lang, result.threshold),
                target=fmt.count(int(women_target), lang) if women_target else "–",
            )
        )
    )

    day_total = figures["person_days"]["total"]
    day_goal = scope_target(result.store, scope, "person_days", figures["person_days_target"]["total"])
    if day_goal:
        day_target = day_goal.value
        day_details = [
            progress_bar(_share(day_total, day_target), translate("kpi.person_days", lang)),
            html.P(
                translate(
                    "kpi.person_days.target",
                    lang,
                    target=target_figure(day_goal, fmt.days, lang),
                    share=fmt.percent(_share(day_total, day_target), 0, lang),
                )
            ),
            *derived_target_note(day_goal, fmt.days, lang),
        ]
    else:
        day_details = [html.P(translate("kpi.no_target", lang))]

    if not any(figures["spent_by_category_eur"].values()):
        spent_details.insert(0, nothing_yet(lang, "kpi.spent.none"))
    if not people:
        people_details.insert(0, nothing_yet(lang, "kpi.participants.none"))
    if not day_total:
        day_details.insert(0, nothing_yet(lang, "kpi.person_days.none"))

    changes = change_lines(result, filters, scope, as_of, lang)
    finance = finance_by_implementer(result.store, scope, as_of)
    note = page_notes(life_notice(phase(result.store, as_of), project, lang), finance_level_note(scope, lang))
    return {
        "scope": f"{scope_label(scope, result, lang)} · {translate('stamp.as_of', lang, date=fmt.date(as_of, lang))}",
        "note": note,
        "kpi-budget": fmt.eur(budget, lang),
        "kpi-budget-detail": [html.P(translate("kpi.budget.detail", lang, start=fmt.date(start, lang), end=fmt.date(end, lang)))],
        "kpi-spent": fmt.eur(spent, lang),
        "kpi-spent-detail": spent_details,
        "kpi-burn": fmt.percent(used, 1, lang),
        "kpi-burn-detail": burn_details,
        "kpi-participants": fmt.count(people, lang),
        "kpi-participants-detail": people_details,
        "kpi-person-days": fmt.days(day_total, lang),
        "kpi-person-days-detail": day_details,
        "figure": implementer_progress(finance, lang),
        "figure-text": implementer_progress_text(finance, lang),
        **changes,
    }


def change_lines(result: LoadResult, filters: ViewFilters, scope: Scope, as_of: dt.date, lang: str) -> dict:
    """Each KPI's change since the chosen date or the last meeting (contract v2 `since`), or
    nothing where there is neither."""
    since = since_for(result, filters, as_of)
    if since is None:
        return dict.fromkeys(CHANGE_KEYS, "")
    changes = changes_since(result.store, scope, since)
    when = fmt.date(since, lang)  # which meeting it is, the filter bar says
    line = lambda change: translate("kpi.change", lang, when=when, change=change)  # noqa: E731
    now = summary(result.store, scope)
    budget_points = changes["spent_eur"] / now["budget_eur"] if now["budget_eur"] else None
    women = women_change(result, scope, since, now)
    return {
        "kpi-spent-change": line(fmt.signed_eur(changes["spent_eur"], lang)),
        "kpi-burn-change": line(fmt.signed_points(budget_points, lang)),
        "kpi-participants-change": line(fmt.signed_count(changes["participants"], lang, result.threshold)),
        # Said as the women's, under the participants' own change line in the same card.
        "kpi-women-change": translate("kpi.change.women", lang, when=when, change=fmt.signed_count(women, lang)),
        "kpi-person-days-change": line(fmt.signed_days(changes["person_days"]["total"], lang)),
    }


def women_change(result: LoadResult, scope: Scope, since: dt.date, now: dict) -> int | Withheld:
    """The change in women since `since`, withheld where it is small or where either count is: a
    change beside a shown total would give a withheld one away."""
    start, _ = project_period(result.store)
    then = summary(result.store, replace(scope, as_of=since))["participants_women"] if since >= start else 0
    return suppressed_change(now["participants_women"], then, result.threshold)


CHANGE_KEYS = ("kpi-spent-change", "kpi-burn-change", "kpi-participants-change", "kpi-women-change", "kpi-person-days-change")


OUTPUT_KEYS = (
    "scope",
    "note",
    "kpi-budget",
    "kpi-budget-detail",
    "kpi-spent",
    "kpi-spent-detail",
    "kpi-burn",
    "kpi-burn-detail",
    "kpi-participants",
    "kpi-participants-detail",
    "kpi-person-days",
    "kpi-person-days-detail",
    "figure",
    "figure-text",
    *CHANGE_KEYS,
)


def register(app) -> None:
    @app.callback(
        Output("filter-implementer", "value", allow_duplicate=True),
        Input("overview-implementers", "clickData"),
        prevent_initial_call=True,
    )
    def filter_to_clicked_area(click_data):
        return clicked(click_data) or no_update

    @app.callback(
        Output("overview-scope", "children"),
        Output("overview-note", "children"),
        Output("kpi-budget", "children"),
        Output("kpi-budget-detail", "children"),
        Output("kpi-spent", "children"),
        Output("kpi-spent-detail", "children"),
        Output("kpi-burn", "children"),
        Output("kpi-burn-detail", "children"),
        Output("kpi-participants", "children"),
        Output("kpi-participants-detail", "children"),
        Output("kpi-person-days", "children"),
        Output("kpi-person-days-detail", "children"),
        Output("overview-implementers", "figure"),
        Output("overview-implementers-text", "children"),
        *(Output(key, "children") for key in CHANGE_KEYS),
        *FILTER_INPUTS,
        Input("filter-since", "value"),
    )
    def update_overview(implementer, region, municipalities, as_of, lang, since):
        filters = replace(
            from_inputs(implementer, region, municipalities, as_of, lang),
            since=parse_date(since if isinstance(since, str) else None),
        )
        shown = page_view(view, state.current(), filters)
        return tuple(shown[key] for key in OUTPUT_KEYS)
