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


def _until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_with_sigkill_is_replaced_and_answers_from_the_store(tiny_copy, tmp_path):
    import os
    import signal

    from dashboard import snapshots

    store = tmp_path / "store"
    server = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=2, store=store)
    try:
        expected = participants_answer(server.session)
        built = sorted(p.name for p in snapshots.Source(store, tiny_copy / "plan", tiny_copy / "extracts").snapshots.iterdir())
        before = server.worker_pids()
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        assert _until(lambda: len(server.worker_pids() - before) == 1 and victim not in server.worker_pids())
        answers = {participants_answer(server.session) for _ in range(20)}  # both workers, the new one too
        assert answers == {expected}
        after = sorted(p.name for p in snapshots.Source(store, tiny_copy / "plan", tiny_copy / "extracts").snapshots.iterdir())
        assert after == built  # opened, not built again
    finally:
        log = server.stop()
    assert "Traceback" not in log, log


def test_a_reload_under_requests_to_several_workers_gives_old_or_new_never_an_error(tiny_copy, tmp_path):
    """Requests keep arriving at two workers of two threads while new extracts come in: every
    response is whole (the old figures or the new ones, never a mixture) and none fails."""
    import threading

    server = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=2, threads=2, store=tmp_path / "store")
    answers, errors, stop = [], [], threading.Event()

    def ask() -> None:
        session = HttpSession(server.base, timeout=30)
        while not stop.is_set():
            try:
                answers.append(participants_answer(session))
            except Exception as exc:  # a failed request is what this test is for
                errors.append(repr(exc))

    try:
        old = participants_answer(server.session)
        askers = [threading.Thread(target=ask) for _ in range(3)]
        for thread in askers:
            thread.start()
        time.sleep(1)
        add_participants(tiny_copy / "extracts", 3)
        fresh = create_app(tiny_copy / "plan", tiny_copy / "extracts", warm=False, watch_seconds=None, credentials=None)
        new = participants_answer(fresh.server.test_client())
        assert _until(lambda: answers[-8:] and set(answers[-8:]) == {new}, 60)
        stop.set()
        for thread in askers:
            thread.join()
    finally:
        stop.set()
        log = server.stop()
    assert errors == []
    assert set(answers) == {old, new} and len(answers) > 20
    assert "Traceback" not in log, log


def test_two_instances_on_one_store_serve_alike_and_both_switch_after_a_reload(tiny_copy, tmp_path):
    from dashboard.cli import main as cli_main

    store = tmp_path / "shared-store"
    first = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=1, store=store)
    second = Gunicorn(tiny_copy / "plan", tiny_copy / "extracts", workers=1, store=store)
    try:
        old = participants_answer(first.session)
        assert participants_answer(second.session) == old
        add_participants(tiny_copy / "extracts", 2)
        args = ["reload", "--plan", str(tiny_copy / "plan"), "--extracts", str(tiny_copy / "extracts"), "--store", str(store)]
        assert cli_main(args) == 0  # builds the snapshot once; both servers open it
        assert _until(lambda: participants_answer(first.session) != old and participants_answer(second.session) != old)
        assert participants_answer(first.session) == participants_answer(second.session)
    finally:
        first.stop()
        second.stop()
