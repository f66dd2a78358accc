"""The snapshot store: build once, serve many.

The first process that meets new inputs (plan and extract files) reads, validates and loads them
once and publishes the result as a snapshot: a DuckDB database file with the derived tables, the
running totals the pages read (numpy arrays, memory-mapped by every reader, so processes share
them), and what the data page says about the files. Every other process, CLI run or gunicorn
worker, opens the published snapshot read-only. Layout of a store directory:

    STORE/<source>/            one per plan and extracts folder pair (their resolved paths)
        build.lock             held (flock) by the one process that builds
        building/<id>/         a build in progress; renamed into snapshots/ or held/ when done
        snapshots/<id>/        published, never written again: data.duckdb, meta.pickle, arrays.bin
        held/<id>/             built but held back (a kind of extract lost most of its rows)
        refused/<digest>       inputs that gave nothing publishable, and why

`<id>` is `<publication time in ns>-<inputs digest>`: the latest of a digest is the one opened.
Publishing is one rename, so a reader sees a whole snapshot or none. A process that serves a
snapshot holds a shared flock on its `use.lock`; a snapshot other than the latest is removed once
no process holds that lock. The digest covers the files (names, sizes, SHA-256) and the code that
reads them, so that a new version of the app never opens a snapshot an older one made.

The store directory must be writable only by the service account: meta.pickle is trusted input."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import mmap
import os
import pickle
import shutil
import sys
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from dashboard.config import ROOT, duckdb_memory_limit
from dashboard.ingest.load import LoadResult, load_project
from dashboard.ingest.problems import Problem
from queries.arrays import ARRAYS_FILE
from queries.store import Store

STORE_ENV = "ESR_STORE"
FORMAT = 1  # the layout of a snapshot; part of every digest
MARKER_PREFIX = "."  # hidden files (the reload markers, editors' locks) are not inputs


def default_root() -> Path:
    """Without --store or ESR_STORE: the user's cache folder ($XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "esr-seuranta" / "store"


def store_root(option: str | Path | None = None) -> Path:
    return Path(option or os.environ.get(STORE_ENV) or default_root())


# --- inputs -------------------------------------------------------------------------------------


@cache
def code_digest() -> str:
    """The code that turns files into a snapshot: a change to any of it makes new snapshots."""
    hasher = hashlib.sha256(str(FORMAT).encode())
    for folder in ("dashboard/ingest", "queries"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".sql") and path.is_file():
                hasher.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("dashboard/contract.py", "dashboard/snapshots.py"):
        hasher.update((ROOT / name).read_bytes())
    for path in sorted((ROOT / "data" / "programmes").glob("*.toml")):  # age groups are worked out at loading
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()[:16]


_hashes: dict[tuple, str] = {}  # (path, size, mtime, inode) -> SHA-256: a file unchanged is hashed once


def file_sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key not in _hashes:
        hasher = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
        _hashes[key] = hasher.hexdigest()
    return _hashes[key]


@dataclass(frozen=True)
class Inputs:
    """The files a snapshot is built from: (folder, name within it, size, SHA-256)."""

    files: tuple[tuple[str, str, int, str], ...]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps([code_digest(), *self.files]).encode()).hexdigest()[:32]


def read_inputs(plan_dir: Path, extracts_dir: Path) -> Inputs:
    files = []
    for role, folder, deep in (("plan", plan_dir, True), ("extracts", extracts_dir, False)):
        if not folder.is_dir():
            files.append((role, "", -1, "missing"))
            continue
        for path in sorted(folder.rglob("*") if deep else folder.iterdir()):
            name = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(MARKER_PREFIX) for part in name.parts):
                files.append((role, name.as_posix(), path.stat().st_size, file_sha256(path)))
    return Inputs(tuple(files))


# --- a snapshot on disk -------------------------------------------------------------------------


class Gone(Exception):
    """The snapshot was removed between finding and opening it: look again."""


