"""Hardening (issue "figures that read true", item 5, in part): formulas and markup in plan names
reach no download as formulas, data responses are never cached, request bodies are bounded,
malformed requests and absurd dates get a clean answer, and debug mode is refused behind a password."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys

import pytest

from dashboard.config import ROOT
from dashboard.dash_http import call, server_callbacks
from dashboard.exports import EXPORTS, finnish_csv
from dashboard.factory import create_app
from dashboard.ingest.load import load_project
from dashboard.url_state import ViewFilters
from tests.conftest import TINY, formula_named_world


@pytest.fixture(scope="module")
def client():
    app = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None)
    return app.server.test_client()


def test_formulas_in_plan_names_reach_downloads_as_text(tmp_path):
    result = formula_named_world(tmp_path)
    cells = []
    for builder in EXPORTS.values():
        frame, _ = builder(result, ViewFilters())
        cells += [cell for row in csv.reader(io.StringIO(finnish_csv(frame).lstrip("\ufeff")), delimiter=";") for cell in row]
    assert "'@Alpha" in cells  # the area, as every table that names areas writes it
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").replace(",", "").isdigit()]


def test_data_responses_are_never_stored_static_files_may_be(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/_dash-layout").headers["Cache-Control"] == "no-store"
    callback = next(c for c in server_callbacks(client) if "overview-scope.children" in c.output)
    assert call(client, callback, {}).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/assets/style.css").headers.get("Cache-Control", "")


def test_request_bodies_are_bounded(client):
    response = client.post("/_dash-update-component", data=b"x" * (2 << 20), content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body", [b"{", b"[]", b'{"output": 5}', b'{"output": "kpi-budget.children", "inputs": "x"}', b"\xff\xfe"]
)
def test_malformed_callback_bodies_get_a_client_error(client, body):
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500 or response.status_code == 204, response.status_code


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1.1.1", "31.12.9999"])
def test_absurd_as_of_dates_are_clamped_before_any_work(client, as_of):
    callback = next(c for c in server_callbacks(client) if "overview-scope.children" in c.output)
    response = call(client, callback, {"filter-as-of.date": as_of})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "1.7.2020" in text or "30.6.2021" in text  # the project's first or last day


def test_debug_mode_is_refused_behind_a_password():
    environment = os.environ | {"ESR_PASSWORD": "secret", "ESR_DEBUG": "1"}
    finished = subprocess.run(
        [sys.executable, "app.py", "--port", "0"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 2 and "debug mode is refused" in finished.stderr


def test_downloads_resolve_the_url_as_the_filter_bar_does(tiny):
    """?implementer=b&region=North: Beta serves no municipality in North, so the filter bar drops the
    region; every download must show the same view as the screen, not an empty one."""
    from dashboard.url_state import parse_query

    for name, builder in EXPORTS.items():
        asked, _ = builder(tiny, parse_query("?implementer=b&region=North"))
        screen, _ = builder(tiny, parse_query("?implementer=b"))
        assert finnish_csv(asked) == finnish_csv(screen), name


def test_every_response_carries_a_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    script = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "'sha256-" in script
    # The inline scripts Dash writes into the page are exactly those the policy names.
    import base64
    import hashlib
    import re

    page = re.sub(r"<!--.*?-->", "", client.get("/").get_data(as_text=True), flags=re.S)  # IE's conditional comment
    for inline in re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", page, re.S):
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script


def test_markup_in_plan_names_is_text_in_every_chart(tmp_path):
    """An area named with a link: Plotly would draw it as a link in labels, hover and titles."""
    from dashboard.pages import areas, finance, overview, participants

    shutil.copytree(TINY / "plan", tmp_path / "plan")
    shutil.copytree(TINY / "extracts", tmp_path / "extracts")
    implementers = tmp_path / "plan" / "implementers.csv"
    implementers.write_text(
        implementers.read_text().replace("Alpha Oy,Alpha", 'Alpha Oy,"<a href=""http://evil.example"">Alpha</a>"')
    )
    result = load_project(tmp_path / "plan", tmp_path / "extracts")
    assert result.ok, [p.line() for p in result.problems]
    import json

    figures = []
    for view in (overview.view, finance.view, participants.view, areas.all_areas_view):
        figures += [v for v in view(result, ViewFilters()).values() if hasattr(v, "to_plotly_json")]
    assert figures
    from plotly.utils import PlotlyJSONEncoder

    drawn = json.dumps([f.to_plotly_json() for f in figures], cls=PlotlyJSONEncoder)
    assert "<a " not in drawn and "&lt;a href" in drawn
    assert "<b>" in drawn or "<br>" in drawn  # the figures' own markup stays


def test_report_renders_are_capped_and_the_rest_told_to_retry(monkeypatch):
    """One Chromium at a time per process (ESR_REPORT_RENDERS=1): a second request waits
    REPORT_WAIT_SECONDS, then gets 503 with Retry-After instead of starting another."""
    import threading

    from dashboard import factory, report_pdf

    monkeypatch.setenv("ESR_REPORT_RENDERS", "1")
    monkeypatch.setattr(factory, "REPORT_WAIT_SECONDS", 0.2)
    drawing, release, started = threading.Event(), threading.Event(), []

    def slow_pdf(server, query, out, lang, credentials=None, progress=None):
        started.append(query)
        drawing.set()
        release.wait(10)
        out.write_bytes(b"%PDF-1.4 demo")
        return out

    monkeypatch.setattr(report_pdf, "write_pdf", slow_pdf)
    app = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None)
    first: list = []
    worker = threading.Thread(target=lambda: first.append(app.server.test_client().get("/raportti.pdf")))
    worker.start()
    assert drawing.wait(10)
    busy = app.server.test_client().get("/raportti.pdf?lang=en")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == str(factory.REPORT_RETRY_SECONDS)
    assert "already being drawn" in busy.get_data(as_text=True)
    release.set()
    worker.join(10)
    assert first[0].status_code == 200 and first[0].data.startswith(b"%PDF")
    assert len(started) == 1  # the refused request started no Chromium
    again = app.server.test_client().get("/raportti.pdf")  # the slot is free again
    assert again.status_code == 200 and len(started) == 2


def test_the_render_cap_must_be_a_whole_number(monkeypatch):
    monkeypatch.setenv("ESR_REPORT_RENDERS", "0")
    with pytest.raises(ValueError, match="ESR_REPORT_RENDERS"):
        create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None)


def test_failed_sign_ins_are_slowed_down_per_client():
    """Five wrong passwords are free; the sixth earns a 2 s wait, then 4 s, …, during which even
    the right password is not checked. Another client is not held up; success clears the record."""
    import base64

    import flask

    from dashboard import auth

    now = [1000.0]
    throttle = auth.SignInThrottle(clock=lambda: now[0])
    server = flask.Flask("throttled")
    auth.protect(server, auth.Credentials("esr", "salasana"), throttle)
    server.add_url_rule("/", "home", lambda: "ok")
    client = server.test_client()

    def sign_in(password, address="10.0.0.1"):
        token = base64.b64encode(f"esr:{password}".encode()).decode()
        return client.get("/", headers={"Authorization": f"Basic {token}"}, environ_base={"REMOTE_ADDR": address})

    assert client.get("/").status_code == 401  # a browser's first, password-less request costs nothing
    assert [sign_in("väärin").status_code for _ in range(5)] == [401] * 5
    assert sign_in("väärin").status_code == 401  # the sixth: counted, and now a 2 s wait
    held = sign_in("salasana")
    assert held.status_code == 429 and held.headers["Retry-After"] == "3"
    assert sign_in("salasana", address="10.0.0.2").status_code == 200  # another client
    now[0] += 2.5
    assert sign_in("väärin").status_code == 401  # the seventh: 4 s
    now[0] += 3
    assert sign_in("salasana").status_code == 429
    now[0] += 1.5
    assert sign_in("salasana").status_code == 200
    assert sign_in("väärin").status_code == 401  # a fresh record after the success: free again
    assert throttle.wait_left("10.0.0.1") == 0


def test_the_throttle_forgets_the_least_recent_clients_past_its_bound(monkeypatch):
    from dashboard import auth

    monkeypatch.setattr(auth.SignInThrottle, "MAX_CLIENTS", 3)
    throttle = auth.SignInThrottle(clock=lambda: 0.0)
    for n in range(5):
        throttle.failed(f"10.0.0.{n}")
    assert list(throttle._clients) == ["10.0.0.2", "10.0.0.3", "10.0.0.4"]


def test_the_server_names_no_version(client):
    """`python app.py` serves with auth.NoBannerHandler: "Server: ESR-seuranta", no Werkzeug or
    Python version (gunicorn's header is its bare name)."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    from dashboard import auth

    source = (ROOT / "app.py").read_text()
    assert "request_handler=auth.NoBannerHandler" in source
    app = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None)
    server = make_server("127.0.0.1", 0, app.server, request_handler=auth.NoBannerHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/_favicon.ico") as answer:
            assert answer.headers["Server"] == "ESR-seuranta"
    finally:
        server.shutdown()
