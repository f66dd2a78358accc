"""Participant and person-day charts. Suppressed counts arrive as NaN and are drawn as gaps: a
count from 1 to threshold−1 never reaches a line, a label or a hover text."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import formatting as fmt
from dashboard.figures.chart import Chart, nothing_to_draw, panel_grid, panels_to_show
from dashboard.figures.theme import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PURPLE,
    SKY,
    TRACK,
    VERMILLION,
    base_layout,
    legend_on_top,
    panels_title,
)
from dashboard.i18n import translate

DAY_TYPE_COLOURS = {
    "contact_teaching": BLUE,
    "distance_teaching": SKY,
    "subsidised_employment": GREEN,
    "guidance_consulting": ORANGE,
    "other": PURPLE,
}


def _path(start: dt.date, end: dt.date, target: float | None) -> tuple[list, list]:
    """A straight path from nothing at the start to the target at the end date."""
    if not target:
        return [], []
    return [pd.Timestamp(start), pd.Timestamp(end)], [0, target]


def cumulative_chart(
    monthly: pd.DataFrame,
    target: float | None,
    start: dt.date,
    end: dt.date,
    lang: str,
    derived: bool = False,
    since: dt.date | None = None,
    as_of: dt.date | None = None,
    meetings: tuple = (),
) -> Chart:
    """monthly: day, entered, active, has_left for the scope; `derived`: the target is the budget
    share of the project's (named so in the legend, as everywhere)."""
    entered, active, left = (translate(f"participants.chart.{k}", lang) for k in ("entered", "active", "left"))
    figure = Chart().shade_since(since, as_of).mark_meetings(meetings, as_of, translate("chart.meeting", lang))
    xs, ys = _path(start, end, target)
    if xs:
        shown = fmt.count(round(target), lang)
        name = translate(
            "participants.chart.path", lang, target=f"{shown} ({translate('target.derived.short', lang)})" if derived else shown
        )
        figure.add_scatter(x=xs, y=ys, mode="lines", name=name, line={"color": INK, "dash": "dot", "width": 2}, hoverinfo="skip")
    figure.add_scatter(
        x=monthly["day"],
        y=monthly["entered"],
        mode="lines",
        name=entered,
        line={"color": BLUE, "width": 3},
        hovertemplate=f"{entered}: %{{y:,.0f}}<extra></extra>",
    )
    figure.add_scatter(
        x=monthly["day"],
        y=monthly["active"],
        mode="lines",
        name=active,
        line={"color": GREEN, "width": 2},
        hovertemplate=f"{active}: %{{y:,.0f}}<extra></extra>",
    )
    figure.add_scatter(
        x=monthly["day"],
        y=monthly["has_left"],
        mode="lines",
        name=left,
        line={"color": VERMILLION, "width": 2},
        hovertemplate=f"{left}: %{{y:,.0f}}<extra></extra>",
    )
    figure.update_layout(
        **base_layout(translate("participants.chart.cumulative.title", lang), fmt.PLOTLY_SEPARATORS[lang]),
        height=430,
        hovermode="x unified",
    )
    legend_on_top(figure)
    figure.update_yaxes(tickformat=",.0f", gridcolor=TRACK, rangemode="tozero")
    figure.update_xaxes(
        gridcolor=TRACK, tickformat="%-m/%Y", hoverformat=fmt.PLOTLY_DATES[lang], range=[pd.Timestamp(start), pd.Timestamp(end)]
    )
    return figure


def implementer_multiples(
    monthly: pd.DataFrame,
    areas: dict[str, str],
    targets: dict[str, float | None],
    start: dt.date,
    end: dt.date,
    lang: str,
    since: dt.date | None = None,
    meetings: tuple = (),
    as_of: dt.date | None = None,
) -> Chart:
    """monthly: day, implementer_id, entered (NaN where suppressed). The period since `since` (up
    to as_of) is shaded and the meetings marked on each panel."""
    drawn = set(monthly["implementer_id"].unique())
    present = [i for i in areas if i in drawn]
    latest = monthly.sort_values("day").groupby("implementer_id")["entered"].last().to_dict()
    # Furthest behind its target first; a hidden count (1-4 people) is as far behind as can be.
    urgency = {i: 1 - latest.get(i, 0) / targets[i] if pd.notna(latest.get(i)) else 1.0 for i in present if targets.get(i)}
    implementers = panels_to_show(present, urgency)
    own_rows = dict(tuple(monthly[monthly["implementer_id"].isin(implementers)].groupby("implementer_id", sort=False)))
    figure, position_of, rows = panel_grid([areas[i] for i in implementers])
    entered = translate("participants.chart.entered", lang)
    for index, implementer in enumerate(implementers):
        position = position_of(index)
        own = own_rows[implementer]
        xs, ys = _path(start, end, targets.get(implementer))
        if xs:
            figure.add_scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": INK, "dash": "dot", "width": 2},
                hoverinfo="skip",
                name=translate("participants.chart.path_short", lang),
                legendgroup="path",
                showlegend=index == 0,
                **position,
            )
        figure.add_scatter(
            x=own["day"],
            y=own["entered"],
            mode="lines",
            line={"color": BLUE, "width": 3},
            name=entered,
            legendgroup="entered",
            showlegend=index == 0,
            hovertemplate=f"{entered}: %{{y:,.0f}}<extra></extra>",
            **position,
        )
    figure.update_layout(
        **base_layout(
            panels_title(translate("participants.chart.multiples.title", lang), len(implementers), len(present), lang),
            fmt.PLOTLY_SEPARATORS[lang],
        ),
        height=max(320, 280 * rows),
        hovermode="x unified",
    )
    legend_on_top(figure, 1.06)
    figure.update_yaxes(tickformat=",.0f", gridcolor=TRACK, rangemode="tozero")
    figure.update_xaxes(
        gridcolor=TRACK,
        tickformat="%Y",
        hoverformat=fmt.PLOTLY_DATES[lang],
        dtick="M12",
        range=[pd.Timestamp(start), pd.Timestamp(end)],
    )
    figure.update_annotations(font={"size": 15, "color": INK})
    return figure.mark_panels(meetings, since, as_of)