class Lease:
    """A process's use of a snapshot: a shared lock on its use.lock for as long as it is served."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._fd = os.open(path / "use.lock", os.O_RDONLY)
        except FileNotFoundError as exc:
            raise Gone(str(path)) from exc
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError as exc:  # being removed right now
            os.close(self._fd)
            raise Gone(str(path)) from exc
        self._closer = weakref.finalize(self, os.close, self._fd)

    def renew_after_fork(self) -> None:
        """In a forked child: a lock of its own. The inherited descriptor shares the parent's lock,
        which this process could not let go of by itself."""
        fd = os.open(self.path / "use.lock", os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._closer()  # closes this process's copy of the inherited descriptor only
        self._fd = fd
        self._closer = weakref.finalize(self, os.close, fd)


def in_use(path: Path) -> bool:
    try:
        fd = os.open(path / "use.lock", os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the lock taken


def _write_snapshot(folder: Path, result: LoadResult, built: tuple[bytes, list], inputs: Inputs, reasons: list[Problem]) -> None:
    """meta.pickle: the load's report and the running totals' structure, whose arrays the build
    wrote to arrays.bin as it made them (queries/arrays.py), each 64-byte aligned, so that readers
    map them rather than copy."""
    structure, spans = built
    meta = {
        "format": FORMAT,
        "digest": inputs.digest,
        "inputs": inputs.files,
        "result": replace(result, store=None),
        "built": structure,
        "spans": spans,
        "reasons": reasons,
    }
    (folder / "meta.pickle").write_bytes(pickle.dumps(meta, protocol=5))
    (folder / "use.lock").touch()
    for path in folder.iterdir():
        path.chmod(0o444)  # published snapshots are never written to


def read_meta(folder: Path) -> dict:
    try:
        return pickle.loads((folder / "meta.pickle").read_bytes())
    except FileNotFoundError as exc:
        raise Gone(str(folder)) from exc


def open_snapshot(folder: Path, plan_dir: Path, extracts_dir: Path) -> LoadResult:
    """The snapshot as a LoadResult whose store reads its database file, naming files as this
    process's folders do (the builder may have spelt them otherwise)."""
    lease = Lease(folder)
    meta = read_meta(folder)
    buffers = []
    if meta["spans"]:
        with open(folder / ARRAYS_FILE, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(mapped)
        buffers = [view[start : start + size] for start, size in meta["spans"]]
    built = pickle.loads(meta["built"], buffers=buffers)
    result = _rebased(meta["result"], plan_dir, extracts_dir)
    result.store = Store.open_read_only(folder / "data.duckdb", built, memory_limit=duckdb_memory_limit())
    result.snapshot = Snapshot(folder.name, meta["digest"], lease)
    return result


def _rebased(result: LoadResult, plan_dir: Path, extracts_dir: Path) -> LoadResult:
    """File labels re-anchored from the builder's folders to this process's."""
    moves = [(str(result.plan_dir), str(plan_dir)), (str(result.extracts_dir), str(extracts_dir))]

    def label(text: str) -> str:
        for old, new in moves:
            if text == old or text.startswith(old + os.sep):
                return new + text[len(old) :]
        return text

    result = replace(
        result,
        plan_dir=plan_dir,
        extracts_dir=extracts_dir,
        problems=[replace(p, file=label(p.file)) for p in result.problems],
        files=[replace(f, path=label(f.path)) for f in result.files],
        set_aside={label(k): v for k, v in result.set_aside.items()},
    )
    return result


@dataclass(frozen=True)
class Snapshot:
    """Which snapshot a LoadResult was opened from, and the lease that keeps it from removal."""

    name: str
    digest: str
    lease: Lease | None = field(default=None, compare=False, repr=False)


# --- what may replace what is served ---------------------------------------------------------

KEEP_SHARE = 0.5  # a kind keeping fewer rows than this share of those served is held back


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


# --- one project's part of a store --------------------------------------------------------------


@dataclass
class Outcome:
    """What building (or finding) a snapshot for the current inputs came to."""

    status: str  # "published", "found", "held", "refused"; "changed": the files changed while read
    digest: str
    folder: Path | None = None  # the snapshot published or found, or the one held
    problems: list[Problem] = field(default_factory=list)  # the load's problems, or why it was refused
    reasons: list[Problem] = field(default_factory=list)  # why it is held back


class Source:
    """The snapshots of one plan and extracts folder pair in a store directory."""

    def __init__(self, root: Path, plan_dir: Path, extracts_dir: Path):
        self.plan_dir, self.extracts_dir = Path(plan_dir), Path(extracts_dir)
        key = hashlib.sha256(f"{self.plan_dir.resolve()}\n{self.extracts_dir.resolve()}".encode()).hexdigest()[:16]
        self.dir = Path(root) / key
        self.snapshots, self.held_dir, self.building = self.dir / "snapshots", self.dir / "held", self.dir / "building"
        self.refused_dir = self.dir / "refused"

    def prepare(self) -> None:
        for folder in (self.snapshots, self.held_dir, self.building, self.refused_dir):
            folder.mkdir(parents=True, exist_ok=True)
        about = self.dir / "source.json"
        if not about.exists():
            about.write_text(json.dumps({"plan": str(self.plan_dir.resolve()), "extracts": str(self.extracts_dir.resolve())}))

    @staticmethod
    def _named(folder: Path, digest: str | None = None) -> list[Path]:
        if not folder.is_dir():
            return []
        found = [p for p in folder.iterdir() if p.is_dir() and "-" in p.name and not p.name.startswith(".")]
        return sorted(p for p in found if digest is None or p.name.endswith("-" + digest))

    def published(self, digest: str | None = None) -> Path | None:
        """The latest published snapshot (of these inputs)."""
        found = self._named(self.snapshots, digest)
        return found[-1] if found else None

    def held(self, digest: str) -> Path | None:
        found = self._named(self.held_dir, digest)
        return found[-1] if found else None

    def refused(self, digest: str) -> tuple[list[Problem], list[Problem]] | None:
        """(the load's problems, why nothing was published) for inputs that were refused."""
        try:
            return pickle.loads((self.refused_dir / digest).read_bytes())
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return None

    @contextlib.contextmanager
    def builder(self, wait: bool = True) -> Iterator[bool]:
        """The right to build: one process at a time. Yields False (without waiting) when another
        holds it and wait is False."""
        self.prepare()
        fd = os.open(self.dir / "build.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    def build(
        self,
        inputs: Inputs,
        accept: bool = False,
        progress: Callable[[str], None] = lambda _: None,
    ) -> Outcome:
        """Build a snapshot of the inputs (the caller holds the builder lock) and publish it, hold it
        back, or refuse it. The files are read once; `inputs` must describe them as read."""
        digest = inputs.digest
        self._clear_building()
        folder = self.building / uuid.uuid4().hex
        folder.mkdir(parents=True)
        try:
            progress(f"building a snapshot of {self.plan_dir} and {self.extracts_dir} …")
            result = load_project(self.plan_dir, self.extracts_dir, database=folder / "data.duckdb")
            if read_inputs(self.plan_dir, self.extracts_dir).digest != digest:  # a file changed as it was read
                progress("a file changed while it was read: not published")
                if result.store is not None:
                    result.store.finish_file()
                return Outcome("changed", digest)
            served_folder = self.published()
            served = _rebased(read_meta(served_folder)["result"], self.plan_dir, self.extracts_dir) if served_folder else None
            reasons = refusal(result, served) if served is not None else ([] if result.ok else result.problems)
            if reasons:
                self._refuse(digest, result.problems, reasons)
                return Outcome("refused", digest, served_folder, result.problems, reasons)
            built = result.store.finish_file()
            shrunk = shrinkage(result, served) if served is not None and not accept else []
            _write_snapshot(folder, result, built, inputs, shrunk)
            name = f"{time.time_ns():020d}-{digest}"
            target = (self.held_dir if shrunk else self.snapshots) / name
            os.rename(folder, target)  # atomic: a reader sees the whole snapshot or none
            progress(f"{'held back' if shrunk else 'published'} snapshot {name}")
            if not shrunk:
                self.clean()
            return Outcome("held" if shrunk else "published", digest, target, result.problems, shrunk)
        finally:
            _remove(folder)

    def accept(self, digest: str) -> Path | None:
        """Publish the snapshot held back for these inputs (under the builder lock)."""
        held = self.held(digest)
        if held is None:
            return None
        target = self.snapshots / f"{time.time_ns():020d}-{digest}"
        os.rename(held, target)
        self.clean()
        return target

    def _refuse(self, digest: str, problems: list[Problem], reasons: list[Problem]) -> None:
        aside = self.refused_dir / f".{digest}.{uuid.uuid4().hex}"
        aside.write_bytes(pickle.dumps((problems, reasons)))
        os.replace(aside, self.refused_dir / digest)

    def _clear_building(self) -> None:
        """Builds left by a process that died mid-way (only the lock holder builds)."""
        for stale in self.building.iterdir() if self.building.is_dir() else ():
            _remove(stale)

    def clean(self) -> list[str]:
        """Remove every snapshot but the latest that no process uses, and held snapshots that a
        later publication superseded. Safe to call at any time, from any process."""
        removed = []
        published = self._named(self.snapshots)
        latest = published[-1].name if published else ""
        for folder in published[:-1] + [h for h in self._named(self.held_dir) if h.name < latest]:
            if not in_use(folder):
                grave = self.dir / f".removed-{uuid.uuid4().hex}"
                try:
                    os.rename(folder, grave)  # gone for every reader at once
                except FileNotFoundError:
                    continue
                _remove(grave)
                removed.append(folder.name)
        for grave in self.dir.glob(".removed-*"):
            _remove(grave)
        return removed


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)  # read-only files go with their (writable) folder


