"""Picking up new and changed data without a restart. Each server process (each gunicorn worker)
watches the plan and extracts directories; when their files change it loads them aside, and swaps
the new data in only if it is at least as whole as what is served. While it builds, and when it
fails, the last good data keeps being served; the failure is shown on the data page."""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.ingest.load import LoadResult, load_project
from dashboard.ingest.problems import Problem
from dashboard.state import DataState

RELOAD_MARKER = ".esr-reload"  # `python -m dashboard reload` touches it: every watcher sees a change
DEFAULT_WATCH_SECONDS = 10.0

log = logging.getLogger(__name__)


def fingerprint(*directories: Path) -> tuple:
    """What a change looks like: every file's name, size and modification time."""
    entries = []
    for directory in directories:
        if not directory.is_dir():
            entries.append((str(directory), "missing"))
            continue
        for path in sorted(directory.iterdir()):
            if path.is_file():
                stat = path.stat()
                entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def refusal(new: LoadResult, served: LoadResult) -> list[Problem]:
    """Why `new` must not replace `served` (empty when it may): the plan does not load, or a file
    that is served now would be lost (rejected whole or gone). Row-level problems do not refuse a
    load: those rows are set aside and reported, the rest is better than stale data."""
    if not new.ok:
        return new.problems
    usable_now = {f.path for f in served.files if not f.rejected}
    usable_new = {f.path for f in new.files if not f.rejected}
    lost = sorted(usable_now - usable_new)
    reasons = [p for p in new.problems if p.file in lost and p.row == 0]
    reasons += [Problem(path, 0, "-", "missing_file", {}) for path in lost if not any(p.file == path for p in reasons)]
    return reasons


@dataclass
class Attempt:
    at: dt.datetime
    outcome: str  # "reloaded", "refused", "unchanged"
    problems: list[Problem] = field(default_factory=list)


class Reloader:
    def __init__(self, data: DataState, watch_seconds: float | None = None, files_read: tuple | None = None):
        """`files_read`: the fingerprint of the files taken before the served data was read from
        them. A file that changes while a worker is still loading is then reloaded; a fingerprint
        taken after the load would count the change as seen and serve the old data until the next."""
        self._data = data
        self._busy = threading.Lock()
        served = data.current
        self._fingerprint = files_read if files_read is not None else fingerprint(served.plan_dir, served.extracts_dir)
        self.last_attempt: Attempt | None = None
        self.watch_seconds = watch_seconds
        self._stop = threading.Event()

    def check(self, force: bool = False) -> Attempt:
        """Reload if the files changed (or always, with force). Never runs twice at once: a second
        caller gets outcome "busy" and the first one's result is shown later."""
        if not self._busy.acquire(blocking=False):
            return Attempt(dt.datetime.now().replace(microsecond=0), "busy")
        try:
            served = self._data.current
            now = fingerprint(served.plan_dir, served.extracts_dir)
            if now == self._fingerprint and not force:
                return Attempt(dt.datetime.now().replace(microsecond=0), "unchanged")
            new = load_project(served.plan_dir, served.extracts_dir)  # built aside, nobody sees it yet
            self._fingerprint = now  # a broken file is not retried until it changes again
            reasons = refusal(new, served)
            if reasons:
                attempt = Attempt(new.loaded_at, "refused", reasons)
                log.warning("new data refused, still serving the data loaded %s: %s", served.loaded_at, reasons[0].line())
            else:
                self._data.swap(new)
                attempt = Attempt(new.loaded_at, "reloaded", new.problems)
                from dashboard import warmup  # late: warmup imports the pages

                warmup.warm_in_background(new)
            self.last_attempt = attempt
            return attempt
        finally:
            self._busy.release()

    def start(self) -> threading.Thread | None:
        if not self.watch_seconds:
            return None

        def watch() -> None:
            while not self._stop.wait(self.watch_seconds):
                try:
                    self.check()
                except Exception:  # a watcher that dies would silently stop reloading
                    log.exception("checking for new data failed")

        thread = threading.Thread(target=watch, name="esr-reload-watch", daemon=True)
        thread.start()
        # A daemon thread still inside DuckDB at interpreter exit aborts the process: stop it first.
        atexit.register(self._stop_and_join, thread)
        return thread

    def _stop_and_join(self, thread: threading.Thread) -> None:
        self.stop()
        thread.join(timeout=30)

    def stop(self) -> None:
        self._stop.set()


def watch_seconds_from_env() -> float | None:
    """ESR_WATCH_SECONDS: how often to look for new files (0 turns watching off)."""
    value = os.environ.get("ESR_WATCH_SECONDS")
    if value is None:
        return DEFAULT_WATCH_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        return DEFAULT_WATCH_SECONDS
    return seconds if seconds > 0 else None


def request_reload(extracts_dir: Path) -> Path:
    """Tell every running watcher to reload now-ish, by touching a marker among the extracts."""
    marker = extracts_dir / RELOAD_MARKER
    marker.write_text(dt.datetime.now().isoformat(), encoding="utf-8")
    return marker
