"""A Plotly figure as plain data, built without plotly.graph_objects.

graph_objects validates every property through a deep Python object tree: building one small-multiple
grid took most of a second, far more than the queries behind it. The figures here are the same JSON
Plotly.js draws, assembled as dicts; `Chart` keeps the few builder methods our charts use, with the
same names and meaning as graph_objects, so the chart code reads the same."""

from __future__ import annotations

import numbers
import re
from typing import Any

import numpy as np
import pandas as pd

AxisPosition = dict[str, int]


def merge(target: dict, update: dict) -> dict:
    """Plotly's update semantics: nested dicts merge, anything else replaces."""
    for name, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(name), dict):
            merge(target[name], value)
        else:
            target[name] = value
    return target


def _axis_props(props: dict) -> dict:
    # Plotly.js 3 takes axis titles only as {"text": ...}.
    if isinstance(props.get("title"), str):
        props = {**props, "title": {"text": props["title"]}}
    return props


# Room for tick labels, worked out before Plotly sees the figure. Plotly's automargin measures the
# labels after a first draw and then draws everything again: with software rendering that second
# pass was half of each chart's drawing time on a filter change. Automargin stays on as a safety net
# for a label wider than estimated. Widths are for the 14 px system font, generously.
DIGIT_PX, LETTER_PX = 8.5, 9.5
LABEL_GAP_PX = 14


def _values(trace: dict, name: str) -> list:
    values = trace.get(name)
    if values is None:
        return []
    # A column's own tolist: iterating a column of Arrow strings is a Python call per value.
    return values.tolist() if isinstance(values, pd.Series | pd.Index | np.ndarray) else list(values)


def _numbers(values: list) -> list[float]:
    return [abs(float(v)) for v in values if isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v]


def _number_label(biggest: float, tickformat: str) -> str:
    if "%" in tickformat:
        return f"{round(biggest * 100)} %"
    # Plotly's top tick can lie above the data: allow for a rounder, longer number.
    return f"{round(biggest * 1.25):,}".replace(",", " ")


def reserve_tick_label_room(chart: Chart) -> None:
    """Set the left margin to fit the tick labels of the axes at the left edge (names of a
    horizontal bar chart, or the largest number), unless the layout already leaves more."""
    widths = [_label_width(chart, name) for name in _left_y_axes(chart)]
    if widths and max(widths):
        margin = chart.layout.setdefault("margin", {})
        margin["l"] = max(int(margin.get("l", 0)), round(max(widths)))


def _left_y_axes(chart: Chart) -> list[str]:
    """Trace-style names ("y", "y5") of the y axes whose panel starts at the left edge."""
    found = []
    for name in {t.get("yaxis", "y") for t in chart.data}:
        axis = chart.layout.get(f"yaxis{name[1:]}", {})
        anchor = axis.get("anchor", f"x{name[1:]}")
        domain = chart.layout.get(f"xaxis{anchor[1:]}", {}).get("domain", [0, 1])
        if domain[0] == 0:
            found.append(name)
    return sorted(found)


def _label_width(chart: Chart, name: str) -> float:
    axis = chart.layout.get(f"yaxis{name[1:]}", {})
    if axis.get("showticklabels") is False or axis.get("visible") is False:
        return 0.0
    on_axis = [t for t in chart.data if t.get("yaxis", "y") == name and t.get("visible", True) is True]
    if any(t.get("orientation") == "h" for t in on_axis):
        width = max((len(str(v)) for t in on_axis for v in _values(t, "y")), default=0) * LETTER_PX
    else:
        values = [v for t in on_axis for v in _numbers(_values(t, "y"))]
        values += _numbers([s.get("y0") for s in chart.layout.get("shapes", []) if s.get("yref") == name])
        if chart.layout.get("barmode") == "relative":
            values.append(sum(max(_numbers(_values(t, "y")), default=0) for t in on_axis if t.get("type") == "bar"))
        if isinstance(axis.get("range"), list):
            values += _numbers(axis["range"])
        if not values:
            return 0.0
        width = len(_number_label(max(values), str(axis.get("tickformat", "")))) * DIGIT_PX
    width += len(str(axis.get("ticksuffix", ""))) * DIGIT_PX
    return width * axis.get("tickfont", {}).get("size", 14) / 14 + LABEL_GAP_PX


