"""Serving: the optional password, the response headers, and gunicorn with several workers that
each read the same data, answer alike, pick up new extracts and run without debug mode."""

from __future__ import annotations

import base64
import re
import time

import pytest

from dashboard import auth
from dashboard.dash_http import HttpSession, call, server_callbacks
from dashboard.factory import create_app
from dashboard.measure import Gunicorn
from scripts.load_test import add_participants
from tests.conftest import TINY

PASSWORD = "kokous-salasana"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def protected():
    app = create_app(
        TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=auth.Credentials("esr", PASSWORD)
    )
    return app.server.test_client()


ROUTES = ["/", "/talous", "/aineisto", "/_dash-layout", "/_dash-dependencies", "/assets/style.css", "/vendor/bootstrap.min.css"]


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_asks_for_the_password(protected, path):
    for headers in ({}, basic("esr", "wrong"), basic("someone", PASSWORD), {"Authorization": "Bearer " + PASSWORD}):
        response = protected.get(path, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert response.headers["WWW-Authenticate"].startswith('Basic realm="ESR-seuranta"')
        assert b"ESR" not in response.data and b"Tiny" not in response.data  # nothing of the app leaks
    assert protected.get(path, headers=basic("esr", PASSWORD)).status_code == 200


def test_callbacks_and_downloads_ask_for_the_password_too(protected):
    callback = next(c for c in server_callbacks(_open_client()) if c.output.startswith("..participants-scope"))
    values = {"filter-implementer.value": None, "lang.data": "fi"}
    assert call(protected, callback, values).status_code == 401
    answer = call(protected, callback, values, headers=basic("esr", PASSWORD))
    assert answer.status_code == 200 and "participants-kpi-total" in answer.get_data(as_text=True)


def _open_client():
    return create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None).server.test_client()


def test_password_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("ESR_PASSWORD", raising=False)
    monkeypatch.delenv("ESR_USER", raising=False)
    assert auth.credentials_from_env() is None
    monkeypatch.setenv("ESR_PASSWORD", "s3cret")
    assert auth.credentials_from_env() == auth.Credentials("esr", "s3cret")
    monkeypatch.setenv("ESR_USER", "ohjausryhma")
    client = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None).server.test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", headers=basic("ohjausryhma", "s3cret")).status_code == 200


def test_open_by_default_with_protective_headers(monkeypatch):
    monkeypatch.delenv("ESR_PASSWORD", raising=False)
    client = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None).server.test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


# gunicorn with several workers ----------------------------------------------------------------


def participants_answer(session) -> str:
    """The participants page's figures for the whole project, as the browser gets them."""
    callback = next(c for c in server_callbacks(session) if c.output.startswith("..participants-scope"))
    response = call(session, callback, {"filter-implementer.value": None, "lang.data": "fi"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_gunicorn_workers_serve_the_same_figures_and_pick_up_new_extracts(tiny_copy):
    server = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=3)
    try:
        assert len(server.worker_pids()) == 3
        index = server.session.get("/").get_data(as_text=True)
        assert re.search(r'"ui":\s*false', index), "Dash debug tools must be off under gunicorn"
        expected = participants_answer(HttpSession(server.session.base))
        # Many requests, spread over the workers by the kernel: every one answers, and alike.
        answers = {participants_answer(server.session) for _ in range(30)}
        assert answers == {expected}

        add_participants(tiny_copy / "extracts", 3)
        fresh = create_app(tiny_copy / "plan", tiny_copy / "extracts", warm=False, watch_seconds=None, credentials=None)
        wanted = participants_answer(fresh.server.test_client())
        assert wanted != expected
        # Each worker watches the folder and swaps the new data in on its own.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answers = {participants_answer(server.session) for _ in range(15)}
            if answers == {wanted}:
                break
            assert answers <= {expected, wanted}  # old or new, never anything else
            time.sleep(0.5)
        assert answers == {wanted}
    finally:
        log = server.stop()
    assert "Traceback" not in log, log
    assert "Booting worker" in log


def test_two_gunicorn_instances_have_control_sockets_of_their_own(tiny_copy):
    """gunicorn.conf.py: one control socket per instance (the default is one per user, which a
    second instance took over)."""
    import tempfile
    from pathlib import Path

    first = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=1)
    second = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=1)
    try:
        sockets = [Path(tempfile.gettempdir()) / f"esr-seuranta-gunicorn-{server.process.pid}.ctl" for server in (first, second)]
        deadline = time.monotonic() + 20
        while not all(s.exists() for s in sockets) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(s.is_socket() for s in sockets), sockets
        assert participants_answer(first.session) == participants_answer(second.session)
    finally:
        first.stop()
        second.stop()
