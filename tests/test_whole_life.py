"""A project's whole life (contract v2): every command, page, callback, slide, report and download
works on the plan alone, on any subset of extract kinds, on empty files, and at as-of dates before
the start, inside the period and after the end. Each world is a copy of the tiny fixture with
files taken away or emptied; answers are worked out from tests/fixtures/tiny/README.md."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil

import pytest

from dashboard import cli
from dashboard.exports import EXPORTS, finnish_csv
from dashboard.ingest.load import load_project
from dashboard.pages import areas, data, finance, overview, participants, presentation, report
from dashboard.url_state import ViewFilters
from queries.summary import Scope, summary
from tests.conftest import TINY

KINDS = ("participants", "person_days", "spending")
BEFORE, INSIDE, AFTER = dt.date(2019, 1, 1), dt.date(2020, 12, 31), dt.date(2023, 5, 1)
START, END = dt.date(2020, 7, 1), dt.date(2021, 6, 30)


def world(tmp_path, kept: tuple[str, ...], empty: dict[str, bytes] | None = None):
    """The tiny plan with only the extract kinds `kept`, and `empty` files written as given."""
    shutil.copytree(TINY / "plan", tmp_path / "plan")
    (tmp_path / "extracts").mkdir()
    for kind in kept:
        shutil.copy(TINY / "extracts" / f"{kind}.csv", tmp_path / "extracts" / f"{kind}.csv")
    for name, content in (empty or {}).items():
        (tmp_path / "extracts" / name).write_bytes(content)
    return tmp_path / "plan", tmp_path / "extracts"


SUBSETS = [kept for size in range(len(KINDS)) for kept in itertools.combinations(KINDS, size)]
EMPTY_FILES = {
    "zero-bytes": {"participants.csv": b"", "spending.csv": b""},
    "header-only": {
        "participants.csv": b"participant_id,implementer_id,municipality,start_date,gender,age_at_start,labour_market_status\n",
        "spending.csv": b"date;implementer_id;cost_category;amount_eur\n",
        "person_days.csv": b"date,implementer_id,day_type,days\n",
    },
}


def every_view(result, filters: ViewFilters) -> None:
    """Every page's view, every slide and every download of one URL: none may raise."""
    overview.view(result, filters)
    finance.view(result, filters)
    participants.view(result, filters)
    areas.view(result, filters)
    areas.all_areas_view(result, filters)
    report.view(result, filters)
    data.view(result, filters.lang)
    for name in presentation.slide_names(result, filters):
        presentation.slide(result, filters, name)
    for builder in EXPORTS.values():
        frame, stem = builder(result, filters)
        finnish_csv(frame)
        assert "/" not in stem


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Each subset's world loaded once for the module: the views of every date read the same load,
    as a server's do."""
    worlds = {}

    def load(kept):
        if kept not in worlds:
            worlds[kept] = load_project(*world(tmp_path_factory.mktemp("world"), kept))
        return worlds[kept]

    return load


@pytest.mark.parametrize("kept", SUBSETS, ids=lambda kept: "+".join(kept) or "plan-only")
@pytest.mark.parametrize("as_of", [None, BEFORE, INSIDE, AFTER], ids=["default", "before", "inside", "after"])
def test_every_view_works_on_any_subset_of_extracts(loaded, kept, as_of):
    result = loaded(kept)
    assert result.ok
    for filters in (
        ViewFilters(as_of=as_of),
        ViewFilters(implementer="a", as_of=as_of),
        ViewFilters(region="South", as_of=as_of),
    ):
        every_view(result, filters)


@pytest.mark.parametrize("case", EMPTY_FILES, ids=list(EMPTY_FILES))
def test_every_view_works_on_empty_files(tmp_path, case):
    result = load_project(*world(tmp_path, ("person_days",) if case == "zero-bytes" else (), EMPTY_FILES[case]))
    assert result.ok
    for as_of in (None, BEFORE, AFTER):
        every_view(result, ViewFilters(as_of=as_of, lang="en"))


