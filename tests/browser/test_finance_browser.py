"""The finance page in headless Chromium: figures, downloads and no console errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import formatting as fmt
from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.ingest.load import load_project
from queries.summary import Scope, summary
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def open_finance(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for_selector("#finance-kpi-forecast:not(:empty)", timeout=30000)
    tab.wait_for_selector("#finance-burn .main-svg", timeout=30000)


def test_finance_page_renders_with_the_summary_forecast(page, demo_server):
    open_finance(page, demo_server.url + "/talous")
    figures = summary(load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR).store, Scope())
    assert page.inner_text("#finance-kpi-forecast") == fmt.eur(figures["forecast_at_completion_eur"])
    assert page.locator("#finance-status-table tbody tr").count() == 9  # 8 implementers and the total
    assert page.locator("#finance-status-table .status").count() == 9
    assert "Socom" in page.inner_text("#finance-status-table")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "finance")
    assert page.console_errors == []


def test_amendments_show_the_plan_in_force_and_the_original_line(page, demo_server):
    open_finance(page, demo_server.url + "/talous")
    assert "17.4.2018 tehdyn muutospäätöksen mukaisena (päättyy 31.5.2019)" in page.inner_text("#finance-plan-in-force")
    assert page.locator("#finance-amendments-table tbody tr").count() == 8  # every implementer got a 2019 budget
    assert "Alkuperäinen suunnitelma" in page.text_content("#finance-burn .legend")
    screenshot(page, "finance-amendments")
    open_finance(page, demo_server.url + "/talous?as_of=2018-04-01")  # a replay before the decision
    page.wait_for_function("() => document.querySelector('#finance-plan-in-force').innerText.includes('alkuperäinen')")
    assert page.locator("#finance-amendments-body").is_hidden()
    assert "Alkuperäinen suunnitelma" not in page.text_content("#finance-burn .legend")
    assert page.console_errors == []


def test_table_downloads_as_finnish_csv_and_chart_as_png(page, demo_server):
    open_finance(page, demo_server.url + "/talous?implementer=socom")
    # One implementer: its per-implementer burn chart would repeat the one above, so it is hidden.
    page.wait_for_selector("#finance-multiples-figure[hidden]", state="attached", timeout=30000)
    with page.expect_download() as csv_download:
        page.locator(".table-section:has(#finance-status-table) .download-row button").click()
    content = Path(csv_download.value.path()).read_bytes()
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Toteuttaja;Tila;Budjetti;")
    assert "Socom;" in text and f"{210000 + 21293}" in text  # the budget as amended on 17.4.2018
    page.hover("#finance-burn")
    with page.expect_download() as png_download:
        page.locator("#finance-burn .modebar-btn[data-title='Download plot as a PNG']").click()
    assert Path(png_download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.locator("#finance-burn .modebar-btn[data-title^='Share']").count() == 0  # nothing leaves the app
    assert page.console_errors == []


def test_navigation_keeps_the_filters(page, demo_server):
    page.goto(demo_server.url + "/?implementer=verso")
    page.wait_for_selector("#kpi-budget:not(:empty)", timeout=20000)
    page.click("#nav-finance")
    page.wait_for_selector("#finance-kpi-forecast:not(:empty)", timeout=30000)
    assert page.url.endswith("/talous?implementer=verso")
    assert "Verso" in page.inner_text("#finance-scope")
    assert page.console_errors == []
