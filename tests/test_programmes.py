"""Programme periods as data (contract v2, "Programme periods"): every indicator of ESR+ 2021–2027
by hand on tests/fixtures/esr_plus (see its README), the age bands at their edges, follow-ups by
date, not-collected columns, the flat_rate_covers_other cost model, three-way gender protection
(including subtraction across the downloads of the synthetic example) and the summary keys."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys

import pytest

import dashboard.pages  # noqa: F401 - importing the pages registers their CSV exports
from dashboard import contract
from dashboard.config import ROOT
from dashboard.exports import EXPORTS, finnish_csv
from dashboard.i18n import translate
from dashboard.ingest.load import load_project
from dashboard.ingest.plan import load_plan
from dashboard.url_state import ViewFilters
from queries.participants import cell_of, key, participant_stats
from queries.programmes import programme, programme_ids
from queries.summary import Scope, summary
from queries.withheld import is_withheld

FIXTURE = ROOT / "tests" / "fixtures" / "esr_plus"
EXAMPLE = ROOT / "data" / "examples" / "esr_plus"
END = dt.date(2024, 12, 31)

# Hand-computed from the fixture's README: (total, F, M, X) as of 31.12.2024.
EXPECTED = {
    "EECO01": (9, 5, 3, 1),
    "EECO02": (4, 1, 2, 1),  # a/p2, a/p3, a/p4 (first entry), b/p7
    "EECO03": (2, 0, 2, 0),  # a/p2, b/p7
    "EECO04": (4, 3, 1, 0),  # in education a/p1, b/p8, b/p1; outside a/p5
    "EECO05": (1, 1, 0, 0),  # b/p6 (a/p4's second entry does not count)
    "EECO06": (2, 2, 0, 0),  # 17: a/p1, b/p1
    "EECO07": (3, 1, 1, 1),  # 18 a/p2, 29 a/p3, 25 b/p8
    "EECO08": (2, 1, 1, 0),  # 55 b/p6, 64 b/p7 (54 a/p5 is 30–54)
    "EECO09": (3, 2, 1, 0),  # ISCED 2 a/p1, 0 a/p5, 1 b/p1
    "EECO10": (2, 0, 1, 1),  # 3 a/p2, 4 a/p3
    "EECO11": (3, 3, 0, 0),  # 5 a/p4, 7 b/p6, 6 b/p8
    "EECO12": (3, 2, 1, 0),  # a/p1, a/p5, b/p8 (a/p4's second entry says true: not counted)
    "EECO13": (2, 0, 2, 0),  # a/p2, b/p7
    "EECO14": (3, 1, 2, 0),  # a/p2, a/p4, b/p7
    "EECO15": (1, 1, 0, 0),  # a/p4
    "EECO16": None,  # homelessness never asked: not collected
    "EECO17": (4, 4, 0, 0),  # a/p1, a/p4, b/p6, b/p1
    "EECR01": (1, 1, 0, 0),  # b/p8 (a/p4's exit into job seeking is before its return)
    "EECR02": (1, 1, 0, 0),  # a/p1
    "EECR03": (1, 0, 1, 0),  # a/p5
    "EECR04": (1, 0, 1, 0),  # a/p2
    "EECR05": (1, 0, 1, 0),  # a/p2's follow-up of 20.12.
    "EECR06": (2, 1, 1, 0),  # a/p1 (30.11.), a/p2 (20.12.); a/p5's is after the as-of date
}


@pytest.fixture(scope="module")
def world():
    return load_project(FIXTURE / "plan", FIXTURE / "extracts")


@pytest.fixture(scope="module")
def example():
    return load_project(EXAMPLE / "plan", EXAMPLE / "extracts")


def counts(stats, code: str) -> tuple[int, int, int, int]:
    cell = stats.row_cell(code)
    return tuple(stats.view.cube.count(cell | key(gender=g) if g else cell) for g in (None, "F", "M", "X"))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_esr_plus_indicator_by_hand(world, code):
    stats = participant_stats(world.store, Scope(), END)
    if EXPECTED[code] is None:
        assert not stats.is_collected(code)
    else:
        assert stats.is_collected(code) and counts(stats, code) == EXPECTED[code]


def test_every_indicator_of_the_programme_is_covered():
    assert set(EXPECTED) == set(programme("esr_plus_2021_2027").indicators)


def test_unknown_rows_and_left_add_up(world):
    stats = participant_stats(world.store, Scope(), END)
    assert counts(stats, "EECO03_unknown") == (1, 1, 0, 0)  # a/p4: unemployed, duration not told
    assert counts(stats, "ISCED_unknown") == (1, 0, 1, 0)  # b/p7
    assert counts(stats, "LEFT") == (6, 3, 3, 0)  # a/p1, a/p2, a/p5, b/p6, b/p7, b/p8
    assert counts(stats, "EXIT_none") == (1, 0, 1, 0) and counts(stats, "EXIT_unknown") == (1, 1, 0, 0)


def test_follow_ups_count_from_their_date(world):
    on = lambda day, code: counts(participant_stats(world.store, Scope(as_of=day), day), code)[0]  # noqa: E731
    assert on(dt.date(2024, 11, 29), "EECR06") == 0
    assert on(dt.date(2024, 11, 30), "EECR06") == 1  # a/p1's follow-up that day
    assert on(dt.date(2024, 12, 19), "EECR05") == 0  # a/p2's first follow-up (1.10.) says not employed
    assert on(dt.date(2024, 12, 20), "EECR05") == 1


def test_age_bands_at_their_edges():
    plus, old = programme("esr_plus_2021_2027"), programme("esr_2014_2020")
    assert [plus.age_group(a) for a in (0, 17, 18, 29, 30, 54, 55, 120)] == [
        "under_18", "under_18", "18_29", "18_29", "30_54", "30_54", "55_plus", "55_plus",
    ]  # fmt: skip
    assert [old.age_group(a) for a in (24, 25, 29, 30, 54, 55)] == ["under_25", "25_29", "25_29", "30_54", "30_54", "over_54"]


def test_age_groups_stored_by_the_programme(world):
    groups = (
        world.store._connection.cursor().execute("select participant_id, implementer_id, age_group from intake.participants").df()
    )
    found = {(r.implementer_id, r.participant_id): r.age_group for r in groups.itertuples()}
    assert found[("a", "p1")] == "under_18" and found[("a", "p2")] == "18_29" and found[("a", "p3")] == "18_29"
    assert found[("a", "p5")] == "30_54" and found[("b", "p6")] == "55_plus"


def test_the_cost_model_covers_other_costs_and_warns(world):
    spend = summary(world.store, Scope(as_of=END))
    # a: 2 × 1 000 salaries × 1,4; b: 500 × 1,4 − 20 revenue. The purchased service and the other
    # cost are not eligible: set aside.
    assert spend["spent_eur"] == 3480.0
    assert spend["spent_by_category_eur"] == {
        "salaries": 2500.0, "purchased_services": 0.0, "other_costs": 0.0, "flat_rate": 1000.0, "revenue": 20.0,
    }  # fmt: skip
    warned = [(p.row, p.column, p.code) for p in world.problems if p.file.endswith("spending.csv")]
    assert warned == [
        (4, "cost_category", "not_eligible_under_cost_model"),
        (6, "cost_category", "not_eligible_under_cost_model"),
    ]
    assert any("not eligible under the cost model" in p.message("en") for p in world.problems)


def test_the_cost_model_must_be_one_the_programme_allows(tmp_path):
    shutil.copytree(FIXTURE / "plan", tmp_path / "plan")
    toml = tmp_path / "plan" / "project.toml"
    toml.write_text(toml.read_text().replace('programme = "esr_plus_2021_2027"', 'programme = "esr_2014_2020"'))
    plan, problems = load_plan(tmp_path / "plan")
    assert plan is None and [(p.row, p.column, p.code) for p in problems][:1] == [
        (8, "cost_model", "cost_model_not_in_programme")
    ]
    toml.write_text(toml.read_text().replace('programme = "esr_2014_2020"', 'programme = "esr_1994"'))
    plan, problems = load_plan(tmp_path / "plan")
    assert plan is None and (7, "programme", "bad_value") in [(p.row, p.column, p.code) for p in problems]


def test_indicator_code_targets_are_the_programmes_and_stand_alone(tmp_path, world):
    stats = participant_stats(world.store, Scope(), END)
    assert stats.code_targets == {"EECO07": 6.0, "EECR04": 4.0}
    assert participant_stats(world.store, Scope(implementer="a"), END).code_targets == {"EECO02": 3.0}
    shutil.copytree(FIXTURE / "plan", tmp_path / "plan")
    targets = tmp_path / "plan" / "targets.csv"
    targets.write_text(targets.read_text() + "EECO08,,,,F,,2\nCO01,,,,,,5\n")
    plan, problems = load_plan(tmp_path / "plan")
    assert plan is None
    found = [(p.row, p.column, p.code) for p in problems]
    assert (7, "gender", "code_target_breakdown") in found  # EECO08 for women only
    assert (8, "indicator", "bad_code") in found  # a 2014–2020 code in an ESR+ plan


def test_the_indicator_table_shows_progress_and_not_collected(world):
    from dashboard.pages import participants as page

    stats = participant_stats(world.store, Scope(), END)
    rows = {r["code"]: r for r in page.indicator_rows(stats, "en") if r["code"]}
    assert rows["EECO16"]["collected"] is False and rows["EECO16"]["total"] is None
    assert rows["EECO07"]["target"] == 6.0
    html = str(page.indicators_table(stats, "en"))
    assert "not collected" in html and "Regulation (EU) 2021/1057" in html
    frame, _ = EXPORTS["participants-indicators"](world, ViewFilters(lang="en"))
    assert list(frame.columns) == [
        "Code",
        "Definition",
        "Women",
        "Men",
        "Non-binary",
        "Total",
        "Target",
        "Share of target (%)",
    ]
    sixteen = frame[frame["Code"] == "EECO16"].iloc[0]
    assert "(not collected)" in sixteen["Definition"] and sixteen[["Women", "Men", "Total"]].isna().all()


def test_the_summary_gives_programme_and_every_indicator(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "w")
    toml = tmp_path / "w" / "plan" / "project.toml"
    toml.write_text(toml.read_text().replace("suppression_threshold = 5", "suppression_threshold = 1"))
    done = _summary(tmp_path / "w")
    assert done["programme"] == "esr_plus_2021_2027"
    assert list(done["indicators"]) == list(programme("esr_plus_2021_2027").indicators)
    expected = {code: dict(zip(("total", "F", "M", "X"), v, strict=True)) if v else dict.fromkeys(("total", "F", "M", "X"))
                for code, v in EXPECTED.items()}  # fmt: skip
    assert done["indicators"] == expected  # threshold 1: nothing is withheld


def test_summary_indicators_are_suppressed_by_the_rule(world):
    found = _summary(FIXTURE)["indicators"]
    for code, values in found.items():
        for value in values.values():
            assert value is None or value == 0 or value >= 5, (code, values)
    assert found["EECO01"]["total"] == 9 and found["EECO03"]["F"] == 0  # the grand total is shown; zero is zero


def test_summary_of_2014_2020_splits_men_only_where_no_one_told_other():
    found = _summary(ROOT / "tests" / "fixtures" / "tiny")
    assert found["programme"] == "esr_2014_2020" and set(found["indicators"]) == set(programme().indicators)
    # Tiny has one participant who told other (p6, in education, 30, ISCED 3): where p6 is in the
    # cell, men and other are not given apart; elsewhere other is 0 and men are the column shown.
    assert found["indicators"]["CO03"]["X"] is None and found["indicators"]["CO03"]["M"] is None
    for values in found["indicators"].values():
        assert values["X"] in (None, 0) and (values["X"] is not None or values["M"] is None)
    assert found["indicators"]["CO01"]["X"] == 0 and found["indicators"]["CO05"]["X"] == 0


def _summary(world) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "summary", "--json", "--plan", str(world / "plan"), "--extracts", str(world / "extracts")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_three_way_gender_protection_leaves_nothing_to_subtract(example):
    """The example has three non-binary participants. Every table of the participants page is
    protected together (no small count can be worked out from what is shown), and so are the
    downloads: solving every sum they print (gender and age columns against their row total, rows
    against the total row) with one unknown at a time reveals no count of 1–4."""
    as_of = dt.date(2026, 10, 31)
    for implementer in (None, "polku", "ranta", "jarvi"):
        stats = participant_stats(example.store, Scope(implementer=implementer, as_of=as_of), as_of)
        assert stats.view.leaks() == [], implementer
    stats = participant_stats(example.store, Scope(as_of=as_of), as_of)
    assert stats.view.cube.count(key(gender="X")) == 3 and is_withheld(stats.view.value(key(gender="X")))
    equations, values = [], {}
    frame, _ = EXPORTS["participants-indicators"](example, ViewFilters(as_of=as_of, lang="en"))
    for row in frame.itertuples(index=False):
        names = [f"{row[0] or row[1]}:{g}" for g in ("F", "M", "X", "T")]
        values.update(zip(names, row[2:6], strict=True))
        equations.append((names[3], names[:3]))
    for export in ("participants-by-implementer", "participants-by-municipality"):
        table, _ = EXPORTS[export](example, ViewFilters(as_of=as_of, lang="en"))
        columns = list(table.columns)
        for row in table.itertuples(index=False):
            names = [f"{export}:{row[0]}:{c}" for c in columns[1:]]
            values.update(zip(names, row[1:], strict=True))
            equations.append((names[-1], names[:3]))  # total = women + men + other
            equations.append((names[-1], names[3:-1]))  # total = the age groups
        for column in columns[1:]:
            rows = [f"{export}:{r[0]}:{column}" for r in table.itertuples(index=False)]
            equations.append((rows[-1], rows[:-1]))  # the total row
    known = {name: float(v) for name, v in values.items() if v is not None and not is_withheld(v) and v == v}
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            cells = [total, *parts]
            unknown = [c for c in cells if c not in known]
            if len(unknown) == 1:
                cell = unknown[0]
                found = (
                    known[total] - sum(known[p] for p in parts if p != cell) if cell != total else sum(known[p] for p in parts)
                )
                assert not 1 <= round(found) <= 4, f"{cell} = {found} can be worked out"
                known[cell] = found
                changed = True


def test_every_page_kind_and_language_is_named():
    for lang in contract.LANGUAGES:
        for kind in contract.EXTRACTS:
            assert translate(f"data.kind.{kind}", lang) != f"data.kind.{kind}", (lang, kind)
        for programme_id in programme_ids():
            for row in programme(programme_id).rows:
                assert translate(f"indicator.{row.code}", lang) == row.labels[lang]


def test_codes_shared_by_programmes_have_one_text():
    seen = {}
    for programme_id in programme_ids():
        defined = programme(programme_id)
        for name, labels in [(r.code, r.labels) for r in defined.rows] + [(g.code, g.labels) for g in defined.age_groups]:
            assert seen.setdefault(name, labels) == labels, name


def test_the_example_is_labelled_and_checks_clean():
    assert (EXAMPLE / "extracts" / "DEMO.md").is_file()
    assert "esimerkki" in (EXAMPLE / "plan" / "project.toml").read_text()
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "check", "--plan", str(EXAMPLE / "plan"), "--extracts", str(EXAMPLE / "extracts")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_is_what_its_generator_writes(tmp_path):
    """Seeded: the committed files are the generator's, byte for byte."""
    script = ROOT / "data" / "examples" / "generate_esr_plus.py"
    copy = tmp_path / "examples"
    copy.mkdir()
    shutil.copy(script, copy / script.name)
    subprocess.run([sys.executable, str(copy / script.name)], check=True, capture_output=True, timeout=120)
    for path in sorted(EXAMPLE.rglob("*")):
        if path.is_file():
            assert (copy / "esr_plus" / path.relative_to(EXAMPLE)).read_bytes() == path.read_bytes(), path.name