def test_plan_only_summary_shows_the_plan_with_nothing_done(tmp_path):
    result = load_project(*world(tmp_path, ()))
    figures = summary(result.store, Scope())
    assert figures["as_of"] == END.isoformat()  # no extract holds a date: today (2026), clamped to the end
    assert figures["budget_eur"] == 3800.0
    assert figures["planned_to_date_eur"] == 3800.0
    assert figures["spent_eur"] == 0.0
    assert figures["spent_by_category_eur"] == dict.fromkeys(figures["spent_by_category_eur"], 0.0)
    assert figures["participants"] == 0 and figures["participants_women"] == 0
    assert figures["participants_target"] is not None
    assert figures["person_days"]["total"] == 0


def test_as_of_is_clamped_to_the_project_period(tiny):
    before = summary(tiny.store, Scope(as_of=BEFORE))
    assert before["as_of"] == START.isoformat()
    assert before["spent_eur"] == 0 and before["participants"] == 0
    after = summary(tiny.store, Scope(as_of=AFTER))
    assert after["as_of"] == END.isoformat()
    assert after == summary(tiny.store, Scope(as_of=END))
    assert after["forecast_at_completion_eur"] == after["spent_eur"]  # the final state: no forecast left


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kept", [(), ("spending",)], ids=["plan-only", "spending-only"])
def test_cli_on_a_plan_with_few_or_no_extracts(tmp_path, capsys, kept):
    plan, extracts = world(tmp_path, kept)
    code, out, err = run_cli(capsys, "check", "--plan", str(plan), "--extracts", str(extracts))
    assert (code, out, err) == (0, "", "")
    for as_of in ([], ["--as-of", "2019-01-01"], ["--as-of", "1.5.2023"]):
        code, out, err = run_cli(capsys, "summary", "--json", "--plan", str(plan), "--extracts", str(extracts), *as_of)
        assert code == 0, err
        figures = json.loads(out)
        assert START.isoformat() <= figures["as_of"] <= END.isoformat()
        assert figures["participants"] == 0


def test_reload_and_check_exit_1_when_the_extracts_folder_is_gone(tmp_path, capsys):
    plan, _ = world(tmp_path, ())
    for command in ("check", "reload"):
        code, out, err = run_cli(capsys, command, "--plan", str(plan), "--extracts", str(tmp_path / "gone"))
        assert code == 1, (command, out, err)
        assert "gone" in out and "Traceback" not in err


