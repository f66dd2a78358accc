"""The meeting report as a PDF: the report page (`/raportti`) served on loopback for the moment it
takes, drawn in headless Chromium and printed with page numbers. Used by the CLI
(`python -m dashboard report`) and by the report button (the `/raportti.pdf` route)."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from dashboard import config
from dashboard.i18n import translate
from dashboard.pages import report

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"]
# Drawn 1 050 px wide and printed at 0.67: the A4 text column (186 mm ≈ 703 px) holds the charts whole.
VIEWPORT_WIDTH, PRINT_SCALE = 1050, 0.67
READY = """([charts, tables]) => {
  const title = document.getElementById('report-title');
  return !!(title && title.innerText
    && charts.every(id => document.querySelector('#' + id + ' .main-svg'))
    && tables.every(id => document.querySelector('#' + id + ' table')));
}"""


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # Chromium's page requests are not the user's business
        pass


class ReportError(Exception):
    """The report could not be made; the message says why in words a user can act on."""


@contextmanager
def serving(wsgi_app) -> Iterator[str]:
    """The app on a free loopback port of its own: the request that asks for a PDF may be the only
    one its worker can serve, so Chromium must not queue behind it."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def footer(title: str, lang: str) -> str:
    page = html.escape(translate("report.page", lang))
    return (
        '<div style="font-family: sans-serif; font-size: 8px; width: 100%; padding: 0 12mm; display: flex; '
        'justify-content: space-between; color: #333;">'
        f"<span>{html.escape(title)}</span>"
        f'<span>{page} <span class="pageNumber"></span> / <span class="totalPages"></span></span>'
        "</div>"
    )


def write_pdf(
    wsgi_app,
    query: str,
    out: Path,
    lang: str = "fi",
    credentials=None,
    progress: Callable[[str], None] = lambda _: None,
) -> Path:
    """Print the report for the view `query` (a URL query string, "" for the whole project).
    `credentials` (auth.Credentials): the password of a protected app, for its own Chromium."""
    chromium = config.chromium_path()
    if not chromium.exists():
        raise ReportError(f"Chromium not found at {chromium}: install Debian's chromium or set CHROMIUM_PATH")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with serving(wsgi_app) as url, sync_playwright() as playwright:
        progress("starting Chromium …")
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            login = {"username": credentials.user, "password": credentials.password} if credentials else None
            page = browser.new_page(viewport={"width": VIEWPORT_WIDTH, "height": 1400}, http_credentials=login)
            progress("drawing the report (charts and tables) …")
            page.goto(url + report.PATH + query)
            page.wait_for_function(READY, arg=[list(report.CHARTS), list(report.TABLES)], timeout=120_000)
            title = page.inner_text("#report-title")
            progress(f"printing {out} …")
            page.pdf(
                path=str(out),
                format="A4",
                scale=PRINT_SCALE,
                print_background=True,
                display_header_footer=True,
                header_template="<div></div>",
                footer_template=footer(title, lang),
                margin={"top": "12mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
            )
        except PlaywrightError as exc:
            raise ReportError(f"the report page could not be printed: {exc.message.splitlines()[0]}") from exc
        finally:
            browser.close()
    return out
