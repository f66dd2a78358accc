"""The overview's implementer chart: each implementer's actual cost against its planned-to-date
(a tick) and its whole budget (the track behind the bar)."""

from __future__ import annotations

import pandas as pd

from dashboard import formatting as fmt
from dashboard.figures.chart import Chart
from dashboard.figures.theme import BLUE, INK, TRACK, VERMILLION, base_layout, legend_on_top
from dashboard.i18n import translate


def implementer_progress(finance: pd.DataFrame, lang: str) -> Chart:
    """`finance` has area, budget_eur, planned_to_date_eur, spent_eur (one row per implementer)."""
    frame = finance.sort_values("budget_eur").reset_index(drop=True)
    ratio = frame["spent_eur"] / frame["planned_to_date_eur"].where(frame["planned_to_date_eur"] > 0)
    labels = [translate("chart.of_planned", lang, share=fmt.percent(r, 0, lang)) if pd.notna(r) else "" for r in ratio]
    hover = [
        f"<b>{row.area}</b><br>{translate('chart.spent', lang)}: {fmt.eur(row.spent_eur, lang)}"
        f"<br>{translate('chart.planned', lang)}: {fmt.eur(row.planned_to_date_eur, lang)}"
        f"<br>{translate('chart.budget', lang)}: {fmt.eur(row.budget_eur, lang)}"
        for row in frame.itertuples()
    ]
    figure = Chart()
    # The share label stands past the end of the budget track, clear of the planned-to-date tick.
    figure.add_bar(
        y=frame["area"],
        x=frame["budget_eur"],
        orientation="h",
        name=translate("chart.budget", lang),
        marker={"color": TRACK},
        width=0.7,
        text=labels,
        textposition="outside",
        cliponaxis=False,
        textfont={"color": INK, "size": 15},
        hovertext=hover,
        hoverinfo="text",
        customdata=frame["implementer_id"],  # a click on the bar filters the app to this area
    )
    figure.add_bar(
        y=frame["area"],
        x=frame["spent_eur"],
        orientation="h",
        name=translate("chart.spent", lang),
        marker={"color": BLUE},
        width=0.4,
        hovertext=hover,
        hoverinfo="text",
        customdata=frame["implementer_id"],  # a click on the bar filters the app to this area
    )
    figure.add_scatter(
        y=frame["area"],
        x=frame["planned_to_date_eur"],
        mode="markers",
        name=translate("chart.planned", lang),
        marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": VERMILLION}},
        hovertext=hover,
        hoverinfo="text",
        customdata=frame["implementer_id"],  # a click on the bar filters the app to this area
    )
    figure.update_layout(
        **base_layout(translate("chart.implementers.title", lang), fmt.PLOTLY_SEPARATORS[lang]),
        barmode="overlay",
        height=max(300, 150 + 52 * len(frame)),
        bargap=0.3,
    )
    legend_on_top(figure)
    # Room past the longest track for its share label.
    longest = float(frame[["budget_eur", "spent_eur"]].max().max() or 1)
    figure.update_xaxes(
        title=translate("chart.axis.eur", lang), gridcolor=TRACK, tickformat=",.0f", ticksuffix=" €", range=[0, longest * 1.22]
    )
    figure.update_yaxes(automargin=True, tickfont={"size": 15}, ticksuffix="  ")
    return figure


def implementer_progress_text(finance: pd.DataFrame, lang: str) -> str:
    """The same chart in words, for screen readers and for anyone who cannot read the colours."""
    lines = " ".join(
        translate(
            "chart.implementers.line",
            lang,
            area=row.area,
            spent=fmt.eur(row.spent_eur, lang),
            planned=fmt.eur(row.planned_to_date_eur, lang),
            budget=fmt.eur(row.budget_eur, lang),
        )
        for row in finance.itertuples()
    )
    return translate("chart.implementers.alt", lang, lines=lines)
