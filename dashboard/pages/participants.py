"""Participants (`/osallistujat`): the 12.2 and 12.3 monitoring tables, the EU common indicators and
the splits by implementer and municipality, all under small-cell protection."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.charts import graph, outputs_hiding_comparisons, outputs_with_comparisons
from dashboard.components.kpi import kpi_card
from dashboard.components.notices import (
    derived_target_note,
    derived_target_text,
    life_notice,
    meeting_list,
    page_notes,
    protection_note,
    split_reconciliation,
    target_figure,
)
from dashboard.components.table import Cell, cell, download_button, part, row, table, table_host, table_output
from dashboard.exports import export
from dashboard.figures.participants import cumulative_chart, implementer_multiples, person_days_by_implementer, person_days_chart
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from dashboard.pages.overview import FILTER_INPUTS, SINCE_INPUT, scope_label, whole_count, with_since_value
from dashboard.url_state import ViewFilters, from_inputs
from dashboard.view import page_view, plan_options, project_at, scope_for, since_for
from queries import finance
from queries.participants import (
    GRAND,
    STATUSES,
    ParticipantStats,
    cell_of,
    key,
    monthly_participants,
    participant_stats,
    scope_monthly,
)
from queries.person_days import person_days_by_implementer_and_type, person_days_by_type_and_month
from queries.plan_versions import version_at
from queries.summary import DAY_TYPES, Scope, budgets_by_implementer, person_days_figures, phase
from queries.withheld import is_withheld

PATH = "/osallistujat"
TITLE_KEY = "nav.participants"


def layout(lang: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    section = lambda title, body, table=None: html.Section(  # noqa: E731
        [html.H2(t(title)), *body, download_button(table, lang) if table else None], className="table-section"
    )
    return html.Div(
        [
            html.Div(
                [html.H1(t("participants.title")), html.P(id="participants-scope", className="scope-line")],
                className="page-heading",
            ),
            html.Div(id="participants-note"),
            html.Div(
                [
                    kpi_card(t("kpi.participants"), "participants-kpi-total"),
                    kpi_card(t("participants.kpi.women"), "participants-kpi-women"),
                    kpi_card(t("participants.kpi.active"), "participants-kpi-active"),
                    kpi_card(t("participants.kpi.left"), "participants-kpi-left"),
                ],
                className="kpi-grid",
            ),
            section(
                "participants.matrix.title",
                [html.P(t("participants.matrix.help")), table_host("participants-matrix")],
                "participants-matrix",
            ),
            html.Div(
                [
                    html.Figure(
                        [graph("participants-cumulative", "osallistujat-kertyma"), html.Div(id="participants-meetings")],
                        className="chart-figure",
                    ),
                    html.Figure(
                        graph("participants-multiples", "osallistujat-toteuttajittain"),
                        id="participants-multiples-figure",
                        className="chart-figure panels-figure",
                    ),
                ]
            ),
            section("person_days.title", [table_host("person-days-table")], "person-days"),
            html.Div(
                [
                    html.Figure(graph("person-days-chart", "henkilopaivat"), className="chart-figure"),
                    html.Figure(
                        graph("person-days-implementers", "henkilopaivat-toteuttajittain"),
                        id="person-days-implementers-figure",
                        className="chart-figure",
                    ),
                ],
                className="two-columns even",
            ),
            section(
                "indicators.title",
                [html.P(t("indicators.help")), table_host("participants-indicators")],
                "participants-indicators",
            ),
            section(
                "participants.by_implementer.title", [table_host("participants-by-implementer")], "participants-by-implementer"
            ),
            section(
                "participants.by_municipality.title",
                [table_host("participants-by-municipality", "scroll-box", t("participants.by_municipality.title"))],
                "participants-by-municipality",
            ),
            html.Div(id="participants-protection"),
        ],
        className="page page-participants",
    )


def shown(stats: ParticipantStats, cell, lang: str) -> str:
    return fmt.count(stats.view.value(cell), lang, stats.threshold)


def _share_class(share: float | None) -> str:
    if share is None:
        return ""
    return "share-high" if share >= 0.9 else "share-mid" if share >= 0.5 else "share-low"


def matrix_cell(stats: ParticipantStats, at, lang: str) -> Cell:
    """Actual against target; the share only where the count itself is shown (share × target = count)."""
    value, target = stats.view.value(at), stats.target(at)
    share = value / target if not is_withheld(value) and target else None
    parts = [part(fmt.count(value, lang, stats.threshold), "strong")]
    if target is not None:
        parts.append(part(f" / {fmt.count(int(target), lang)}", class_name="target"))
    if share is not None:
        parts.append(part(fmt.percent(share, 0, lang), class_name="share"))
    return cell(parts, f"num matrix-cell {_share_class(share)}".strip())


def matrix_table(stats: ParticipantStats, lang: str) -> dict:
    t = lambda k: translate(k, lang)  # noqa: E731
    head = (
        [cell(t("participants.matrix.age"))]
        + [cell(t(f"status.{s}"), "num") for s in STATUSES]
        + [cell(t("finance.total_row"), "num")]
    )
    rows = [
        row(
            [cell(t(f"age.{a}"), header=True)]
            + [matrix_cell(stats, key(status=s, age=a), lang) for s in STATUSES]
            + [matrix_cell(stats, key(age=a), lang)]
        )
        for a in stats.programme.age_codes
    ]
    rows.append(
        row(
            [cell(t("finance.total_row"), header=True)]
            + [matrix_cell(stats, key(status=s), lang) for s in STATUSES]
            + [matrix_cell(stats, GRAND, lang)],
            "total-row",
        )
    )
    rows.append(
        row(
            [cell(t("participants.matrix.women"), header=True)]
            + [matrix_cell(stats, key(status=s, gender="F"), lang) for s in STATUSES]
            + [matrix_cell(stats, key(gender="F"), lang)],
            "women-row",
        )
    )
    ages = stats.programme.age_codes
    cells = [key(status=s, age=a) for s in STATUSES for a in ages] + [key(age=a) for a in ages]
    cells += [key(status=s) for s in STATUSES] + [key(status=s, gender="F") for s in STATUSES] + [GRAND, key(gender="F")]
    notes = fmt.withheld_notes([stats.view.value(c) for c in cells], lang)
    return table(
        _with_form(stats.programme.form("participants", lang), t("participants.matrix.caption")), head, rows, "matrix", notes
    )


def _with_form(form: str | None, caption: str) -> str:
    """A table's caption, after where the programme's application form asks for its targets."""
    return f"{form}: {caption[:1].lower()}{caption[1:]}" if form else caption


def indicator_rows(stats: ParticipantStats, lang: str) -> list[dict]:
    """The programme's indicator table as shown: per row its code (none for the rows that keep
    unknown values visible), definition, count per gender column and in all, and the target set
    for the code. A row whose optional column no one was asked about is not collected: no counts."""
    rows = []
    for defined in stats.programme.rows:
        at, collected = cell_of(defined.rule), stats.is_collected(defined.code)
        counts = {g: stats.view.value(at | key(gender=g)) for g in stats.programme.genders} | {"total": stats.view.value(at)}
        rows.append(
            {
                "code": defined.code if defined.indicator else "",
                "name": translate(f"indicator.{defined.code}", lang),
                "collected": collected,
                **(counts if collected else dict.fromkeys(counts)),
                "target": stats.code_targets.get(defined.code),
            }
        )
    return rows


def _code_progress(values: dict) -> float | None:
    total, target = values["total"], values["target"]
    return total / target if target and values["collected"] and not is_withheld(total) and total is not None else None


def indicators_table(stats: ParticipantStats, lang: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    genders = stats.programme.genders
    targeted = bool(stats.code_targets)
    head = (
        [cell(t("indicators.code")), cell(t("indicators.definition"))]
        + [cell(t(stats.programme.gender_key(g)), "num") for g in genders]
        + [cell(t("finance.total_row"), "num")]
        + ([cell(t("person_days.target"), "num"), cell(t("person_days.share"), "num")] if targeted else [])
    )
    body, counts = [], []
    not_collected = t("indicators.not_collected")
    for values in indicator_rows(stats, lang):
        cells = [cell([part(values["code"], "strong")]), cell(values["name"])]
        if values["collected"]:
            cells += [cell(fmt.count(values[g], lang, stats.threshold), "num") for g in (*genders, "total")]
            counts += [values[g] for g in (*genders, "total")]
        else:
            cells += [cell(not_collected, "num not-collected") for _ in (*genders, "total")]
        if targeted:
            target, share = values["target"], _code_progress(values)
            cells.append(cell("" if target is None else fmt.count(int(target), lang), "num"))
            # the symbol beside the colour, as in the 12.2 table (.share::before)
            shown_share = [] if share is None else [part(fmt.percent(share, 0, lang), class_name="share")]
            cells.append(cell(shown_share, f"num {_share_class(share)}".strip()))
        body.append(row(cells, None if values["code"] else "aux-row"))
    caption = f"{stats.programme.title.get(lang, stats.programme.title['fi'])}: {t('indicators.caption').lower()}"
    return table(caption, head, body, notes=fmt.withheld_notes(counts, lang))


def split_rows(
    stats: ParticipantStats, dimension: str, values: list[str], names: dict[str, str]
) -> list[tuple[str | None, list[int | None], int | None]]:
    """A split table as protected: each value's name, its count in each of SPLITS and its total,
    then the scope's total row (name None). Read column-wise: a national table has ten thousand cells."""
    listed, columns = stats.view.split_columns(dimension)
    position = {value: n for n, value in enumerate(listed)}
    order = [position[v] for v in values]
    totals, *picked = ([column[n] for n in order] for column in columns)  # column by column
    rows = [(names.get(v, v), counts, total) for v, total, *counts in zip(values, totals, *picked, strict=True)]
    rows.append((None, [stats.view.value(key(**{d: v})) for d, v in stats.splits], stats.view.value(GRAND)))
    return rows


