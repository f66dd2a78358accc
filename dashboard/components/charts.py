"""A chart on a page: always-visible toolbar with PNG download, and nothing that leaves the app
(Plotly's "Share chart" would send the data to an outside service)."""

from __future__ import annotations

from dash import dcc


def graph(graph_id: str, filename: str, toolbar: bool = True):
    config = {
        "displaylogo": False,
        "displayModeBar": toolbar,
        "responsive": True,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "modeBarButtonsToRemove": ["sendChartToCloud", "select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
    return dcc.Graph(id=graph_id, config=config)


def clicked(click_data) -> str | None:
    """The implementer id or region name a clicked chart point carries (its customdata), if any."""
    try:
        value = click_data["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    return value if isinstance(value, str) else None
