"""Build the Dash app for a plan and an extracts directory."""

from __future__ import annotations

import gc
import logging
import tempfile
import threading
from importlib import resources
from pathlib import Path

import flask
from dash import Dash

from dashboard import auth, config, exports, idle_gc, reload, shell, snapshots, state, warmup
from dashboard import report_pdf as report_pdf_module
from dashboard.components import table
from dashboard.i18n import translate
from dashboard.pages import PAGES
from dashboard.url_state import parse_query, to_query
from queries.summary import resolve_as_of

BOOTSTRAP_URL = "/vendor/bootstrap.min.css"
log = logging.getLogger(__name__)


def bootstrap_css() -> Path:
    """Bootstrap 5 as shipped inside the Bootstrap-Flask wheel: served by us, never from a CDN."""
    return Path(str(resources.files("flask_bootstrap") / "static" / "bootstrap5" / "css" / "bootstrap.min.css"))


REPORT_WAIT_SECONDS = 5  # a second click, or a colleague's, waits this long for a free render
REPORT_RETRY_SECONDS = 20  # about one report's drawing time


def create_app(
    plan_dir: str | Path | None = None,
    extracts_dir: str | Path | None = None,
    warm: bool = True,
    watch_seconds: float | str | None = "env",
    credentials: auth.Credentials | str | None = "env",
    store: str | Path | None = None,
    build_in_child: bool | None = None,
) -> Dash:
    """The app on a plan and extracts. `watch_seconds`: how often to look for changed files
    ("env": ESR_WATCH_SECONDS, default 10; None: never, reload only when asked). `credentials`:
    the password that protects every page ("env": ESR_USER/ESR_PASSWORD; None: open). `store`:
    the snapshot store (default ESR_STORE, else the user's cache folder); the data is opened from
    its snapshot, which is built first where none exists: in a child process with
    `build_in_child` (a server keeps no build's peak memory; default ESR_BUILD_IN), else in this one."""
    plan, extracts = config.plan_dir(plan_dir and str(plan_dir)), config.extracts_dir(extracts_dir and str(extracts_dir))
    stable = reload.stable_seconds_from_env()
    files_read = reload.wait_until_stable(plan, extracts, stable, log.info)  # before reading: see Reloader
    in_child = config.build_in_child() if build_in_child is None else build_in_child
    builder = snapshots.build_in_child if in_child else None
    opened = snapshots.open_project(plan, extracts, store, builder=builder)
    result = opened.result
    server = flask.Flask("esr_seuranta")
    auth.protect(server, auth.credentials_from_env() if credentials == "env" else credentials)
    auth.add_security_headers(server)
    auth.refuse_malformed_callbacks(server)
    css = bootstrap_css()

    @server.route(BOOTSTRAP_URL)
    def bootstrap():
        return flask.send_file(css, mimetype="text/css", max_age=86400)

    renders = threading.BoundedSemaphore(config.report_renders())

    @server.route(shell.REPORT_PDF)
    def report_pdf():
        """The report button: the current view (filters from the query string) as a PDF. At most
        ESR_REPORT_RENDERS at once per process: a request that finds them all busy for REPORT_WAIT
        seconds is told to come back (503, Retry-After) rather than start one more Chromium."""
        filters = parse_query(flask.request.query_string.decode("utf-8", "replace"))
        if not renders.acquire(timeout=REPORT_WAIT_SECONDS):
            message = translate("report.busy", filters.lang)
            return flask.Response(
                message, status=503, mimetype="text/plain; charset=utf-8", headers={"Retry-After": str(REPORT_RETRY_SECONDS)}
            )
        try:
            return _render_report(filters)
        finally:
            renders.release()

    def _render_report(filters):
        served = server.extensions[state.EXTENSION].current
        as_of = resolve_as_of(served.store, filters.as_of) if served.ok else None
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "raportti.pdf"
            try:
                report_pdf_module.write_pdf(server, to_query(filters), out, filters.lang, server.config["ESR_CREDENTIALS"])
            except report_pdf_module.ReportError as exc:
                message = translate("report.failed", filters.lang, reason=str(exc))
                return flask.Response(message, status=503, mimetype="text/plain; charset=utf-8")
            data = out.read_bytes()
        name = f"raportti-{as_of.isoformat() if as_of else 'esr'}.pdf"
        return flask.Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})

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
    data = state.DataState(result)
    state.attach(server, data)
    idle_gc.serve(server)
    watch = reload.watch_seconds_from_env() if watch_seconds == "env" else watch_seconds
    reloader = reload.Reloader(data, watch, files_read, stable, store, builder, opened.outcome)
    server.extensions[state.RELOADER] = reloader
    app.layout = shell.layout
    shell.register(app)
    exports.register(app)
    table.register_renderer(app)
    for page in PAGES:
        page.register(app)
    server.config["ESR_CSP"] = auth.content_security_policy(app.csp_hashes())  # every inline script is known now
    if config.forking():  # gunicorn --preload: the master warms the caches, the workers share them
        if warm:
            warmup.warm(result)
        _forked_apps.append(app)
    else:
        if warm:
            warmup.warm_in_background(result)
        reloader.start()
    return app


# Apps made in a process that then forks its workers (gunicorn.conf.py's preload): the master
# imports, opens and warms everything once, and the workers share those pages of memory (four
# workers took 1.8 times one worker's memory when each warmed its own caches).
_forked_apps: list[Dash] = []


def before_fork() -> None:
    """In the master, before it forks a worker (at start, or to replace one that died): serve the
    latest published snapshot of the current files, warmed, so that the new worker starts from it.
    Never builds here (the workers' watchers do). Then no DuckDB connection is left open (its
    threads would not survive the fork) and what is kept is frozen out of the collector's sight
    (a collection in a worker would otherwise write to, and so copy, every shared object)."""
    for app in _forked_apps:
        data = app.server.extensions[state.EXTENSION]
        served = data.current
        digest = snapshots.read_inputs(served.plan_dir, served.extracts_dir).digest
        if served.snapshot is None or served.snapshot.digest != digest:
            store = app.server.extensions[state.RELOADER].store
            latest = snapshots.Source(snapshots.store_root(store), served.plan_dir, served.extracts_dir).published(digest)
            if latest is not None:
                try:
                    data.swap(snapshots.open_snapshot(latest, served.plan_dir, served.extracts_dir))
                    warmup.warm(data.current)
                except snapshots.Gone:
                    pass
        if data.current.store is not None:
            data.current.store.disconnect()
    gc.collect()
    gc.freeze()


def after_fork() -> None:
    """In a worker just forked: a snapshot lease of its own, and the watcher."""
    for app in _forked_apps:
        data, reloader = app.server.extensions[state.EXTENSION], app.server.extensions[state.RELOADER]
        if data.current.snapshot is not None:
            data.current.snapshot.lease.renew_after_fork()
        reloader.start()
