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
    """A horizontal legend above the plot, right-aligned, clear of the axis labels."""
    figure.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": y, "xanchor": "right", "x": 1}, margin={"t": top_margin}
    )
