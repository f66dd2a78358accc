"""The embedded PRO SOS plan reproduces the application's own totals (EURA 101965, section 7,
12.2, 12.3), computed from the plan files by the same queries the app uses."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.config import DEFAULT_PLAN_DIR
from dashboard.ingest.plan import load_plan

IMPLEMENTER_NET = {
    "seamk": 684459,
    "koske": 190000,
    "socca": 580000,
    "socom": 210000,
    "vasso": 280000,
    "verso": 170000,
    "kyc": 70000,
    "pikassos": 215000,
}


@pytest.fixture(scope="module")
def plan():
    loaded, problems = load_plan(DEFAULT_PLAN_DIR)
    assert loaded is not None and not problems, [p.line() for p in problems]
    return loaded


def test_budget_by_category_matches_application(plan):
    totals = plan.tables["budget"].groupby("cost_category")["amount_eur"].sum()
    assert totals["salaries"] == 1832701
    assert totals["purchased_services"] == 143400
    assert totals["other_costs"] == 111788
    assert totals["flat_rate"] == 311570
    assert totals["revenue"] == 0


def test_net_budget_is_2_399_459_and_each_implementer_matches(demo):
    from queries.summary import Scope, summary

    before = dt.date(2018, 4, 16)  # the day before the demo amendment: the plan of the application
    assert summary(demo.store, Scope(as_of=before))["budget_eur"] == 2399459
    for implementer, net in IMPLEMENTER_NET.items():
        assert summary(demo.store, Scope(implementer=implementer, as_of=before))["budget_eur"] == net


def test_flat_rate_is_17_percent_of_salaries_per_implementer_and_year(plan):
    budget = plan.tables["budget"].pivot_table(index=["implementer_id", "year"], columns="cost_category", values="amount_eur")
    assert plan.project["flat_rate"] == 0.17
    assert ((budget["salaries"] * 0.17).round() - budget["flat_rate"]).abs().max() <= 1


def test_financing_by_source_matches_application(plan):
    financing = plan.tables["financing"]
    by_source = financing.groupby("source")["amount_eur"].sum()
    assert by_source.to_dict() == {"esr_state": 1919567, "municipal": 401121, "other_public": 78271, "private": 500}
    net = plan.tables["budget"].assign(net=lambda b: b["amount_eur"].where(b["cost_category"] != "revenue", -b["amount_eur"]))
    per_implementer = net.groupby("implementer_id")["net"].sum()
    pd.testing.assert_series_equal(financing.groupby("implementer_id")["amount_eur"].sum(), per_implementer, check_names=False)


def test_participant_and_person_day_targets(plan):
    targets = plan.tables["targets"].fillna("")
    people = targets[targets["indicator"] == "participants"]
    dims = ["labour_market_status", "age_group", "gender", "implementer_id"]
    total = people[(people[dims] == "").all(axis=1)]["target"]
    assert total.tolist() == [680]
    women = people[(people["gender"] == "F") & (people["labour_market_status"] == "") & (people["age_group"] == "")]
    assert women["target"].tolist() == [342]
    cells = people[(people["labour_market_status"] != "") & (people["age_group"] != "") & (people["gender"] == "")]
    assert cells["target"].sum() == 680
    assert cells.groupby("labour_market_status")["target"].sum().to_dict() == {
        "unemployed": 418,
        "in_education": 47,
        "employed": 25,
        "outside_labour_market": 190,
    }
    assert people[(people["gender"] == "F") & (people["labour_market_status"] != "")]["target"].sum() == 342
    days = targets[targets["indicator"] == "person_days"]
    assert days[days["day_type"] == ""]["target"].tolist() == [1170]
    assert days[days["day_type"] != ""]["target"].sum() == 1170


def test_implementers_and_95_municipalities(plan):
    implementers = plan.tables["implementers"]
    assert len(implementers) == 8
    assert implementers["role"].tolist().count("main") == 1
    municipalities = plan.tables["municipalities"]
    assert municipalities["municipality"].nunique() == 95
    assert set(municipalities["implementer_id"]) == set(IMPLEMENTER_NET)
    assert municipalities[municipalities["implementer_id"] == "pikassos"]["municipality"].nunique() == 17
    assert municipalities.groupby("municipality")["region"].nunique().max() == 1
