"""Presentation mode on a 1920×1080 screen: every slide's type sizes measured from the DOM, the
as-of stamp on each, no chrome, and moving by keys, click and timer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

SIZES = """() => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const figures = [...document.querySelectorAll('#slide .slide-figure')].map(px);
  const labels = [...document.querySelectorAll('#slide .slide-label')].map(px);
  const board = [...document.querySelectorAll('#slide .slide-board td, #slide .slide-board tbody th')].map(px);
  return {figures, labels, board};
}"""


def wait_for_slide(tab, number: int, total: int) -> None:
    expect(tab.locator("#slide-counter")).to_have_text(f"{number} / {total}", timeout=15000)
    tab.wait_for_selector("#slide .slide-figure, #slide .slide-board", timeout=15000)


def test_every_slide_is_legible_from_the_back_of_the_room(page, demo_server):
    page.goto(demo_server.url + "/esitys")
    wait_for_slide(page, 1, 13)  # 5 fixed slides and 8 areas
    for header in ("header.app-header", "#filter-bar", "footer.app-footer"):
        assert not page.locator(header).is_visible()
    seen = []
    for number in range(1, 14):
        wait_for_slide(page, number, 13)
        title = page.inner_text(".slide-title")
        sizes = page.evaluate(SIZES)
        if sizes["board"]:  # the areas' status board: a table read across the room
            assert min(sizes["board"]) >= 28, (title, sizes)
        else:
            assert sizes["figures"] and min(sizes["figures"]) >= 48, (title, sizes)
            assert sizes["labels"] and min(sizes["labels"]) >= 24, (title, sizes)
        assert page.inner_text("#slide-stamp") == "Tilanne 30.6.2018"
        if page.locator("#slide .slide-chart").count():  # measured with its chart drawn
            page.wait_for_selector("#slide .slide-chart .main-svg", timeout=15000)
        tall = page.evaluate("() => [document.documentElement.scrollHeight, window.innerHeight]")
        assert tall[0] <= tall[1], (title, tall)  # the slide fits the screen: nothing below the fold
        covered = page.evaluate(
            "() => { const s = document.getElementById('slide'); const last = s.lastElementChild;"
            " return (last.getBoundingClientRect().bottom - s.getBoundingClientRect().top) / window.innerHeight; }"
        )
        assert covered >= 0.7, (title, covered)  # one message that fills the room's screen
        seen.append(title)
        screenshot(page, f"slide-{number:02d}")
        page.keyboard.press("ArrowRight")
    assert seen[:5] == ["Hankkeen tilanne", "Talous: riittääkö budjetti?", "Alueiden tilanne", "Osallistujat", seen[4]]
    assert seen[5:] == [
        f"Alue: {a}" for a in ["SONet BOTNIA", "KOSKE", "Chydenius", "Pikassos", "Socca", "Socom", "Vasso", "Verso"]
    ]
    wait_for_slide(page, 1, 13)  # after the last comes the first
    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, 13, 13)
    page.click("#slide")  # a click moves on too
    wait_for_slide(page, 1, 13)
    assert page.console_errors == []


def test_filters_from_the_url_apply_and_the_deck_rotates_by_itself(page, demo_server):
    page.goto(demo_server.url + "/esitys?implementer=socca&rotate=5&lang=sv")
    wait_for_slide(page, 1, 6)
    assert page.inner_text(".slide-scope").startswith("Socca")
    assert page.inner_text("#slide-stamp") == "Läge 30.6.2018"
    wait_for_slide(page, 2, 6)  # within the 15 s the wait allows, after 5 s


def test_kiosk_parameter_hides_the_chrome_of_any_page(page, demo_server):
    page.goto(demo_server.url + "/talous?kiosk=1")
    page.wait_for_selector("#finance-scope:not(:empty)", timeout=20000)
    assert not page.locator("#filter-bar").is_visible()
    assert not page.locator("header.app-header").is_visible()
    page.goto(demo_server.url + "/talous")
    page.wait_for_selector("#finance-scope:not(:empty)", timeout=20000)
    assert page.locator("#filter-bar").is_visible()
