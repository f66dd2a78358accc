"""Full garbage collections between requests, not inside them.

Python collects the oldest generation when enough long-lived objects have piled up, in whichever
request allocates the last one. The app keeps many long-lived objects (the data set, computed
views kept for the next reader), so such a pass took about 100 ms nationally and fell on one page
view in five or six. Here the oldest generation is left to a thread that collects it when no
request has been in flight for a moment (or, under unbroken load, at least every few minutes, so
that garbage cannot pile up); the young generations are still collected as usual."""

from __future__ import annotations

import gc
import os
import threading
import time

import flask

IDLE_SECONDS = 0.5  # no request in flight for this long: a collection disturbs no one
EVERY_SECONDS = 20.0  # at most this often when idle
AT_LEAST_SECONDS = 300.0  # and at least this often, idle or not
NEVER_BY_ITSELF = 1_000_000  # the oldest generation's threshold: Python no longer starts it


class IdleCollector:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight = 0
        self._quiet_since = clock()
        self._collected_at = clock()
        self.collections = 0

    def attach(self, server: flask.Flask) -> None:
        server.before_request(self._begin)
        server.teardown_request(self._end)

    def _begin(self) -> None:
        with self._lock:
            self._in_flight += 1

    def _end(self, _error=None) -> None:
        with self._lock:
            self._in_flight -= 1
            self._quiet_since = self._clock()

    def due(self) -> bool:
        now = self._clock()
        with self._lock:
            idle = self._in_flight == 0 and now - self._quiet_since >= IDLE_SECONDS
        since = now - self._collected_at
        return (idle and since >= EVERY_SECONDS) or since >= AT_LEAST_SECONDS

    def collect_if_due(self) -> bool:
        if not self.due():
            return False
        gc.collect()
        self._collected_at = self._clock()
        self.collections += 1
        return True

    def start(self) -> None:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, NEVER_BY_ITSELF)
        self.start_thread()

    def start_thread(self) -> None:
        threading.Thread(target=self._run, name="idle-gc", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(IDLE_SECONDS / 2)
            self.collect_if_due()


_collector = IdleCollector()
_started = threading.Lock()
_running = False


def serve(server: flask.Flask) -> IdleCollector:
    """Count the server's requests in flight, and start the process's one collecting thread."""
    global _running
    _collector.attach(server)
    with _started:
        if not _running:
            _collector.start()
            _running = True
    return _collector


def _after_fork_in_child() -> None:
    # A forked process has no threads but the forking one: the collecting thread starts again.
    if _running:
        _collector.start_thread()


os.register_at_fork(after_in_child=_after_fork_in_child)
