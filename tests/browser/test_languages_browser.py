"""Every page in Finnish, Swedish and English: chosen by ?lang= and by the language links, with
numbers and dates in each language's own format."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard import formatting as fmt
from dashboard.i18n import translate
from dashboard.pages import NAV_PAGES
from queries.summary import default_as_of
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# A page is drawn when its scope line (or the overview's KPI) has text.
READY = {
    "/": "#kpi-budget",
    "/talous": "#finance-scope",
    "/osallistujat": "#participants-scope",
    "/alueet": "#areas-scope",
    "/esitys": "#slide-stamp",
    "/aineisto": "#data-loaded",
}
TITLES = {
    "/": "overview.title",
    "/talous": "finance.title",
    "/osallistujat": "participants.title",
    "/alueet": "areas.title",
    "/esitys": "slides.overview.title",
    "/aineisto": "data.title",
}


def open_page(tab, url: str, ready: str) -> None:
    tab.goto(url)
    tab.wait_for_selector(f"{ready}:not(:empty)", timeout=20000)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("path", [page.PATH for page in NAV_PAGES])
def test_every_page_speaks_the_language_of_the_url(page, demo_server, path, lang):
    open_page(page, f"{demo_server.url}{path}?lang={lang}", READY[path])
    expect(page.locator("h1")).to_have_text(translate(TITLES[path], lang), timeout=15000)
    page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=10000)
    assert page.inner_text("h1") == translate(TITLES[path], lang)
    assert page.inner_text("#label-filter-implementer") == translate("filter.implementer", lang)
    assert page.inner_text("#nav-finance") == translate("nav.finance", lang)
    assert page.inner_text("#demo-badge") == translate("demo.badge", lang)
    assert translate("filter.implementer", "fi") not in page.inner_text("body")  # no Finnish frame left
    as_of = fmt.date(default_as_of(demo_server.app.server.extensions["esr_seuranta"].current.store), lang)
    if path != "/aineisto":  # the data page has no as-of date, only when the data was loaded
        assert as_of in page.inner_text(READY[path] if path != "/" else "body")
    if path == "/esitys":
        assert page.inner_text("#slide-counter").startswith("1 / ")
    assert page.console_errors == []
    if path == "/":
        screenshot(page, f"overview-{lang}")


def test_language_links_switch_and_keep_the_view(page, demo_server):
    open_page(page, demo_server.url + "/talous?implementer=socca", "#finance-scope")
    page.click("#lang-sv")
    expect(page.locator("h1")).to_have_text("Ekonomi", timeout=10000)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#finance-scope")).to_have_text(re.compile("^Socca"), timeout=10000)
    expect(page.locator("#finance-status-table")).to_contain_text("Totalt", timeout=10000)  # tables follow too
    assert "implementer=socca" in page.url and "lang=sv" in page.url
    page.click("#lang-en")
    expect(page.locator("h1")).to_have_text("Finance", timeout=10000)
    # English numbers: the euro sign first, comma thousands.
    expect(page.locator("#finance-kpi-forecast")).to_have_text(re.compile(r"^€\d{1,3}(,\d{3})*$"), timeout=10000)
    page.click("#lang-fi")
    expect(page.locator("h1")).to_have_text("Talous", timeout=10000)
    assert "lang=" not in page.url  # Finnish is the default and needs no parameter
    assert page.console_errors == []
