"""Plays a reader of every participant download of a programme: no small count and no count
marked ".." may be worked out from the rows and columns beside it (dashboard/disclosure_check.py).

    .venv/bin/python scripts/check_marks.py [--plan DIR] [--extracts DIR] [--out docs/marks-check.json]

Checks the whole programme, its three largest and three smallest implementers, three regions
and an earlier date, and
writes what it checked and found. Exit 1 when anything is revealed."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard.pages  # noqa: F401 - registers the downloads
from dashboard import config
from dashboard.disclosure_check import check_downloads
from dashboard.ingest.load import load_project
from dashboard.url_state import ViewFilters
from dashboard.view import plan_options, scope_for
from queries import finance


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} check_marks: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan")
    parser.add_argument("--extracts")
    parser.add_argument("--out", default=str(config.ROOT / "docs" / "marks-check.json"))
    args = parser.parse_args(argv)
    say("loading …")
    started = time.perf_counter()
    result = load_project(config.plan_dir(args.plan), config.extracts_dir(args.extracts))
    if not result.ok:
        say("the plan does not load")
        return 2
    latest = scope_for(result, ViewFilters()).as_of
    table = finance.implementer_table(result.store, scope_for(result, ViewFilters()), latest).iloc[:-1]
    ranked = table.sort_values("budget_eur", ascending=False)["implementer_id"].tolist()
    largest = list(dict.fromkeys(ranked[:3] + ranked[-3:]))  # the smallest have the most small counts
    regions = sorted(plan_options(result).regions)[:3]
    earlier = latest - dt.timedelta(days=365)
    views = [ViewFilters(), ViewFilters(as_of=earlier)]
    views += [ViewFilters(implementer=i) for i in largest] + [ViewFilters(region=r) for r in regions]
    findings = None
    for n, view in enumerate(views, 1):
        say(f"view {n}/{len(views)}: {view.implementer or view.region or 'the whole programme'} at {view.as_of or latest}")
        found = check_downloads(result, [view])
        if findings is None:
            findings = found
        else:
            findings.tables += found.tables
            findings.cells += found.cells
            findings.small_marks += found.small_marks
            findings.protecting_marks += found.protecting_marks
            findings.revealed += found.revealed
    report = {
        "plan": result.plan.project["name"],
        "participant_rows": sum(f.rows_loaded for f in result.files if Path(f.path).name.startswith("participants")),
        "views": [str(v) for v in views],
        **findings.as_dict(),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "when": dt.datetime.now().replace(microsecond=0).isoformat(),
    }
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    marks = f"{findings.small_marks} '<' and {findings.protecting_marks} '..'"
    say(f"{findings.tables} tables, {findings.cells} cells, {marks}: {len(findings.revealed)} revealed")
    return 1 if findings.revealed else 0


if __name__ == "__main__":
    sys.exit(main())
