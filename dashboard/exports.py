"""CSV downloads that open right in Finnish Excel (UTF-8 with BOM, `;`, decimal comma), from one
callback for every table of every page: each table registers a function that builds its frame."""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from dash import MATCH, Input, Output, State, dcc, no_update

from dashboard import formatting as fmt
from dashboard import state
from dashboard.url_state import ViewFilters, parse_query
from queries.withheld import Withheld

# table name -> builder(result, filters) -> (frame with display headers, file stem)
EXPORTS: dict[str, Callable] = {}


def export(name: str):
    def register(builder: Callable):
        EXPORTS[name] = builder
        return builder

    return register


def finnish_cell(value) -> str:
    if isinstance(value, Withheld):  # the page's mark: "<5", or ".." for a count hidden to protect one
        return fmt.withheld(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Half up, as a finance officer rounds (f-strings round half to even: 0.125 -> 0.12).
        text = str(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)).rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, (dt.date, pd.Timestamp)):
        day = value.date() if isinstance(value, pd.Timestamp) else value
        return f"{day.day}.{day.month}.{day.year}"
    if isinstance(value, numbers.Integral):
        return str(value)
    return neutralised(str(value))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula (a plan's area named `=HYPERLINK(…)`)
    gets a leading apostrophe, which Excel and LibreOffice show as plain text. Numbers never come
    here: they are written as numbers."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def finnish_csv(frame: pd.DataFrame, notes: list[str] | tuple[str, ...] = ()) -> str:
    """The text of the file; the BOM makes Excel read it as UTF-8. Notes (the legend of the marks)
    follow the table after an empty row, one per row, as statistical tables carry footnotes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([finnish_cell(v) for v in row])
    if notes:
        writer.writerow([])
        writer.writerows([neutralised(note)] for note in notes)
    return "\ufeff" + buffer.getvalue()


def marks_legend(frame: pd.DataFrame, lang: str) -> list[str]:
    """The legend lines for the withheld counts in the frame (they sit in object columns)."""
    columns = [frame[c] for c in frame.columns if frame[c].dtype == object]
    return fmt.withheld_notes((v for column in columns for v in column), lang)


def register(app) -> None:
    @app.callback(
        Output({"type": "csv-download", "table": MATCH}, "data"),
        Input({"type": "csv-button", "table": MATCH}, "n_clicks"),
        State({"type": "csv-button", "table": MATCH}, "id"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def download(clicks, button_id, search):
        # The id comes back from the browser: only a table that registered itself is built.
        table = button_id.get("table") if isinstance(button_id, dict) else None
        builder = EXPORTS.get(table) if isinstance(table, str) else None
        if not clicks or builder is None:
            return no_update
        return download_for(builder, parse_query(search))


def download_for(builder: Callable, filters: ViewFilters) -> dict:
    frame, stem = builder(state.current(), filters)
    text = finnish_csv(frame, marks_legend(frame, filters.lang))
    return dcc.send_string(text, f"{stem}.csv", type="text/csv;charset=utf-8")
