"""The overview as a person sees it, in a real headless Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

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


def wait_for_kpis(tab, figures: dict) -> None:
    """Until every KPI shows its figure: going back, the page first shows the figures it had, then
    empties them while the new ones are worked out (a wait for the budget alone could end on the first)."""
    tab.wait_for_function(
        "(figures) => Object.entries(figures).every(([id, t]) => document.getElementById(id)?.innerText === t)",
        arg=figures,
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
    assert page.inner_text("#kpi-budget") == f"2{fmt.NBSP}650{fmt.NBSP}575{fmt.NBSP}€"  # 2 399 459 € as amended on 17.4.2018
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
    wait_for_kpis(page, expected())
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


def test_kpis_show_their_change_since_the_last_meeting_and_a_chosen_one(page, demo_server):
    """The demo's last meeting before 30.6.2018 is the sixth (25.5.2018): the KPIs show their change
    since it; choosing another meeting puts `since` in the URL and the changes follow."""
    from queries.summary import changes_since

    store = demo_server.app.server.extensions["esr_seuranta"].current.store
    default = changes_since(store, Scope(), dt.date(2018, 5, 25))
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#kpi-spent-change:not(:empty)", timeout=30000)
    assert page.inner_text("#kpi-spent-change").startswith("25.5.2018 alkaen +")
    assert page.inner_text("#filter-since") == "Edellinen kokous"  # the default, said as such
    # Each KPI's change arrives with its own figure: wait for it rather than read it at once.
    expect(page.locator("#kpi-participants-change")).to_have_text(re.compile(rf"\+{default['participants']}$"), timeout=15000)
    page.click("#filter-since")
    page.get_by_text("26.1.2018 · Ohjausryhmä 5 (demo)").click()
    page.wait_for_function("() => location.search.includes('since=2018-01-26')", timeout=15000)
    expect(page.locator("#kpi-spent-change")).to_contain_text("26.1.2018 alkaen", timeout=15000)
    earlier = changes_since(store, Scope(), dt.date(2018, 1, 26))
    expect(page.locator("#kpi-participants-change")).to_have_text(re.compile(rf"\+{earlier['participants']}$"), timeout=15000)
    page.goto(demo_server.url + "/?since=2017-09-22&implementer=socca")  # a shared link opens with it
    expect(page.locator("#kpi-spent-change")).to_contain_text("22.9.2017", timeout=15000)
    assert page.console_errors == []
