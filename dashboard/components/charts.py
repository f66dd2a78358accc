"""A chart on a page: always-visible toolbar with PNG download, and nothing that leaves the app
(Plotly's "Share chart" would send the data to an outside service)."""

from __future__ import annotations

from dash import Output, dcc, no_update


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


def outputs_with_comparisons(outputs: dict, comparing: dict[str, str]) -> list[Output]:
    """A page callback's outputs: the view's, then the `hidden` of each comparing chart's figure."""
    return [Output(i, p) for i, p in outputs.values()] + [Output(i, "hidden") for i in comparing.values()]


def outputs_hiding_comparisons(shown_now: dict, outputs: dict, comparing: dict[str, str]) -> list:
    """A page callback's values: the view's figures in `outputs` order, then whether each figure of
    `comparing` (view key -> the id of its html.Figure) is hidden. A chart that compares implementers
    repeats its neighbour when one implementer is in scope (the view's "one-implementer"): it is then
    hidden and left as it was, so a filter change draws one chart fewer."""
    single = bool(shown_now["one-implementer"])
    values = [no_update if single and key in comparing else shown_now[key] for key in outputs]
    return values + [single for _ in comparing]
