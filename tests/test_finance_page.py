"""The finance page's callbacks and CSV exports called as functions on the tiny world."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import formatting as fmt
from dashboard.exports import EXPORTS, download_for, finnish_cell, finnish_csv
from dashboard.factory import create_app
from dashboard.pages import finance as finance_page
from dashboard.url_state import ViewFilters
from tests.conftest import TINY

NB = fmt.NBSP


def test_finance_view_kpis(tiny):
    shown = finance_page.view(tiny, ViewFilters())
    assert shown["kpi-forecast"] == f"1{NB}399{NB}€"  # 1 398.64
    assert shown["kpi-variance"] == f"+2{NB}401{NB}€"  # 3 800 − 1 398.64
    assert shown["kpi-needed"] == f"727{NB}€"
    assert "Poikkeaa" in str(shown["kpi-status"])
    assert "Ei huomautettavaa" in str(shown["warnings"])
    assert "708" in shown["reimbursement"]  # ESR and state implied: 708.40
    names = [t["name"] for t in shown["burn"].data]
    assert names == ["Suunniteltu", "Toteutunut", "Ennusteen 80 %:n väli", "Ennuste"]


def test_finance_view_for_one_implementer(tiny):
    shown = finance_page.view(tiny, ViewFilters(implementer="b"))
    assert shown["kpi-forecast"] == f"802{NB}€"  # 801.76
    assert len({t.get("xaxis", "x") for t in shown["multiples"].data}) == 1  # one panel


def test_status_table_has_symbol_and_word_for_each_status(tiny):
    text = str(finance_page.view(tiny, ViewFilters())["status-table"])
    assert text.count("✖ Poikkeaa") == 3  # a, b and the total


def test_finnish_csv_format():
    assert finnish_cell(1234.5) == "1234,5" and finnish_cell(2.0) == "2" and finnish_cell(None) == ""
    import pandas as pd

    text = finnish_csv(pd.DataFrame({"Toteuttaja": ["Alpha", "Ääneke"], "Summa": [405.5, 0.125]}))
    assert text.startswith("\ufeffToteuttaja;Summa\r\n")
    assert "Alpha;405,5\r\n" in text and "Ääneke;0,13\r\n" in text


def test_every_finance_export_builds_a_finnish_table(tiny):
    for name in ("finance-status", "finance-evm", "finance-categories", "finance-financing", "finance-warnings"):
        frame, stem = EXPORTS[name](tiny, ViewFilters())
        assert stem.endswith("2021-02-28")
        rows = list(csv.reader(io.StringIO(finnish_csv(frame).lstrip("\ufeff")), delimiter=";"))
        assert len(rows) == len(frame) + 1
    status, _ = EXPORTS["finance-status"](tiny, ViewFilters())
    assert list(status.iloc[-1][:3]) == ["Yhteensä", "✖ Poikkeaa", 3800.0]


def test_download_callback_sends_the_file():
    app = create_app(TINY / "plan", TINY / "extracts")
    with app.server.test_request_context():
        sent = download_for(EXPORTS["finance-categories"], ViewFilters())
    assert sent["filename"] == "kustannuslajit-2021-02-28.csv"
    assert sent["content"].startswith("\ufeffKustannuslaji;Budjetti;Toteutunut;Käytetty (%)")
    assert "Flat rate;600;140;23,33" in sent["content"]


def test_per_implementer_burn_charts_hide_for_one_implementer(tiny):
    from dash import no_update

    from dashboard.components.charts import outputs_hiding_comparisons
    from dashboard.pages import finance as finance_page
    from dashboard.url_state import ViewFilters

    index = list(finance_page.OUTPUTS).index("multiples")
    whole = outputs_hiding_comparisons(finance_page.view(tiny, ViewFilters()), finance_page.OUTPUTS, finance_page.COMPARING)
    assert whole[-1] is False and whole[index] is not no_update
    one = finance_page.view(tiny, ViewFilters(implementer="b"))
    shown = outputs_hiding_comparisons(one, finance_page.OUTPUTS, finance_page.COMPARING)
    assert shown[-1] is True and shown[index] is no_update


def test_finance_view_before_the_first_booking(tiny):
    """An as-of date after the start but before anything is booked (the first weeks of a project)."""
    import datetime as dt

    shown = finance_page.view(tiny, ViewFilters(as_of=dt.date(2020, 7, 10)))
    # Nothing booked, no run rate yet: the plan is the forecast (0 € would call every area off track)
    assert shown["kpi-forecast"] == f"3{NB}800{NB}€"
    actual = next(t for t in shown["burn"].data if t["name"] == "Toteutunut")
    assert set(actual["y"]) == {0}


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_downloads_neutralise_text_that_a_spreadsheet_would_run(name):
    assert finnish_cell(name) == "'" + name
    assert finnish_cell(-12.5) == "-12,5" and finnish_cell(-3) == "-3"  # numbers stay numbers
    assert finnish_cell("Ääneke") == "Ääneke"
