"""The data a running app serves: the last good LoadResult, kept on the Flask app (not in a module
global) so that several apps, e.g. in tests, can live in one process. Callbacks only read it."""

from __future__ import annotations

import threading

import flask

from dashboard.ingest.load import LoadResult

EXTENSION = "esr_seuranta"


class DataState:
    def __init__(self, result: LoadResult):
        self._lock = threading.Lock()
        self._result = result

    @property
    def current(self) -> LoadResult:
        return self._result

    def swap(self, result: LoadResult) -> None:
        """Replace the served data in one step; readers see either the old or the new, never half."""
        with self._lock:
            self._result = result


RELOADER = "esr_seuranta_reloader"


def attach(server: flask.Flask, state: DataState) -> None:
    server.extensions[EXTENSION] = state


def reloader():
    """The app's Reloader (dashboard/reload.py), or None in an app built without one."""
    return flask.current_app.extensions.get(RELOADER)


def current() -> LoadResult:
    return flask.current_app.extensions[EXTENSION].current
