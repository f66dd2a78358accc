"""Find, read and check the extract files of a directory against the plan, batch by batch: each
batch's good rows go to a sink as soon as they are checked (a build's DuckDB, a list in memory, or
nowhere for `check`), so that a file of millions of rows is never held whole."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from dashboard import contract
from dashboard.config import duckdb_memory_limit
from dashboard.ingest.parquet_intake import CleanFile, clean_file
from dashboard.ingest.plan import FILE_ROW, Plan
from dashboard.ingest.problems import Problem
from dashboard.ingest.readers import RawTable, ReadError, read_batches
from dashboard.ingest.validate import RowRule, Validated, validate
from queries.intake import scratch_connection


@dataclass
class FileReport:
    path: str
    kind: str
    rows_loaded: int
    rows_set_aside: int
    sha256: str
    rejected: bool


@dataclass
class Extracts:
    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    set_aside: dict[str, pd.DataFrame] = field(default_factory=dict)  # label -> raw bad rows


def find_extract_files(directory: Path) -> dict[str, list[Path]]:
    """Files by kind, found by name prefix (participants*, person_days*, spending*)."""
    found: dict[str, list[Path]] = {kind: [] for kind in contract.EXTRACTS}
    if not directory.is_dir():
        return found
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.suffix.lower() not in contract.EXTRACT_SUFFIXES:
            continue
        # person_days before participants would not matter, but a longer prefix must win a tie
        for kind in sorted(contract.EXTRACTS, key=len, reverse=True):
            if path.name.lower().startswith(kind):
                found[kind].append(path)
                break
    return found


def _row_rules(kind: str, plan: Plan) -> tuple[RowRule, ...]:
    """The plan's own rules for an extract's rows: under the cost model flat_rate_covers_other
    (ESR+) the flat rate covers every cost besides salaries, so a purchased service or other cost
    booked is not eligible: reported by file, row and column, and not counted."""
    if kind == "spending" and plan.project.get("cost_model") == "flat_rate_covers_other":
        return (RowRule("cost_category", "not_eligible_under_cost_model", lambda values: values.isin(contract.COVERED_COSTS)),)
    return ()


class RowSink(Protocol):
    """Where the checked rows of extract files go, file by file: a file's batches are added after
    `start`, and its rows then stand (`keep`) or are taken back (`drop`: the file was refused part way).
    A Parquet file that validation would keep whole may be taken at once instead: `screen` says
    whether it is one (on a thread of its own, ahead of the file's turn: it changes nothing) and
    `take_clean` takes it (None: row by row after all)."""

    def start(self, kind: str) -> None: ...
    def screen(
        self, kind: str, path: Path, spec: contract.TableSpec, refs: dict, rules: tuple[RowRule, ...]
    ) -> CleanFile | None: ...
    def take_clean(self, clean: CleanFile) -> int | None: ...
    def add(self, frame: pd.DataFrame) -> None: ...
    def keep(self) -> None: ...
    def drop(self) -> None: ...


class KeptRows:
    """The rows kept in memory, one frame per kind (what tests and small tools read)."""

    def __init__(self):
        self.frames: dict[str, list[pd.DataFrame]] = {kind: [] for kind in contract.EXTRACTS}
        self._kind, self._pending = "", []

    def start(self, kind: str) -> None:
        self._kind, self._pending = kind, []

    def screen(self, kind: str, path: Path, spec: contract.TableSpec, refs: dict, rules: tuple[RowRule, ...]) -> CleanFile | None:
        return None  # every file's rows as validation makes them

    def take_clean(self, clean: CleanFile) -> int | None:
        return None

    def add(self, frame: pd.DataFrame) -> None:
        self._pending.append(frame)

    def keep(self) -> None:
        self.frames[self._kind].extend(self._pending)
        self._pending = []

    def drop(self) -> None:
        self._pending = []

    def tables(self) -> dict[str, pd.DataFrame]:
        def table(kind: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
            columns = [c.name for c in contract.EXTRACTS[kind].columns]
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

        return {kind: table(kind, frames) for kind, frames in self.frames.items()}


class NoRows:
    """Rows checked and let go: all `check` needs."""

    def __init__(self):
        self._connection = None

    def start(self, kind: str) -> None:
        pass

    def screen(self, kind: str, path: Path, spec: contract.TableSpec, refs: dict, rules: tuple[RowRule, ...]) -> CleanFile | None:
        if self._connection is None:  # made on the screening thread, and only ever used there
            self._connection = scratch_connection(duckdb_memory_limit())
        return clean_file(self._connection, path, spec, refs, rules)

    def take_clean(self, clean: CleanFile) -> int | None:
        return clean.rows

    def add(self, frame: pd.DataFrame) -> None:
        pass

    def keep(self) -> None:
        pass

    def drop(self) -> None:
        pass


def load_extracts(directory: Path, plan: Plan, sink: RowSink | None = None) -> Extracts:
    """Every extract file checked against the plan. Without a sink the good rows are kept in
    memory, as the result's tables; with one they go there, and the tables are left empty."""
    kept = KeptRows() if sink is None else None
    sink = sink or kept
    result = Extracts(tables={})
    files = [(kind, path) for kind, paths in find_extract_files(directory).items() for path in paths]
    refs = plan.refs()  # the plan's spellings, the same for every file
    # Each Parquet file is screened (DuckDB scans it) on a thread of its own while the files before it
    # go in: a scan or an insert alone leaves a quarter of two cores idle (national: 4.1 s -> 3.1 s).
    ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="esr-screen")
    try:
        screened = {path: ahead.submit(_screened, sink, kind, path, plan, refs) for kind, path in files if _is_parquet(path)}
        for kind, path in files:
            _check_file(path, kind, plan, refs, sink, result, screened.get(path))
    finally:
        ahead.shutdown(wait=True, cancel_futures=True)
    result.tables = kept.tables() if kept is not None else {}
    return result


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


