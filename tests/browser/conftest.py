"""The app served on loopback and driven by Playwright in Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR, ROOT
from dashboard.factory import create_app

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# A page is fully drawn once this element is there: its heaviest chart or table.
DRAWN = {
    "/": "#overview-implementers .main-svg",
    "/talous": "#finance-burn .main-svg",
    "/osallistujat": "#participants-matrix table",
    "/alueet": "#areas-ranking .main-svg",
    "/esitys": "#slide .slide-figure",
    "/raportti": "#report-matrix table",
    "/aineisto": "#data-file-table table",
}


class LiveServer:
    def __init__(self, plan_dir: Path, extracts_dir: Path):
        self.app = create_app(plan_dir, extracts_dir)
        self._server = make_server("127.0.0.1", 0, self.app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()


@pytest.fixture(scope="session")
def demo_server():
    """The embedded default (PRO SOS plan, demo extracts), as `python app.py` serves it."""
    server = LiveServer(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see README) or set CHROMIUM_PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A 1920×1080 page that records console errors, page errors and every host it contacts."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fi-FI")
    tab = context.new_page()
    tab.console_errors = []
    tab.hosts = set()
    tab.on("console", lambda message: tab.console_errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.on("request", lambda request: tab.hosts.add(request.url.split("/")[2]))
    yield tab
    context.close()


def screenshot(tab, name: str) -> Path:
    """Saved for people to look at (artifacts/ is not committed); tests never compare pixels."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
