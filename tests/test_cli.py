"""The command line end to end, as a person or a script runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard.cli import main
from dashboard.config import ROOT
from tests.conftest import TINY
from tests.test_plan_pro_sos import IMPLEMENTER_NET


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_check_clean_data_exits_0_and_prints_nothing():
    done = run("check", "--plan", str(TINY / "plan"), "--extracts", str(TINY / "extracts"))
    assert (done.returncode, done.stdout) == (0, "")


def test_check_on_the_embedded_default_is_clean():
    done = run("check")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_check_reports_each_problem_as_file_row_column(tmp_path):
    (tmp_path / "spending.csv").write_text(
        "date;implementer_id;cost_category;amount_eur\n31.2.2020;a;salaries;1\n1.3.2020;zz;salaries;1\n"
    )
    done = run("check", "--plan", str(TINY / "plan"), "--extracts", str(tmp_path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'spending.csv'}:2:date: ")
    assert lines[1].startswith(f"{tmp_path / 'spending.csv'}:3:implementer_id: ")
    assert "Traceback" not in done.stdout + done.stderr


def test_check_reports_a_broken_plan(tmp_path):
    done = run("check", "--plan", str(tmp_path), "--extracts", str(TINY / "extracts"))
    assert done.returncode == 1
    assert f"{tmp_path / 'project.toml'}:0:-: file is missing" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args", [(), ("bogus",), ("check", "--nope"), ("summary",), ("summary", "--json", "--as-of", "yesterday")]
)
def test_wrong_usage_exits_2_without_traceback(args):
    done = run(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "usage" in done.stderr.lower()


def test_unknown_implementer_is_wrong_usage():
    done = run("summary", "--json", "--implementer", "nobody")
    assert done.returncode == 2 and "nobody" in done.stderr and "Traceback" not in done.stderr


def test_summary_json_on_the_tiny_world():
    done = run("summary", "--json", "--plan", str(TINY / "plan"), "--extracts", str(TINY / "extracts"), "--implementer", "a")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert list(figures) == [
        "project",
        "as_of",
        "implementer",
        "budget_eur",
        "planned_to_date_eur",
        "spent_eur",
        "spent_by_category_eur",
        "forecast_at_completion_eur",
        "participants",
        "participants_women",
        "participants_target",
        "participants_women_target",
        "person_days",
        "person_days_target",
        "programme",
        "plan_version",
        "end_date",
        "indicators",
    ]
    assert figures["programme"] == "esr_2014_2020"
    assert figures["plan_version"] == "original" and figures["end_date"] == "2021-06-30"
    assert figures["implementer"] == "a"
    assert figures["spent_eur"] == 405.5
    assert figures["participants_women"] is None  # 3 women: suppressed


def test_summary_as_of_accepts_finnish_dates():
    args = ("summary", "--json", "--plan", str(TINY / "plan"), "--extracts", str(TINY / "extracts"))
    iso = json.loads(run(*args, "--as-of", "2021-01-31").stdout)
    finnish = json.loads(run(*args, "--as-of", "31.1.2021").stdout)
    assert iso == finnish and iso["as_of"] == "2021-01-31" and iso["participants"] == 9


def summary_in_process(capsys, *args: str) -> dict:
    """`summary --json` through the CLI's own main in this process: the same parser and code as a
    child process, without a second or so of start-up for each of many calls."""
    capsys.readouterr()
    assert main(["summary", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_on_defaults_reproduces_plan_totals_for_project_and_each_implementer(capsys):
    # The application's budget: the plan in force before the demo amendment of 17.4.2018.
    project = json.loads(run("summary", "--json", "--as-of", "2018-04-16").stdout)
    assert project["project"] == "PRO SOS"
    assert project["budget_eur"] == 2399459 and project["plan_version"] == "original"
    assert project["participants_target"] == 680 and project["participants_women_target"] == 342
    assert project["person_days_target"]["total"] == 1170
    latest = json.loads(run("summary", "--json").stdout)  # the extracts' last day, after the amendment
    assert latest["as_of"] == "2018-06-30" and latest["plan_version"] == "2018-04-17"
    assert latest["end_date"] == "2019-05-31" and latest["budget_eur"] == 2399459 + 251116
    for implementer, net in IMPLEMENTER_NET.items():
        before = summary_in_process(capsys, "--implementer", implementer, "--as-of", "2018-04-16")
        assert before["budget_eur"] == net
        final = summary_in_process(capsys, "--implementer", implementer, "--as-of", "2019-05-31")
        assert final["planned_to_date_eur"] == final["budget_eur"] > net  # the whole budget is planned by the end date
