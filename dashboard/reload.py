"""Picking up new and changed data without a restart. Each server process (each gunicorn worker)
watches the plan and extracts directories; when their files change, and have stopped changing, it
loads them aside and swaps the new data in. While it builds, and when it fails, the last good data
keeps being served; the failure is shown on the data page. Three outcomes keep the old data:
- refused: the plan does not load, or a file served now cannot be read any more;
- held: a kind of extract would lose most of its rows (a file replaced by its header, by one whose
  every row is bad, or by a fraction of itself; a kind's files removed). It is published only when
  someone confirms it (the data page's button, or `python -m dashboard reload --accept`);
- waiting: a file changed less than ESR_STABLE_SECONDS ago, so it may still be being written.
Removing or renaming a file is an ordinary change."""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.ingest.load import LoadResult, load_project
from dashboard.ingest.problems import Problem
from dashboard.state import DataState

RELOAD_MARKER = ".esr-reload"  # `python -m dashboard reload` touches it: every watcher sees a change
ACCEPT_MARKER = ".esr-accept"  # holds the digest of the files whose held-back data was confirmed
MARKERS = (RELOAD_MARKER, ACCEPT_MARKER, ACCEPT_MARKER + ".tmp")
DEFAULT_WATCH_SECONDS = 10.0
DEFAULT_STABLE_SECONDS = 5.0
KEEP_SHARE = 0.5  # a kind keeping fewer rows than this share of those served is held back

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
    """The fingerprint without the markers: the data itself."""
    return tuple(e for e in prints if len(e) < 3 or Path(e[0]).name not in MARKERS)


def digest(prints: tuple) -> str:
    """A short name for a state of the files, which every process computes alike, whatever path it
    was given to them (relative or absolute): by folder and file name, size and modification time."""
    named = [(Path(e[0]).parent.name, Path(e[0]).name, *e[1:]) for e in data_files(prints)]
    return hashlib.sha256(repr(named).encode()).hexdigest()[:32]