# For a cluster of close target lines, lowest first: labels below the lowest and above the highest
# line never meet, whatever the chart's width; those between go to the right-hand corners.
CLUSTER_POSITIONS = {
    1: ("top left",),
    2: ("bottom left", "top left"),
    3: ("bottom left", "top right", "top left"),
    4: ("bottom left", "bottom right", "top right", "top left"),
}


def target_label_positions(levels: list[float], close: float = 0.08) -> list[str]:
    """Where each target line's label goes, for levels in rising order: at the top left, unless
    other levels lie within `close` of the highest level (two targets of 534 and 532 person-days had
    their labels printed over each other), then as CLUSTER_POSITIONS places a cluster."""
    top = max(levels, default=0) or 1
    clusters: list[list[float]] = []
    for n, level in enumerate(levels):
        if n and (level - levels[n - 1]) / top < close and len(clusters[-1]) < len(CLUSTER_POSITIONS):
            clusters[-1].append(level)
        else:
            clusters.append([level])
    return [position for cluster in clusters for position in CLUSTER_POSITIONS[len(cluster)]]


def person_days_chart(
    monthly: pd.DataFrame,
    targets: dict[str, float | None],
    lang: str,
    since: dt.date | None = None,
    as_of: dt.date | None = None,
    meetings: tuple = (),
) -> Chart:
    """Cumulative person-days by type over time; each type's target as a dotted level; the time
    since the last meeting shaded and the meetings as dotted lines."""
    figure = Chart().shade_since(since, as_of).mark_meetings(meetings, as_of, translate("chart.meeting", lang))
    by_type = monthly.groupby(["day_type", "month"])["days"].sum()  # sorted by type, then month
    for day_type, colour in DAY_TYPE_COLOURS.items():
        own = by_type.xs(day_type).cumsum() if day_type in by_type.index.levels[0] else by_type.iloc[:0]
        name = translate(f"day_type.{day_type}", lang)
        if len(own):
            figure.add_scatter(
                x=own.index,
                y=own.values,
                mode="lines",
                name=name,
                line={"color": colour, "width": 3},
                hovertemplate=f"{name}: %{{y:,.1f}}<extra></extra>",
            )
    levels = [(targets[t], t, colour) for t, colour in DAY_TYPE_COLOURS.items() if targets.get(t)]
    for (target, day_type, colour), position in zip(
        sorted(levels), target_label_positions(sorted(v for v, *_ in levels)), strict=True
    ):
        name = translate(f"day_type.{day_type}", lang)
        figure.add_hline(
            y=target,
            line={"color": colour, "dash": "dot", "width": 2},
            annotation_text=translate("participants.chart.target_of", lang, name=name, target=fmt.days(target, lang)),
            annotation_position=position,
            annotation_font={"color": INK},
        )
    figure.update_layout(
        **base_layout(translate("person_days.chart.title", lang), fmt.PLOTLY_SEPARATORS[lang]), height=420, hovermode="x unified"
    )
    legend_on_top(figure)
    figure.update_yaxes(tickformat=",.0f", gridcolor=TRACK, rangemode="tozero")
    figure.update_xaxes(gridcolor=TRACK, tickformat="%-m/%Y", hoverformat=fmt.PLOTLY_DATES[lang])
    if not figure.data:  # the targets stand in the table beside it
        figure.layout.pop("shapes", None)
        figure.layout.pop("annotations", None)
        nothing_to_draw(figure, translate("kpi.person_days.none", lang))
    return figure


def person_days_by_implementer(monthly: pd.DataFrame, areas: dict[str, str], lang: str) -> Chart:
    totals = monthly.groupby(["implementer_id", "day_type"])["days"].sum().unstack(fill_value=0.0)
    order = [i for i in areas if i in totals.index]
    totals = totals.reindex(order)  # a column at a time: a national programme has 300 implementers
    figure = Chart()
    for day_type, colour in DAY_TYPE_COLOURS.items():
        if day_type not in totals or not totals[day_type].any():
            continue
        name = translate(f"day_type.{day_type}", lang)
        figure.add_bar(
            y=[areas[i] for i in order],
            x=totals[day_type].tolist(),
            orientation="h",
            name=name,
            marker={"color": colour},
            hovertemplate=f"%{{y}} · {name}: %{{x:,.1f}}<extra></extra>",
        )
    figure.update_layout(
        **base_layout(translate("person_days.chart.implementers.title", lang), fmt.PLOTLY_SEPARATORS[lang]),
        barmode="stack",
        height=max(300, 130 + 44 * len(order)),
    )
    legend_on_top(figure)
    figure.update_xaxes(tickformat=",.0f", gridcolor=TRACK, title=translate("person_days.axis", lang))
    figure.update_yaxes(autorange="reversed", ticksuffix="  ", tickfont={"size": 15, "color": MUTED})
    if not figure.data:
        nothing_to_draw(figure, translate("kpi.person_days.none", lang))
    return figure
