"""Every page checked with axe-core in headless Chromium: no serious or critical violations of
WCAG 2.1 A/AA. Also the keyboard: every control can be reached with Tab."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

from tests.browser.conftest import DRAWN

pytestmark = pytest.mark.browser

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
READY = {
    **DRAWN,
    "/talous?implementer=socca&lang=sv": "#finance-status-table table",
    "/esitys?lang=en": "#slide .slide-figure",
}
RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.fixture
def axe_page(browser):
    """A 1920×1080 page that may run axe: the app's Content-Security-Policy forbids any script it
    did not serve itself, which is exactly what injecting axe is, so this page alone bypasses it."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fi-FI", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", list(READY))
def test_no_serious_or_critical_accessibility_violations(axe_page, demo_server, path):
    page = axe_page
    page.goto(demo_server.url + path)
    page.wait_for_selector(READY[path], timeout=20000)
    page.wait_for_timeout(500)  # the last callbacks settle
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_every_filter_control_is_reachable_by_keyboard(page, demo_server):
    page.goto(demo_server.url + "/")
    page.wait_for_selector("#kpi-budget:not(:empty)", timeout=20000)
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.closest('[id]')?.id || ''"))
    for control in (
        "nav-finance",
        "lang-sv",
        "report-link",
        "filter-implementer",
        "filter-region",
        "filter-municipality",
        "copy-link",
    ):
        assert any(control in found for found in reached), (control, reached)
