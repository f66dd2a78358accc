"""The meeting report: the CLI and the report button write a PDF whose text holds the same figures
as `summary --json` for the same as-of date, with page numbers and the data sources."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import urllib.request

import pytest

from dashboard import formatting as fmt
from dashboard.config import ROOT

pytestmark = pytest.mark.browser


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("implementer", "lang"), [(None, "fi"), ("socca", "sv")])
def test_report_cli_writes_the_summary_figures(tmp_path, implementer, lang):
    scope = ["--implementer", implementer] if implementer else []
    out = tmp_path / "raportti.pdf"
    made = run_cli("report", "--as-of", "2017-12-31", "--lang", lang, "--out", str(out), *scope)
    assert made.returncode == 0, made.stderr
    assert "printing" in made.stderr  # progress on the command line
    figures = json.loads(run_cli("summary", "--json", "--as-of", "2017-12-31", *scope).stdout)
    text = pdf_text(out)
    for expected in (
        fmt.eur(figures["budget_eur"], lang),
        fmt.eur(figures["spent_eur"], lang),
        fmt.count(figures["participants"], lang),
        fmt.days(figures["person_days"]["total"], lang),
    ):
        assert expected.replace(fmt.NBSP, " ") in text, expected  # pdftotext gives no-break spaces as spaces
    assert fmt.date(dt.date(2017, 12, 31), lang) in text
    assert ("Sivu 1 / " if lang == "fi" else "Sida 1 / ") in text  # page numbers
    assert "participants.csv" in text and "SHA-256" in text  # the data sources
    if lang == "sv":
        assert "Åldersgrupp" in text and "Läge" in text  # Swedish letters come through
    else:  # the status table's last column reaches the page (a scrolling table was cut at its edge)
        assert "Tarvittava" in text and "€/kk" in text
    # It opens with the changes since the demo's last meeting before the date (22.9.2017).
    since = json.loads(run_cli("summary", "--json", "--as-of", "2017-12-31", "--since", "2017-09-22", *scope).stdout)
    heading = {"fi": "Edellisestä kokouksesta (22.9.2017) lähtien", "sv": "Sedan föregående möte (22.9.2017)"}[lang]
    assert heading in text
    assert fmt.signed_eur(since["changes_since"]["spent_eur"], lang).replace(fmt.NBSP, " ") in text
    assert "Ohjausryhmä 4 (demo)" in text  # that meeting's decisions


def test_report_lists_the_amendments_in_force(tmp_path):
    out = tmp_path / "raportti.pdf"
    made = run_cli("report", "--lang", "fi", "--out", str(out))  # 30.6.2018: after the demo amendment
    assert made.returncode == 0, made.stderr
    text = " ".join(pdf_text(out).split())  # one line: pdftotext wraps the sentence where the page does
    assert "Muutospäätökset" in text and "17.4.2018: Jatkorahoitus kevääseen 2019 (demo)" in text
    assert "Päättymispäivä 31.12.2018 → 31.5.2019" in text and "2 399 459 € → 2 650 575 €" in text
    assert "Nettobudjetin muutos" in text  # the table of changes per implementer
    early = tmp_path / "varhainen.pdf"
    assert run_cli("report", "--lang", "fi", "--as-of", "2018-03-31", "--out", str(early)).returncode == 0
    early_text = " ".join(pdf_text(early).split())
    assert "voimassa on alkuperäinen suunnitelma (päättyy 31.12.2018)" in early_text
    assert "Nettobudjetin muutos" not in early_text


def test_report_cli_refuses_an_unknown_implementer(tmp_path):
    made = run_cli("report", "--implementer", "nobody", "--out", str(tmp_path / "x.pdf"))
    assert made.returncode == 2 and "unknown implementer" in made.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_report_button_downloads_a_pdf_of_the_current_view(page, demo_server):
    page.goto(demo_server.url + "/talous?implementer=koske&as_of=2018-03-31")
    page.wait_for_selector("#finance-scope:not(:empty)", timeout=20000)
    assert page.get_attribute("#report-link", "href") == "/raportti.pdf?implementer=koske&as_of=2018-03-31"
    # Over HTTP, as the browser asks for it (the route runs in a server thread of its own).
    with urllib.request.urlopen(demo_server.url + "/raportti.pdf?implementer=koske&as_of=2018-03-31", timeout=120) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert 'filename="raportti-2018-03-31.pdf"' in response.headers["Content-Disposition"]
        assert response.read().startswith(b"%PDF")


def test_report_button_prints_behind_the_password(tmp_path):
    """With a password on, the printer's own browser must sign in too, or the PDF is a 401 page."""
    import base64

    from dashboard.auth import Credentials
    from dashboard.factory import create_app
    from tests.conftest import TINY

    app = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=Credentials("esr", "pw"))
    client = app.server.test_client()
    assert client.get("/raportti.pdf").status_code == 401
    token = base64.b64encode(b"esr:pw").decode()
    # In a thread of its own, as a server thread runs it: this thread's Playwright session (the other
    # browser tests') would refuse a second, synchronous one.
    answers = []
    worker = threading.Thread(
        target=lambda: answers.append(client.get("/raportti.pdf?lang=fi", headers={"Authorization": f"Basic {token}"}))
    )
    worker.start()
    worker.join(timeout=120)
    response = answers[0]
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    out = tmp_path / "r.pdf"
    out.write_bytes(response.data)
    text = pdf_text(out)
    assert "Tiny" in text and "participants.csv" in text  # the report itself, not a sign-in page
