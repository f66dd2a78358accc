"""Colours, type and shared layout for every chart: the Okabe–Ito palette, safe for colour-vision
deficiency; legends above the plot; small-multiple grids."""

from plotly.subplots import make_subplots

BLUE, ORANGE, VERMILLION, SKY, GREEN, YELLOW, PURPLE = "#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7"
INK, MUTED, TRACK = "#1b1f24", "#4d5560", "#dfe3e8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def base_layout(title: str, separators: str) -> dict:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 18, "color": INK}},
        "font": {"family": FONT, "size": 14, "color": INK},
        "separators": separators,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 20, "t": 60, "b": 40},
        "legend": {"orientation": "h", "y": -0.12, "x": 0},
        "hoverlabel": {"font": {"family": FONT, "size": 14}},
    }


def legend_on_top(figure, y: float = 1.0, top_margin: int = 90) -> None:
    """A horizontal legend above the plot, right-aligned, clear of the axis labels."""
    figure.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": y, "xanchor": "right", "x": 1}, margin={"t": top_margin}
    )


def panel_grid(titles: list[str], shared_yaxes: bool = False):
    """Small multiples: up to four panels a row. Returns the figure, a function from a panel's
    index to its row/col keywords, and the number of rows."""

    columns = min(4, max(1, len(titles)))
    rows = max(1, -(-len(titles) // columns))
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        shared_xaxes=True,
        shared_yaxes=shared_yaxes,
        vertical_spacing=0.16 if rows > 1 else 0.1,
        horizontal_spacing=0.04 if shared_yaxes else 0.06,
    )
    return figure, (lambda index: {"row": index // columns + 1, "col": index % columns + 1}), rows
