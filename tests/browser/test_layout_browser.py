"""Every page fits the screen it is read on: at 1920×1080, 1366×768 and a 390-px phone the page
never scrolls sideways (a wide table scrolls inside its own card), measured from the DOM."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DRAWN, screenshot

pytestmark = pytest.mark.browser

READY = {**DRAWN, "/talous": "#finance-status-table table"}  # the widest table must be there to be measured
SIZES = {"1920": (1920, 1080), "1366": (1366, 768), "phone": (390, 844)}


# In every chart: the title inside the chart and clear of the legend, and no two annotations (panel
# titles, target labels, notes) printed over each other. (A small-multiples grid scrolls in its card
# on a phone, at a desktop's width, so it is measured as drawn.)
OVERPRINTED = """() => {
  const box = (el) => el.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  document.querySelectorAll('.js-plotly-plot').forEach((gd) => {
    const svg = gd.querySelector('.main-svg'), title = gd.querySelector('.gtitle'), legend = gd.querySelector('.legend');
    if (!svg || gd.offsetParent === null) return;
    const name = gd.parentElement.id || gd.className, whole = box(svg);
    if (title && title.textContent) {
      const t = box(title);
      if (t.right > whole.right + 2) found.push([name, 'title runs off the chart']);
      if (legend && meet(t, box(legend))) found.push([name, 'legend on the title']);
    }
    const notes = [...gd.querySelectorAll('.annotation')].filter((a) => a.textContent.trim()).map((a) => [a.textContent, box(a)]);
    gd.querySelectorAll('.bartext').forEach((label) => {
      if (box(label).right > whole.right + 2) found.push([name, 'bar label runs off the chart: ' + label.textContent.slice(0, 30)]);
    });
    notes.forEach(([text, at]) => {
      if (at.right > whole.right + 2 || at.left < whole.left - 2) found.push([name, 'runs off the chart: ' + text.slice(0, 30)]);
    });
    notes.forEach(([text, at], i) => notes.slice(i + 1).forEach(([other, there]) => {
      if (meet(at, there)) found.push([name, 'overprinted: ' + text.slice(0, 30) + ' / ' + other.slice(0, 30)]);
    }));
  });
  return found.slice(0, 8);
}"""


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
                 .filter(el => el.getBoundingClientRect().right > w + 1
                   || (el.scrollWidth > el.clientWidth + 1 && !el.classList.contains('panels-figure')))
                 .map(el => el.className).slice(0, 5)""",
            width,
        )
        screenshot(page, f"layout-{size}{path.replace('/', '-') or '-overview'}")
        assert scroll_width <= width, (scroll_width, sticking_out)
        assert not sticking_out
        overprinted = page.evaluate(OVERPRINTED)
        assert overprinted == [], "\n".join(map(str, overprinted))
    finally:
        context.close()
