"""Reload without restart: new data is built aside and swapped in whole; broken data is refused and
the last good data keeps being served, also to requests arriving while a reload runs."""

from __future__ import annotations

import gc
import threading

from dashboard import reload
from dashboard.cli import main as cli_main
from dashboard.factory import create_app
from dashboard.ingest.load import load_project
from dashboard.pages import data as data_page
from dashboard.state import EXTENSION, RELOADER
from queries.summary import Scope, summary

NEW_ROW = "q5,b,Bville,2021-02-21,,M,40,employed,,3,\n"


def app_on(world):
    app = create_app(world / "plan", world / "extracts", warm=False, watch_seconds=None)
    return app, app.server.extensions[EXTENSION], app.server.extensions[RELOADER]


def participants(data) -> int:
    return summary(data.current.store, Scope())["participants"]


def test_unchanged_files_are_not_reloaded(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    served = data.current
    assert reloader.check().outcome == "unchanged"
    assert data.current is served


def test_a_new_row_is_picked_up_and_swapped_in(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    before = participants(data)
    with open(tiny_copy / "extracts" / "participants.csv", "a", encoding="utf-8") as handle:
        handle.write(NEW_ROW)
    gc.unfreeze()
    attempt = reloader.check()
    assert attempt.outcome == "reloaded"
    assert participants(data) == before + 1
    # The data served is kept out of the garbage collector's full passes (see dashboard/state.py).
    assert gc.get_freeze_count() > 0


def test_a_file_changed_while_the_first_load_reads_is_never_served_as_the_old_files(tiny_copy, monkeypatch):
    """A file that changes while a snapshot is built from it: what was read is not published under
    the old files' name (a worker starting then would serve the old data until the next change);
    the files are read again, and the data served is the new file's."""
    from dashboard import snapshots

    reads, changed = snapshots.load_project, []

    def read_then_change(plan_dir, extracts_dir, database=None):
        result = reads(plan_dir, extracts_dir, database)
        if not changed:
            changed.append(True)
            with open(tiny_copy / "extracts" / "participants.csv", "a", encoding="utf-8") as handle:
                handle.write(NEW_ROW)
        return result

    before = summary(load_project(tiny_copy / "plan", tiny_copy / "extracts").store, Scope())["participants"]
    monkeypatch.setattr(snapshots, "load_project", read_then_change)
    _, data, reloader = app_on(tiny_copy)
    assert changed and participants(data) == before + 1
    assert reloader.check().outcome == "unchanged" and participants(data) == before + 1


def test_a_broken_file_is_refused_and_the_last_good_data_stays(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    served, before = data.current, participants(data)
    (tiny_copy / "extracts" / "participants.csv").write_bytes(b"\x00\x01 not a table at all")
    attempt = reloader.check()
    assert attempt.outcome == "refused"
    assert data.current is served and participants(data) == before
    assert any(p.file.endswith("participants.csv") for p in attempt.problems)
    # The data page says so, naming the file.
    notice = str(data_page.view(data.current, "fi", reloader.last_attempt)["attempt"])
    assert "hylättiin" in notice and "participants.csv" in notice
    # Deleted instead, it is an ordinary change; but with it every participant would go: held back.
    (tiny_copy / "extracts" / "participants.csv").unlink()
    assert reloader.check().outcome == "held" and data.current is served


def test_bad_rows_do_not_stop_a_reload_but_are_set_aside_and_reported(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    with open(tiny_copy / "extracts" / "participants.csv", "a", encoding="utf-8") as handle:
        handle.write(NEW_ROW + "q6,b,Bville,not a date,,M,40,employed,,3,\n")
    assert reloader.check().outcome == "reloaded"
    assert any(p.code == "bad_date" and p.row == 14 for p in data.current.problems)
    assert sum(len(frame) for frame in data.current.set_aside.values()) == 1  # kept on the server


def test_requests_during_a_reload_see_old_or_new_data_never_an_error(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    before = participants(data)
    with open(tiny_copy / "extracts" / "participants.csv", "a", encoding="utf-8") as handle:
        handle.write(NEW_ROW)
    seen, errors, stop = set(), [], threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.add(participants(data))
            except Exception as exc:
                errors.append(exc)
            stop.wait(0.01)  # like requests, not a busy loop that starves the reload of the GIL

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    assert reloader.check().outcome == "reloaded"
    _append(tiny_copy / "extracts" / "participants.csv", NEW_ROW.replace("q5", "q7"))
    assert reloader.check().outcome == "reloaded"
    assert reloader.check(force=True).outcome == "unchanged"  # looked at again: the same snapshot
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == []
    assert seen <= {before, before + 1, before + 2} and before + 2 in seen


def test_a_second_reload_while_one_runs_is_told_busy(tiny_copy):
    _, _, reloader = app_on(tiny_copy)
    with reloader._busy:  # as if another request were reloading right now
        assert reloader.check(force=True).outcome == "busy"


def test_watcher_reloads_by_itself(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    reloader.watch_seconds = 0.05
    before = participants(data)
    with open(tiny_copy / "extracts" / "participants.csv", "a", encoding="utf-8") as handle:
        handle.write(NEW_ROW)
    thread = reloader.start()
    try:
        for _ in range(200):
            if participants(data) == before + 1:
                break
            threading.Event().wait(0.05)
        assert participants(data) == before + 1
    finally:
        reloader.stop()
        thread.join(timeout=5)


def test_reload_command_validates_then_asks_running_servers_to_reload(tiny_copy, capsys):
    from dashboard import snapshots

    _, data, reloader = app_on(tiny_copy)  # a running server
    served = data.current
    _append(tiny_copy / "extracts" / "participants.csv", NEW_ROW)
    args = ["reload", "--plan", str(tiny_copy / "plan"), "--extracts", str(tiny_copy / "extracts")]
    assert cli_main(args) == 0
    assert (tiny_copy / "extracts" / reload.RELOAD_MARKER).is_file()
    digest = snapshots.read_inputs(tiny_copy / "plan", tiny_copy / "extracts").digest
    built = snapshots.Source(snapshots.store_root(), tiny_copy / "plan", tiny_copy / "extracts").published(digest)
    assert built is not None  # the command built the snapshot: the server only opens it
    assert reloader.check().outcome == "reloaded" and data.current is not served
    assert data.current.snapshot.name == built.name and participants(data) == 11
    (tiny_copy / "extracts" / reload.RELOAD_MARKER).unlink()
    (tiny_copy / "extracts" / "spending.csv").write_text("nothing useful\n", encoding="utf-8")
    assert cli_main(args) == 1  # a file rejected whole: no reload is asked for
    assert not (tiny_copy / "extracts" / reload.RELOAD_MARKER).exists()
    assert "spending.csv" in capsys.readouterr().out


def _append(path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_a_renamed_or_removed_file_is_an_ordinary_change(tiny_copy):
    """Once a served file was renamed or removed, every later reload used to be refused until a
    restart, new data blocked with it."""
    _, data, reloader = app_on(tiny_copy)
    extracts = tiny_copy / "extracts"
    (extracts / "participants.csv").rename(extracts / "participants_2021-02.csv")
    assert reloader.check().outcome == "reloaded" and participants(data) == 10
    header = (extracts / "spending.csv").read_text().splitlines()[0]
    (extracts / "spending_extra.csv").write_text(header + "\n2021-01-15,a,other_costs,10.00,X1,\n")
    assert reloader.check().outcome == "reloaded"
    (extracts / "spending_extra.csv").unlink()  # one file of a kind's two, most rows stay
    assert reloader.check().outcome == "reloaded"
    _append(extracts / "participants_2021-02.csv", NEW_ROW)  # and new data still comes in
    assert reloader.check().outcome == "reloaded" and participants(data) == 11


def test_a_replacement_that_loses_most_rows_is_held_until_confirmed(tiny_copy):
    """A participants file replaced by its header (or by rows that are all bad, or by a fraction of
    itself) is built but not served; the data page says why and offers the button; once confirmed it
    is served, by this process at once and by another at its next look."""
    _, data, reloader = app_on(tiny_copy)
    _, other_data, other = app_on(tiny_copy)  # another worker on the same files
    served, before = data.current, participants(data)
    path = tiny_copy / "extracts" / "participants.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    attempt = reloader.check()
    assert attempt.outcome == "held" and data.current is served and participants(data) == before
    assert attempt.problems[0].code == "rows_dropped" and attempt.problems[0].params == {
        "kind": "participants",
        "rows": 0,
        "served": 11,
    }
    notice = str(data_page.view(data.current, "fi", reloader.last_attempt)["attempt"])
    assert "odottaa vahvistusta" in notice and "data-accept" in notice and "0 riviä, käytössä olevassa 11" in notice
    assert other.check().outcome == "held"
    assert reloader.accept().outcome == "reloaded" and participants(data) == 0  # confirmed: an empty list is served
    assert other.check().outcome == "reloaded" and participants(other_data) == 0  # the other worker follows
    assert reloader.check().outcome == "unchanged"


def test_rows_that_are_all_bad_are_held_too(tiny_copy):
    _, data, reloader = app_on(tiny_copy)
    path = tiny_copy / "extracts" / "participants.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *(line.replace("2020-", "x2020-") for line in lines[1:])]) + "\n")
    assert reloader.check().outcome == "held" and participants(data) == 10


def test_reload_accept_on_the_command_line_confirms_for_every_running_process(tiny_copy, capsys):
    _, data, reloader = app_on(tiny_copy)
    path = tiny_copy / "extracts" / "participants.csv"
    path.write_text("\n".join(path.read_text().splitlines()[:3]) + "\n")  # 2 of 11 rows
    assert reloader.check().outcome == "held"
    args = ["reload", "--plan", str(tiny_copy / "plan"), "--extracts", str(tiny_copy / "extracts"), "--accept"]
    assert cli_main(args) == 0
    assert reloader.check().outcome == "reloaded" and participants(data) == 1  # p1's two entries: one person


def test_a_file_still_being_written_is_not_built_from(tiny_copy):
    """A copy that is still arriving (or aborted halfway) is not served: files must have been
    unchanged for stable_seconds. The served data stays until then."""
    import os
    import time

    app = create_app(tiny_copy / "plan", tiny_copy / "extracts", warm=False, watch_seconds=None)
    data, reloader = app.server.extensions[EXTENSION], app.server.extensions[RELOADER]
    reloader.stable_seconds = 30
    path = tiny_copy / "extracts" / "participants.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:4]) + "\n")  # the first rows of a copy in progress
    attempt = reloader.check()
    assert attempt.outcome == "waiting" and participants(data) == 10
    assert attempt.problems[0].code == "still_written" and attempt.problems[0].file.endswith("participants.csv")
    assert reloader.check().outcome == "waiting"  # looked at again each time, not taken as seen
    path.write_text("\n".join([*lines, NEW_ROW.strip()]) + "\n")  # the copy completes
    past = time.time() - 60
    os.utime(path, (past, past))  # … and a minute passes
    assert reloader.check().outcome == "reloaded" and participants(data) == 11


def test_the_snapshot_let_go_of_is_removed_at_the_next_quiet_look(tiny_copy):
    from dashboard import snapshots

    _, data, reloader = app_on(tiny_copy)
    source = snapshots.Source(snapshots.store_root(), tiny_copy / "plan", tiny_copy / "extracts")
    first = data.current.snapshot.name
    _append(tiny_copy / "extracts" / "participants.csv", NEW_ROW)
    assert reloader.check().outcome == "reloaded"
    assert reloader.check().outcome == "unchanged"
    assert [p.name for p in source.snapshots.iterdir()] == [data.current.snapshot.name] != [first]
