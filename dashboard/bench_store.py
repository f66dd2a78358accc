"""The snapshot store measured by whole processes, as a user meets it (part of `python -m dashboard
bench`): the build's time and peak memory; `summary --json` on an unchanged store next to the naive
pandas reading of the same extracts, alternating in one run; gunicorn's total resident memory with
four workers against one; and the time from a worker's death to its replacement's first answer.

Resident memory is reported twice: the sum of each process's RSS counts the pages that processes
share (the forked code, the memory-mapped running totals, the page cache of the snapshot file) once
per process; the sum of PSS (proportional set size, /proc/PID/smaps_rollup) counts each shared page
once in all, which is what the processes together take from the machine."""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.config import ROOT


def run_process(command: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """(seconds, peak resident MiB, exit code) of one process run to its end."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - began, usage.ru_maxrss / 1024, process.returncode


def _dashboard(*args: str) -> list[str]:
    return [sys.executable, "-m", "dashboard", *args]


def _data(plan: Path, extracts: Path, store: Path) -> list[str]:
    return ["--plan", str(plan), "--extracts", str(extracts), "--store", str(store)]


def time_build(plan: Path, extracts: Path, store: Path, say) -> dict:
    """`python -m dashboard build` into an empty store."""
    shutil.rmtree(store, ignore_errors=True)
    say("store: building a snapshot into an empty store …")
    seconds, peak, code = run_process(_dashboard("build", *_data(plan, extracts, store)))
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    say(f"store: build took {seconds:.1f} s, peak {peak:.0f} MiB, exit {code}, {size / 2**20:.0f} MiB on disk")
    return {"seconds": round(seconds, 1), "peak_rss_mib": round(peak), "exit_code": code, "snapshot_mib": round(size / 2**20)}


def summary_against_naive(plan: Path, extracts: Path, store: Path, say, repeat: int = 3) -> dict:
    """Whole processes, alternating: the app's summary on the unchanged store, then pandas."""
    app, naive = [], []
    for round_ in range(repeat):
        app.append(run_process(_dashboard("summary", "--json", *_data(plan, extracts, store)))[0])
        naive.append(run_process([sys.executable, "-m", "dashboard.bench_store", "naive-summary", str(plan), str(extracts)])[0])
        say(f"store: summary round {round_ + 1}/{repeat}: app {app[-1]:.2f} s, naive pandas {naive[-1]:.2f} s")
    app_s, naive_s = statistics.median(app), statistics.median(naive)
    return {
        "app_summary_seconds": round(app_s, 2),
        "naive_pandas_seconds": round(naive_s, 2),
        "naive_over_app": round(naive_s / app_s, 1),
        "runs": repeat,
        "what": "python -m dashboard summary --json on an unchanged store, and a pandas script that reads the same extracts "
        "and sums the same headline figures, each a whole process, alternating; medians",
    }


def naive_summary(plan: Path, extracts: Path) -> dict:
    """The headline figures the naive way: pandas reads every extract and sums."""
    import pandas as pd

    from dashboard.ingest.extracts import find_extract_files

    files = find_extract_files(extracts)

    def read(kind: str) -> pd.DataFrame:
        paths = files[kind]
        frames = [pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p, sep=None, engine="python") for p in paths]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    spending, people, days = read("spending"), read("participants"), read("person_days")
    budget = pd.read_csv(plan / "budget.csv")
    return {
        "budget_eur": float(budget.select_dtypes("number").drop(columns=["year"], errors="ignore").sum().sum()),
        "spent_by_category_eur": spending.groupby("cost_category")["amount_eur"].sum().to_dict() if len(spending) else {},
        "participants": int(people["participant_id"].nunique()) if len(people) else 0,
        "participants_women": int(people.loc[people["gender"] == "F", "participant_id"].nunique()) if len(people) else 0,
        "person_days": days.groupby("day_type")["days"].sum().to_dict() if len(days) else {},
    }


