"""The filter bar and the areas page as a regional coordinator uses them, in headless Chromium."""

from __future__ import annotations

import re

import pytest

from dashboard import formatting as fmt
from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.ingest.load import load_project
from queries.summary import Scope, summary
from tests.browser.conftest import screenshot
from tests.browser.test_overview_browser import open_overview, pick, wait_for_budget

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def figures():
    store = load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR).store
    return lambda **scope: summary(store, Scope(**scope))


def wait_for_url(tab, pattern: str) -> None:
    tab.wait_for_function("p => new RegExp(p).test(window.location.search)", arg=pattern, timeout=15000)


def wait_for_participants(tab, count: int) -> None:
    tab.wait_for_function("c => document.getElementById('kpi-participants').innerText === c", arg=str(count), timeout=15000)


def test_region_and_municipality_filters_and_their_cascade(page, demo_server, figures):
    open_overview(page, demo_server.url + "/")
    pick(page, "filter-implementer", "Pikassos")
    wait_for_url(page, "implementer=pikassos")
    page.click("#filter-region")
    regions = page.get_by_role("option").all_inner_texts()
    assert sorted(r.strip() for r in regions) == ["Kanta-Häme", "Pirkanmaa", "Satakunta"]  # Pikassos' regions only
    page.keyboard.press("Escape")
    pick(page, "filter-region", "Pirkanmaa")
    wait_for_url(page, "region=Pirkanmaa")
    page.click("#filter-municipality")
    towns = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
    assert "Tampere" in towns and "Riihimäki" not in towns and "Helsinki" not in towns
    page.keyboard.press("Escape")
    pick(page, "filter-municipality", "Tampere")
    wait_for_url(page, "municipality=Tampere")
    expected = figures(implementer="pikassos", region="Pirkanmaa", municipalities=("Tampere",))
    wait_for_participants(page, expected["participants"])
    assert page.locator("#overview-note .notice-info").count() == 1  # finance at implementer level, said plainly
    assert page.console_errors == []


def test_as_of_filter_from_the_url_and_the_calendar(page, demo_server, figures):
    open_overview(page, demo_server.url + "/?as_of=2017-06-30")
    expected = figures(as_of=__import__("datetime").date(2017, 6, 30))
    wait_for_participants(page, expected["participants"])
    assert page.inner_text("#kpi-spent") == fmt.eur(expected["spent_eur"])
    assert "30.6.2017" in page.inner_text("#overview-scope")
    assert page.console_errors == []


def test_url_round_trip_restores_the_same_view(page, demo_server, figures):
    open_overview(page, demo_server.url + "/")
    pick(page, "filter-implementer", "Socom")
    wait_for_url(page, "implementer=socom")
    wait_for_budget(page, fmt.eur(figures(implementer="socom")["budget_eur"]))  # as amended on 17.4.2018
    link = page.url
    shown = {k: page.inner_text(f"#{k}") for k in ("kpi-budget", "kpi-spent", "kpi-participants", "kpi-person-days")}
    other = page.context.new_page()
    other.goto(link)
    other.wait_for_function(
        "t => document.getElementById('kpi-budget') && document.getElementById('kpi-budget').innerText === t",
        arg=shown["kpi-budget"],
        timeout=20000,
    )
    assert {k: other.inner_text(f"#{k}") for k in shown} == shown
    other.close()


def test_copy_link_copies_the_current_view(page, demo_server, figures):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_overview(page, demo_server.url + "/?implementer=verso")
    wait_for_budget(page, fmt.eur(figures(implementer="verso")["budget_eur"]))
    # Headless Chromium has no system clipboard to read back: record what the page writes to it.
    page.evaluate(
        "window.__copied = null; navigator.clipboard.writeText = t => { window.__copied = t; return Promise.resolve(); }"
    )
    page.click("#copy-link")
    page.wait_for_selector("text=Linkki kopioitu", timeout=10000)
    page.wait_for_function("() => window.__copied !== null", timeout=10000)
    assert page.evaluate("window.__copied") == page.url
    assert page.console_errors == []


def test_clicking_an_area_filters_the_app_and_drills_down(page, demo_server):
    page.goto(demo_server.url + "/alueet")
    page.wait_for_selector("#areas-ranking .main-svg", timeout=30000)
    page.wait_for_selector("text=Valitse alue", timeout=15000)
    bar = page.locator("#areas-ranking .bars .point").first  # the worst-paced area's first bar, at the bottom
    bar.click(force=True)
    wait_for_url(page, "implementer=")
    page.wait_for_selector("#areas-drilldown table", timeout=15000)
    implementer = re.search(r"implementer=(\w+)", page.url).group(1)
    assert implementer in {"socom", "verso", "kyc", "koske", "pikassos", "vasso", "seamk", "socca"}
    assert page.locator("#areas-drilldown tbody tr").count() >= 3
    screenshot(page, "areas")
    page.go_back()
    page.wait_for_selector("text=Valitse alue", timeout=15000)
    assert page.console_errors == []


def test_clicking_a_region_tile_filters_to_the_region(page, demo_server):
    page.goto(demo_server.url + "/alueet")
    page.wait_for_selector("#areas-tiles .main-svg", timeout=30000)
    page.locator("#areas-tiles .scatterlayer .trace").nth(1).locator(".point").first.click(force=True)
    wait_for_url(page, "region=")
    page.wait_for_selector("#areas-drilldown table", timeout=15000)
    region = re.search(r"region=([^&]+)", page.url).group(1)
    assert __import__("urllib.parse").parse.unquote(region) in page.inner_text("#areas-drilldown-title")
    assert page.console_errors == []


def test_clicking_a_bar_on_the_overview_filters_to_that_area(page, demo_server):
    open_overview(page, demo_server.url + "/")
    box = page.locator("#overview-implementers .bars .point").last.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_url(page, "implementer=")
    page.wait_for_function("() => document.querySelectorAll('#overview-implementers .ytick').length === 1", timeout=15000)
    assert page.console_errors == []
