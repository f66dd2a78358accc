"""The data page (`/aineisto`): every loaded file and every problem found in it, the last reload
attempt, and a button that looks for new data now. Participant rows never appear here: only file
names, counts and checksums, and the problems (file, row, column, message)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.table import TableColumn, data_table, download_button, message, table_host, table_output
from dashboard.exports import export
from dashboard.i18n import language, translate
from dashboard.ingest.load import LoadResult
from dashboard.ingest.problems import Problem
from dashboard.url_state import ViewFilters

PATH = "/aineisto"
TITLE_KEY = "nav.data"
SHOWN_PROBLEMS = 500  # on screen; the CSV download has all


def layout(lang: str):
    t = lambda k: translate(k, lang)  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="data-reloaded"),
            html.Div([html.H1(t("data.title")), html.P(id="data-loaded", className="scope-line")], className="page-heading"),
            html.Div(id="data-attempt"),
            html.Div(
                [
                    html.Button(t("data.refresh"), id="data-refresh", className="btn btn-primary", n_clicks=0),
                    html.Span(id="data-refresh-status", className="refresh-status", **{"aria-live": "polite"}),
                ],
                className="refresh-row",
            ),
            html.Section(
                [html.H2(t("data.files.title")), table_host("data-file-table"), download_button("data-files", lang)],
                className="table-section",
            ),
            html.Section(
                [
                    html.H2(t("data.problems.title")),
                    html.P(t("data.problems.help")),
                    table_host("data-problem-table", "scroll-box", t("data.problems.title")),
                    download_button("data-problems", lang),
                ],
                className="table-section",
            ),
        ],
        className="page page-data",
    )


def _stamp(moment: dt.datetime, lang: str) -> str:
    return f"{fmt.date(moment.date(), lang)} {moment:%H:%M:%S}"


def file_rows(result: LoadResult, lang: str) -> list[dict]:
    return [
        {
            "file": result.shown_name(f.path),
            "kind": translate(f"data.kind.{f.kind}", lang),
            "rows": f.rows_loaded,
            "set_aside": f.rows_set_aside,
            "state": translate("data.state.rejected" if f.rejected else "data.state.loaded", lang),
            "sha256": f.sha256,
            "loaded_at": _stamp(result.loaded_at, lang),
        }
        for f in result.files
    ]


def problem_rows(problems: list[Problem], lang: str, name: Callable[[str], str]) -> list[dict]:
    """`name`: what the page may call a file (LoadResult.shown_name)."""
    return [{"file": name(p.file), "row": p.row or "–", "column": p.column, "message": p.message(lang)} for p in problems]


def files_table(rows: list[dict], lang: str) -> dict:
    t = lambda k: translate(k, lang)  # noqa: E731
    count = lambda v: fmt.count(v, lang)  # noqa: E731
    columns = [
        TableColumn("file", t("data.col.file")),
        TableColumn("kind", t("data.col.kind")),
        TableColumn("rows", t("data.col.rows"), count, True),
        TableColumn("set_aside", t("data.col.set_aside"), count, True),
        TableColumn("state", t("data.col.state")),
        TableColumn("sha256", t("data.col.sha256"), lambda v: f"{v[:16]}…"),
        TableColumn("loaded_at", t("data.col.loaded_at")),
    ]
    return data_table(rows, columns, t("data.files.caption"))


def problems_table(rows: list[dict], lang: str) -> dict:
    t = lambda k: translate(k, lang)  # noqa: E731
    columns = [
        TableColumn("file", t("data.col.file")),
        TableColumn("row", t("data.col.row"), str, True),
        TableColumn("column", t("data.col.column")),
        TableColumn("message", t("data.col.message")),
    ]
    if not rows:
        return message(t("data.problems.none"))
    return data_table(rows[:SHOWN_PROBLEMS], columns, t("data.problems.caption"))


def attempt_notice(attempt, served: LoadResult, lang: str):
    """The last reload that did not go through, said plainly, with its first problems; new data
    held back comes with the button that takes it into use."""
    if attempt is None or attempt.outcome not in ("refused", "held", "waiting"):
        return None
    lines = [html.Li(html.Code(p.line(lang, served.shown_name(p.file)))) for p in attempt.problems[:10]]
    text = translate(f"data.{attempt.outcome}", lang, when=_stamp(attempt.at, lang), served=_stamp(served.loaded_at, lang))
    button = (
        [html.Button(translate("data.accept", lang), id="data-accept", n_clicks=0, className="btn btn-warning btn-sm")]
        if attempt.outcome == "held"
        else []
    )
    kind = "notice-info" if attempt.outcome == "waiting" else "notice-warning"
    return html.Div([html.P(text), html.Ul(lines), *button], className=f"notice {kind}", role="alert")


def view(result: LoadResult, lang: str, attempt=None) -> dict:
    return {
        "loaded": translate(
            "data.loaded",
            lang,
            when=_stamp(result.loaded_at, lang),
            project=result.plan.project["name"] if result.plan else "",
            files=fmt.count(len(result.files), lang),
        ),
        "attempt": attempt_notice(attempt, result, lang),
        "files": files_table(file_rows(result, lang), lang),
        "problems": problems_table(problem_rows(result.problems, lang, result.shown_name), lang),
    }


def refresh_message(outcome: str, lang: str) -> str:
    return translate(f"data.refresh.{outcome}", lang)


def register(app) -> None:
    @app.callback(
        Output("data-loaded", "children"),
        Output("data-attempt", "children"),
        *(Output(*table_output(name)) for name in ("data-file-table", "data-problem-table")),
        Input("url", "pathname"),
        State("lang", "data"),
    )
    def show_data(_path, lang):
        reloader = state.reloader()
        shown = view(state.current(), language(lang), reloader.last_attempt if reloader else None)
        return shown["loaded"], shown["attempt"], shown["files"], shown["problems"]

    @app.callback(
        Output("data-refresh-status", "children"),
        Output("data-reloaded", "data"),
        Input("data-refresh", "n_clicks"),
        State("lang", "data"),
        prevent_initial_call=True,
        running=[(Output("data-refresh", "disabled"), True, False)],
    )
    def refresh(_clicks, lang):
        """Look for new data now; when something was loaded or refused, the page reloads to show it."""
        lang = language(lang)
        reloader = state.reloader()
        if reloader is None:
            return refresh_message("unavailable", lang), no_update
        attempt = reloader.check(force=True)
        changed = attempt.outcome in ("reloaded", "refused", "held", "waiting")
        return refresh_message(attempt.outcome, lang), (attempt.at.isoformat() if changed else no_update)

    @app.callback(
        Output("data-reloaded", "data", allow_duplicate=True),
        Input("data-accept", "n_clicks"),
        prevent_initial_call=True,
    )
    def accept(clicks):
        """Take the held-back data into use, here and (through the accept marker) everywhere."""
        reloader = state.reloader()
        if not clicks or reloader is None:
            return no_update
        return reloader.accept().at.isoformat()

    # The whole page (filter choices included) is built from the served data: load it anew.
    app.clientside_callback(
        "function (stamp) { if (stamp) { window.setTimeout(function () { window.location.reload(); }, 600); } }",
        Input("data-reloaded", "data"),
        prevent_initial_call=True,
    )


@export("data-files")
def export_files(result: LoadResult, filters: ViewFilters):
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    rows = file_rows(result, filters.lang)
    keys = ("file", "kind", "rows", "set_aside", "state", "sha256", "loaded_at")
    frame = pd.DataFrame([[r[k] for k in keys] for r in rows], columns=[t(f"data.col.{k}") for k in keys])
    return frame, f"aineisto-tiedostot-{result.loaded_at:%Y-%m-%d}"


@export("data-problems")
def export_problems(result: LoadResult, filters: ViewFilters):
    t = lambda k: translate(k, filters.lang)  # noqa: E731
    rows = problem_rows(result.problems, filters.lang, result.shown_name)
    keys = ("file", "row", "column", "message")
    frame = pd.DataFrame([[r[k] for k in keys] for r in rows], columns=[t(f"data.col.{k}") for k in keys])
    return frame, f"aineisto-ongelmat-{result.loaded_at:%Y-%m-%d}"
