"""Load test: N concurrent users clicking through pages and filters against gunicorn, on loopback.

    python scripts/load_test.py --users 50 --seconds 60 --out docs/load-test.json

It starts `gunicorn app:server` on a free 127.0.0.1 port over a copy of the embedded PRO SOS data,
plays users who open pages and change the area filter as a browser does (the page's HTML, then its
Dash callbacks), and halfway through adds rows to the participant extract so that every worker
reloads while users click. Every figure answer is compared with what the app computes in-process
for the same view on the old and on the new data: an answer that matches neither is a wrong figure.
Bounded: loopback only, at most --seconds of load and --max-requests requests. Progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR  # noqa: E402
from dashboard.dash_http import HttpSession, call, callbacks_by_first_output, server_callbacks  # noqa: E402
from dashboard.factory import create_app  # noqa: E402
from dashboard.measure import Gunicorn, percentile  # noqa: E402
from dashboard.pages import areas as areas_page  # noqa: E402
from dashboard.pages import finance, overview, participants, presentation, report  # noqa: E402

# Each page and the callback that draws its figures (known by the first output's id).
PAGE_FIGURES = {
    overview.PATH: "overview-scope",
    finance.PATH: "finance-scope",
    participants.PATH: "participants-scope",
    areas_page.PATH: "areas-scope",
    presentation.PATH: "slide",
    report.PATH: "report-title",
}


def add_participants(extracts: Path, count: int) -> None:
    """The reload mid-run: new participant rows (copies of the last row under new ids)."""
    path = extracts / "participants.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, last = lines[0].split(","), lines[-1].split(",")
    at = header.index("participant_id")
    for number in range(count):
        row = list(last)
        row[at] = f"LDT-{number:06X}"
        lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def canonical(text: str) -> str:
    """An answer with its JSON keys sorted and floats to 10 significant digits: DuckDB's parallel
    sums may differ in the last bit between processes, and attribute order means nothing. The
    report's list of sources is left out: it ends with the time of day."""

    def tidy(value):
        if isinstance(value, float):
            return float(f"{value:.10g}")
        if isinstance(value, list):
            return [tidy(v) for v in value]
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        return value

    answer = json.loads(text)
    answer.get("response", {}).pop("report-sources", None)  # ends with the clock time the report was made
    return json.dumps(tidy(answer), sort_keys=True)


def view_values(implementer: str | None) -> dict:
    return {"filter-implementer.value": implementer, "lang.data": "fi", "slide-index.data": 0}


