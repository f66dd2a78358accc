"""`python app.py` with the contract's options, and the `server` that gunicorn imports."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
import urllib.request

from dashboard.config import ROOT
from dashboard.measure import free_port
from tests.conftest import TINY


def test_app_py_serves_the_given_plan_and_extracts():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "app.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--plan",
            str(TINY / "plan"),
            "--extracts",
            str(TINY / "extracts"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5) as response:
                    layout = json.loads(response.read())
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "app.py did not start"
                time.sleep(0.3)
        assert '"Tiny"' in json.dumps(layout)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/vendor/bootstrap.min.css", timeout=5) as response:
            assert response.status == 200 and b"Bootstrap" in response.read(300)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_module_exposes_a_wsgi_server_for_gunicorn(monkeypatch):
    monkeypatch.setenv("ESR_PLAN_DIR", str(TINY / "plan"))
    monkeypatch.setenv("ESR_EXTRACTS_DIR", str(TINY / "extracts"))
    sys.modules.pop("app", None)
    module = importlib.import_module("app")
    client = module.server.test_client()
    assert client.get("/").status_code == 200
    assert module.server.extensions["esr_seuranta"].current.plan.project["name"] == "Tiny"
    sys.modules.pop("app", None)
