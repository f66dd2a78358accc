"""Picking up new and changed data without a restart. Each server process (each gunicorn worker)
watches the plan and extracts directories; when their files change, and have stopped changing, it
opens the snapshot of the new files from the snapshot store (dashboard/snapshots.py), which the
first process to see them builds (in a child process) and publishes, and swaps it in between
requests. While a build runs, and when it fails, the last good data keeps being served; the failure
is shown on the data page. Three outcomes keep the old data:
- refused: the plan does not load, or a file served now cannot be read any more;
- held: a kind of extract would lose most of its rows (a file replaced by its header, by one whose
  every row is bad, or by a fraction of itself; a kind's files removed). It is published only when
  someone confirms it (the data page's button, or `python -m dashboard build --accept`), and then
  every process switches to it at its next look;
- waiting: a file changed less than ESR_STABLE_SECONDS ago, so it may still be being written.
Removing or renaming a file is an ordinary change."""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import snapshots
from dashboard.ingest.load import LoadResult
from dashboard.ingest.problems import Problem
from dashboard.state import DataState

RELOAD_MARKER = ".esr-reload"  # `python -m dashboard reload` touches it: every watcher sees a change
DEFAULT_WATCH_SECONDS = 10.0
DEFAULT_STABLE_SECONDS = 5.0

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


def data_files(prints: tuple) -> tuple:
    """The fingerprint without hidden files (the reload marker): the data itself."""
    return tuple(e for e in prints if len(e) < 3 or not Path(e[0]).name.startswith(snapshots.MARKER_PREFIX))


def still_written(prints: tuple, stable_seconds: float, now_ns: int | None = None) -> list[str]:
    """The data files that changed less than `stable_seconds` ago: they may be half-written."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    return [e[0] for e in data_files(prints) if len(e) == 3 and now_ns - e[2] < stable_seconds * 1e9]


@dataclass
class Attempt:
    at: dt.datetime
    outcome: str  # "reloaded", "refused", "held", "waiting", "unchanged", "busy"
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Held:
    """New data built but not published: its digest in the store, and what it would lose."""

    digest: str
    reasons: list[Problem]


def wait_until_stable(plan_dir: Path, extracts_dir: Path, stable_seconds: float, say: Callable[[str], None]) -> tuple:
    """Wait until no data file has changed for `stable_seconds` (a copy still being written is not
    built from); returns the fingerprint of the files as they then are."""
    while True:
        prints = fingerprint(plan_dir, extracts_dir)
        writing = still_written(prints, stable_seconds)
        if not writing:
            return prints
        say(f"waiting: {Path(writing[0]).name} changed less than {stable_seconds:g} s ago and may still be being written")
        time.sleep(min(1.0, max(0.05, stable_seconds / 5)))


class Reloader:
    def __init__(
        self,
        data: DataState,
        watch_seconds: float | None = None,
        files_read: tuple | None = None,
        stable_seconds: float | None = None,
        store: Path | None = None,
        builder: Callable | None = snapshots.build_in_child,
        outcome: snapshots.Outcome | None = None,
    ):
        """`files_read`: the fingerprint of the files taken before the served data was read from
        them (a file that changes while a worker starts is then looked at again). `stable_seconds`:
        how long the files must have been unchanged (default ESR_STABLE_SECONDS). `store`: the
        snapshot store's directory; `builder`: how a snapshot is built when none exists (None: in
        this process). `outcome`: what became of the files at start (held or refused is shown)."""
        self._data = data
        self._busy = threading.Lock()
        served = data.current
        self._fingerprint = files_read if files_read is not None else fingerprint(served.plan_dir, served.extracts_dir)
        self.store, self._builder = store, builder
        self._source = snapshots.Source(snapshots.store_root(store), served.plan_dir, served.extracts_dir)
        self.last_attempt: Attempt | None = None
        self.held: Held | None = None
        if outcome is not None and outcome.status in ("held", "refused"):
            self._note(outcome)
        self.watch_seconds = watch_seconds
        self.stable_seconds = stable_seconds_from_env() if stable_seconds is None else stable_seconds
        self._stop = threading.Event()

    def check(self, force: bool = False) -> Attempt:
        """Switch to the snapshot of the files if they changed (or look again, with force). Never
        runs twice at once: a second caller gets outcome "busy" and the first one's result is shown
        later."""
        if not self._busy.acquire(blocking=False):
            return Attempt(_now(), "busy")
        try:
            served = self._data.current
            now = fingerprint(served.plan_dir, served.extracts_dir)
            if now == self._fingerprint and not force:
                if self.held is not None and self._source.published(self.held.digest) is not None:
                    return self._open()  # confirmed in another process
                # The snapshot this process let go of at its last switch was still held by it while
                # that switch ran; a quiet look removes it once every process has let go.
                self._source.clean()
                return Attempt(_now(), "unchanged")
            writing = still_written(now, self.stable_seconds)
            if writing:  # looked at again next time: the fingerprint is not taken as seen
                problems = [Problem(path, 0, "-", "still_written", {"seconds": self.stable_seconds}) for path in writing]
                attempt = Attempt(_now(), "waiting", problems)
                self.last_attempt = attempt
                return attempt
            self._fingerprint = now  # a broken file is not retried until it changes again
            return self._open()
        finally:
            self._busy.release()

    def accept(self) -> Attempt:
        """Publish the data held back (the data page's button): in the store, so that every other
        process switches to it at its next look."""
        with self._busy:
            if self.held is None:
                return Attempt(_now(), "unchanged")
            return self._open(accept=True)

    def _open(self, accept: bool = False) -> Attempt:
        served = self._data.current
        opened = snapshots.open_project(served.plan_dir, served.extracts_dir, self.store, accept=accept, builder=self._builder)
        if opened.outcome.status in ("held", "refused"):
            return self._note(opened.outcome)
        self.held = None
        new = opened.result
        if served.snapshot is not None and new.snapshot is not None and served.snapshot.name == new.snapshot.name:
            self.last_attempt = None
            return Attempt(_now(), "unchanged")
        return self._publish(new)

    def _note(self, outcome: snapshots.Outcome) -> Attempt:
        served = self._data.current
        if outcome.status == "held":
            self.held = Held(outcome.digest, outcome.reasons)
            log.warning("new data held back until confirmed, still serving %s: %s", served.loaded_at, outcome.reasons[0].line())
        else:
            log.warning("new data refused, still serving the data loaded %s: %s", served.loaded_at, outcome.reasons[0].line())
        attempt = Attempt(_now(), outcome.status, outcome.reasons)
        self.last_attempt = attempt
        return attempt

    def _publish(self, new: LoadResult) -> Attempt:
        self._data.swap(new)
        attempt = Attempt(new.loaded_at, "reloaded", new.problems)
        self.last_attempt = attempt
        from dashboard import warmup  # late: warmup imports the pages

        warmup.warm_in_background(new)
        return attempt

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


def stable_seconds_from_env() -> float:
    """ESR_STABLE_SECONDS: how long every data file must have been unchanged before it is built
    from (default 5; a copy over a network share writes a large file for longer: raise it)."""
    value = os.environ.get("ESR_STABLE_SECONDS")
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_STABLE_SECONDS
    except ValueError:
        return DEFAULT_STABLE_SECONDS


def request_reload(extracts_dir: Path) -> Path:
    """Tell every running watcher to reload now-ish, by touching a marker among the extracts."""
    marker = extracts_dir / RELOAD_MARKER
    marker.write_text(dt.datetime.now().isoformat(), encoding="utf-8")
    return marker


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