def expected_answers(plan: Path, extracts: Path, implementers: list[str | None]) -> dict[tuple, str]:
    """What each page's figure callback answers for each area, computed in-process."""
    client = create_app(plan, extracts, warm=False, watch_seconds=None, credentials=None).server.test_client()
    answers = {}
    for path, callback in callbacks_by_first_output(server_callbacks(client), PAGE_FIGURES).items():
        for implementer in implementers:
            answers[(path, implementer)] = canonical(call(client, callback, view_values(implementer)).get_data(as_text=True))
    return answers


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    versions: list[tuple[float, str]] = field(default_factory=list)  # (seconds into the run, "old"/"new")
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (seconds into the run, latency)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class User(threading.Thread):
    """Opens a page, changes the area filter a few times, moves on; thinks between clicks."""

    def __init__(self, number, base, callbacks, implementers, expected, tally, stop_at, budget, think, started):
        super().__init__(daemon=True)
        self.random = random.Random(number)
        self.session = HttpSession(base, timeout=60)
        self.callbacks, self.implementers, self.expected = callbacks, implementers, expected
        self.tally, self.stop_at, self.budget, self.think, self.started = tally, stop_at, budget, think, started
        self.started_perf = time.perf_counter() - (time.monotonic() - started)

    def timed(self, kind: str, send):
        with self.tally.lock:
            if self.tally.requests >= self.budget:
                raise StopIteration
            self.tally.requests += 1
        began = time.perf_counter()
        try:
            response = send()
        except OSError as error:
            with self.tally.lock:
                self.tally.errors.append(f"{kind}: {type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - began
        with self.tally.lock:
            self.tally.latencies[kind].append(elapsed)
            self.tally.timeline.append((began - self.started_perf, elapsed))
            if response.status_code >= 400:
                self.tally.errors.append(f"{kind}: HTTP {response.status_code}")
        return response

    def figures(self, path: str, implementer: str | None) -> None:
        callback = self.callbacks["figures"][path]
        response = self.timed(f"figures {path}", lambda: call(self.session, callback, view_values(implementer)))
        if response is None or response.status_code != 200:
            return
        text = canonical(response.get_data(as_text=True))
        old, new = self.expected["old"][(path, implementer)], self.expected["new"][(path, implementer)]
        at = time.monotonic() - self.started
        with self.tally.lock:
            if text == old == new:
                return  # a view the new rows do not touch
            if text == old:
                self.tally.versions.append((at, "old"))
            elif text == new:
                self.tally.versions.append((at, "new"))
            else:
                self.tally.wrong.append(f"{path} implementer={implementer} at {at:.1f} s")

    def run(self) -> None:
        try:
            while time.monotonic() < self.stop_at:
                path = self.random.choice(list(PAGE_FIGURES))
                implementer = self.random.choice(self.implementers)
                search = f"?implementer={implementer}" if implementer else ""
                self.open_page(path, search)
                self.figures(path, implementer)
                for _ in range(self.random.randint(1, 3)):
                    self.pause()
                    implementer = self.random.choice(self.implementers)
                    self.figures(path, implementer)
                self.pause()
        except StopIteration:
            return

    def open_page(self, path: str, search: str) -> None:
        """What the browser asks for when a page opens: its HTML, its layout, the filters from the URL."""
        page, sync = self.callbacks["page"], self.callbacks["sync"]
        self.timed("page html", lambda: self.session.get(path + search))
        self.timed("page layout", lambda: call(self.session, page, {"pathname": path, "lang.data": "fi"}))
        self.timed("filters from url", lambda: call(self.session, sync, {"search": search, "lang.data": "fi"}))

    def pause(self) -> None:
        if self.think > 0:
            time.sleep(self.random.uniform(0, 2 * self.think))


def phases(timeline, seconds: float, reload_at: float | None, stats) -> dict:
    """Latency in the first 10 s (every worker's caches cold), in the 10 s after the data changed
    (every worker reloading at once), and the rest (steady state)."""
    edges = {"warm-up (first 10 s)": (0, 10)}
    if reload_at is not None:
        edges["reload (10 s after the change)"] = (reload_at, reload_at + 10)
    chosen = {name: [lat for at, lat in timeline if lo <= at < hi] for name, (lo, hi) in edges.items()}
    chosen["steady (the rest)"] = [lat for at, lat in timeline if not any(lo <= at < hi for lo, hi in edges.values())]
    return {name: stats(values) for name, values in chosen.items() if values}


def summarise(tally: Tally, args, seconds: float, reload_at: float | None) -> dict:
    every = [x for values in tally.latencies.values() for x in values]

    def stats(values):
        return {
            "requests": len(values),
            "p50_ms": round(1000 * percentile(values, 0.50), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1),
            "p99_ms": round(1000 * percentile(values, 0.99), 1),
            "max_ms": round(1000 * max(values), 1),
        }

    new_seen = [at for at, version in tally.versions if version == "new"]
    old_after = [at for at, version in tally.versions if version == "old" and new_seen and at > max(new_seen)]
    return {
        "users": args.users,
        "think_seconds": args.think,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "seconds": round(seconds, 1),
        "requests": tally.requests,
        "requests_per_second": round(tally.requests / seconds, 1),
        "errors": len(tally.errors),
        "error_examples": tally.errors[:10],
        "wrong_figures": len(tally.wrong),
        "wrong_examples": tally.wrong[:10],
        "all": stats(every) if every else {},
        "by_kind": {kind: stats(values) for kind, values in sorted(tally.latencies.items())},
        "by_phase": phases(tally.timeline, seconds, reload_at, stats),
        "reload": {
            "extract_changed_at_s": None if reload_at is None else round(reload_at, 1),
            "first_new_figure_at_s": round(min(new_seen), 1) if new_seen else None,
            "old_figures_after_last_new": len(old_after),
            "answers_old": sum(1 for _, v in tally.versions if v == "old"),
            "answers_new": len(new_seen),
        },
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "note": "the load generator runs on the same machine and shares its cores",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="load duration (bounded)")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's clicks, seconds")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-reload", action="store_true", help="do not change the data mid-run")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "load-test.json")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 500 or not 0 < args.seconds <= 900:
        parser.error("keep it bounded: 1–500 users, at most 900 seconds")

    with tempfile.TemporaryDirectory(prefix="esr-load-") as folder:
        plan, extracts = Path(folder) / "plan", Path(folder) / "extracts"
        shutil.copytree(DEFAULT_PLAN_DIR, plan)
        shutil.copytree(DEFAULT_EXTRACTS_DIR, extracts)
        print("computing the expected figures in-process …", file=sys.stderr, flush=True)
        probe = create_app(plan, extracts, warm=False, watch_seconds=None, credentials=None)
        implementers = [None, *probe.server.extensions["esr_seuranta"].current.plan.tables["implementers"]["implementer_id"]]
        expected = {"old": expected_answers(plan, extracts, implementers)}
        # The new data's answers, computed in the same folder (the report names its files' paths).
        original, changed = Path(folder) / "participants.original.csv", Path(folder) / "participants.changed.csv"
        shutil.copy2(extracts / "participants.csv", original)
        add_participants(extracts, 40)
        expected["new"] = expected_answers(plan, extracts, implementers)
        shutil.copy2(extracts / "participants.csv", changed)
        shutil.copy2(original, extracts / "participants.csv")

        print(f"starting gunicorn ({args.workers} workers × {args.threads} threads) …", file=sys.stderr, flush=True)
        server = Gunicorn(plan, extracts, args.workers, args.threads, watch_seconds=1.0)
        try:
            client = HttpSession(server.base)
            listed = server_callbacks(client)
            callbacks = {
                "figures": callbacks_by_first_output(listed, PAGE_FIGURES),
                "page": next(c for c in listed if c.output == "page-content.children"),
                "sync": next(c for c in listed if c.output.startswith("..url.search...filter-implementer")),
            }
            tally = Tally()
            started = time.monotonic()
            stop_at = started + args.seconds
            users = [
                User(n, server.base, callbacks, implementers, expected, tally, stop_at, args.max_requests, args.think, started)
                for n in range(args.users)
            ]
            for user in users:
                user.start()
            reload_at = None
            while any(user.is_alive() for user in users):
                time.sleep(5 if args.seconds > 20 else 1)
                now = time.monotonic() - started
                if not args.no_reload and reload_at is None and now >= args.seconds / 2:
                    shutil.copy2(changed, extracts / "participants.csv")
                    reload_at = now
                    print(f"{now:5.0f} s  participants.csv changed: every worker should reload", file=sys.stderr, flush=True)
                with tally.lock:
                    done, errors, wrong = tally.requests, len(tally.errors), len(tally.wrong)
                print(f"{now:5.0f} s  {done} requests, {errors} errors, {wrong} wrong figures", file=sys.stderr, flush=True)
            seconds = time.monotonic() - started
        finally:
            server.stop()
    result = summarise(tally, args, seconds, reload_at)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("requests", "errors", "wrong_figures", "all", "reload")}, indent=2), file=sys.stderr)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if not result["errors"] and not result["wrong_figures"] else 1


if __name__ == "__main__":
    sys.exit(main())
