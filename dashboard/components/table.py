"""Tables as data: a page callback returns a small JSON description of a table, and one clientside
function (assets/tables.js) turns it into a plain, accessible HTML table.

Why not html.Table: Dash 4 renders every cell as a component of its own, and a filter change on the
participants page (about two thousand cells) spent over a second in the Dash renderer alone. As
data, a table is one property update; the browser builds it with textContent, never innerHTML, so
no text from the data can become markup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import MATCH, ClientsideFunction, Input, State, dcc, html

from dashboard.i18n import translate

Cell = dict[str, Any] | str  # a bare string is a plain data cell with its column's class (see `table`)


def cell(content: str | list[Cell], class_name: str | None = None, header: bool = False) -> Cell:
    """One cell: text, or a list of parts (see `part`). A header cell in the body is a row header."""
    value: Cell = {"parts": content} if isinstance(content, list) else {"text": content}
    if class_name:
        value["class"] = class_name
    if header:
        value["header"] = True
    return value


def part(text: str, tag: str = "span", class_name: str | None = None) -> Cell:
    """A run of text inside a cell, as <span> or <strong>."""
    value: Cell = {"tag": tag, "text": text}
    if class_name:
        value["class"] = class_name
    return value


def row(cells: list[Cell], class_name: str | None = None) -> dict:
    return {"cells": cells, "class": class_name} if class_name else {"cells": cells}


def table(
    caption: str, head: list[Cell], rows: list[dict], class_name: str | None = None, notes: list[str] | None = None
) -> dict:
    """The description the browser draws: a caption, one header row and body rows, and the notes
    under the table (the legend of its marks). A body cell given as a bare string is a data cell with
    that text and its column head's class: a national table has ten thousand number cells, and each
    as {"text": …, "class": "num"} doubled the response."""
    spec = {"caption": caption, "head": head, "rows": rows}
    if class_name:
        spec["class"] = class_name
    if notes:
        spec["notes"] = notes
    return spec


def message(text: str) -> dict:
    """Instead of a table: a sentence (e.g. what to choose first)."""
    return {"message": text}


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: str
    format: Callable[[Any], str | list[Cell]] = str
    numeric: bool = False


def data_table(
    rows: list[dict], columns: list[TableColumn], caption: str, total_last: bool = False, notes: list[str] | None = None
) -> dict:
    head = [cell(c.label, "num" if c.numeric else None) for c in columns]
    body = []
    for index, values in enumerate(rows):
        cells = [_data_cell(c.format(values.get(c.key)), c) for c in columns]
        body.append(row(cells, "total-row" if total_last and index == len(rows) - 1 else None))
    return table(caption, head, body, notes=notes)


def _data_cell(content: str | list[Cell], column: TableColumn) -> Cell:
    return content if isinstance(content, str) else cell(content, "num" if column.numeric else None)


def table_host(host_id: str, class_name: str | None = None, scroll_label: str | None = None):
    """Where a table appears, and the store its description arrives in. A page callback writes to
    `table_output(host_id)`. A scrolling host is a labelled region that the keyboard can reach
    (arrow keys scroll it once focused)."""
    scrolling = {"tabIndex": "0", "role": "region", "aria-label": scroll_label} if scroll_label else {}
    return html.Div(
        [html.Div(id=host_id, className=class_name, **scrolling), dcc.Store(id={"type": "table-data", "host": host_id})],
        className="table-host",
    )


def table_output(host_id: str) -> tuple[dict, str]:
    return {"type": "table-data", "host": host_id}, "data"


def register_renderer(app) -> None:
    """One clientside callback draws every table of every page; it has no Dash output, because it
    writes the host's DOM itself (the host has no Dash children to fight over)."""
    app.clientside_callback(
        ClientsideFunction(namespace="tables", function_name="render"),
        Input({"type": "table-data", "host": MATCH}, "data"),
        State({"type": "table-data", "host": MATCH}, "id"),
    )


def download_button(table_name: str, lang: str):
    """A CSV download for Finnish Excel; the shared export callback fills it (see dashboard/exports.py)."""
    return html.Div(
        [
            html.Button(
                translate("download.csv", lang),
                id={"type": "csv-button", "table": table_name},
                className="btn btn-outline-primary btn-sm download-button",
            ),
            dcc.Download(id={"type": "csv-download", "table": table_name}),
        ],
        className="download-row",
    )
