"""A plain, accessible HTML table from rows and column definitions, with a CSV download button."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from dashboard.i18n import translate


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: str
    format: Callable[[Any], Any] = str
    numeric: bool = False


def data_table(rows: list[dict], columns: list[TableColumn], caption: str, total_last: bool = False):
    head = html.Thead(html.Tr([html.Th(c.label, scope="col", className="num" if c.numeric else None) for c in columns]))
    body_rows = []
    for index, row in enumerate(rows):
        cells = [html.Td(c.format(row.get(c.key)), className="num" if c.numeric else None) for c in columns]
        is_total = total_last and index == len(rows) - 1
        body_rows.append(html.Tr(cells, className="total-row" if is_total else None))
    return html.Table([html.Caption(caption), head, html.Tbody(body_rows)], className="table data-table")


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
