"""Ingest benchmark: `check` and a whole load of a large participants CSV, this tree against an
earlier commit, side by side in one run.

    .venv/bin/python scripts/bench_ingest.py --rows 2500000 --compare 37fbd91 --repeat 3
    .venv/bin/python scripts/bench_ingest.py --data /tmp/national --compare 5c268bb --out docs/bench-ingest-national.json

Makes (once, seeded) a plan of 300 implementers and one participants CSV of --rows rows (2.5 M rows
are about 205 MB) with scripts/generate_national.py, or takes the project --data names (the
national programme of scripts/generate_national.py, say), then runs, alternating between the trees so
that the machine's drift falls on both alike: `python -m dashboard check` (read and validate) and a
whole load (`load_project` into a database file, as a snapshot is built: validate, DuckDB and the
running totals every page reads), each as a process of its own with an empty store of its own (so
that `check` meets new inputs, as on the day a file arrives), timing its wall clock and reading its
peak resident memory from the kernel (wait4). Writes medians and every run to --out
(docs/bench-ingest.json) and progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD = (  # a build into a database file, as the snapshot store's builder makes one (what serving needs)
    "import shutil, sys, tempfile; from pathlib import Path; from dashboard.ingest.load import load_project; "
    "folder = Path(tempfile.mkdtemp(prefix='esr-bench-build-')); "
    "load_project(Path(sys.argv[1]), Path(sys.argv[2]), database=folder / 'data.duckdb').store.finish_file(); "
    "shutil.rmtree(folder)"
)


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} bench-ingest: {message}", file=sys.stderr, flush=True)


def make_data(folder: Path, rows: int) -> None:
    if (folder / "extracts" / "participants_001.csv").exists():
        return
    say(f"generating {rows:,} participant rows in {folder} …")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_national.py"), "--out", str(folder), "--participants", str(rows),
         "--bookings", "1000", "--person-days", "1000", "--format", "csv", "--rows-per-file", str(rows)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def measure(tree: Path, argv: list[str]) -> dict:
    """One process in `tree`: wall seconds and peak resident MiB (its own, from wait4)."""
    store = tempfile.mkdtemp(prefix="esr-bench-store-")
    started = time.monotonic()
    environment = os.environ | {"PYTHONPATH": str(tree), "ESR_STORE": store}
    process = subprocess.Popen(argv, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    shutil.rmtree(store, ignore_errors=True)
    error = process.stderr.read().decode("utf-8", "replace")[-500:]
    code = os.waitstatus_to_exitcode(status)
    if code not in ((0, 1) if "check" in argv else (0,)):  # check exits 1 when it finds problems; a load, never
        raise RuntimeError(f"{argv[:4]} in {tree} exited {code}: {error}")
    return {"seconds": round(seconds, 2), "peak_mib": round(usage.ru_maxrss / 1024, 1)}


def _mib(data: Path) -> float:
    return round(sum(f.stat().st_size for f in (data / "extracts").iterdir() if f.is_file()) / 2**20, 1)


def _described(data: Path) -> dict:
    """A project given with --data: its folder, its extract files and their size."""
    files = sorted(f.name for f in (data / "extracts").iterdir() if f.is_file())
    return {"project": str(data), "extract_files": files, "extracts_mib": _mib(data)}


def worktree(rev: str, folder: Path) -> Path:
    target = folder / f"tree-{rev}"
    if not target.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), rev], check=True, capture_output=True)
    return target


def median(runs: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_500_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "esr-bench-ingest")
    parser.add_argument("--compare", metavar="REV", help="an earlier commit to run side by side")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-ingest.json")
    parser.add_argument("--only", choices=("check", "load"), help="one of the two commands (an old tree may lack the other)")
    parser.add_argument("--data", type=Path, help="a project of its own (DIR/plan, DIR/extracts) instead of the generated CSV")
    args = parser.parse_args()
    data = args.data or args.work / f"data-{args.rows}"
    if not args.data:
        make_data(data, args.rows)
    trees = {"this tree": ROOT} | ({args.compare: worktree(args.compare, args.work)} if args.compare else {})
    python = str(ROOT / ".venv" / "bin" / "python")
    commands = {
        "check": [python, "-m", "dashboard", "check", "--plan", str(data / "plan"), "--extracts", str(data / "extracts")],
        "load": [python, "-c", LOAD, str(data / "plan"), str(data / "extracts")],
    }
    commands = {name: argv for name, argv in commands.items() if args.only in (None, name)}
    runs: dict[str, dict[str, list[dict]]] = {name: {c: [] for c in commands} for name in trees}
    for round_number in range(1, args.repeat + 1):
        for name, tree in trees.items():
            for command, argv in commands.items():
                say(f"round {round_number}/{args.repeat}: {command} in {name} …")
                runs[name][command].append(measure(tree, argv))
                say(f"  {runs[name][command][-1]}")
    summary = {
        name: {
            command: {"median_seconds": median(r, "seconds"), "median_peak_mib": median(r, "peak_mib"), "runs": r}
            for command, r in by.items()
        }
        for name, by in runs.items()
    }
    if args.compare:
        summary["speed-up (median, earlier / this tree)"] = {
            c: round(summary[args.compare][c]["median_seconds"] / summary["this tree"][c]["median_seconds"], 2) for c in commands
        }
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 30
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib} GiB, Python {platform.python_version()} "
        "(shared, noisy: read the medians)",
        "data": _described(data) if args.data else {"participant_rows": args.rows, "csv_mib": _mib(data), "implementers": 300},
        "compared_with": args.compare,
        "results": summary,
    }
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"wrote {args.out}")
    print(json.dumps(report["results"].get("speed-up (median, earlier / this tree)", {}), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
