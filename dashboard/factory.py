"""Build the Dash app for a plan and an extracts directory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import flask
from dash import Dash

from dashboard import config, exports, shell, state, warmup
from dashboard.components import table
from dashboard.ingest.load import load_project
from dashboard.pages import PAGES

BOOTSTRAP_URL = "/vendor/bootstrap.min.css"


def bootstrap_css() -> Path:
    """Bootstrap 5 as shipped inside the Bootstrap-Flask wheel: served by us, never from a CDN."""
    return Path(str(resources.files("flask_bootstrap") / "static" / "bootstrap5" / "css" / "bootstrap.min.css"))


def create_app(plan_dir: str | Path | None = None, extracts_dir: str | Path | None = None, warm: bool = True) -> Dash:
    result = load_project(config.plan_dir(plan_dir and str(plan_dir)), config.extracts_dir(extracts_dir and str(extracts_dir)))
    server = flask.Flask("esr_seuranta")
    css = bootstrap_css()

    @server.route(BOOTSTRAP_URL)
    def bootstrap():
        return flask.send_file(css, mimetype="text/css", max_age=86400)

    app = Dash(
        __name__,
        server=server,
        assets_folder=str(config.ROOT / "assets"),
        external_stylesheets=[BOOTSTRAP_URL],
        suppress_callback_exceptions=True,  # page components appear only when their page is shown
        serve_locally=True,
        title="ESR-seuranta",
        update_title=None,
    )
    # Screen readers and hyphenation need the page language; the plan names it.
    language = result.plan.project["language"] if result.ok else "fi"
    app.index_string = app.index_string.replace("<html>", f'<html lang="{language}">', 1)
    state.attach(server, state.DataState(result))
    app.layout = shell.layout
    shell.register(app)
    exports.register(app)
    table.register_renderer(app)
    for page in PAGES:
        page.register(app)
    if warm:
        warmup.warm_in_background(result)
    return app
