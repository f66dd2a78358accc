"""One target rule on every page: an implementer the plan sets no target for gets its budget's share
of the project's target, shown as derived with that rule wherever a target is shown; a region or
municipality has none anywhere. (Filtered to Pikassos, the overview once said "no target" while the
areas page and the slides measured it against a budget-share target.)"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.pages import overview, participants, presentation
from dashboard.url_state import ViewFilters
from dashboard.view import scope_for
from queries import areas, finance
from queries.participants import participant_stats

AS_OF = dt.date(2017, 6, 30)


@pytest.fixture(scope="module")
def demo():
    from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
    from dashboard.ingest.load import load_project

    return load_project(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR)


def test_the_rule_by_hand(demo):
    """Pikassos' net budget over the project's, times the project's 680 participants."""
    scope = scope_for(demo, ViewFilters(implementer="pikassos", as_of=AS_OF))
    target = finance.scope_target(demo.store, scope, "participants", None)
    budgets = demo.plan.tables["budget"]
    net = lambda frame: frame["amount_eur"].where(frame["cost_category"] != "revenue", -frame["amount_eur"]).sum()  # noqa: E731
    share = net(budgets[budgets["implementer_id"] == "pikassos"]) / net(budgets)
    assert target.derived and target.project_target == 680
    assert target.budget_share == pytest.approx(share) and target.value == pytest.approx(680 * share)
    assert finance.scope_target(demo.store, scope, "participants", 75) == finance.Target(75.0)  # the plan's own wins
    region = scope_for(demo, ViewFilters(region="Pirkanmaa", as_of=AS_OF))
    assert finance.scope_target(demo.store, region, "participants", None) is None


def test_every_page_shows_the_same_derived_target_as_derived(demo):
    filters = ViewFilters(implementer="pikassos", as_of=AS_OF)
    scope = scope_for(demo, filters)
    target = round(finance.scope_target(demo.store, scope, "participants", None).value)
    shown = f"{target} (johdettu)"
    assert shown in str(overview.view(demo, filters)["kpi-participants-detail"])
    assert "Johdettu tavoite: " in str(overview.view(demo, filters)["kpi-participants-detail"])
    page = participants.view(demo, filters)
    assert shown in str(page["kpi-total-detail"]) and "Johdettu tavoite" in str(page["kpi-total-detail"])
    assert any(shown in str(t.get("name")) for t in page["cumulative"].to_plotly_json()["data"])  # the even path's name
    assert "(johdettu)" in str(page["days-table"]) and "Johdettu tavoite" in str(page["days-table"]["notes"])
    _, figures = presentation.overview_slide(demo, scope, "fi")
    assert shown in figures[2].detail
    # The areas page measures the participant share against the same target.
    stats = participant_stats(demo.store, scope, scope.as_of)
    row = areas.area_progress(demo.store, scope, scope.as_of, stats).iloc[0]
    assert row["participants_share"] == pytest.approx(
        row["participants"] / finance.scope_target(demo.store, scope, "participants", None).value
    )


def test_the_whole_project_and_a_region_are_unchanged(demo):
    whole = overview.view(demo, ViewFilters(as_of=AS_OF))["kpi-participants-detail"]
    assert "Tavoite 680" in str(whole) and "johdettu" not in str(whole)
    region = overview.view(demo, ViewFilters(region="Pirkanmaa", as_of=AS_OF))["kpi-participants-detail"]
    assert "johdettu" not in str(region)
