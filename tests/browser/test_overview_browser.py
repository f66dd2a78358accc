"""The overview as a person sees it, in a real headless Chromium."""

from __future__ import annotations

import re

import pytest

from dashboard import formatting as fmt
from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.ingest.load import load_project
from queries.summary import Scope, summary
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
KPI_IDS = ("kpi-budget", "kpi-spent", "kpi-participants", "kpi-person-days")


@pytest.fixture(scope="module")
def expected():
    """What `summary --json` says, formatted as the page formats it."""
    result = load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR)

    def figures(implementer=None):
        s = summary(result.store, Scope(implementer=implementer))
        return {
            "kpi-budget": fmt.eur(s["budget_eur"]),
            "kpi-spent": fmt.eur(s["spent_eur"]),
            "kpi-participants": fmt.count(s["participants"]),
            "kpi-person-days": fmt.days(s["person_days"]["total"]),
        }

    return figures


def kpis(tab) -> dict:
    return {kpi: tab.inner_text(f"#{kpi}") for kpi in KPI_IDS}


def wait_for_budget(tab, text: str) -> None:
    tab.wait_for_function(
        "([id, t]) => document.getElementById(id) && document.getElementById(id).innerText === t",
        arg=["kpi-budget", text],
        timeout=15000,
    )


def open_overview(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for_selector("#kpi-budget:not(:empty)", timeout=20000)
    tab.wait_for_selector("#overview-implementers .main-svg", timeout=20000)


def pick(tab, dropdown_id: str, text: str) -> None:
    tab.click(f"#{dropdown_id}")
    tab.locator(".dash-dropdown-search").fill(text)  # replaces any earlier search text
    tab.get_by_role("option", name=re.compile(re.escape(text))).first.click()


def test_overview_loads_clean_and_matches_summary(page, demo_server, expected):
    open_overview(page, demo_server.url + "/")
    assert kpis(page) == expected()
    assert page.inner_text("#kpi-budget") == f"2{fmt.NBSP}399{fmt.NBSP}459{fmt.NBSP}€"
    assert "DEMO" in page.inner_text("#demo-badge")
    assert "Tilanne 30.6.2018" in page.inner_text("#overview-scope")
    assert page.locator("#overview-implementers .ytick").count() == 8  # one bar per implementer
    screenshot(page, "overview")
    assert page.console_errors == []
    assert page.hosts <= {demo_server.url.split("/")[2]}  # every asset from the app itself


def test_implementer_filter_changes_figures_and_url_and_back_restores(page, demo_server, expected):
    open_overview(page, demo_server.url + "/")
    pick(page, "filter-implementer", "Socca")
    wait_for_budget(page, expected("socca")["kpi-budget"])
    assert kpis(page) == expected("socca")
    assert page.url.endswith("/?implementer=socca")
    assert page.locator("#overview-implementers .ytick").count() == 1
    screenshot(page, "overview-socca")

    page.go_back()
    wait_for_budget(page, expected()["kpi-budget"])
    assert kpis(page) == expected()
    page.go_forward()
    wait_for_budget(page, expected("socca")["kpi-budget"])
    assert page.console_errors == []


def test_opening_a_shared_link_shows_that_view(page, demo_server, expected):
    open_overview(page, demo_server.url + "/?implementer=socom")
    wait_for_budget(page, expected("socom")["kpi-budget"])
    assert kpis(page) == expected("socom")
    assert "Socom" in page.inner_text("#filter-implementer")
    assert page.console_errors == []


def test_region_filter_tells_finance_is_at_implementer_level(page, demo_server):
    open_overview(page, demo_server.url + "/?region=Pirkanmaa")
    page.wait_for_selector("#overview-note .notice-info", timeout=15000)
    assert "Pirkanmaa" in page.inner_text("#overview-scope")
    assert page.console_errors == []


def test_unknown_page_says_so(page, demo_server):
    page.goto(demo_server.url + "/ei-ole")
    page.wait_for_selector("text=Sivua ei löydy", timeout=15000)
    assert page.console_errors == []
