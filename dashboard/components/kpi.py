"""A KPI card: a label, one big figure carrying the contract's element id, and detail lines."""

from __future__ import annotations

from dash import html


def kpi_card(
    label: str,
    figure_id: str,
    figure: str = "",
    details: list | None = None,
    detail_id: str | None = None,
    change: bool | tuple[str, ...] = False,
):
    """`change`: a line under the figure, `{figure_id}-change`, for its change since a date (or
    the ids of several such lines)."""
    change_ids = change if isinstance(change, tuple) else (f"{figure_id}-change",) if change else ()
    return html.Section(
        [
            html.H2(label, className="kpi-label"),
            html.P(figure, id=figure_id, className="kpi-figure"),
            *(html.P(id=change_id, className="kpi-change") for change_id in change_ids),
            html.Div(details or [], id=detail_id or f"{figure_id}-detail", className="kpi-detail"),
        ],
        className="kpi-card",
        **{"aria-labelledby": figure_id},
    )


def progress_bar(share: float | None, label: str):
    """A bar that never relies on colour alone: its width and the text beside it say the same."""
    width = 0 if share is None else max(0.0, min(share, 1.0)) * 100
    return html.Div(
        html.Div(className="kpi-progress-fill", style={"width": f"{width:.1f}%"}),
        className="kpi-progress",
        role="progressbar",
        **{"aria-valuenow": f"{width:.0f}", "aria-valuemin": "0", "aria-valuemax": "100", "aria-label": label},
    )