def _memory(pids: list[int]) -> tuple[float, float]:
    """(sum of RSS, sum of PSS) in MiB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def _family(pid: int) -> list[int]:
    found, queue = [pid], [pid]
    while queue:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(queue.pop())], capture_output=True, text=True)
        for child in map(int, children.stdout.split()):
            found.append(child)
            queue.append(child)
    return found


def _overview(session) -> int:
    from dashboard.dash_http import call, server_callbacks

    callback = next(c for c in server_callbacks(session) if c.output.startswith("..overview-scope"))
    return call(session, callback, {"filter-implementer.value": None, "lang.data": "fi"}).status_code


def gunicorn_memory(plan: Path, extracts: Path, store: Path, workers: int, say, settle_seconds: float = 20) -> dict:
    """gunicorn on the built store; every worker asked for pages, then left to finish its warm-up."""
    from dashboard.measure import Gunicorn

    began = time.perf_counter()
    server = Gunicorn(plan, extracts, workers=workers, threads=2, watch_seconds=10, store=store, env={"ESR_BUILD_IN": "child"})
    try:
        up = time.perf_counter() - began
        for _ in range(6 * workers):  # the kernel spreads them over the workers
            assert _overview(server.session) == 200
        time.sleep(settle_seconds)
        rss, pss = _memory(_family(server.process.pid))
        say(f"store: gunicorn -w {workers}: up in {up:.1f} s, RSS sum {rss:.0f} MiB, PSS sum {pss:.0f} MiB")
        return {"workers": workers, "up_seconds": round(up, 1), "rss_sum_mib": round(rss), "pss_sum_mib": round(pss)}
    finally:
        server.stop()


def replaced_worker_first_answer(plan: Path, extracts: Path, store: Path, say, repeat: int = 3) -> dict:
    """One worker killed with SIGKILL: the seconds until the master's replacement answers."""
    from dashboard.measure import Gunicorn

    server = Gunicorn(plan, extracts, workers=1, threads=2, watch_seconds=10, store=store, env={"ESR_BUILD_IN": "child"})
    seconds = []
    try:
        for _ in range(repeat):
            [worker] = server.worker_pids()
            began = time.perf_counter()
            os.kill(worker, signal.SIGKILL)
            while True:
                try:
                    if server.worker_pids() - {worker} and _overview(server.session) == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.05)
            seconds.append(time.perf_counter() - began)
            say(f"store: a killed worker's replacement answered after {seconds[-1]:.2f} s")
            time.sleep(1)
    finally:
        server.stop()
    return {"seconds_median": round(statistics.median(seconds), 2), "runs": [round(s, 2) for s in seconds]}


def run(plan: Path, extracts: Path, say, rounds: int = 3, settle_seconds: float = 20) -> dict:
    """`rounds`: of summary against pandas, and of killed workers; `settle_seconds`: how long the
    servers' workers are left to finish warming up before their memory is read."""
    store = Path(tempfile.mkdtemp(prefix="esr-bench-store-"))
    try:
        built = time_build(plan, extracts, store, say)
        one = gunicorn_memory(plan, extracts, store, 1, say, settle_seconds)
        four = gunicorn_memory(plan, extracts, store, 4, say, settle_seconds)
        return {
            "build": built,
            "summary": summary_against_naive(plan, extracts, store, say, rounds),
            "gunicorn": {
                "one_worker": one,
                "four_workers": four,
                "four_over_one_pss": round(four["pss_sum_mib"] / one["pss_sum_mib"], 2),
                "four_over_one_rss": round(four["rss_sum_mib"] / one["rss_sum_mib"], 2),
            },
            "replaced_worker_first_answer": replaced_worker_first_answer(plan, extracts, store, say, rounds),
        }
    finally:
        shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":  # python -m dashboard.bench_store naive-summary PLAN EXTRACTS
    import json

    if len(sys.argv) != 4 or sys.argv[1] != "naive-summary":
        sys.exit("usage: python -m dashboard.bench_store naive-summary PLAN EXTRACTS")
    print(json.dumps(naive_summary(Path(sys.argv[2]), Path(sys.argv[3])), default=float))