def texts(component) -> str:
    """Every text in a Dash component tree, joined."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(texts(c) for c in component)
    return texts(getattr(component, "children", None))


def test_plan_only_overview_says_nothing_has_come_in_yet(tmp_path):
    result = load_project(*world(tmp_path, ()))
    shown = overview.view(result, ViewFilters(as_of=INSIDE, lang="en"))
    assert shown["kpi-budget"] == "€3,800" and shown["kpi-spent"] == "€0"
    assert "No spending booked yet" in texts(shown["kpi-spent-detail"])
    assert "No participants yet" in texts(shown["kpi-participants-detail"])
    assert "No person-days recorded yet" in texts(shown["kpi-person-days-detail"])
    assert shown["note"] is None  # inside the period: no phase to explain
    assert "€3,800" in texts(finance.view(result, ViewFilters(as_of=INSIDE, lang="en"))["kpi-forecast"])  # the plan


@pytest.mark.parametrize(
    ("as_of", "said"), [(BEFORE, "The project starts on 2020-07-01"), (AFTER, "The project ended on 2021-06-30")]
)
def test_every_page_says_when_the_project_has_not_started_or_has_ended(tiny, as_of, said):
    filters = ViewFilters(as_of=as_of, lang="en")
    assert said in texts(overview.view(tiny, filters)["note"])
    assert said in texts(finance.view(tiny, filters)["note"])
    assert said in texts(participants.view(tiny, filters)["note"])
    assert said in texts(areas.view(tiny, filters)["note"])
    assert said in texts(report.view(tiny, filters)["scope"])
    assert said in texts(presentation.slide(tiny, filters, "overview"))
    assert texts(overview.view(tiny, ViewFilters(lang="en"))["note"]) == ""


def test_charts_with_nothing_to_draw_say_so(tmp_path):
    result = load_project(*world(tmp_path, ()))
    shown = finance.view(result, ViewFilters(lang="en"))
    monthly = shown["monthly"].to_plotly_json()
    assert not monthly["data"] and "No spending booked yet" in monthly["layout"]["annotations"][0]["text"]
    days = participants.view(result, ViewFilters(lang="en"))["days-chart"].to_plotly_json()
    assert not days["data"] and "No person-days" in days["layout"]["annotations"][0]["text"]


def test_no_page_names_a_server_path(tiny_copy):
    (tiny_copy / "extracts" / "spending_bad.csv").write_text(
        "date,implementer_id,cost_category,amount_eur\n2020-09-30,zz,salaries,1\n"
    )
    result = load_project(tiny_copy / "plan", tiny_copy / "extracts")
    assert result.problems
    from dashboard.shell import footer_text, frame_texts

    shown = [
        footer_text(result, "en"),
        texts(frame_texts(result, "en")),
        str(data.view(result, "en")),  # tables are plain data: their repr holds every cell
        texts(report.view(result, ViewFilters())["sources"]),
        str(data.export_problems(result, ViewFilters())[0].to_dict()),
        str(data.export_files(result, ViewFilters())[0].to_dict()),
    ]
    for text in shown:
        assert str(tiny_copy) not in text and "/tmp" not in text, text
    assert "spending_bad.csv" in str(data.view(result, "en")["problems"])
    assert footer_text(result, "en").startswith("Tiny · Data up to 2021-02-28")


def test_the_filter_bar_shows_the_clamped_date(tiny):
    from dashboard.shell import sync

    for asked, shown in (("2031-01-01", END), ("2001-01-01", START), ("2021-01-31", dt.date(2021, 1, 31))):
        answer = sync(tiny, None, f"?as_of={asked}", None, None, [], None, "fi")
        assert answer[4] == shown.isoformat()


@pytest.mark.parametrize(
    "kept", [(), ("participants",), ("participants", "followups", "spending")], ids=["plan-only", "people", "some"]
)
@pytest.mark.parametrize("as_of", [None, dt.date(2023, 1, 1), dt.date(2025, 1, 1)], ids=["default", "before", "after"])
def test_the_esr_plus_world_works_from_the_plan_alone_to_after_its_end(tmp_path, kept, as_of):
    """The ESR+ programme's pages too: on its plan alone an optional column or the follow-ups it
    never had are "not collected", and the summary has every indicator."""
    from dashboard.config import ROOT
    from queries.participants import participant_stats
    from queries.summary import summary_json

    plus = ROOT / "tests" / "fixtures" / "esr_plus"
    shutil.copytree(plus / "plan", tmp_path / "plan")
    (tmp_path / "extracts").mkdir()
    for kind in kept:
        shutil.copy(plus / "extracts" / f"{kind}.csv", tmp_path / "extracts" / f"{kind}.csv")
    result = load_project(tmp_path / "plan", tmp_path / "extracts")
    every_view(result, ViewFilters(as_of=as_of))
    every_view(result, ViewFilters(as_of=as_of, lang="en", implementer="a"))
    figures = summary_json(result.store, Scope(as_of=as_of))
    assert figures["programme"] == "esr_plus_2021_2027" and len(figures["indicators"]) == 23
    stats = participant_stats(result.store, Scope(as_of=as_of), dt.date.fromisoformat(figures["as_of"]))
    assert stats.is_collected("EECR05") == ("followups" in kept) and not stats.is_collected("EECO16")
    if "followups" not in kept:  # not collected: null, never 0
        assert figures["indicators"]["EECR05"] == dict.fromkeys(("total", "F", "M", "X"))
