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
from tests.conftest import TINY

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def client():
    app = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None)
    return app.server.test_client()


def test_formulas_in_plan_names_reach_downloads_as_text(tmp_path):
    shutil.copytree(TINY / "plan", tmp_path / "plan")
    shutil.copytree(TINY / "extracts", tmp_path / "extracts")
    implementers = tmp_path / "plan" / "implementers.csv"
    implementers.write_text(
        implementers.read_text().replace("Alpha Oy,Alpha", f'"{FORMULA.replace(chr(34), chr(34) * 2)}",@Alpha')
    )
    result = load_project(tmp_path / "plan", tmp_path / "extracts")
    assert result.ok, [p.line() for p in result.problems]
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
