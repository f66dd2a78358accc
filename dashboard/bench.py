"""`python -m dashboard bench --out FILE.json`: how the app copes with the data it is given.

Measures (1) ingest: the time to load and validate the plan and extracts into a ready app, and the
process's peak memory; (2) the server-side time of every page's callbacks over a series of filter
changes (areas, regions, municipalities, as-of dates), as Dash runs them for a browser: once on
first sight of each view (nothing cached) and again when it is opened again (cached); (3) the same
page figures done the naive way, pandas over the raw extract files inside the callback, for a ratio.
Writes figures to FILE.json and progress to stderr. Medians and 95th percentiles: machines are noisy.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from dashboard.dash_http import call, callbacks_by_first_output, server_callbacks
from dashboard.ingest.extracts import find_extract_files
from dashboard.measure import percentile

# The callbacks that draw each page's figures, by their first output's id.
PAGE_CALLBACKS = {
    "overview": "overview-scope",
    "finance": "finance-scope",
    "participants": "participants-scope",
    "areas": "areas-scope",
    "areas ranking": "areas-ranking",
    "presentation": "slide",
    "report": "report-title",
}


def _say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} bench: {message}", file=sys.stderr, flush=True)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _stats(seconds: list[float]) -> dict:
    return {
        "n": len(seconds),
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p95_ms": round(1000 * percentile(seconds, 0.95), 1),
    }


def views(result, count: int, seed: int = 7) -> list[dict]:
    """A series of filter changes a user might make: areas, regions, municipalities, as-of dates, and
    a coordinator's pairs (an area within its region, a municipality within its region)."""
    rng = random.Random(seed)
    municipalities = result.plan.tables["municipalities"]
    implementers = sorted(result.plan.tables["implementers"]["implementer_id"])
    regions = sorted(municipalities["region"].unique())
    towns = sorted(municipalities["municipality"].unique())
    served = sorted(municipalities[["implementer_id", "region", "municipality"]].itertuples(index=False))
    start = dt.date.fromisoformat(str(result.plan.project["start_date"]))
    chosen = [{}]
    makers = [
        lambda: {"filter-implementer.value": rng.choice(implementers)},
        lambda: {"filter-region.value": rng.choice(regions)},
        lambda: {"filter-municipality.value": rng.sample(towns, k=min(2, len(towns)))},
        lambda: {"filter-implementer.value": rng.choice(implementers), "filter-as-of.date": _date_after(rng, start)},
        lambda: {"filter-as-of.date": _date_after(rng, start)},
        lambda: _area_in_its_region(rng.choice(served)),
        lambda: _municipality_in_its_region(rng.choice(served)),
    ]
    while len(chosen) < count:
        chosen.append(makers[len(chosen) % len(makers)]())
    return chosen


def _area_in_its_region(served) -> dict:
    implementer, region, _ = served
    return {"filter-implementer.value": implementer, "filter-region.value": region}


def _municipality_in_its_region(served) -> dict:
    _, region, municipality = served
    return {"filter-region.value": region, "filter-municipality.value": [municipality]}


def _date_after(rng: random.Random, start: dt.date) -> str:
    return (start + dt.timedelta(days=rng.randint(200, 1200))).isoformat()


def time_callbacks(client, filters: list[dict], progress, budget_seconds: float = 120) -> dict:
    listed = server_callbacks(client)
    callbacks = {c.output: c for c in listed}
    chosen = callbacks_by_first_output(listed, PAGE_CALLBACKS)
    chosen["page layout"] = callbacks["page-content.children"]
    chosen["filters from url"] = next(c for key, c in callbacks.items() if key.startswith("..url.search...filter-implementer"))
    results = {}
    for page, callback in chosen.items():
        first, again = [], []
        began_page = time.perf_counter()
        for values in filters:
            if time.perf_counter() - began_page > budget_seconds:
                progress(f"{page}: stopped after {len(first)} views, over the {budget_seconds:.0f} s budget")
                break
            request = {
                "filter-implementer.value": None,
                "lang.data": "fi",
                "slide-index.data": 0,
                "pathname": "/",
                "search": "?" + "&".join(f"{k.split('.')[0].removeprefix('filter-')}={v}" for k, v in values.items()),
                **values,
            }
            for bucket in (first, again):
                began = time.perf_counter()
                response = call(client, callback, request)
                bucket.append(time.perf_counter() - began)
                if response.status_code not in (200, 204):
                    raise RuntimeError(f"{page}: HTTP {response.status_code} for {values}")
        results[page] = {
            "first_view": _stats(first),
            "view_again": _stats(again),
            "slowest_first_views": _slowest(first, filters),
        }
        if len(first) < len(filters):
            results[page]["stopped_after_views"] = len(first)
        progress(
            f"{page}: first view p50 {results[page]['first_view']['p50_ms']} ms, again {results[page]['view_again']['p50_ms']} ms"
        )
    return results


def _slowest(seconds: list[float], filters: list[dict], count: int = 3) -> list[dict]:
    """The filter changes behind the tail, to know what the 95th percentile is made of."""
    ranked = sorted(zip(seconds, filters, strict=False), key=lambda pair: -pair[0])[:count]
    return [{"ms": round(1000 * s, 1), "filters": values} for s, values in ranked]


# The naive way: pandas over the raw extracts, read and aggregated inside the callback --------------


def _read(paths: list[Path]) -> pd.DataFrame:
    frames = [pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p, sep=None, engine="python") for p in paths]
    return pd.concat(frames, ignore_index=True)


