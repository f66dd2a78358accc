"""Bad input is shown in the UI with file, row and column; a broken plan stops nothing silently."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def bad_row_server(tiny_copy):
    """The tiny world with one spending row naming an implementer the plan does not have."""
    with (tiny_copy / "extracts" / "spending.csv").open("a") as handle:
        handle.write("2021-01-05,zz,salaries,99.00,V10,Unknown implementer\n")
    server = LiveServer(tiny_copy / "plan", tiny_copy / "extracts")
    yield server
    server.stop()


@pytest.fixture
def broken_plan_server(tiny_copy):
    (tiny_copy / "plan" / "implementers.csv").write_text("implementer_id,name,area,role\na,Alpha,Alpha,boss\n")
    server = LiveServer(tiny_copy / "plan", tiny_copy / "extracts")
    yield server
    server.stop()


def test_bad_rows_are_listed_and_the_rest_is_shown(page, bad_row_server):
    page.goto(bad_row_server.url + "/")
    page.wait_for_selector("#kpi-spent:not(:empty)", timeout=20000)
    assert page.inner_text("#kpi-spent") == "886\u00a0€"  # the good rows still count, the bad one does not
    page.click("#data-problems summary")
    listed = page.inner_text("#data-problems")
    assert "spending.csv:11:implementer_id:" in listed
    assert "suunnitelmassa ei ole tätä: toteuttaja 'zz'" in listed
    assert page.evaluate("document.documentElement.lang") == "fi"
    screenshot(page, "bad-row-notice")
    assert page.console_errors == []


def test_broken_plan_shows_what_to_fix(page, broken_plan_server):
    page.goto(broken_plan_server.url + "/")
    page.wait_for_selector("#plan-errors", timeout=20000)
    text = page.inner_text("#plan-errors")
    assert "implementers.csv:2:role:" in text
    screenshot(page, "plan-errors")
    assert page.console_errors == []


def test_data_page_lists_files_and_problems_and_reloads_new_data(page, bad_row_server, tiny_copy):
    page.goto(bad_row_server.url + "/aineisto?lang=sv")
    page.wait_for_selector("#data-problem-table table", timeout=20000)
    spending = page.locator("#data-file-table tr", has_text="spending.csv").locator("td")
    assert (spending.nth(2).inner_text(), spending.nth(3).inner_text()) == ("9", "1")
    files = page.inner_text("#data-file-table")
    assert "participants.csv" in files and "spending.csv" in files and "✔ används" in files
    problems = page.inner_text("#data-problem-table")
    assert "spending.csv" in problems and "implementer_id" in problems and "11" in problems
    assert "planen har ingen sådan genomförare: 'zz'" in problems  # in the UI language
    # New data arrives; "look for new data now" loads it and the page shows it.
    with (tiny_copy / "extracts" / "spending.csv").open("a") as handle:
        handle.write("2021-01-06,a,salaries,10.00,V11,Another row\n")
    loaded_before = page.inner_text("#data-loaded")
    page.click("#data-refresh")
    page.wait_for_function(
        "before => document.getElementById('data-loaded') && document.getElementById('data-loaded').innerText"
        " && document.getElementById('data-loaded').innerText !== before",
        arg=loaded_before,
        timeout=20000,
    )
    page.wait_for_selector("#data-file-table table", timeout=20000)
    spending = page.locator("#data-file-table tr", has_text="spending.csv").locator("td")
    assert spending.nth(2).inner_text() == "10"  # the 9 good rows and the new one in use
    assert spending.nth(3).inner_text() == "1"  # the bad row still set aside
    screenshot(page, "data-page")
    assert page.console_errors == []


def test_a_replacement_that_loses_most_rows_waits_for_the_button(page, tiny_copy):
    """participants.csv replaced by its header: the data page keeps serving the old data, says why,
    and takes the new data into use only when the button is pressed."""
    server = LiveServer(tiny_copy / "plan", tiny_copy / "extracts")
    try:
        path = tiny_copy / "extracts" / "participants.csv"
        path.write_text(path.read_text().splitlines()[0] + "\n")
        page.goto(server.url + "/aineisto?lang=en")
        page.wait_for_selector("#data-file-table table", timeout=20000)
        page.click("#data-refresh")
        page.wait_for_selector("#data-accept", timeout=20000)  # the page reloads and shows the notice
        notice = page.inner_text("#data-attempt")
        assert "not taken into use" in notice and "participants: the new data has 0 rows against 11 served" in notice
        participants = page.locator("#data-file-table tr", has_text="participants.csv").locator("td")
        assert participants.nth(2).inner_text() == "11"  # still served
        screenshot(page, "data-page-held")
        page.click("#data-accept")
        page.wait_for_function(
            "() => { const row = [...document.querySelectorAll('#data-file-table tr')]"
            ".find(r => r.innerText.includes('participants.csv'));"
            " return row && row.querySelectorAll('td')[2].innerText === '0'; }",
            timeout=20000,
        )
        assert not page.locator("#data-accept").count()
        assert page.console_errors == []
    finally:
        server.stop()
