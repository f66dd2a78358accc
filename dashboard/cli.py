"""Command line: `python -m dashboard build|check|summary|reload|report|bench`. Exit codes: 0 clean,
1 problems, 2 wrong usage (and, for build, nothing publishable). Every command reads the data from
the snapshot store (dashboard/snapshots.py): the snapshot of the current files, built first where
none exists."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from dashboard import config, reload, snapshots
from dashboard.contract import LANGUAGES
from dashboard.ingest.problems import Problem
from dashboard.url_state import ViewFilters, to_query
from queries.summary import Scope, changes_since, summary_json

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def parse_date(text: str) -> dt.date:
    """ISO 2018-06-30 or Finnish 30.6.2018."""
    try:
        if "." in text:
            day, month, year = (int(part) for part in text.split("."))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use 2018-06-30 or 30.6.2018)") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="ESR project monitoring: checks and figures.")
    commands = parser.add_subparsers(dest="command", required=True)

    def data_options(sub):
        sub.add_argument("--plan", metavar="DIR", help="plan directory (default: the embedded PRO SOS plan)")
        sub.add_argument("--extracts", metavar="DIR", help="extracts directory (default: the embedded demo extracts)")
        sub.add_argument("--store", metavar="DIR", help="snapshot store (default: ESR_STORE, else ~/.cache/esr-seuranta/store)")

    build = commands.add_parser("build", help="validate and load the data once and publish it as a snapshot")
    data_options(build)
    build.add_argument("--accept", action="store_true", help="publish even where a kind of extract lost most of its rows")

    check = commands.add_parser("check", help="validate the plan and the extracts; one line per problem")
    data_options(check)
    summary_cmd = commands.add_parser("summary", help="print the headline figures")
    summary_cmd.add_argument("--json", action="store_true", required=True, help="print one JSON object")
    data_options(summary_cmd)
    summary_cmd.add_argument("--implementer", metavar="ID", help="one implementer instead of the whole project")
    summary_cmd.add_argument("--as-of", metavar="DATE", type=parse_date, help="figures up to this date (default: latest data)")
    summary_cmd.add_argument("--since", metavar="DATE", type=parse_date, help="add each figure's change since this date")
    reload_cmd = commands.add_parser("reload", help="check new data, then have the running dashboard load it")
    data_options(reload_cmd)
    reload_cmd.add_argument(
        "--accept", action="store_true", help="take new data into use even where it lacks most of the rows now served"
    )
    report = commands.add_parser("report", help="write the meeting report as a PDF (needs Chromium)")
    data_options(report)
    report.add_argument("--implementer", metavar="ID", help="one implementer instead of the whole project")
    report.add_argument("--as-of", metavar="DATE", type=parse_date, help="figures up to this date (default: latest data)")
    report.add_argument("--lang", choices=LANGUAGES, default="fi", help="language of the report (default: fi)")
    report.add_argument("--out", metavar="FILE.pdf", required=True, help="where to write the PDF")
    bench = commands.add_parser("bench", help="measure ingest, callbacks and the naive way on the given data")
    data_options(bench)
    bench.add_argument("--out", metavar="FILE.json", required=True, help="where to write the figures")
    bench.add_argument("--views", type=int, default=30, help="filter changes per callback (default: 30)")
    bench.add_argument("--naive-views", type=int, default=5, help="views done the naive way (default: 5)")
    bench.add_argument("--budget", type=float, default=120, help="seconds per callback before it stops (default: 120)")
    bench.add_argument("--rounds", type=int, default=3, help="rounds of summary vs pandas and of killed workers (default: 3)")
    bench.add_argument("--settle", type=float, default=20, help="seconds gunicorn's workers warm up before memory is read")
    return parser


def progress(message: str) -> None:
    """Progress goes to stderr, and only to a terminal: stdout stays clean for JSON and scripts."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def open_data(args, accept: bool = False) -> snapshots.Opened:
    """The snapshot of the files the arguments name, built and published first where none exists
    (once the files have stopped changing: a file still being written is not built from)."""
    plan_dir, extracts_dir = config.plan_dir(args.plan), config.extracts_dir(args.extracts)
    reload.wait_until_stable(plan_dir, extracts_dir, reload.stable_seconds_from_env(), progress)
    opened = snapshots.open_project(plan_dir, extracts_dir, args.store, accept=accept, progress=progress)
    if not extracts_dir.is_dir():  # a mistyped folder must not read as a project with nothing done
        opened.outcome.problems.append(Problem(str(extracts_dir), 0, "-", "missing_file", {}))
    files = opened.result.files
    progress(f"{opened.outcome.status}: {sum(f.rows_loaded for f in files)} rows from {len(files)} files")
    return opened


