"""The overdrawn-bookings step of a build, two ways side by side on one snapshot's database.

    .venv/bin/python scripts/bench_overdrawn.py --database COPY_OF/data.duckdb --repeat 3

`overdrawn_bookings` (queries/derived.sql) flags the corrections after which a category's running
total is below zero. It was one window over every booking (ten million nationally, sorted per
implementer and category); it is now worked out from the daily sums and the corrections alone.
This runs both, alternating so that the machine's drift falls on both alike, checks that they flag
the same rows, and writes the medians and every run to --out (docs/bench-overdrawn.json). The
database is written to (the table is made again): pass a copy, never a published snapshot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
WINDOW_OVER_EVERY_BOOKING = """
create table overdrawn_bookings as
    with ordered as (
        select date, implementer_id, cost_category, amount_eur::double as amount_eur, voucher_id,
            sum(amount_eur) over (
                partition by implementer_id, cost_category order by date, amount_eur desc, voucher_id
                rows between unbounded preceding and current row
            )::double as running_eur
        from spending
    )
    select * from ordered where amount_eur < 0 and running_eur < 0 order by date, implementer_id
"""


def from_daily_sums() -> str:
    """The build's own statement, as derived.sql has it."""
    text = (ROOT / "queries" / "derived.sql").read_text(encoding="utf-8")
    return re.search(r"create table overdrawn_bookings as.*?order by date, implementer_id;", text, re.S).group(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-overdrawn.json")
    args = parser.parse_args()
    connection = duckdb.connect(str(args.database), config={"memory_limit": "2GB"})
    bookings = connection.execute("select count(*) from spending").fetchone()[0]
    ways = {"window_over_every_booking": WINDOW_OVER_EVERY_BOOKING, "from_daily_sums": from_daily_sums()}
    runs: dict[str, list[float]] = {name: [] for name in ways}
    flagged = {}
    for round_number in range(1, args.repeat + 1):
        for name, sql in ways.items():
            connection.execute("drop table if exists overdrawn_bookings")
            started = time.perf_counter()
            connection.execute(sql)
            runs[name].append(round(time.perf_counter() - started, 3))
            flagged[name] = connection.execute("select * from overdrawn_bookings order by all").df()
            print(f"round {round_number}/{args.repeat}: {name} {runs[name][-1]} s", file=sys.stderr, flush=True)
    same = flagged["window_over_every_booking"].equals(flagged["from_daily_sums"])
    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "bookings": int(bookings),
        "flagged_rows": len(flagged["from_daily_sums"]),
        "same_rows": bool(same),
        "median_s": {name: statistics.median(times) for name, times in runs.items()},
        "runs_s": runs,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report["median_s"]), "same rows:", same, file=sys.stderr)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