# A national programme has 1 200 municipalities and 300 implementers: the page shows those with the
# most participants, the download all (no one reads a thousand rows on a shared screen).
MAX_SPLIT_ROWS = 100


def largest(stats: ParticipantStats, dimension: str, values: list[str], most: int) -> list[str]:
    """The `most` values with the most participants, largest first, as shown: a hidden count (1-4)
    ranks below every shown one and hidden ones by name, so the order gives nothing away."""
    listed, (totals, *_) = stats.view.split_columns(dimension)
    total_of = dict(zip(listed, totals, strict=True))
    return sorted(values, key=lambda v: (-(total_of.get(v) or 0), v))[:most]


def split_labels(stats: ParticipantStats, lang: str) -> list[str]:
    """The split tables' column names: the programme's gender columns, then its age groups."""
    return [translate(stats.programme.gender_key(v) if d == "gender" else f"age.{v}", lang) for d, v in stats.splits]


def split_table(stats: ParticipantStats, dimension: str, values: list[str], names: dict[str, str], lang: str, caption: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    if len(values) > MAX_SPLIT_ROWS:
        count = len(values)
        values = largest(stats, dimension, values, MAX_SPLIT_ROWS)
        caption = f"{caption}. " + translate(
            "participants.split.largest", lang, shown=fmt.count(len(values), lang), count=fmt.count(count, lang)
        )
    labels = split_labels(stats, lang)
    head = (
        [cell(t(f"participants.split.{dimension}"))]
        + [cell(label, "num") for label in labels]
        + [cell(t("finance.total_row"), "num")]
    )
    # Each count is formatted once however often it recurs, and the cells (plain: the column head
    # gives them their class) are made straight from the counts.
    formatted = _Formatted(lang, stats.threshold)
    number = formatted.__getitem__
    body = [
        row(
            [cell(t("finance.total_row") if name is None else name, header=True), *map(number, counts), number(total)],
            "total-row" if name is None else None,
        )
        for name, counts, total in split_rows(stats, dimension, values, names)
    ]
    # The distinct values shown are the formatted ones' keys: the marks among them need the legend.
    notes = fmt.withheld_notes(formatted.keys(), lang) + split_reconciliation(stats, dimension, lang)
    return table(caption, head, body, notes=notes)


class _Formatted(dict):
    """Counts as shown, each formatted on first sight (a lookup after that, with no Python call)."""

    def __init__(self, lang: str, threshold: int):
        super().__init__()
        self.lang, self.threshold = lang, threshold

    def __missing__(self, count: int | None) -> str:
        text = self[count] = fmt.count(count, self.lang, self.threshold)
        return text


def person_days_rows(result: LoadResult, scope: Scope) -> list[dict]:
    """Each day type and the total, against its target (the total's derived where the plan sets
    none for the implementer, as on every page; "derived" says so)."""
    days, targets = person_days_figures(result.store, scope, scope.as_of)
    rows = []
    for day_type in (*DAY_TYPES, "total"):
        actual, target, derived = days[day_type], targets[day_type], None
        if day_type == "total" and target is None:
            derived = finance.scope_target(result.store, scope, "person_days", None)
            target = derived.value if derived else None
        share = actual / target if target else None
        rows.append({"day_type": day_type, "actual": actual, "target": target, "share": share, "derived": derived})
    return rows


def person_days_table(rows: list[dict], lang: str, form: str | None = None):
    t = lambda k: translate(k, lang)  # noqa: E731
    head = [cell(t("person_days.type"))] + [
        cell(t(k), "num") for k in ("person_days.actual", "person_days.target", "person_days.share")
    ]
    body = [
        row(
            [
                cell(t(f"day_type.{r['day_type']}") if r["day_type"] != "total" else t("finance.total_row"), header=True),
                cell(fmt.days(r["actual"], lang), "num"),
                cell(target_figure(r["derived"], fmt.days, lang) if r["derived"] else fmt.days(r["target"], lang), "num"),
                cell(fmt.percent(r["share"], 0, lang), f"num {_share_class(r['share'])}".strip()),
            ],
            "total-row" if r["day_type"] == "total" else None,
        )
        for r in rows
    ]
    rules = [derived_target_text(r["derived"], fmt.days, lang) for r in rows if r["derived"]]
    return table(_with_form(form, t("person_days.caption")), head, body, notes=rules)


def _legend(value, stats: ParticipantStats, lang: str) -> list:
    """Under a KPI whose count is withheld: what its mark means."""
    return [html.P(note, className="kpi-note") for note in fmt.withheld_notes([value], lang)]


def _stats(result: LoadResult, filters: ViewFilters) -> tuple[Scope, ParticipantStats]:
    scope = scope_for(result, filters)
    return scope, participant_stats(result.store, scope, scope.as_of)


def view(result: LoadResult, filters: ViewFilters) -> dict:
    lang = filters.lang
    scope, stats = _stats(result, filters)
    as_of = scope.as_of
    project = project_at(result, as_of)
    options = plan_options(result)
    present = set(stats.implementers)
    areas = {i: area for i, area in options.areas.items() if i in present or not scope.narrowed_by_area}
    # Only the budgets are needed (targets follow them), not the finance page's forecasts.
    budgets = budgets_by_implementer(result.store, scope, as_of)
    targets = finance.implementer_targets(result.store, budgets, version_at(result.store, as_of))
    total = stats.view.value(GRAND)
    goal = finance.scope_target(result.store, scope, "participants", stats.target(GRAND))
    target = goal.value if goal else None
    women, women_target = stats.view.value(key(gender="F")), stats.target(key(gender="F"))
    left, active = stats.view.value(key(ind="LEFT")), stats.view.value(key(ind="ACTIVE"))
    results = sum(v or 0 for v in (stats.view.value(stats.row_cell(c)) for c in stats.programme.results))
    day_rows = person_days_rows(result, scope)
    area_note = html.P(translate("participants.note.area", lang), className="notice notice-info")
    life = life_notice(phase(result.store, as_of), result.plan.project, lang)
    note = page_notes(life, area_note if scope.narrowed_by_area else None)
    return {
        "scope": f"{scope_label(scope, result, lang)} · {translate('stamp.as_of', lang, date=fmt.date(as_of, lang))}",
        "note": note,
        "kpi-total": fmt.count(total, lang),
        "kpi-total-detail": [
            html.P(
                translate(
                    "kpi.participants.target",
                    lang,
                    target=target_figure(goal, whole_count, lang),
                    share=fmt.percent(total / target, 0, lang),
                )
                if target
                else translate("kpi.no_target", lang)
            ),
            *derived_target_note(goal, whole_count, lang),
        ],
        "kpi-women": fmt.count(women, lang, stats.threshold),
        "kpi-women-detail": [
            html.P(
                translate("participants.kpi.women.target", lang, target=fmt.count(int(women_target), lang))
                if women_target
                else translate("kpi.no_target", lang)
            ),
            *_legend(women, stats, lang),
        ],
        "kpi-active": fmt.count(active, lang, stats.threshold),
        "kpi-active-detail": [
            html.P(translate("participants.kpi.active.detail", lang, date=fmt.date(as_of, lang))),
            *_legend(active, stats, lang),
        ],
        "kpi-left": fmt.count(left, lang, stats.threshold),
        "kpi-left-detail": [
            html.P(translate("participants.kpi.left.detail", lang, results=fmt.count(results, lang))),
            *_legend(left, stats, lang),
        ],
        "matrix": matrix_table(stats, lang),
        "cumulative": cumulative_chart(
            scope_monthly(result.store, scope, as_of),
            target,
            project["start_date"],
            project["end_date"],
            lang,
            derived=bool(goal and goal.derived),
            since=since_for(result, filters, as_of),
            as_of=as_of,
            meetings=plan_options(result).meetings,
        ),
        "one-implementer": len(present) <= 1,
        "multiples": implementer_multiples(
            monthly_participants(result.store, scope, as_of),
            areas,
            {i: (targets.get(i) or {}).get("participants") for i in areas},
            project["start_date"],
            project["end_date"],
            lang,
            since=since_for(result, filters, as_of),
            meetings=plan_options(result).meetings,
            as_of=as_of,
        ),
        "days-table": person_days_table(day_rows, lang, stats.programme.form("person_days", lang)),
        "days-chart": person_days_chart(
            person_days_by_type_and_month(result.store, scope, as_of),
            {r["day_type"]: r["target"] for r in day_rows},
            lang,
            since=since_for(result, filters, as_of),
            as_of=as_of,
            meetings=plan_options(result).meetings,
        ),
        "meetings": meeting_list(plan_options(result).meetings, as_of, lang),
        "days-implementers": person_days_by_implementer(
            person_days_by_implementer_and_type(result.store, scope, as_of), areas, lang
        ),
        "indicators": indicators_table(stats, lang),
        "by-implementer": split_table(
            stats, "impl", stats.implementers, areas, lang, translate("participants.split.caption", lang)
        ),
        "by-municipality": split_table(
            stats, "muni", stats.municipalities, {}, lang, translate("participants.split.caption", lang)
        ),
        "protection": protection_note(stats.threshold, lang),
    }


OUTPUTS = {
    "scope": ("participants-scope", "children"),
    "note": ("participants-note", "children"),
    "kpi-total": ("participants-kpi-total", "children"),
    "kpi-total-detail": ("participants-kpi-total-detail", "children"),
    "kpi-women": ("participants-kpi-women", "children"),
    "kpi-women-detail": ("participants-kpi-women-detail", "children"),
    "kpi-active": ("participants-kpi-active", "children"),
    "kpi-active-detail": ("participants-kpi-active-detail", "children"),
    "kpi-left": ("participants-kpi-left", "children"),
    "kpi-left-detail": ("participants-kpi-left-detail", "children"),
    "matrix": table_output("participants-matrix"),
    "cumulative": ("participants-cumulative", "figure"),
    "multiples": ("participants-multiples", "figure"),
    "days-table": table_output("person-days-table"),
    "days-chart": ("person-days-chart", "figure"),
    "days-implementers": ("person-days-implementers", "figure"),
    "indicators": table_output("participants-indicators"),
    "by-implementer": table_output("participants-by-implementer"),
    "by-municipality": table_output("participants-by-municipality"),
    "protection": ("participants-protection", "children"),
    "meetings": ("participants-meetings", "children"),
}


# Charts that compare implementers, hidden when one implementer is in scope.
COMPARING = {"multiples": "participants-multiples-figure", "days-implementers": "person-days-implementers-figure"}


def register(app) -> None:
    @app.callback(outputs_with_comparisons(OUTPUTS, COMPARING), *FILTER_INPUTS, SINCE_INPUT)
    def update_participants(implementer, region, municipalities, as_of, lang, since):
        filters = with_since_value(from_inputs(implementer, region, municipalities, as_of, lang), since)
        return outputs_hiding_comparisons(page_view(view, state.current(), filters), OUTPUTS, COMPARING)


def _stem(name: str, as_of: dt.date) -> str:
    return f"{name}-{as_of.isoformat()}"


@export("participants-matrix")
def export_matrix(result: LoadResult, filters: ViewFilters):
    scope, stats = _stats(result, filters)
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    columns = [t("participants.matrix.age")] + [t(f"status.{s}") for s in STATUSES] + [t("finance.total_row")]
    rows = []
    ages = stats.programme.age_codes
    for label, cells in [(t(f"age.{a}"), [key(status=s, age=a) for s in STATUSES] + [key(age=a)]) for a in ages] + [
        (t("finance.total_row"), [key(status=s) for s in STATUSES] + [GRAND]),
        (t("participants.matrix.women"), [key(status=s, gender="F") for s in STATUSES] + [key(gender="F")]),
    ]:
        rows.append([label] + [stats.view.value(c) for c in cells])
        if not stats.targets.empty:
            rows.append([f"{label} – {t('person_days.target').lower()}"] + [stats.target(c) for c in cells])
    return pd.DataFrame(rows, columns=columns), _stem("osallistujat-12-2", scope.as_of)


@export("participants-indicators")
def export_indicators(result: LoadResult, filters: ViewFilters):
    scope, stats = _stats(result, filters)
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    genders = stats.programme.genders
    named = (t(stats.programme.gender_key(g)) for g in genders)
    columns = [t("indicators.code"), t("indicators.definition"), *named, t("finance.total_row")]
    rows = []
    for r in indicator_rows(stats, filters.lang):
        name = r["name"] if r["collected"] else f"{r['name']} ({t('indicators.not_collected').lower()})"
        rows.append([r["code"], name, *(r[g] for g in (*genders, "total"))])
        if stats.code_targets:
            share = _code_progress(r)
            rows[-1] += [r["target"], None if share is None else share * 100]
    if stats.code_targets:
        columns += [t("person_days.target"), t("person_days.share") + " (%)"]
    return pd.DataFrame(rows, columns=columns), _stem("esr-indikaattorit", scope.as_of)


def _export_split(result: LoadResult, filters: ViewFilters, dimension: str, name: str):
    scope, stats = _stats(result, filters)
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    if dimension == "impl":
        values, names = stats.implementers, plan_options(result).areas
    else:
        values, names = stats.municipalities, {}
    rows = split_rows(stats, dimension, values, names)
    columns = [t(f"participants.split.{dimension}"), *split_labels(stats, filters.lang)]
    frame = pd.DataFrame(
        [[t("finance.total_row") if name is None else name, *counts, total] for name, counts, total in rows],
        columns=[*columns, t("finance.total_row")],
    )
    return frame, _stem(name, scope.as_of)


@export("participants-by-implementer")
def export_by_implementer(result: LoadResult, filters: ViewFilters):
    return _export_split(result, filters, "impl", "osallistujat-toteuttajittain")


@export("participants-by-municipality")
def export_by_municipality(result: LoadResult, filters: ViewFilters):
    return _export_split(result, filters, "muni", "osallistujat-kunnittain")


@export("person-days")
def export_person_days(result: LoadResult, filters: ViewFilters):
    scope = scope_for(result, filters)
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    rows = person_days_rows(result, scope)
    frame = pd.DataFrame(
        {
            t("person_days.type"): [
                t(f"day_type.{r['day_type']}") if r["day_type"] != "total" else t("finance.total_row") for r in rows
            ],
            t("person_days.actual"): [r["actual"] for r in rows],
            t("person_days.target"): [r["target"] for r in rows],
            t("person_days.share") + " (%)": [None if r["share"] is None else r["share"] * 100 for r in rows],
        }
    )
    return frame, _stem("henkilopaivat-12-3", scope.as_of)