def _problems_of(opened: snapshots.Opened) -> list[Problem]:
    """The current files' problems, then why they are not served (when held or refused)."""
    problems = list(opened.outcome.problems)
    return problems + [r for r in opened.outcome.reasons if r not in problems]


def _not_current(opened: snapshots.Opened) -> None:
    if opened.outcome.status in ("held", "refused") and opened.result.ok:
        status, when = opened.outcome.status, opened.result.loaded_at
        print(f"note: the current files are {status} (see build); the figures are of the data loaded {when}", file=sys.stderr)


def run_build(args) -> int:
    opened = open_data(args, accept=args.accept)
    for problem in _problems_of(opened):
        print(problem.line())
    status = opened.outcome.status
    if status == "refused":
        print("nothing published: the last good snapshot stays in use", file=sys.stderr)
        return EXIT_USAGE
    if status == "held":
        print("built but held back until confirmed: python -m dashboard build --accept", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if opened.outcome.problems else EXIT_OK


def run_check(args) -> int:
    opened = open_data(args)
    problems = _problems_of(opened)
    for problem in problems:
        print(problem.line())
    return EXIT_PROBLEMS if problems else EXIT_OK


def run_summary(args) -> int:
    opened = open_data(args)
    result = opened.result
    if not result.ok:
        for problem in _problems_of(opened):
            print(problem.line(), file=sys.stderr)
        return EXIT_PROBLEMS
    _not_current(opened)
    implementers = set(result.plan.tables["implementers"]["implementer_id"])
    if args.implementer is not None and args.implementer not in implementers:
        raise UsageError(f"unknown implementer {args.implementer!r}; the plan has: {', '.join(sorted(implementers))}")
    scope = Scope(implementer=args.implementer, as_of=args.as_of)
    figures = summary_json(result.store, scope)
    if args.since is not None:
        figures["changes_since"] = changes_since(result.store, scope, args.since)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return EXIT_OK


def run_reload(args) -> int:
    """Build (or find) the snapshot of the files as `build` does, printing their problems as
    `check` does; if it is published, touch the reload marker so that every running server
    process switches to it within its watch interval."""
    opened = open_data(args, accept=args.accept)
    for problem in _problems_of(opened):
        print(problem.line())
    extracts_dir = opened.result.extracts_dir
    if opened.outcome.status in ("held", "refused") or not extracts_dir.is_dir():
        state = opened.outcome.status if extracts_dir.is_dir() else "missing"
        print(f"not reloading: the new data is {state} (see above)", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        marker = reload.request_reload(extracts_dir)
    except OSError as exc:
        raise UsageError(f"cannot write {extracts_dir / reload.RELOAD_MARKER}: {exc}") from exc
    print(f"reload requested ({marker}); running dashboards load the data within their watch interval", file=sys.stderr)
    return EXIT_OK


def run_report(args) -> int:
    from dashboard.factory import create_app
    from dashboard.report_pdf import write_pdf

    opened = open_data(args)  # checked first, so that a bad plan or an unknown implementer is said plainly
    result = opened.result
    if not result.ok:
        for problem in _problems_of(opened):
            print(problem.line(), file=sys.stderr)
        return EXIT_PROBLEMS
    _not_current(opened)
    implementers = set(result.plan.tables["implementers"]["implementer_id"])
    if args.implementer is not None and args.implementer not in implementers:
        raise UsageError(f"unknown implementer {args.implementer!r}; the plan has: {', '.join(sorted(implementers))}")
    # Printed on its own loopback server: no watcher, no password.
    app = create_app(result.plan_dir, result.extracts_dir, warm=False, watch_seconds=None, credentials=None, store=args.store)
    query = to_query(ViewFilters(implementer=args.implementer, as_of=args.as_of, lang=args.lang))
    out = write_pdf(app.server, query, Path(args.out), args.lang, progress=lambda m: print(m, file=sys.stderr, flush=True))
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def run_bench(args) -> int:
    from dashboard import bench

    if args.views < 2 or args.naive_views < 1:
        raise UsageError("--views must be at least 2 and --naive-views at least 1")
    bench.run(
        config.plan_dir(args.plan),
        config.extracts_dir(args.extracts),
        Path(args.out),
        args.views,
        min(args.naive_views, args.views),
        store=args.store,
        store_rounds=max(1, args.rounds),
        settle_seconds=max(0.0, args.settle),
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on wrong usage
    try:
        commands = {
            "build": run_build,
            "check": run_check,
            "summary": run_summary,
            "reload": run_reload,
            "report": run_report,
            "bench": run_bench,
        }
        return commands[args.command](args)
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # no traceback for the user; the message says what failed
        print(f"{parser.prog}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
