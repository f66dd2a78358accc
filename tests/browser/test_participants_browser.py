"""The participants page in headless Chromium."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_participants_page_renders_protected_tables(page, demo_server):
    page.goto(demo_server.url + "/osallistujat")
    page.wait_for_selector("#participants-kpi-total:not(:empty)", timeout=30000)
    page.wait_for_selector("#participants-multiples .main-svg", timeout=30000)
    assert page.inner_text("#participants-kpi-total") == "507"
    assert page.locator("#participants-matrix tbody tr").count() == 6  # four ages, total, women
    assert page.locator("#participants-indicators tbody tr").count() == 21
    body = page.inner_text("body")
    assert "CO01" in body and "CR04" in body
    # no visible count from 1 to 4 anywhere in the tables
    for table in (
        "#participants-matrix",
        "#participants-indicators",
        "#participants-by-implementer",
        "#participants-by-municipality",
    ):
        for cell in page.locator(f"{table} td").all_inner_texts():
            count = cell.split("/")[0].strip().replace("\u00a0", "")
            assert not re.fullmatch(r"[1-4]", count), (table, cell)
    screenshot(page, "participants")
    assert page.console_errors == []


def test_the_12_2_cells_carry_the_colour_and_symbol_the_help_promises(page, demo_server):
    page.goto(demo_server.url + "/osallistujat?as_of=2017-06-30")
    page.wait_for_selector("#participants-matrix td.share-low", timeout=30000)
    painted = page.evaluate(
        """() => ["share-high", "share-mid", "share-low"].map((name) => {
            const td = document.querySelector(`#participants-matrix td.${name}`);
            if (!td) return [name, null, null];
            const style = getComputedStyle(td), share = td.querySelector(".share");
            // Bootstrap paints every cell with its table colour: the class must win over it.
            return [name, style.backgroundColor, getComputedStyle(share, "::before").content];
        })"""
    )
    shown = {name: (paint, symbol) for name, paint, symbol in painted}
    assert shown["share-low"][0] and "253, 228, 218" in shown["share-low"][0] and "▼" in shown["share-low"][1]
    assert shown["share-mid"][0] and "255, 244, 214" in shown["share-mid"][0] and "◐" in shown["share-mid"][1]
    legend = page.inner_text("#participants-matrix")
    assert "<5 = 1–4 henkilöä" in legend and ".. = piilotettu" in legend


def test_charts_comparing_implementers_hide_for_one_implementer_and_return(page, demo_server):
    page.goto(demo_server.url + "/osallistujat")
    page.wait_for_selector("#participants-multiples .main-svg", timeout=30000)
    page.click("#filter-implementer")
    page.locator(".dash-dropdown-search").fill("Socca")
    page.get_by_role("option", name="Socca").first.click()
    page.wait_for_selector("#participants-multiples-figure[hidden]", state="attached", timeout=30000)
    assert page.locator("#person-days-implementers-figure").is_hidden()
    # The day-type chart keeps its place and height; nothing below slides under it.
    chart = page.locator("#person-days-chart .main-svg").first.bounding_box()
    below = page.locator("#participants-indicators").bounding_box()
    assert chart["height"] > 300 and chart["y"] + chart["height"] <= below["y"]
    page.go_back()  # the whole project again, without reloading the page
    page.wait_for_selector("#participants-multiples-figure:not([hidden])", timeout=30000)
    page.wait_for_function("() => document.querySelectorAll('#participants-multiples .annotation-text').length === 8")
    assert page.locator("#person-days-implementers").is_visible()
    assert page.console_errors == []
