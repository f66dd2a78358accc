"""Day one in a real browser: the PRO SOS plan with no extracts at all. Every page renders with no
console errors, shows the plan's budget and targets with nothing done, and names no server path."""

from __future__ import annotations

import shutil

import pytest

from dashboard.config import DEFAULT_PLAN_DIR
from tests.browser.conftest import DRAWN, LiveServer, screenshot

pytestmark = pytest.mark.browser

PAGES = {**DRAWN, "/aineisto": "#data-loaded"}  # with no extract read there is no table of files


@pytest.fixture(scope="module")
def plan_only_server(tmp_path_factory):
    """The embedded PRO SOS plan, and an extracts folder with nothing in it yet."""
    folder = tmp_path_factory.mktemp("day-one")
    shutil.copytree(DEFAULT_PLAN_DIR, folder / "plan")
    (folder / "extracts").mkdir()
    server = LiveServer(folder / "plan", folder / "extracts")
    server.folder = folder
    yield server
    server.stop()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_on_the_plan_alone(page, plan_only_server, path):
    page.goto(plan_only_server.url + path)
    page.wait_for_selector(PAGES[path], timeout=30000)
    page.wait_for_timeout(500)  # let the remaining callbacks land
    body = page.inner_text("body")
    assert str(plan_only_server.folder) not in body and "/tmp/" not in body
    assert "Traceback" not in body and "Error" not in body
    screenshot(page, f"plan-only{path.replace('/', '-') or '-overview'}")
    assert page.console_errors == []


def test_overview_on_day_one_shows_the_plan_and_says_nothing_has_come_in(page, plan_only_server):
    page.goto(plan_only_server.url + "/?as_of=2017-03-31")
    page.wait_for_selector("#kpi-budget:not(:empty)", timeout=30000)
    assert page.inner_text("#kpi-budget") == "2\u00a0399\u00a0459\u00a0€"
    assert page.inner_text("#kpi-spent") == "0\u00a0€"
    assert page.inner_text("#kpi-participants") == "0"
    assert "Kustannuksia ei ole vielä kirjattu" in page.inner_text("#kpi-spent-detail")
    assert "Ei vielä osallistujia" in page.inner_text("#kpi-participants-detail")
    assert "Tavoite 680" in page.inner_text("#kpi-participants-detail")
    assert page.inner_text("#app-footer").startswith("PRO SOS · Ei vielä aineistoa")
    assert page.console_errors == []


def test_after_the_end_the_final_state_is_said(page, plan_only_server):
    page.goto(plan_only_server.url + "/talous?as_of=2031-01-01")
    page.wait_for_selector("#life-ended", timeout=30000)
    assert "31.5.2019" in page.inner_text("#life-ended")  # the end as the demo amendment moved it
    assert "31.5.2019" in page.inner_text("#finance-scope")  # the date used, not the one asked for
    screenshot(page, "plan-only-finance-after-end")
    assert page.console_errors == []