def _screened(sink: RowSink, kind: str, path: Path, plan: Plan, refs: dict) -> CleanFile | None:
    return sink.screen(kind, path, contract.EXTRACTS[kind], refs, _row_rules(kind, plan))


def _check_file(
    path: Path, kind: str, plan: Plan, refs: dict, sink: RowSink, result: Extracts, screened: Future | None = None
) -> None:
    spec, rules, label = contract.EXTRACTS[kind], _row_rules(kind, plan), str(path)
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    problems: list[Problem] = []
    aside: list[pd.DataFrame] = []
    loaded = set_aside = 0
    sink.start(kind)
    if screened is not None and (clean := screened.result()) is not None and (taken := sink.take_clean(clean)) is not None:
        sink.keep()
        result.files.append(FileReport(label, kind, taken, 0, digest, False))
        return
    batches = _CheckedAhead(path, lambda raw: validate(raw, spec, refs, label, rules))
    try:
        for checked in batches:
            if checked.rejected:  # the whole file is refused: what went in is taken back
                sink.drop()
                # Every row of it is set aside; those of a refused file are not kept (it is on disk).
                set_aside += loaded + len(checked.set_aside) + batches.rows_left()
                result.problems.extend(checked.problems)
                result.files.append(FileReport(label, kind, 0, set_aside, digest, True))
                return
            sink.add(checked.frame)
            problems.extend(checked.problems)
            loaded += len(checked.frame)
            set_aside += len(checked.set_aside)
            if len(checked.set_aside):
                aside.append(checked.set_aside)
    except ReadError as exc:
        sink.drop()
        result.problems.append(Problem(label, FILE_ROW, "-", "unreadable", {"reason": str(exc)}))
        result.files.append(FileReport(label, kind, 0, 0, digest, True))
        return
    finally:
        batches.close()
    sink.keep()
    result.problems.extend(problems)
    result.files.append(FileReport(label, kind, loaded, set_aside, digest, False))
    if aside:
        result.set_aside[label] = pd.concat(aside, ignore_index=True) if len(aside) > 1 else aside[0]


class _CheckedAhead:
    """A file's batches, each read and checked in a thread while the caller loads the one before
    (Arrow's parsing and DuckDB's insert let go of the GIL): one batch ahead, never more."""

    def __init__(self, path: Path, check: Callable[[RawTable], Validated]):
        self._batches, self._check = read_batches(path), check
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="esr-check")
        self._ahead = self._pool.submit(self._next)

    def _next(self) -> tuple[RawTable, Validated] | None:
        raw = next(self._batches, None)
        return None if raw is None else (raw, self._check(raw))

    def __iter__(self) -> Iterator[Validated]:
        while (item := self._ahead.result()) is not None:
            self._ahead = self._pool.submit(self._next)
            yield item[1]

    def rows_left(self) -> int:
        """The rows not given out yet, the batch read ahead among them, counted (unchecked)."""
        try:
            item = self._ahead.result()
            ahead = 0 if item is None else len(item[0].frame) + len(item[0].malformed)
            return ahead + sum(len(b.frame) + len(b.malformed) for b in self._batches)
        except ReadError:
            return 0

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
