"""Colours and type for every chart: the Okabe–Ito palette, safe for colour-vision deficiency."""

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
