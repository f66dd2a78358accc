"""Presentation mode (`/esitys`, or `?kiosk=1` on any page): for the steering group's shared screen.
No chrome, large type, one message a slide: overview, finance, participants, indicators, then one
slide per area. Arrow keys, a click or `?rotate=N` (seconds) move on; the URL's filters apply."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, replace

from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.notices import life_notice, target_figure
from dashboard.figures.chart import Chart
from dashboard.headlines import participants_sentence, spending_sentence
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.pages import finance as finance_page
from dashboard.pages import participants as participants_page
from dashboard.pages.overview import FILTER_INPUTS, change_lines, scope_label, whole_count
from dashboard.url_state import ViewFilters, from_inputs
from dashboard.view import page_view, plan_options, project_at, scope_for, since_for
from queries import areas as area_queries
from queries import finance
from queries.finance import Target
from queries.participants import participant_stats
from queries.summary import Scope, phase, summary, suppressed_change, time_elapsed
from queries.withheld import Withheld

PATH = "/esitys"
TITLE_KEY = "nav.presentation"
FIXED_SLIDES = ("overview", "finance", "areas", "participants", "indicators")
MIN_ROTATE_SECONDS, MAX_ROTATE_SECONDS = 5, 3600
# The indicators a steering group asks about: who came in, and what happened on leaving.


@dataclass(frozen=True)
class Figure:
    """One big number on a slide: what it is, the number, and a line of context."""

    label: str
    value: str
    detail: str = ""
    status: str | None = None  # finance status code: a symbol and a word, never colour alone


def layout(lang: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="slide-index", data=0),
            dcc.Interval(id="slide-timer", disabled=True, interval=30000),
            html.Div(id="slide", className="slide", n_clicks=0, role="region", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Button("◀", id="slide-prev", className="slide-button", title=t("slides.prev"), n_clicks=0),
                    html.Span(id="slide-counter", className="slide-counter"),
                    html.Button("▶", id="slide-next", className="slide-button", title=t("slides.next"), n_clicks=0),
                    html.Span(t("slides.help"), className="slide-help"),
                    html.Span(id="slide-stamp", className="slide-stamp"),
                ],
                className="slide-footer",
            ),
        ],
        className="page page-presentation",
    )


def slide_names(result: LoadResult, filters: ViewFilters) -> list[str]:
    """The fixed slides, then one per area in scope (in the plan's order)."""
    scope = scope_for(result, filters)
    areas = finance.implementer_table(result.store, scope, scope.as_of).iloc[:-1]["implementer_id"]
    return [*FIXED_SLIDES, *(f"area:{i}" for i in areas)]


def _against_target(value: float | None, target: Target | None, show, lang: str) -> str:
    if not target:
        return translate("kpi.no_target", lang)
    share = fmt.percent(value / target.value, 0, lang) if value is not None else "–"
    return translate("slides.of_target", lang, target=target_figure(target, show, lang), share=share)


def overview_slide(result: LoadResult, scope: Scope, lang: str, changes: dict | None = None) -> tuple[str, list[Figure]]:
    """`changes`: the KPIs' change lines since the last meeting (overview.change_lines), added under them."""
    t = lambda k, **p: translate(k, lang, **p)  # noqa: E731
    change = lambda key, text: " · ".join(part for part in (text, (changes or {}).get(key, "")) if part)  # noqa: E731
    s = summary(result.store, scope)
    project = project_at(result, scope.as_of)
    elapsed = time_elapsed(scope.as_of, project["start_date"], project["end_date"])
    status = finance.implementer_table(result.store, scope, scope.as_of).iloc[-1]["status"]
    budget_used = s["spent_eur"] / s["budget_eur"] if s["budget_eur"] else None
    days = s["person_days"]["total"]
    people_target = finance.scope_target(result.store, scope, "participants", s["participants_target"])
    days_target = finance.scope_target(result.store, scope, "person_days", s["person_days_target"]["total"])
    return t("slides.overview.title"), [
        Figure(
            t("kpi.burn"),
            fmt.percent(budget_used, 0, lang),
            change("kpi-burn-change", t("kpi.burn.time", share=fmt.percent(elapsed, 0, lang))),
            status,
        ),
        Figure(
            t("kpi.spent"),
            fmt.eur(s["spent_eur"], lang),
            change("kpi-spent-change", t("slides.of_budget", budget=fmt.eur(s["budget_eur"], lang))),
        ),
        Figure(
            t("kpi.participants"),
            fmt.count(s["participants"], lang),
            change("kpi-participants-change", _against_target(s["participants"], people_target, whole_count, lang)),
        ),
        Figure(
            t("kpi.person_days"),
            fmt.days(days, lang),
            change("kpi-person-days-change", _against_target(days, days_target, fmt.days, lang)),
        ),
    ]


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def area_slide(
    result: LoadResult, scope: Scope, implementer: str, lang: str, changes: dict | None = None
) -> tuple[str, list[Figure]]:
    """`changes`: the area's change lines since the last meeting (overview.change_lines for it)."""
    t = lambda k, **p: translate(k, lang, **p)  # noqa: E731
    change = (changes or {}).get
    own = replace(scope, implementer=implementer)
    stats = participant_stats(result.store, own, own.as_of)
    row = area_queries.area_progress(result.store, own, own.as_of, stats).iloc[0]
    elapsed = t("kpi.burn.time", share=fmt.percent(row["time_elapsed"], 0, lang))
    people = t("slides.people", count=fmt.count(row["participants"], lang, result.threshold))
    return t("slides.area.title", area=row["area"]), [
        Figure(
            t("areas.share.budget_used"),
            fmt.percent(row["budget_used"], 0, lang),
            _joined(elapsed, change("kpi-burn-change", "")),
            row["status"],
        ),
        Figure(
            t("areas.share.participants_share"),
            fmt.percent(row["participants_share"], 0, lang),
            _joined(people, change("kpi-participants-change", "")),
        ),
        Figure(
            t("areas.share.person_days_share"),
            fmt.percent(row["person_days_share"], 0, lang),
            _joined(elapsed, change("kpi-person-days-change", "")),
        ),
    ]


def indicator_slide(result: LoadResult, scope: Scope, lang: str, since: dt.date | None = None) -> tuple[str, list[Figure]]:
    stats = participant_stats(result.store, scope, scope.as_of)
    # The programme's headline indicators; one whose optional column was not collected is left out.
    headline = [code for code in stats.programme.headline if stats.is_collected(code)]
    values = {code: stats.view.value(stats.row_cell(code)) for code in headline}
    changes = indicator_changes(result, scope, since, values) if since else {}
    when = fmt.date(since, lang) if since else ""
    figures = [
        Figure(
            translate(f"indicator.{code}", lang),
            fmt.count(values[code], lang, result.threshold),
            _joined(
                code,
                *fmt.withheld_notes([values[code], changes.get(code)], lang),  # a mark says what it means
                translate("kpi.change", lang, when=when, change=fmt.signed_count(changes[code], lang)) if since else "",
            ),
        )
        for code in headline
    ]
    return translate("slides.indicators.title", lang), figures


def indicator_changes(result: LoadResult, scope: Scope, since: dt.date, now: dict) -> dict[str, int | Withheld]:
    """Each headline indicator's change since `since`, withheld where either count is withheld
    or the change itself is small: a change beside a shown count would give a withheld one away."""
    start = result.plan.project["start_date"]
    day = min(since, scope.as_of)
    then_stats = participant_stats(result.store, replace(scope, as_of=day), day) if day >= start else None
    threshold = result.threshold
    found = {}
    for code, value in now.items():
        before = then_stats.view.value(then_stats.row_cell(code)) if then_stats is not None else 0
        found[code] = suppressed_change(value, before, threshold)
    return found


def finance_changes(result: LoadResult, filters: ViewFilters, scope: Scope, lang: str) -> dict[str, str]:
    """The change since the last meeting of the forecast at completion and of the variance (the
    finance slide's two numbers): the state on that date against today's."""
    since = since_for(result, filters, scope.as_of)
    if since is None:
        return {}
    now = finance.implementer_table(result.store, scope, scope.as_of).iloc[-1]
    day = min(since, scope.as_of)
    then = finance.implementer_table(result.store, replace(scope, as_of=day), day).iloc[-1]
    when = fmt.date(since, lang)
    line = lambda value: translate("kpi.change", lang, when=when, change=fmt.signed_eur(value, lang))  # noqa: E731
    return {
        "forecast": line(now["forecast_eur"] - then["forecast_eur"]),
        "variance": line(now["variance_at_completion_eur"] - then["variance_at_completion_eur"]),
    }


def _first_line(detail: list) -> str:
    """The text of a page's first KPI detail line (a list holding one html.P)."""
    return str(detail[0].children) if detail and isinstance(detail[0].children, str) else ""


def _with_legend(detail: list) -> str:
    """The first detail line, and the line that says what a withheld count's mark means (the
    participants page puts it under a KPI shown as "<5" or "..")."""
    notes = [str(p.children) for p in detail[1:] if getattr(p, "className", None) == "kpi-note" and isinstance(p.children, str)]
    return " · ".join([_first_line(detail), *notes]).strip(" ·")


def for_screen(chart: Chart, height: int = 560) -> Chart:
    """A page's chart, larger for the back of the room (a copy: the page's own is cached)."""
    big = copy.deepcopy(chart)
    big.update_layout(height=height, font={"size": 22}, title={"font": {"size": 28}}, legend={"font": {"size": 22}})
    big.update_xaxes(tickfont={"size": 20})
    big.update_yaxes(tickfont={"size": 20})
    return big


def figure_tiles(figures: list[Figure], lang: str):
    tiles = []
    for figure in figures:
        detail = [html.P(figure.detail, className="slide-detail")] if figure.detail else []
        if figure.status:
            detail.insert(
                0,
                html.P(
                    translate(f"finance.status.{figure.status}", lang),
                    className=f"status status-{figure.status.replace('_', '-')} slide-status",
                ),
            )
        tiles.append(
            html.Section(
                [html.H2(figure.label, className="slide-label"), html.P(figure.value, className="slide-figure"), *detail],
                className="slide-tile",
            )
        )
    return html.Div(tiles, className=f"slide-tiles slide-tiles-{len(tiles)}")


FEW_AREAS = 5


def status_board(result: LoadResult, filters: ViewFilters, scope: Scope, lang: str):
    """Every area on one screen: its status (a symbol and a word), its spending against its plan to
    date, and the change since the last meeting."""
    t = lambda k, **p: translate(k, lang, **p)  # noqa: E731
    table = finance.implementer_table(result.store, scope, scope.as_of).iloc[:-1]
    since = since_for(result, filters, scope.as_of)
    before = (
        finance.implementer_table(result.store, replace(scope, as_of=since), since).iloc[:-1].set_index("implementer_id")
        if since
        else None
    )
    head = [t("slides.areas.area"), t("slides.areas.status"), t("slides.areas.share")]
    head += [t("slides.areas.change", date=fmt.date(since, lang))] if since else []
    rows = []
    for row in table.itertuples():
        share = row.spent_eur / row.planned_to_date_eur if row.planned_to_date_eur else None
        cells = [
            html.Th(row.area, scope="row"),
            html.Td(html.Span(t(f"finance.status.{row.status}"), className=f"status status-{row.status.replace('_', '-')}")),
            html.Td(fmt.percent(share, 0, lang), className="num"),
        ]
        if before is not None:
            cells.append(
                html.Td(fmt.signed_eur(row.spent_eur - before.at[row.implementer_id, "spent_eur"], lang), className="num")
            )
        rows.append(html.Tr(cells))
    # A project of a few areas gets bigger rows, so that the board still fills the room's screen.
    few = len(rows) <= FEW_AREAS
    return html.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
        className="slide-board board-few" if few else "slide-board",
        style={"--rows": len(rows)} if few else None,
    )