def still_written(prints: tuple, stable_seconds: float, now_ns: int | None = None) -> list[str]:
    """The data files that changed less than `stable_seconds` ago: they may be half-written."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    return [e[0] for e in data_files(prints) if len(e) == 3 and now_ns - e[2] < stable_seconds * 1e9]


def refusal(new: LoadResult, served: LoadResult) -> list[Problem]:
    """Why `new` must not replace `served` (empty when it may): the plan does not load, or a file
    that is served now is still there but cannot be read any more (rejected whole). A file removed
    or renamed is an ordinary change; row-level problems do not refuse a load either: those rows
    are set aside and reported, the rest is better than stale data."""
    if not new.ok:
        return new.problems
    usable_now = {f.path for f in served.files if not f.rejected}
    broken = sorted(usable_now & {f.path for f in new.files if f.rejected})
    return [p for p in new.problems if p.file in broken and p.row == 0]


def shrinkage(new: LoadResult, served: LoadResult, keep_share: float = KEEP_SHARE) -> list[Problem]:
    """Kinds of extract that would keep fewer than `keep_share` of the rows served: a reason to hold
    the new data back until someone confirms it (problem code rows_dropped)."""
    reasons = []
    for kind in sorted({f.kind for f in served.files} | {f.kind for f in new.files}):
        before = sum(f.rows_loaded for f in served.files if f.kind == kind and not f.rejected)
        after = sum(f.rows_loaded for f in new.files if f.kind == kind and not f.rejected)
        if before and after < keep_share * before:
            files = sorted(f.path for f in new.files if f.kind == kind) or [str(new.extracts_dir)]
            reasons.append(Problem(files[0], 0, "-", "rows_dropped", {"kind": kind, "rows": after, "served": before}))
    return reasons


@dataclass
class Attempt:
    at: dt.datetime
    outcome: str  # "reloaded", "refused", "held", "waiting", "unchanged", "busy"
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Held:
    """New data built but not published: what it would lose, and the files it was built from."""

    result: LoadResult
    reasons: list[Problem]
    files: str  # digest() of the files


class Reloader:
    def __init__(
        self,
        data: DataState,
        watch_seconds: float | None = None,
        files_read: tuple | None = None,
        stable_seconds: float | None = None,
    ):
        """`files_read`: the fingerprint of the files taken before the served data was read from
        them. A file that changes while a worker is still loading is then reloaded; a fingerprint
        taken after the load would count the change as seen and serve the old data until the next.
        `stable_seconds`: how long the files must have been unchanged (default ESR_STABLE_SECONDS)."""
        self._data = data
        self._busy = threading.Lock()
        served = data.current
        self._fingerprint = files_read if files_read is not None else fingerprint(served.plan_dir, served.extracts_dir)
        self.last_attempt: Attempt | None = None
        self.held: Held | None = None
        self.watch_seconds = watch_seconds
        self.stable_seconds = stable_seconds_from_env() if stable_seconds is None else stable_seconds
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
            writing = still_written(now, self.stable_seconds)
            if writing:  # looked at again next time: the fingerprint is not taken as seen
                problems = [Problem(path, 0, "-", "still_written", {"seconds": self.stable_seconds}) for path in writing]
                attempt = Attempt(dt.datetime.now().replace(microsecond=0), "waiting", problems)
                self.last_attempt = attempt
                return attempt
            if self.held is not None and self.held.files == digest(now) and accepted(served.extracts_dir) == digest(now):
                return self._publish(self.held.result, now)
            new = load_project(served.plan_dir, served.extracts_dir)  # built aside, nobody sees it yet
            self._fingerprint = now  # a broken file is not retried until it changes again
            reasons = refusal(new, served)
            shrunk = shrinkage(new, served) if not reasons else []
            if reasons:
                attempt = Attempt(new.loaded_at, "refused", reasons)
                log.warning("new data refused, still serving the data loaded %s: %s", served.loaded_at, reasons[0].line())
            elif shrunk and accepted(served.extracts_dir) != digest(now):
                self.held = Held(new, shrunk, digest(now))
                attempt = Attempt(new.loaded_at, "held", shrunk)
                log.warning("new data held back until confirmed, still serving %s: %s", served.loaded_at, shrunk[0].line())
            else:
                return self._publish(new, now)
            self.last_attempt = attempt
            return attempt
        finally:
            self._busy.release()

    def accept(self) -> Attempt:
        """Publish the data held back (the data page's button): here at once, and in every other
        process at its next look, through the accept marker."""
        with self._busy:
            held = self.held
            if held is None:
                return Attempt(dt.datetime.now().replace(microsecond=0), "unchanged")
            served = self._data.current
            mark_accepted(served.extracts_dir, held.files)
            return self._publish(held.result, fingerprint(served.plan_dir, served.extracts_dir))

    def _publish(self, new: LoadResult, prints: tuple) -> Attempt:
        self._data.swap(new)
        self._fingerprint, self.held = prints, None
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


def accepted(extracts_dir: Path) -> str | None:
    """The digest of the files whose held-back data someone confirmed, if any."""
    try:
        return (extracts_dir / ACCEPT_MARKER).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def mark_accepted(extracts_dir: Path, files: str) -> Path:
    """Confirm the data of these files (a digest): every process publishes it at its next look.
    Written aside and renamed, so that no process reads half a digest."""
    marker = extracts_dir / ACCEPT_MARKER
    aside = marker.with_name(marker.name + ".tmp")
    aside.write_text(files + "\n", encoding="utf-8")
    os.replace(aside, marker)
    return marker


def request_reload(extracts_dir: Path) -> Path:
    """Tell every running watcher to reload now-ish, by touching a marker among the extracts."""
    marker = extracts_dir / RELOAD_MARKER
    marker.write_text(dt.datetime.now().isoformat(), encoding="utf-8")
    return marker
