"""The snapshot store (dashboard/snapshots.py): built once, opened read-only by every process;
a new snapshot when the files change; the last good one kept when a build fails or is held back;
concurrent builders; slow writers; old snapshots removed once nobody uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from dashboard import snapshots
from dashboard.cli import main as cli_main
from dashboard.config import ROOT
from tests.conftest import TINY

NEW_ROW = "q5,b,Bville,2021-02-21,,M,40,employed,,3,\n"


def args_for(world, store, *more):
    return [*more, "--plan", str(world / "plan"), "--extracts", str(world / "extracts"), "--store", str(store)]


def source(world, store) -> snapshots.Source:
    return snapshots.Source(store, world / "plan", world / "extracts")


def published(world, store) -> list[str]:
    folder = source(world, store).snapshots
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def participants(world, store, capsys) -> int:
    assert cli_main(["summary", "--json", *args_for(world, store)]) == 0
    return json.loads(capsys.readouterr().out)["participants"]


def _append(path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_build_publishes_once_and_every_command_opens_it_read_only(tiny_copy, tmp_path, capsys):
    store = tmp_path / "store"
    assert cli_main(args_for(tiny_copy, store, "build")) == 0
    [name] = published(tiny_copy, store)
    folder = source(tiny_copy, store).snapshots / name
    assert {p.name for p in folder.iterdir()} >= {"data.duckdb", "meta.pickle", "arrays.bin", "use.lock"}
    assert all(not os.access(p, os.W_OK) or os.geteuid() == 0 for p in folder.iterdir())
    assert all(p.stat().st_mode & 0o222 == 0 for p in folder.iterdir())  # nobody's to write
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert participants(tiny_copy, store, capsys) == 10
    assert cli_main(args_for(tiny_copy, store, "check")) == 0
    assert cli_main(args_for(tiny_copy, store, "build")) == 0  # unchanged files: the same snapshot
    assert published(tiny_copy, store) == [name]
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    opened = snapshots.open_project(tiny_copy / "plan", tiny_copy / "extracts", store)
    assert opened.outcome.status == "found" and opened.result.snapshot.name == name
    with pytest.raises(duckdb.Error, match="read-only"):
        opened.result.store._cursor().execute("create table intruder (x int)")
    # The running totals are read from the mapped file, not copied: the arrays are read-only views.
    spend = opened.result.store.built_items()[("running_spend",)]
    assert not spend.cents.flags.writeable


def test_changed_files_make_a_new_snapshot_and_the_old_one_goes_once_unused(tiny_copy, tmp_path, capsys):
    store = tmp_path / "store"
    first = snapshots.open_project(tiny_copy / "plan", tiny_copy / "extracts", store)  # in use by "another process"
    [old] = published(tiny_copy, store)
    _append(tiny_copy / "extracts" / "participants.csv", NEW_ROW)
    assert participants(tiny_copy, store, capsys) == 11
    names = published(tiny_copy, store)
    assert len(names) == 2 and old in names  # still in use: kept
    assert snapshots.in_use(source(tiny_copy, store).snapshots / old)
    del first  # the process lets go of it
    source(tiny_copy, store).clean()
    assert published(tiny_copy, store) == [n for n in names if n != old]
    assert participants(tiny_copy, store, capsys) == 11


def test_a_failed_build_keeps_the_last_good_snapshot(tiny_copy, tmp_path, capsys):
    store = tmp_path / "store"
    assert cli_main(args_for(tiny_copy, store, "build")) == 0
    good = published(tiny_copy, store)
    (tiny_copy / "plan" / "budget.csv").write_text("implementer_id,year\n", encoding="utf-8")  # columns missing
    assert cli_main(args_for(tiny_copy, store, "build")) == 2  # nothing publishable
    out = capsys.readouterr()
    assert "budget.csv:1:" in out.out and "last good snapshot" in out.err
    assert published(tiny_copy, store) == good
    assert participants(tiny_copy, store, capsys) == 10  # still served from the last good one
    # The refusal is remembered: the next command does not build the same broken files again.
    assert cli_main(args_for(tiny_copy, store, "check")) == 1
    assert not any(source(tiny_copy, store).building.iterdir())


def test_a_build_that_loses_most_rows_is_held_until_accepted(tiny_copy, tmp_path, capsys):
    store = tmp_path / "store"
    assert cli_main(args_for(tiny_copy, store, "build")) == 0
    path = tiny_copy / "extracts" / "participants.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")  # only the header is left
    assert cli_main(args_for(tiny_copy, store, "build")) == 1
    out = capsys.readouterr()
    assert "rows_dropped" not in out.out and "participants" in out.out and "build --accept" in out.err
    held = list(source(tiny_copy, store).held_dir.iterdir())
    assert len(held) == 1 and len(published(tiny_copy, store)) == 1
    assert participants(tiny_copy, store, capsys) == 10  # the last good one keeps serving
    assert cli_main(args_for(tiny_copy, store, "build", "--accept")) == 0
    assert participants(tiny_copy, store, capsys) == 0
    assert not any(source(tiny_copy, store).held_dir.iterdir())


def test_a_removed_file_is_an_ordinary_change(tiny_copy, tmp_path, capsys):
    store = tmp_path / "store"
    assert cli_main(args_for(tiny_copy, store, "build")) == 0
    (tiny_copy / "extracts" / "person_days.csv").unlink()
    assert cli_main(args_for(tiny_copy, store, "build")) == 1  # the kind's rows all went: held
    capsys.readouterr()
    (tiny_copy / "extracts" / "participants.csv").rename(tiny_copy / "extracts" / "participants_2021.csv")
    # renamed, not removed: every row is still there, and the snapshot is published at once
    assert cli_main(args_for(tiny_copy, store, "build", "--accept")) == 0
    assert participants(tiny_copy, store, capsys) == 10


def _build_process(world, store, env=None):
    command = [sys.executable, "-m", "dashboard", "build", *args_for(world, store)]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_builders_started_at_once_publish_one_snapshot(tiny_copy, tmp_path):
    store = tmp_path / "store"
    builders = [_build_process(tiny_copy, store) for _ in range(3)]
    outputs = [process.communicate(timeout=120) for process in builders]
    assert [process.returncode for process in builders] == [0, 0, 0], outputs
    assert len(published(tiny_copy, store)) == 1
    assert not any(source(tiny_copy, store).building.iterdir())
    opened = snapshots.open_project(tiny_copy / "plan", tiny_copy / "extracts", store)
    assert opened.outcome.status == "found"


def test_a_builder_waits_for_the_one_building(tiny_copy, tmp_path):
    """While one process holds the right to build, another does not build beside it: it waits, then
    opens what the first published."""
    store = tmp_path / "store"
    lock = source(tiny_copy, store)
    with lock.builder() as mine:
        assert mine
        with lock.builder(wait=False) as other:
            assert not other
        waiting = _build_process(tiny_copy, store)
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
        inputs = snapshots.read_inputs(tiny_copy / "plan", tiny_copy / "extracts")
        assert lock.build(inputs).status == "published"
    assert waiting.wait(timeout=60) == 0
    assert len(published(tiny_copy, store)) == 1


def test_a_file_written_slowly_is_built_from_only_once_complete(tiny_copy, tmp_path, capsys):
    store = tmp_path / "store"
    path = tiny_copy / "extracts" / "participants.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:3]) + "\n")
    rest = [*lines[3:], NEW_ROW.strip()]

    def write_slowly() -> None:
        for line in rest:
            time.sleep(0.25)
            _append(path, line + "\n")

    writer = threading.Thread(target=write_slowly)
    writer.start()
    process = _build_process(tiny_copy, store, {"ESR_STABLE_SECONDS": "1.5"})
    assert process.wait(timeout=120) == 0
    writer.join()
    assert len(published(tiny_copy, store)) == 1
    assert participants(tiny_copy, store, capsys) == 11  # the whole file, never its first rows


def test_the_store_directory_comes_from_the_option_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ESR_STORE", str(tmp_path / "env"))
    assert snapshots.store_root(None) == tmp_path / "env"
    assert snapshots.store_root(tmp_path / "option") == tmp_path / "option"
    monkeypatch.delenv("ESR_STORE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert snapshots.store_root(None) == tmp_path / "cache" / "esr-seuranta" / "store"


def test_a_snapshot_opened_elsewhere_names_files_as_this_process_does(tmp_path):
    """Another process may have spelt the folders otherwise (a relative path): the data page and
    check still name the files within this process's folders."""
    import shutil

    world = tmp_path / "w"
    shutil.copytree(TINY, world)
    (world / "extracts" / "participants.csv").write_text(
        (world / "extracts" / "participants.csv").read_text() + "q9,b,Bville,not a date,,M,40,employed,,3,\n"
    )
    store = tmp_path / "store"
    os.chdir(tmp_path)
    try:
        snapshots.open_project(snapshots.Path("w/plan"), snapshots.Path("w/extracts"), store)
    finally:
        os.chdir(ROOT)
    opened = snapshots.open_project(world / "plan", world / "extracts", store)
    assert opened.outcome.status == "found"
    assert [p.file for p in opened.result.problems] == [str(world / "extracts" / "participants.csv")]
    assert all(f.path.startswith(str(world)) for f in opened.result.files)


def test_a_forked_child_reads_the_snapshot_on_a_connection_of_its_own(tiny_copy, tmp_path):
    """gunicorn forks workers: a DuckDB connection must not cross a fork, so each reconnects."""
    from queries.summary import Scope, summary

    opened = snapshots.open_project(tiny_copy / "plan", tiny_copy / "extracts", tmp_path / "store")
    parent = summary(opened.result.store, Scope())["participants"]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.write(write, str(summary(opened.result.store, Scope())["participants"]).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert int(os.read(read, 100)) == parent == 10