def _dates_as_text(values: Any) -> Any:
    """Dates as the ISO text Plotly's encoder would write, made in one numpy step: the encoder
    converts timestamps one by one (1 500 of them were a third of a national finance page's
    response time). Anything else is left as it is."""
    if isinstance(values, pd.Series | pd.Index | np.ndarray) and pd.api.types.is_datetime64_dtype(values.dtype):
        days = np.asarray(values, dtype="datetime64[s]")
        text = np.datetime_as_string(days, unit="s").astype(object)
        text[np.isnat(days)] = None
        return text.tolist()
    return values


# Plotly draws a little HTML in every text (labels, hover, titles): <a href> makes a link. Names
# come from plan files, so only the tags the figures themselves write survive; any other "<" is text.
_NOT_OUR_TAG = re.compile(r"<(?!/?(?:b|i|br|sup|sub|extra)>)")


def _markup_ours_only(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_OUR_TAG.sub("&lt;", value) if "<" in value else value
    if isinstance(value, dict):
        return {key: _markup_ours_only(item) for key, item in value.items()}
    if isinstance(value, (np.ndarray, pd.Series, pd.Index)):
        if value.dtype.kind not in "OUS" and not isinstance(value.dtype, pd.StringDtype):
            return value  # numbers or dates: no text in them
        value = list(value)
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):  # a series of numbers: thousands of points, no text
            return value
        return [_markup_ours_only(item) for item in value]
    return value


def scatter(**props) -> dict:
    return {"type": "scatter", **props}


SINCE_SHADE = "rgba(0, 114, 178, 0.08)"  # the Okabe–Ito blue, faint
MEETING_LINE = "#6b7480"  # muted: the meetings stand behind the data
HOVER_AXIS = "yaxis9"  # the meetings' invisible points: an axis of their own, 0 to 1


def date_ms(day) -> float:
    """A date as Plotly's date axis reads a number: milliseconds since 1970."""
    return pd.Timestamp(day).timestamp() * 1000


# Names that assets/narrow.js knows annotations by, to wrap them on a phone.
PANEL_TITLE, CHART_NOTE = "panel-title", "chart-note"