def slide(result: LoadResult, filters: ViewFilters, name: str) -> list:
    """The contents of one slide: a heading, big figures, and at most one chart."""
    lang = filters.lang
    scope = scope_for(result, filters)
    chart = None
    headline = None
    if name == "overview":
        title, figures = overview_slide(result, scope, lang, change_lines(result, filters, scope, scope.as_of, lang))
        headline = spending_sentence(result, scope, lang)
        chart = for_screen(page_view(finance_page.view, result, filters)["burn"], 300)
    elif name == "areas":
        title, figures = translate("slides.areas.title", lang), []
        headline = spending_sentence(result, scope, lang)
    elif name == "finance":
        shown = page_view(finance_page.view, result, filters)
        title = translate("slides.finance.title", lang)
        moved = finance_changes(result, filters, scope, lang)
        figures = [
            Figure(
                translate(f"finance.kpi.{k}", lang),
                shown[f"kpi-{k}"],
                _joined(_first_line(shown[f"kpi-{k}-detail"]), moved.get(k, "")),
            )
            for k in ("forecast", "variance", "needed")
        ]
        chart = for_screen(shown["burn"], 360)
        headline = spending_sentence(result, scope, lang)
    elif name == "participants":
        shown = page_view(participants_page.view, result, filters)
        title = translate("slides.participants.title", lang)
        changes = change_lines(result, filters, scope, scope.as_of, lang)
        moved = {"total": changes["kpi-participants-change"], "women": changes["kpi-women-change"]}
        figures = [
            Figure(translate(label, lang), shown[f"kpi-{k}"], _joined(_with_legend(shown[f"kpi-{k}-detail"]), moved.get(k, "")))
            for label, k in (
                ("kpi.participants", "total"),
                ("participants.kpi.women", "women"),
                ("participants.kpi.active", "active"),
                ("participants.kpi.left", "left"),
            )
        ]
        chart = for_screen(shown["cumulative"], 420)
        headline = participants_sentence(result, scope, lang)
    elif name == "indicators":
        title, figures = indicator_slide(result, scope, lang, since_for(result, filters, scope.as_of))
        headline = participants_sentence(result, scope, lang)
    else:
        implementer = name.removeprefix("area:")
        scope = replace(scope, implementer=implementer)
        title, figures = area_slide(result, scope, implementer, lang, change_lines(result, filters, scope, scope.as_of, lang))
        headline = spending_sentence(result, scope, lang)
        # The area's own cost curve against its plan and forecast, as on the finance page.
        chart = for_screen(page_view(finance_page.view, result, replace(filters, implementer=implementer))["burn"], 390)
    names = {i: name for i, _, name in plan_options(result).implementers}
    subtitle = names.get(scope.implementer, "") if name.startswith("area:") else scope_label(scope, result, lang)
    body = [
        html.H1(title, className="slide-title"),
        html.P(subtitle, className="slide-scope"),
        *([html.P(headline, className="slide-headline")] if headline else []),
        status_board(result, filters, scope, lang) if name == "areas" else figure_tiles(figures, lang),
    ]
    life = life_notice(phase(result.store, scope.as_of), project_at(result, scope.as_of), lang)
    if life is not None:
        body.insert(2, life)
    if chart is not None:
        body.append(dcc.Graph(figure=chart, config={"displayModeBar": False, "responsive": True}, className="slide-chart"))
    return body


