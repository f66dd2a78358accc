"""Every page fits the screen it is read on: at 1920×1080, 1366×768 and a 390-px phone the page
never scrolls sideways (a wide table scrolls inside its own card), measured from the DOM."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DRAWN, screenshot

pytestmark = pytest.mark.browser

READY = {**DRAWN, "/talous": "#finance-status-table table"}  # the widest table must be there to be measured
SIZES = {"1920": (1920, 1080), "1366": (1366, 768), "phone": (390, 844)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("path", list(READY))
def test_no_page_scrolls_sideways(browser, demo_server, path, size):
    if path == "/esitys" and size == "phone":
        pytest.skip("presentation mode is for a meeting room's screen")
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI")
    page = context.new_page()
    try:
        page.goto(demo_server.url + path)
        page.wait_for_selector(READY[path], timeout=30000)
        page.wait_for_timeout(700)  # the last callbacks and chart resizes land
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        sticking_out = page.evaluate(
            """(w) => [...document.querySelectorAll('.kpi-card, .table-section, .chart-figure, .app-header, .filter-bar, .slide-tile')]
                 .filter(el => el.getBoundingClientRect().right > w + 1 || el.scrollWidth > el.clientWidth + 1)
                 .map(el => el.className).slice(0, 5)""",
            width,
        )
        screenshot(page, f"layout-{size}{path.replace('/', '-') or '-overview'}")
        assert scroll_width <= width, (scroll_width, sticking_out)
        assert not sticking_out
    finally:
        context.close()
