"""Finance charts: cumulative cost against the planned curve with the forecast and its band (for
the scope and as small multiples), and monthly cost by category."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import formatting as fmt
from dashboard.figures.chart import Chart, date_ms, nothing_to_draw, panel_grid, panels_to_show, scatter
from dashboard.figures.theme import (
    BLUE,
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
from dashboard.frames import records
from dashboard.i18n import translate

CATEGORY_COLOURS = {
    "salaries": BLUE,
    "purchased_services": ORANGE,
    "other_costs": SKY,
    "flat_rate": PURPLE,
    "revenue": VERMILLION,
}
BAND_FILL = "rgba(230, 159, 0, 0.22)"


def _burn_traces(planned: pd.DataFrame, actual: pd.DataFrame, forecast: dict, lang: str, legend: bool) -> list[dict]:
    """planned: day, planned_eur; actual: day, actual_eur; forecast: as_of, end, spent, value, low, high."""
    as_of, end = pd.Timestamp(forecast["as_of"]), pd.Timestamp(forecast["end"])
    name_planned, name_actual = translate("finance.chart.planned", lang), translate("finance.chart.actual", lang)
    name_forecast, name_band = translate("finance.chart.forecast", lang), translate("finance.chart.band", lang)
    traces = [
        scatter(
            x=planned["day"],
            y=planned["planned_eur"],
            name=name_planned,
            mode="lines",
            legendgroup="planned",
            line={"color": INK, "width": 2, "dash": "dot"},
            showlegend=legend,
            hovertemplate=f"{name_planned}: %{{y:,.0f}} €<extra></extra>",
        ),
        scatter(
            x=actual["day"],
            y=actual["actual_eur"],
            name=name_actual,
            mode="lines",
            legendgroup="actual",
            line={"color": BLUE, "width": 3},
            showlegend=legend,
            hovertemplate=f"{name_actual}: %{{y:,.0f}} €<extra></extra>",
        ),
    ]
    if as_of < end:
        traces += [
            scatter(
                x=[as_of, end, end, as_of],
                y=[forecast["spent"], forecast["high"], forecast["low"], forecast["spent"]],
                fill="toself",
                fillcolor=BAND_FILL,
                line={"width": 0},
                mode="lines",
                name=name_band,
                legendgroup="band",
                showlegend=legend,
                hoverinfo="skip",
            ),
            scatter(
                x=[as_of, end],
                y=[forecast["spent"], forecast["value"]],
                name=name_forecast,
                mode="lines+markers",
                legendgroup="forecast",
                line={"color": ORANGE, "width": 3, "dash": "dash"},
                marker={"size": [0, 9]},
                showlegend=legend,
                hovertemplate=f"{name_forecast}: %{{y:,.0f}} €<extra></extra>",
            ),
        ]
    return traces


def burn_chart(
    planned: pd.DataFrame,
    actual: pd.DataFrame,
    forecast: dict,
    budget: float,
    lang: str,
    since: dt.date | None = None,
    meetings: tuple = (),
    original: pd.DataFrame | None = None,
) -> Chart:
    """`since`: the period since the last meeting (or the date chosen) is shaded; `meetings`: the
    steering group's, drawn as dotted lines; `original` (day, planned_eur): the original plan's
    curve, drawn faintly when an amended plan is in force."""
    figure = Chart()
    figure.shade_since(since, forecast["as_of"])
    figure.mark_meetings(meetings, forecast["as_of"], translate("chart.meeting", lang))
    if original is not None:
        name = translate("finance.chart.original", lang)
        figure.add_trace(
            scatter(
                x=original["day"],
                y=original["planned_eur"],
                name=name,
                mode="lines+markers",
                legendgroup="original",
                line={"color": MUTED, "width": 1.5, "dash": "dot"},
                # Where the original plan ended: until then the two plans often run together (the
                # amendment's sentence under the chart says its budget and end date).
                marker={"size": [0] * (len(original) - 1) + [9], "color": MUTED},
                opacity=0.6,
                hovertemplate=f"{name}: %{{y:,.0f}} €<extra></extra>",
            )
        )
    for trace in _burn_traces(planned, actual, forecast, lang, legend=True):
        figure.add_trace(trace)
    _mark_as_of(figure, forecast["as_of"], lang)
    figure.add_hline(
        y=budget,
        line={"color": MUTED, "width": 1},
        annotation_text=translate("finance.chart.budget_line", lang, budget=fmt.eur(budget, lang)),
        annotation_position="top left",
    )
    figure.update_layout(
        **base_layout(translate("finance.chart.burn.title", lang), fmt.PLOTLY_SEPARATORS[lang]), height=460, hovermode="x unified"
    )
    legend_on_top(figure, 1.0, 90)
    figure.update_yaxes(tickformat=",.0f", ticksuffix=" €", gridcolor=TRACK, rangemode="tozero")
    figure.update_xaxes(gridcolor=TRACK, tickformat="%-m/%Y", hoverformat=fmt.PLOTLY_DATES[lang], range=_date_range(figure))
    return figure


def _date_range(figure: Chart) -> list | None:
    """The dates the traces span, and 3 % more on the right for the forecast's end marker. Left to
    Plotly, a phone-wide chart ran to 2024: it pads the range for the marker in pixels."""
    days = [pd.Timestamp(x) for trace in figure.data for x in trace.get("x", [])]
    if not days:
        return None
    first, last = min(days), max(days)
    return [first, last + (last - first) * 0.03]


STATUS_URGENCY = {"off_track": 2, "watch": 1}


def _miss(row: dict) -> float:
    """How far the forecast misses the budget, as a share of it (at most 1)."""
    return min(abs(row["variance_at_completion_eur"]) / row["budget_eur"], 1.0) if row["budget_eur"] else 0.0


def burn_small_multiples(
    planned: pd.DataFrame,
    actual: pd.DataFrame,
    forecasts: pd.DataFrame,
    lang: str,
    since: dt.date | None = None,
    meetings: tuple = (),
) -> Chart:
    """One small panel per implementer, each on its own scale so small areas stay readable; the
    period since `since` shaded and the meetings marked on each."""
    count = len(forecasts)
    # As plain records: a national programme has 300 implementers, and pandas' row access costs more
    # than drawing the twelve panels shown.
    rows = {r["implementer_id"]: r for r in records(forecasts)}
    urgency = {i: STATUS_URGENCY.get(r["status"], 0) + _miss(r) for i, r in rows.items()}
    shown = panels_to_show(list(rows), urgency)
    titles = [f"{rows[i]['area']} · {translate('finance.status.' + rows[i]['status'], lang)}" for i in shown]
    figure, position_of, grid_rows = panel_grid(titles)
    planned_rows = dict(tuple(planned[planned["implementer_id"].isin(shown)].groupby("implementer_id", sort=False)))
    actual_rows = dict(tuple(actual[actual["implementer_id"].isin(shown)].groupby("implementer_id", sort=False)))
    for index, implementer in enumerate(shown):
        row, position = rows[implementer], position_of(index)
        own = {
            "as_of": row["as_of"],
            "end": row["end"],
            "spent": row["spent_eur"],
            "value": row["forecast_eur"],
            "low": row["forecast_low_eur"],
            "high": row["forecast_high_eur"],
        }
        for trace in _burn_traces(
            planned_rows.get(implementer, planned.iloc[:0]),
            actual_rows.get(implementer, actual.iloc[:0]),
            own,
            lang,
            legend=index == 0,
        ):
            figure.add_trace(trace, **position)
        figure.add_hline(y=row["budget_eur"], line={"color": MUTED, "width": 1}, **position)
    figure.update_layout(
        **base_layout(
            panels_title(translate("finance.chart.multiples.title", lang), len(shown), count, lang), fmt.PLOTLY_SEPARATORS[lang]
        ),
        height=max(340, 300 * grid_rows),
        hovermode="x unified",
    )
    legend_on_top(figure, 1.06, 110)
    figure.update_yaxes(tickformat=",.0f", gridcolor=TRACK, rangemode="tozero")
    figure.update_xaxes(gridcolor=TRACK, tickformat="%Y", hoverformat=fmt.PLOTLY_DATES[lang], dtick="M12")
    figure.update_annotations(font={"size": 15, "color": INK})
    as_of = rows[shown[0]]["as_of"] if shown else None
    return figure.mark_panels(meetings, since, as_of)


def monthly_category_chart(
    monthly: pd.DataFrame, lang: str, as_of: dt.date | None = None, since: dt.date | None = None, meetings: tuple = ()
) -> Chart:
    """Stacked monthly cost by category; revenue below zero, because it reduces the net cost. The
    time since `since` is shaded and the steering group's meetings are marked, as on the burn chart."""
    figure = Chart().shade_since(since, as_of).mark_meetings(meetings, as_of, translate("chart.meeting", lang))
    for category, colour in CATEGORY_COLOURS.items():
        if category not in monthly or not monthly[category].any():
            continue
        name = translate(f"category.{category}", lang)
        figure.add_bar(
            x=monthly["month"],
            y=monthly[category],
            name=name,
            marker={"color": colour},
            hovertemplate=f"{name}: %{{y:,.0f}} €<extra></extra>",
        )
    figure.update_layout(
        **base_layout(translate("finance.chart.monthly.title", lang), fmt.PLOTLY_SEPARATORS[lang]),
        barmode="relative",
        height=420,
        hovermode="x unified",
    )
    legend_on_top(figure, 1.0, 90)
    figure.update_yaxes(tickformat=",.0f", ticksuffix=" €", gridcolor=TRACK, zerolinecolor=INK)
    figure.update_xaxes(tickformat="%-m/%Y", hoverformat=fmt.PLOTLY_DATES[lang], dtick="M3")
    if not any(trace.get("type") == "bar" for trace in figure.data):
        nothing_to_draw(figure, translate("kpi.spent.none", lang))
    return figure