class Chart:
    """`data` is the list of traces and `layout` the layout, both as Plotly.js JSON."""

    def __init__(self, columns: int = 1) -> None:
        self.data: list[dict[str, Any]] = []
        self.layout: dict[str, Any] = {}
        self._columns = columns
        self._fitted = False

    def to_plotly_json(self) -> dict:  # how Dash serialises a figure property
        if not self._fitted:
            reserve_tick_label_room(self)
            self.data, self.layout = _markup_ours_only(self.data), _markup_ours_only(self.layout)
            self._fitted = True
        return {"data": self.data, "layout": self.layout}

    # Traces ---------------------------------------------------------------------------------------
    def _axes(self, row: int | None, col: int | None) -> tuple[str, str]:
        number = 1 if row is None else (row - 1) * self._columns + (col or 1)
        suffix = "" if number == 1 else str(number)
        return f"x{suffix}", f"y{suffix}"

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> Chart:
        for name in ("x", "y"):
            if name in trace:
                trace[name] = _dates_as_text(trace[name])
        if row is not None:
            trace["xaxis"], trace["yaxis"] = self._axes(row, col)
        self.data.append(trace)
        return self

    def add_scatter(self, row: int | None = None, col: int | None = None, **props) -> Chart:
        return self.add_trace({"type": "scatter", **props}, row, col)

    def add_bar(self, row: int | None = None, col: int | None = None, **props) -> Chart:
        return self.add_trace({"type": "bar", **props}, row, col)

    # Layout ---------------------------------------------------------------------------------------
    def update_layout(self, **props) -> Chart:
        merge(self.layout, props)
        return self

    def _update_axes(self, letter: str, props: dict) -> Chart:
        # Every axis of the data (each panel's), not the hidden one that carries the meetings' hover.
        names = [name for name in self.layout if name.startswith(f"{letter}axis") and name != HOVER_AXIS] or [f"{letter}axis"]
        for name in names:
            merge(self.layout.setdefault(name, {}), _axis_props(props))
        return self

    def update_xaxes(self, **props) -> Chart:
        return self._update_axes("x", props)

    def update_yaxes(self, **props) -> Chart:
        return self._update_axes("y", props)

    def update_annotations(self, **props) -> Chart:
        for annotation in self.layout.get("annotations", []):
            merge(annotation, props)
        return self

    def add_annotation(self, **props) -> Chart:
        self.layout.setdefault("annotations", []).append({"showarrow": False, **props})
        return self

    def add_shape(self, **props) -> Chart:
        self.layout.setdefault("shapes", []).append(props)
        return self

    def shade_since(self, since, as_of) -> Chart:
        """The time since `since` (the last meeting, or the date chosen) up to the as-of date, shaded
        behind the traces of a time chart; nothing where there is no such date."""
        if since is None or as_of is None or since >= as_of:
            return self
        return self.add_shape(
            type="rect", xref="x", yref="y domain", x0=date_ms(since), x1=date_ms(as_of), y0=0, y1=1,
            fillcolor=SINCE_SHADE, line={"width": 0}, layer="below", name="since",
        )  # fmt: skip

    def mark_meetings(self, meetings, as_of, name: str) -> Chart:
        """Each steering group meeting up to the as-of date as a dotted line across the plot, with no
        label to crowd the chart: its date, title and decisions come on hover (an invisible point on
        an axis of its own, so the data's axis is not stretched) and in the list under the chart.
        `meetings`: (date, title, decisions) in date order; `name`: what the hover calls them."""
        shown = [m for m in meetings if as_of is None or m[0] <= as_of]
        if not shown:
            return self
        for day, _, _ in shown:
            self.add_shape(
                type="line", xref="x", yref="y domain", x0=date_ms(day), x1=date_ms(day), y0=0, y1=1,
                line={"color": MEETING_LINE, "width": 1.5, "dash": "dot"}, layer="below", name="meeting",
            )  # fmt: skip
        self.layout.setdefault("yaxis", {})  # so that update_yaxes still finds the data's own axis
        self.layout[HOVER_AXIS] = {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
        texts = [f"{title}: {decisions}" if decisions else title for _, title, decisions in shown]
        return self.add_scatter(
            x=[day.isoformat() for day, _, _ in shown], y=[0.5] * len(shown), yaxis="y9", mode="markers",
            marker={"size": 14, "opacity": 0}, name=name, showlegend=False, customdata=texts,
            hovertemplate=f"{name}: %{{customdata}}<extra></extra>",
        )  # fmt: skip

    def mark_panels(self, meetings, since, as_of) -> Chart:
        """shade_since and the meetings' dotted lines on every panel of a small-multiple grid (the
        hover and the list stay with the scope's own chart above it: one panel per area repeats them)."""
        shown = [day for day, _, _ in meetings if as_of is None or day <= as_of]
        for axis in dict.fromkeys(t.get("xaxis", "x") for t in self.data if t.get("yaxis") != "y9"):
            x, y = axis, f"y{axis[1:]}"
            if since is not None and as_of is not None and since < as_of:
                self.add_shape(
                    type="rect", xref=x, yref=f"{y} domain", x0=date_ms(since), x1=date_ms(as_of), y0=0, y1=1,
                    fillcolor=SINCE_SHADE, line={"width": 0}, layer="below", name="since",
                )  # fmt: skip
            for day in shown:
                self.add_shape(
                    type="line", xref=x, yref=f"{y} domain", x0=date_ms(day), x1=date_ms(day), y0=0, y1=1,
                    line={"color": MEETING_LINE, "width": 1, "dash": "dot"}, layer="below", name="meeting",
                )  # fmt: skip
        return self

    def add_hline(
        self,
        y: float,
        line: dict,
        annotation_text: str | None = None,
        annotation_position: str = "top right",
        annotation_font: dict | None = None,
        row: int | None = None,
        col: int | None = None,
    ) -> Chart:
        """A level line across the whole width of one panel, with an optional label at its left or
        right end, above it ("top …") or below it ("bottom …")."""
        x, yref = self._axes(row, col)
        self.add_shape(type="line", xref=f"{x} domain", x0=0, x1=1, yref=yref, y0=y, y1=y, line=line)
        if annotation_text:
            left = "left" in annotation_position
            self.add_annotation(
                text=annotation_text,
                xref=f"{x} domain",
                x=0 if left else 1,
                xanchor="left" if left else "right",
                yref=yref,
                y=y,
                yanchor="top" if annotation_position.startswith("bottom") else "bottom",  # below or above the line
                font=annotation_font or {},
            )
        return self

    def add_vline(
        self,
        x: Any,
        line: dict,
        annotation_text: str | None = None,
        annotation_position: str = "top right",
        annotation_font: dict | None = None,
    ) -> Chart:
        """A line from bottom to top of the plot at `x`, with an optional label: "top" centred above
        the plot, "top/bottom right/left" inside it at that end and on that side of the line."""
        self.add_shape(type="line", yref="y domain", y0=0, y1=1, xref="x", x0=x, x1=x, line=line)
        if annotation_text:
            beside = annotation_position != "top"  # "top right" / "top left": on that side of the line
            self.add_annotation(
                text=annotation_text,
                xref="x",
                x=x,
                xanchor=("right" if annotation_position.endswith("left") else "left") if beside else "center",
                yref="y domain",
                y=0 if annotation_position.startswith("bottom") else 1,
                yanchor="bottom" if annotation_position.startswith("bottom") or not beside else "top",
                font=annotation_font or {},
            )
        return self


# More panels than this are unreadable on a shared screen and slow to draw: a national programme has
# hundreds of implementers. Beyond it, the panels shown are those that most need attention.
MAX_PANELS = 12


def panels_to_show(ids: list[str], urgency: dict[str, float]) -> list[str]:
    """Every id, in its order, when they fit; else the MAX_PANELS most urgent, most urgent first."""
    if len(ids) <= MAX_PANELS:
        return ids
    return sorted(ids, key=lambda i: (-urgency.get(i, 0.0), i))[:MAX_PANELS]


def panel_grid(titles: list[str], shared_yaxes: bool = False) -> tuple[Chart, Any, int]:
    """Small multiples: up to four panels a row, one time axis per column. Returns the chart, a
    function from a panel's index to its row/col keywords, and the number of rows."""
    count = len(titles)
    columns = min(4, max(1, count))
    rows = max(1, -(-count // columns))
    h_space = 0.04 if shared_yaxes else 0.06
    v_space = 0.16 if rows > 1 else 0.1
    width = (1 - h_space * (columns - 1)) / columns
    height = (1 - v_space * (rows - 1)) / rows
    chart = Chart(columns)

    def position_of(index: int) -> AxisPosition:
        return {"row": index // columns + 1, "col": index % columns + 1}

    for index, title in enumerate(titles):
        row, col = position_of(index)["row"], position_of(index)["col"]
        x, y = chart._axes(row, col)
        x0 = (col - 1) * (width + h_space)
        y1 = 1 - (row - 1) * (height + v_space)
        has_panel_below = index + columns < count
        chart.layout[f"xaxis{x[1:]}"] = {
            "domain": [x0, x0 + width],
            "anchor": y,
            # One time scale for the whole grid; tick labels only under the lowest panel of a column.
            **({"matches": "x"} if index else {}),
            "showticklabels": not has_panel_below,
        }
        chart.layout[f"yaxis{y[1:]}"] = {
            "domain": [y1 - height, y1],
            "anchor": x,
            **({"matches": "y", "showticklabels": col == 1} if shared_yaxes and index else {}),
        }
        chart.add_annotation(
            text=title,
            name=PANEL_TITLE,
            xref="paper",
            yref="paper",
            x=x0 + width / 2,
            y=y1,
            xanchor="center",
            yanchor="bottom",
            font={"size": 16},
        )
    return chart, position_of, rows


def nothing_to_draw(chart: Chart, text: str) -> Chart:
    """A chart with no data says so in words where its plot would be, never a blank grid."""
    chart.update_xaxes(visible=False)
    chart.update_yaxes(visible=False)
    chart.layout["showlegend"] = False
    return chart.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 16})
