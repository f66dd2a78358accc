"""The national-scale generator writes contract-valid data, and the benchmark runs on it and writes
its figures. Small sizes here: the real run is in README. Nothing here asserts a time."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from dashboard.config import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    made = run(
        "scripts/generate_national.py",
        "--out", str(out), "--implementers", "4", "--participants", "400",
        "--bookings", "3000", "--person-days", "900", "--rows-per-file", "1000",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return out


def test_generated_programme_is_contract_valid(programme):
    checked = run("-m", "dashboard", "check", "--plan", str(programme / "plan"), "--extracts", str(programme / "extracts"))
    assert checked.returncode == 0, checked.stdout[:2000]
    assert len(list((programme / "extracts").glob("spending_*.parquet"))) == 3  # split as offices deliver
    summary = run(
        "-m", "dashboard", "summary", "--json", "--plan", str(programme / "plan"), "--extracts", str(programme / "extracts")
    )
    figures = json.loads(summary.stdout)
    rows = pd.concat(pd.read_parquet(f) for f in (programme / "extracts").glob("participants_*.parquet"))
    people = len(rows.drop_duplicates(["implementer_id", "participant_id"]))
    assert len(rows) == 400 and 360 <= people < 400  # about 5 % of the rows are someone's re-entry
    towns = rows.groupby(["implementer_id", "participant_id"])["municipality"].nunique()
    assert 0 < (towns > 1).sum() < 400 - people  # some of them in another municipality
    assert figures["participants"] == people and figures["budget_eur"] > 0
    # Bookings sized to the budget: the programme spends about its plan so far, not many times it.
    assert 0.7 < figures["spent_eur"] / figures["planned_to_date_eur"] < 1.3


def test_generator_is_seeded(programme, tmp_path):
    again = run(
        "scripts/generate_national.py",
        "--out", str(tmp_path), "--implementers", "4", "--participants", "400",
        "--bookings", "3000", "--person-days", "900", "--rows-per-file", "1000",
    )  # fmt: skip
    assert again.returncode == 0
    for name in ("participants_001.parquet", "spending_002.parquet"):
        assert (tmp_path / "extracts" / name).read_bytes() == (programme / "extracts" / name).read_bytes()


def test_bench_writes_every_measure(programme, tmp_path):
    out = tmp_path / "bench.json"
    made = run(
        "-m", "dashboard", "bench", "--plan", str(programme / "plan"), "--extracts", str(programme / "extracts"),
        "--out", str(out), "--views", "3", "--naive-views", "1", "--rounds", "1", "--settle", "0.5",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "ingest took" in made.stderr and "store: build took" in made.stderr  # progress
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["data"]["rows"] == {"participants": 400, "person_days": 900, "spending": 3000}
    assert report["ingest"]["peak_rss_mib"] > 0
    for page in ("overview", "finance", "participants", "areas", "presentation", "report"):
        assert report["callbacks"][page]["first_view"]["n"] == 3
        slowest = report["callbacks"][page]["slowest_first_views"]
        assert len(slowest) == 3 and slowest[0]["ms"] >= slowest[-1]["ms"]
        assert slowest[0]["ms"] >= report["callbacks"][page]["first_view"]["p50_ms"]
        assert all(isinstance(view["filters"], dict) for view in slowest)
    assert report["naive"]["n"] == 1 and report["naive"]["ratio_to_app_first_view"] > 0
    store = report["store"]
    assert store["build"]["exit_code"] == 0 and store["build"]["seconds"] > 0 and store["build"]["peak_rss_mib"] > 0
    assert store["summary"]["app_summary_seconds"] > 0 and store["summary"]["naive_pandas_seconds"] > 0
    gunicorn = store["gunicorn"]
    assert gunicorn["one_worker"]["pss_sum_mib"] > 0 and gunicorn["four_workers"]["workers"] == 4
    assert gunicorn["four_over_one_pss"] > 0 and len(store["replaced_worker_first_answer"]["runs"]) == 1


def test_filter_changes_include_a_coordinators_pairs_within_one_region():
    """Besides single filters and dates, an area within its own region and a municipality within its
    region, as a regional coordinator filters (each pair taken from the plan, so it selects someone)."""
    from types import SimpleNamespace

    from dashboard.bench import views

    served = pd.DataFrame(
        {
            "municipality": ["Aburg", "Bville", "Cfield", "Dtown"],
            "implementer_id": ["a", "a", "b", "c"],
            "region": ["North", "South", "South", "East"],
        }
    )
    plan = SimpleNamespace(
        tables={"municipalities": served, "implementers": pd.DataFrame({"implementer_id": ["a", "b", "c"]})},
        project={"start_date": "2016-01-01"},
    )
    chosen = views(SimpleNamespace(plan=plan), 29)
    assert len(chosen) == 29 and chosen[0] == {}
    pairs = {(v.get("filter-implementer.value"), v["filter-region.value"], tuple(v.get("filter-municipality.value") or ()))
             for v in chosen if "filter-region.value" in v and len(v) == 2}  # fmt: skip
    rows = set(served.itertuples(index=False, name=None))
    areas = {(implementer, region, ()) for _, implementer, region in rows}
    towns = {(None, region, (town,)) for town, _, region in rows}
    assert pairs & areas and pairs & towns and pairs <= areas | towns


def test_ingest_benchmark_runs_and_writes_its_figures(tmp_path):
    out = tmp_path / "bench-ingest.json"
    done = run("scripts/bench_ingest.py", "--rows", "3000", "--repeat", "1", "--work", str(tmp_path), "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["data"]["participant_rows"] == 3000 and "cores" in report["machine"]
    for command in ("check", "load"):
        figures = report["results"]["this tree"][command]
        assert figures["median_seconds"] > 0 and figures["median_peak_mib"] > 0 and len(figures["runs"]) == 1