def _mark_as_of(figure: Chart, as_of: dt.date, lang: str) -> None:
    figure.add_vline(
        x=date_ms(as_of),
        line={"color": VERMILLION, "width": 2},
        annotation_text=translate("finance.chart.as_of", lang, date=fmt.date(as_of, lang)),
        annotation_position="bottom left",  # the top holds the budget line's label; left of the line the curves are high
        annotation_font={"color": INK},
    )


def cash_chart(
    curve: pd.DataFrame, lang: str, as_of: dt.date | None = None, since: dt.date | None = None, meetings: tuple = ()
) -> Chart:
    """Cumulative net cost against cumulative payments received: the gap between them is the money
    the project has spent ahead of the funding authority (its cash-flow risk)."""
    figure = Chart().shade_since(since, as_of).mark_meetings(meetings, as_of, translate("chart.meeting", lang))
    cost, paid = translate("finance.chart.cash.cost", lang), translate("finance.chart.cash.paid", lang)
    figure.add_scatter(
        x=curve["date"],
        y=curve["cost_eur"],
        name=cost,
        mode="lines",
        line={"color": INK, "width": 3},
        hovertemplate=f"{cost}: %{{y:,.0f}} €<extra></extra>",
    )
    figure.add_scatter(
        x=curve["date"],
        y=curve["paid_eur"],
        name=paid,
        mode="lines",
        line={"color": VERMILLION, "width": 3, "shape": "hv"},
        hovertemplate=f"{paid}: %{{y:,.0f}} €<extra></extra>",
    )
    figure.update_layout(
        **base_layout(translate("finance.chart.cash.title", lang), fmt.PLOTLY_SEPARATORS[lang]), height=380, hovermode="x unified"
    )
    legend_on_top(figure, 1.0, 90)
    figure.update_yaxes(tickformat=",.0f", ticksuffix=" €", gridcolor=TRACK, zerolinecolor=INK, rangemode="tozero")
    figure.update_xaxes(tickformat="%-m/%Y", hoverformat=fmt.PLOTLY_DATES[lang])
    return figure
