"""The data a running app serves: the last good LoadResult, kept on the Flask app (not in a module
global) so that several apps, e.g. in tests, can live in one process. Callbacks only read it."""

from __future__ import annotations

import atexit
import gc
import threading

import flask

from dashboard.ingest.load import LoadResult

EXTENSION = "esr_seuranta"


class DataState:
    def __init__(self, result: LoadResult):
        self._lock = threading.Lock()
        self._result = result
        _out_of_collections()

    @property
    def current(self) -> LoadResult:
        return self._result

    def swap(self, result: LoadResult) -> None:
        """Replace the served data in one step; readers see either the old or the new, never half."""
        with self._lock:
            self._result = result
        gc.unfreeze()  # the replaced data set's cycles, if any, can now be collected
        _out_of_collections()


def _out_of_collections() -> None:
    """The data set served lives until the next reload: its objects are moved out of the cyclic
    garbage collector's sight (gc.freeze), so that a full collection, when a request happens to
    trigger one, scans only what requests have made since. Nationally a full collection over
    the loaded data took 250-400 ms, added to whichever request set it off."""
    gc.collect()
    gc.freeze()


# At exit, frozen objects are handed back, so that they are finalised as usual (DuckDB's bindings
# report each object left unfinalised as a leak).
atexit.register(gc.unfreeze)


RELOADER = "esr_seuranta_reloader"


def attach(server: flask.Flask, state: DataState) -> None:
    server.extensions[EXTENSION] = state


def reloader():
    """The app's Reloader (dashboard/reload.py), or None in an app built without one."""
    return flask.current_app.extensions.get(RELOADER)


def current() -> LoadResult:
    return flask.current_app.extensions[EXTENSION].current
