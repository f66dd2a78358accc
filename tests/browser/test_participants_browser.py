"""The participants page in headless Chromium."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_participants_page_renders_protected_tables(page, demo_server):
    page.goto(demo_server.url + "/osallistujat")
    page.wait_for_selector("#participants-kpi-total:not(:empty)", timeout=30000)
    page.wait_for_selector("#participants-multiples .main-svg", timeout=30000)
    assert page.inner_text("#participants-kpi-total") == "507"
    assert page.locator("#participants-matrix tbody tr").count() == 6  # four ages, total, women
    assert page.locator("#participants-indicators tbody tr").count() == 21
    body = page.inner_text("body")
    assert "CO01" in body and "CR04" in body
    # no visible count from 1 to 4 anywhere in the tables
    for table in (
        "#participants-matrix",
        "#participants-indicators",
        "#participants-by-implementer",
        "#participants-by-municipality",
    ):
        for cell in page.locator(f"{table} td").all_inner_texts():
            count = cell.split("/")[0].strip().replace("\u00a0", "")
            assert not re.fullmatch(r"[1-4]", count), (table, cell)
    screenshot(page, "participants")
    assert page.console_errors == []
