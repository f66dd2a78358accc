"""The synthetic ESR+ 2021–2027 example (data/examples/esr_plus) in headless Chromium: every page in
Finnish, Swedish and English draws with no console error, and shows the programme's own indicators,
age groups, gender columns and cost model (the same pages the PRO SOS tests drive)."""

from __future__ import annotations

import pytest

from dashboard.config import ROOT
from dashboard.i18n import translate
from tests.browser.conftest import DRAWN, LiveServer, screenshot
from tests.browser.test_presentation_browser import SIZES, wait_for_slide

pytestmark = pytest.mark.browser
EXAMPLE = ROOT / "data" / "examples" / "esr_plus"


@pytest.fixture(scope="module")
def esr_plus_server():
    server = LiveServer(EXAMPLE / "plan", EXAMPLE / "extracts")
    yield server
    server.stop()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("path", list(DRAWN))
def test_every_page_draws_the_esr_plus_example(page, esr_plus_server, path, lang):
    page.goto(f"{esr_plus_server.url}{path}?lang={lang}")
    page.wait_for_selector(DRAWN[path], timeout=60000)
    page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=10000)
    body = page.inner_text("body")
    if path != "/esitys":  # the presentation shows no chrome
        assert "Osaava Polku (esimerkki)" in body and translate("demo.badge", lang) in body
    if path in ("/osallistujat", "/raportti"):
        table = "#participants-indicators" if path == "/osallistujat" else "#report-indicators"
        page.wait_for_selector(f"{table} table", timeout=30000)
        indicators = page.inner_text(table)
        for code in ("EECO01", "EECO07", "EECO12", "EECR05"):
            assert code in indicators
        assert "CO01" not in indicators.replace("EECO01", "")
        assert translate("indicators.not_collected", lang) in indicators  # EECO16: homelessness never asked
        for column in ("gender.F", "gender.M", "gender.esr_plus_2021_2027.X", "age.18_29", "age.55_plus"):
            assert translate(column, lang) in body, column
    if path == "/talous":
        page.wait_for_selector("#finance-category-table table", timeout=30000)
        assert translate("finance.categories.covered", lang) in page.inner_text("#finance-category-table")
    if path == "/aineisto":
        assert translate("data.kind.followups", lang) in page.inner_text("#data-file-table")
    assert page.console_errors == []
    if lang == "fi":
        screenshot(page, f"esr-plus-{path.strip('/') or 'overview'}")


def test_the_slides_carry_the_programmes_headline_and_stay_legible(page, esr_plus_server):
    page.goto(f"{esr_plus_server.url}/esitys?lang=en")
    for number in range(1, 9):  # 5 fixed slides and 3 areas
        wait_for_slide(page, number, 8)
        if page.locator("#slide .slide-chart").count():  # measured with its chart drawn
            page.wait_for_selector("#slide .slide-chart .main-svg", timeout=15000)
        sizes = page.evaluate(SIZES)
        if not sizes["board"]:
            assert sizes["figures"] and min(sizes["figures"]) >= 48, (number, sizes)
        if number == 5:
            slide = page.inner_text("#slide")
            for code in ("EECO02", "EECO04", "EECO05", "EECR02", "EECR03", "EECR04"):
                assert code in slide
        tall = page.evaluate("() => [document.documentElement.scrollHeight, window.innerHeight]")
        assert tall[0] <= tall[1], (number, tall)
        covered = page.evaluate(
            "() => { const s = document.getElementById('slide'); const last = s.lastElementChild;"
            " return (last.getBoundingClientRect().bottom - s.getBoundingClientRect().top) / window.innerHeight; }"
        )
        assert covered >= 0.7, (number, covered)  # one message that fills the room's screen
        screenshot(page, f"esr-plus-slide-{number:02d}")
        page.keyboard.press("ArrowRight")
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/osallistujat", "/talous", "/raportti", "/esitys?lang=sv"])
def test_no_serious_accessibility_violations_on_the_esr_plus_pages(browser, esr_plus_server, path):
    """The programme's own tables (three gender columns, code targets, not-collected cells) pass axe
    as PRO SOS's do."""
    from tests.browser.test_accessibility_browser import AXE, RUN

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fi-FI", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(esr_plus_server.url + path)
        page.wait_for_selector(DRAWN[path.split("?")[0]], timeout=60000)
        page.wait_for_timeout(500)
        page.add_script_tag(path=str(AXE))
        serious = [v for v in page.evaluate(RUN) if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
    finally:
        context.close()


@pytest.mark.parametrize("query", ["implementer=ranta", "region=Keski-Suomi", "municipality=Vaasa&municipality=Kokkola"])
def test_filters_in_the_url_narrow_the_esr_plus_participants(page, esr_plus_server, query):
    page.goto(f"{esr_plus_server.url}/osallistujat?{query}&lang=en")
    page.wait_for_selector("#participants-indicators table", timeout=60000)
    scope = page.inner_text("#participants-scope")
    assert ("Pohjanmaa" if "ranta" in query else "Keski-Suomi" if "region" in query else "Vaasa") in scope
    assert "EECO01" in page.inner_text("#participants-indicators")
    assert page.console_errors == []