# --- what every process does at start and on new files -------------------------------------------


@dataclass
class Opened:
    """The data a process serves (`result`), and what became of the current inputs (`outcome`):
    found or published (then `result` is their snapshot), held or refused (then `result` is the
    last good snapshot, or a result without a store where there is none)."""

    result: LoadResult
    outcome: Outcome


def open_project(
    plan_dir: Path,
    extracts_dir: Path,
    root: Path | None = None,
    accept: bool = False,
    builder: Callable[[Source, Inputs, bool], None] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Opened:
    """Open the snapshot of the current plan and extracts, building and publishing it first where
    none exists (or, with `builder`, having it built: a server process builds in a child process,
    so that it keeps answering and the build's peak memory is not left in it). The caller has
    waited until the files are stable."""
    source = Source(store_root(root), plan_dir, extracts_dir)
    published_now, tried = False, set()
    for _ in range(20):  # a snapshot removed between finding and opening it is looked for again
        inputs = read_inputs(source.plan_dir, source.extracts_dir)
        digest = inputs.digest
        try:
            if accept and source.held(digest) is not None:
                with source.builder():
                    source.accept(digest)
            found = source.published(digest)
            if found is not None:
                opened = open_snapshot(found, source.plan_dir, source.extracts_dir)
                return Opened(opened, Outcome("published" if published_now else "found", digest, found, opened.problems))
            held = source.held(digest)
            if held is not None:
                meta = read_meta(held)
                outcome = Outcome("held", digest, held, _rebased(meta["result"], source.plan_dir, source.extracts_dir).problems)
                outcome.reasons = meta["reasons"]
                return Opened(_last_good(source, outcome), outcome)
            refused = source.refused(digest)
            if refused is not None:
                outcome = Outcome("refused", digest, None, *refused)
                return Opened(_last_good(source, outcome), outcome)
            if digest in tried:  # built, yet none of the three: the build itself failed
                failed = Outcome("refused", digest, None, [], [Problem(str(source.extracts_dir), 0, "-", "build_failed", {})])
                return Opened(_last_good(source, failed), failed)
            tried.add(digest)
            if builder is not None:
                builder(source, inputs, accept)
                published_now = True  # or held, or refused: the next look tells
                continue
            with source.builder():
                if source.published(digest) is None and source.held(digest) is None and source.refused(digest) is None:
                    built = source.build(inputs, accept=accept, progress=progress)
                    published_now = built.status == "published"
                    if built.status == "changed":
                        tried.discard(digest)  # built from a moving file: look at the files again
        except Gone:
            continue
    raise RuntimeError(f"no snapshot could be opened in {source.dir}: the files keep changing")


def _last_good(source: Source, outcome: Outcome) -> LoadResult:
    latest = source.published()
    if latest is not None:
        return open_snapshot(latest, source.plan_dir, source.extracts_dir)
    problems = outcome.reasons or outcome.problems
    return LoadResult(source.plan_dir, source.extracts_dir, None, None, list(problems))


def build_in_child(source: Source, inputs: Inputs, accept: bool) -> None:
    """`python -m dashboard build` for these folders and this store, as a process of its own."""
    import subprocess

    command = [sys.executable, "-m", "dashboard", "build", "--plan", str(source.plan_dir), "--extracts", str(source.extracts_dir)]
    command += ["--store", str(source.dir.parent), *(["--accept"] if accept else [])]
    # Its problem lines are the snapshot's (the data page shows them); its errors go to the server's log.
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