def naive_page(extracts_dir: Path, plan, values: dict) -> dict:
    """What the overview, finance, participants and areas pages show, the naive way."""
    files = find_extract_files(extracts_dir)
    municipalities = plan.tables["municipalities"]
    implementer = values.get("filter-implementer.value")
    region = values.get("filter-region.value")
    towns = values.get("filter-municipality.value") or []
    as_of = pd.Timestamp(values.get("filter-as-of.date") or "2100-01-01")
    allowed = municipalities
    if implementer:
        allowed = allowed[allowed["implementer_id"] == implementer]
    if region:
        allowed = allowed[allowed["region"] == region]
    if towns:
        allowed = allowed[allowed["municipality"].isin(towns)]
    spending = _read(files["spending"])
    spending = spending[pd.to_datetime(spending["date"]) <= as_of]
    if implementer:
        spending = spending[spending["implementer_id"] == implementer]
    by_category = spending.groupby("cost_category")["amount_eur"].sum()
    monthly = spending.groupby([pd.to_datetime(spending["date"]).dt.to_period("M"), "cost_category"])["amount_eur"].sum()
    per_implementer = spending.groupby("implementer_id")["amount_eur"].sum()
    people = _read(files["participants"])
    people = people[(pd.to_datetime(people["start_date"]) <= as_of) & people["municipality"].isin(allowed["municipality"])]
    if implementer:
        people = people[people["implementer_id"] == implementer]
    people = people.assign(age_group=pd.cut(people["age_at_start"], [-1, 24, 29, 54, 200], labels=False))
    matrix = people.groupby(["labour_market_status", "age_group", "gender"])["participant_id"].nunique()
    entered = people.groupby(pd.to_datetime(people["start_date"]).dt.to_period("M"))["participant_id"].nunique().cumsum()
    days = _read(files["person_days"])
    days = days[(pd.to_datetime(days["date"]) <= as_of) & days["municipality"].isin(allowed["municipality"])]
    by_type = days.groupby(["implementer_id", "day_type"])["days"].sum()
    return {
        "spent": float(by_category.sum()),
        "rows": (len(monthly), len(per_implementer), len(matrix), len(entered), len(by_type)),
    }


def time_naive(extracts_dir: Path, plan, filters: list[dict], progress) -> dict:
    seconds = []
    for number, values in enumerate(filters, 1):
        began = time.perf_counter()
        naive_page(extracts_dir, plan, values)
        seconds.append(time.perf_counter() - began)
        progress(f"naive view {number}/{len(filters)}: {seconds[-1]:.2f} s")
    return _stats(seconds)


def run(
    plan_dir: Path,
    extracts_dir: Path,
    out: Path,
    view_count: int = 30,
    naive_views: int = 5,
    budget_seconds: float = 120,
    store: Path | None = None,
    store_rounds: int = 3,
    settle_seconds: float = 20,
) -> dict:
    from dashboard import bench_store
    from dashboard.factory import create_app

    # First the store, by whole processes (a build into an empty store, summary against pandas,
    # gunicorn's memory and a replaced worker), while this process has loaded nothing yet.
    store_figures = bench_store.run(plan_dir, extracts_dir, _say, store_rounds, settle_seconds)

    _say(f"ingest: plan {plan_dir}, extracts {extracts_dir} …")
    gc.collect()
    before = _peak_rss_mib()
    began = time.perf_counter()
    # Without --store, into an empty store of its own: the ingest figure is a whole build in this process.
    store = store or Path(tempfile.mkdtemp(prefix="esr-bench-ingest-"))
    app = create_app(plan_dir, extracts_dir, warm=False, watch_seconds=None, credentials=None, store=store, build_in_child=False)
    ingest_seconds = time.perf_counter() - began
    peak = _peak_rss_mib()
    result = app.server.extensions["esr_seuranta"].current
    if not result.ok:
        raise RuntimeError("the plan did not load: " + "; ".join(p.line() for p in result.problems[:5]))
    _say(f"ingest took {ingest_seconds:.1f} s, peak memory {peak:.0f} MiB, rows {_rows_by_kind(result)}")

    filters = views(result, view_count)
    client = app.server.test_client()
    callbacks = time_callbacks(client, filters, _say, budget_seconds)
    naive = time_naive(extracts_dir, result.plan, filters[:naive_views], _say)
    comparable = [p for p in ("overview", "finance", "participants", "areas") if p in callbacks]
    app_first = statistics.median(callbacks[p]["first_view"]["p50_ms"] for p in comparable)
    report = {
        "machine": {
            "cpu": _cpu_name(),
            "cores": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
        },
        "data": {
            "plan": str(plan_dir),
            "extracts": str(extracts_dir),
            "implementers": len(result.plan.tables["implementers"]),
            "municipalities": len(result.plan.tables["municipalities"]),
            "rows": _rows_by_kind(result),
        },
        "ingest": {
            "what": "the app made in this process on the store given (opened, or built first in this process)",
            "seconds": round(ingest_seconds, 1),
            "peak_rss_mib": round(peak),
            "rss_before_mib": round(before),
        },
        "store": store_figures,
        "callbacks": callbacks,
        "naive": {
            "what": "pandas reads the raw extracts and aggregates the overview, finance, participants and areas figures",
            **naive,
            "ratio_to_app_first_view": round(naive["p50_ms"] / app_first, 1) if app_first else None,
        },
        "views": len(filters),
        "measured_at": dt.datetime.now().replace(microsecond=0).isoformat(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _say(f"wrote {out}")
    return report


def _rows_by_kind(result) -> dict[str, int]:
    rows: dict[str, int] = {}
    for f in result.files:
        rows[f.kind] = rows.get(f.kind, 0) + f.rows_loaded
    return rows


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