def test_downloads_read_as_a_finnish_spreadsheet_would(example):
    frame, _ = EXPORTS["participants-indicators"](example, ViewFilters(as_of=dt.date(2026, 10, 31)))
    text = finnish_csv(frame).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Koodi", "Määritelmä"] and any(r[0] == "EECO01" and r[5] == "577" for r in rows)


def test_cells_of_rules_share_the_12_2_tables_keys():
    assert cell_of((("status", ("unemployed",)),)) == key(status="unemployed")
    assert cell_of((("age_group", ("18_29",)),)) == key(age="18_29")
    assert cell_of(()) == frozenset()


def test_a_third_programme_is_a_file(tmp_path, monkeypatch, world):
    """Adding a programme is adding a definition: a made-up 2028–2034 programme with an indicator of
    its own is read, counted and protected by the same code, with no page edited."""
    import queries.programmes as programmes

    for path in programmes.DIRECTORY.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    text = (programmes.DIRECTORY / "esr_plus_2021_2027.toml").read_text(encoding="utf-8")
    text = text.replace('id = "esr_plus_2021_2027"', 'id = "esr_test_2028_2034"')
    text += '\n[[rows]]\ncode = "T01"\nrule = { flag = "rural", status = ["in_education"] }\nfi = "Maalta, koulutuksessa"\n'
    text += 'sv = "Från landsbygden, studerar"\nen = "Rural, in education"\n'
    (tmp_path / "esr_test_2028_2034.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(programmes, "DIRECTORY", tmp_path)
    programmes.programme.cache_clear()
    try:
        third = programmes.programme("esr_test_2028_2034")
        assert third.indicators[-1] == "T01" and "esr_test_2028_2034" in programmes.programme_ids()
        from queries.participants import build_view, participant_stats

        stats = participant_stats(world.store, Scope(), END)
        view = build_view(stats.view.cube, 5, stats.implementers, stats.municipalities, stats.regions, third)
        # rural and in education at the first entry: a/p1, b/p1
        assert view.cube.count(cell_of(third.row("T01").rule)) == 2 and view.leaks() == []
    finally:
        programmes.programme.cache_clear()


def test_every_participant_has_exactly_one_employment_status(tmp_path):
    """EECO01 = EECO02 + EECO04 + EECO05: a row without a status (or with two) is set aside and named,
    so no one is counted in none or in two."""
    shutil.copytree(FIXTURE, tmp_path / "w")
    path = tmp_path / "w" / "extracts" / "participants.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",unemployed,false,", ",,false,")  # a/p3 (row 4) without a status
    lines.append(lines[2].replace("p2,", "p9,").replace(",unemployed,", ",unemployed employed,"))  # row 12: two at once
    path.write_text("\n".join(lines) + "\n")
    result = load_project(tmp_path / "w" / "plan", tmp_path / "w" / "extracts")
    named = {(p.row, p.column) for p in result.problems if p.file.endswith("participants.csv")}
    assert {(4, "labour_market_status"), (12, "labour_market_status")} <= named
    stats = participant_stats(result.store, Scope(), END)
    total, *parts = (counts(stats, code)[0] for code in ("EECO01", "EECO02", "EECO04", "EECO05"))
    assert total == 8 and total == sum(parts)


def test_check_names_each_booking_the_cost_model_does_not_allow():
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "check", "--plan", str(FIXTURE / "plan"), "--extracts", str(FIXTURE / "extracts")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "spending.csv" in line]
    assert [line.split(": ")[0].rsplit("/", 1)[-1] for line in lines] == [
        "spending.csv:4:cost_category",
        "spending.csv:6:cost_category",
    ]
    assert "'purchased_services' is not eligible under the cost model" in lines[0]