def rotate_seconds(search: object) -> int | None:
    """?rotate=N: move on every N seconds (bounded; anything else means no rotation)."""
    from urllib.parse import parse_qs

    if not isinstance(search, str):
        return None
    values = parse_qs(search.lstrip("?")).get("rotate", [])
    # isascii: "²".isdigit() is true but int() refuses it; the length bound keeps int() cheap.
    if not values or not (values[0].isascii() and values[0].isdigit() and len(values[0]) <= 6):
        return None
    return max(MIN_ROTATE_SECONDS, min(int(values[0]), MAX_ROTATE_SECONDS))


def next_index(index: int, count: int, trigger: str | None) -> int:
    step = -1 if trigger == "slide-prev" else 1
    return (index + step) % count if count else 0


def register(app) -> None:
    @app.callback(
        Output("slide", "children"),
        Output("slide-counter", "children"),
        Output("slide-stamp", "children"),
        Input("slide-index", "data"),
        *FILTER_INPUTS,
    )
    def show_slide(index, implementer, region, municipalities, as_of, lang):
        result = state.current()
        filters = from_inputs(implementer, region, municipalities, as_of, lang)
        names = slide_names(result, filters)
        position = index % len(names) if isinstance(index, int) else 0
        scope = scope_for(result, filters)
        stamp = translate("stamp.as_of", filters.lang, date=fmt.date(scope.as_of, filters.lang))
        counter = translate("slides.counter", filters.lang, n=position + 1, total=len(names))
        return slide(result, filters, names[position]), counter, stamp

    @app.callback(
        Output("slide-index", "data"),
        Input("slide-next", "n_clicks"),
        Input("slide-prev", "n_clicks"),
        Input("slide", "n_clicks"),
        Input("slide-timer", "n_intervals"),
        State("slide-index", "data"),
        *(State(i.component_id, i.component_property) for i in FILTER_INPUTS[:-1]),
        prevent_initial_call=True,
    )
    def move(_next, _prev, _click, _tick, index, implementer, region, municipalities, as_of):
        filters = from_inputs(implementer, region, municipalities, as_of, None)
        count = len(slide_names(state.current(), filters))
        return next_index(index if isinstance(index, int) else 0, count, ctx.triggered_id)

    @app.callback(Output("slide-timer", "interval"), Output("slide-timer", "disabled"), Input("url", "search"))
    def set_rotation(search):
        seconds = rotate_seconds(search)
        return (seconds * 1000, False) if seconds else (no_update, True)
