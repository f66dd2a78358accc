"""The filter bar of every page. Element ids are fixed by the contract."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import formatting as fmt
from dashboard.i18n import translate
from dashboard.view import PlanOptions

DROPDOWN_LABELS = (
    "select_all",
    "deselect_all",
    "selected_count",
    "search",
    "clear_search",
    "clear_selection",
    "no_options_found",
)


# The date picker's own display format, matching formatting.date in each language.
DATE_FORMATS = {"fi": "D.M.YYYY", "sv": "D.M.YYYY", "en": "YYYY-MM-DD"}

# Filter controls whose label and empty-choice text follow the UI language (see shell.frame_texts).
PLACEHOLDERS = {
    "filter-implementer": "filter.all_implementers",
    "filter-region": "filter.all_regions",
    "filter-municipality": "filter.all_municipalities",
}
LABELS = {
    "filter-implementer": "filter.implementer",
    "filter-region": "filter.region",
    "filter-municipality": "filter.municipality",
    "filter-as-of": "filter.as_of",
}


def dropdown_labels(lang: str) -> dict:
    # selected_count keeps Dash's own {num_selected} placeholder, filled in by the component
    return {key: translate(f"dropdown.{key}", lang) for key in DROPDOWN_LABELS}


def _field(label: str, control, control_id: str, width: int):
    return dbc.Col(
        [html.Label(label, htmlFor=control_id, className="filter-label", id=f"label-{control_id}"), control],
        md=width,
        className="filter-field",
    )


def since_choices(options: PlanOptions, first_day: dt.date, lang: str) -> list[dict]:
    """The steering group's meetings, latest first, and the project's start (everything so far)."""
    meetings = [{"label": f"{fmt.date(day, lang)} · {title}", "value": day.isoformat()} for day, title, _ in options.meetings]
    start = {"label": translate("filter.since.start", lang), "value": (first_day - dt.timedelta(days=1)).isoformat()}
    return [*reversed(meetings), start]


def filter_bar(options: PlanOptions, lang: str, first_day: dt.date, last_day: dt.date, latest: dt.date | None):
    implementers = [{"label": f"{area} – {name}", "value": i} for i, area, name in options.implementers]
    regions = [{"label": r, "value": r} for r in options.regions]
    municipalities = [{"label": m, "value": m} for m in options.municipality_names]
    return html.Section(
        dbc.Row(
            [
                _field(
                    translate("filter.implementer", lang),
                    dcc.Dropdown(
                        id="filter-implementer",
                        labels=dropdown_labels(lang),
                        options=implementers,
                        placeholder=translate("filter.all_implementers", lang),
                        clearable=True,
                        searchable=True,
                    ),
                    "filter-implementer",
                    3,
                ),
                _field(
                    translate("filter.region", lang),
                    dcc.Dropdown(
                        id="filter-region",
                        labels=dropdown_labels(lang),
                        options=regions,
                        placeholder=translate("filter.all_regions", lang),
                        clearable=True,
                    ),
                    "filter-region",
                    2,
                ),
                _field(
                    translate("filter.municipality", lang),
                    dcc.Dropdown(
                        id="filter-municipality",
                        labels=dropdown_labels(lang),
                        options=municipalities,
                        multi=True,
                        placeholder=translate("filter.all_municipalities", lang),
                    ),
                    "filter-municipality",
                    2,
                ),
                _field(
                    translate("filter.as_of", lang),
                    dcc.DatePickerSingle(
                        id="filter-as-of",
                        display_format=DATE_FORMATS.get(lang, DATE_FORMATS["fi"]),
                        first_day_of_week=1,
                        clearable=True,
                        min_date_allowed=first_day.isoformat(),
                        max_date_allowed=last_day.isoformat(),
                        initial_visible_month=(latest or first_day).isoformat(),
                        placeholder=fmt.date(latest, lang) if latest else "",
                    ),
                    "filter-as-of",
                    2,
                ),
                _field(
                    translate("filter.since", lang),
                    dcc.Dropdown(
                        id="filter-since",
                        labels=dropdown_labels(lang),
                        options=since_choices(options, first_day, lang),
                        placeholder=translate("filter.since.last_meeting" if options.meetings else "filter.since.none", lang),
                        clearable=True,
                        searchable=False,
                    ),
                    "filter-since",
                    2,
                ),
                dbc.Col(
                    [
                        html.Span(translate("filter.share", lang), className="filter-label", id="copy-link-label"),
                        html.Div(
                            [
                                dcc.Clipboard(
                                    id="copy-link", title=translate("filter.copy_link", lang), className="copy-link-icon"
                                ),
                                html.Span(
                                    translate("filter.copy_link", lang),
                                    id="copy-link-status",
                                    className="copy-link-text",
                                    **{"aria-live": "polite"},
                                ),
                            ],
                            className="copy-link",
                        ),
                    ],
                    md=1,
                    className="filter-field",
                ),
            ],
            className="g-3",
        ),
        className="filter-bar",
        id="filter-bar",
        **{"aria-label": translate("filter.bar", lang)},
    )