def test_a_programme_names_its_own_gender_column():
    plus = programme("esr_plus_2021_2027")
    assert translate(plus.gender_key("X"), "fi") == "Muunsukupuoliset" and translate(plus.gender_key("X"), "en") == "Non-binary"
    assert plus.gender_key("F") == "gender.F" and programme().gender_key("X") == "gender.X"  # the app's own


def test_plan_checks_after_a_bad_row_name_their_own_row(tmp_path):
    """A row set aside before them must not shift the rows that later plan checks name."""
    shutil.copytree(FIXTURE / "plan", tmp_path / "plan")
    targets = tmp_path / "plan" / "targets.csv"
    targets.write_text(targets.read_text() + "EECO99,,,,,,1\nEECO08,,,,F,,2\n")  # row 7 bad code, row 8 breakdown
    implementers = tmp_path / "plan" / "implementers.csv"
    implementers.write_text(implementers.read_text() + "c,C,Area C,boss\na,A again,Area A,co\n")  # row 4 bad role, row 5 twice
    _, problems = load_plan(tmp_path / "plan")
    found = {(p.file.rsplit("/", 1)[-1], p.row, p.column, p.code) for p in problems}
    assert ("targets.csv", 8, "gender", "code_target_breakdown") in found
    assert ("implementers.csv", 5, "implementer_id", "duplicate_value") in found
