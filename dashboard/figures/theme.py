"""Colours, type and shared layout for every chart: the Okabe–Ito palette, safe for colour-vision
deficiency; legends above the plot."""

from dashboard.i18n import translate

BLUE, ORANGE, VERMILLION, SKY, GREEN, YELLOW, PURPLE = "#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7"
INK, MUTED, TRACK = "#1b1f24", "#4d5560", "#dfe3e8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def panels_title(title: str, shown: int, count: int, lang: str) -> str:
    """A small-multiples title, with a second line when only some of the panels are drawn."""
    if shown >= count:
        return title
    return f"{title}<br><sup>{translate('chart.panels.limited', lang, shown=shown, count=count)}</sup>"


def base_layout(title: str, separators: str) -> dict:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 18, "color": INK}},
        "font": {"family": FONT, "size": 14, "color": INK},
        "separators": separators,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        # Room for x tick labels and the last one's overhang: automargin would need a second drawing.
        "margin": {"l": 10, "r": 24, "t": 60, "b": 50},
        "legend": {"orientation": "h", "y": -0.12, "x": 0},
        "hoverlabel": {"font": {"family": FONT, "size": 14}},
        # Every axis, also each panel's of a grid, makes room for its own tick labels.
        "template": {"layout": {"xaxis": {"automargin": True}, "yaxis": {"automargin": True}}},
    }


def legend_on_top(figure, y: float = 1.0, top_margin: int = 90) -> None:
    """A horizontal legend just above the plot, left-aligned under the title. The title is pinned
    to the top of the figure and the legend grows upwards from the plot, so the top margin holds
    both: the title's line, and the legend's rows as they wrap in a figure LEGEND_WIDTH wide (a
    right-aligned legend sat on the title as soon as the figure was narrower than both)."""
    names = [t.get("name") for t in figure.data if t.get("name") and t.get("showlegend") is not False]
    rows = _legend_rows(names)
    figure.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 14}},
        legend={"orientation": "h", "yanchor": "bottom", "y": y, "xanchor": "left", "x": 0},
        margin={"t": max(top_margin, TITLE_ROOM + LEGEND_ROW * rows)},
    )


TITLE_ROOM, LEGEND_ROW, LEGEND_WIDTH = 54, 24, 560  # px: a title line, a legend row, a half-width chart


def _legend_rows(names: list[str]) -> int:
    """How many rows the legend wraps to in a chart LEGEND_WIDTH wide (about 8 px a character in
    14 px type, and 40 px for each entry's symbol and gap)."""
    rows, used = 1, 0
    for name in names:
        width = 40 + 8 * len(name)
        if used and used + width > LEGEND_WIDTH:
            rows, used = rows + 1, 0
        used += width
    return rows if names else 0
