"""The code and plan-name columns of bookings and person-days are enums in the build's intake
(queries/intake.sql, queries/store.py LISTED_TYPES): grouped as small integers, and a national
intake fits its memory. Nothing made of them may keep the type: pages read text."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.load import load_project
from queries.store import Store

TINY = Path(__file__).parent / "fixtures" / "tiny"


def _types(connection: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return {row[0]: row[1] for row in connection.execute(f"describe {table}").fetchall()}


def test_a_listed_column_is_an_enum_of_its_values_in_sort_order_and_an_unlisted_one_text():
    store = Store.create_empty(listed={"implementer_id": ["b", "a", "ä", "a"], "cost_category": ["salaries", "revenue"]})
    connection = store._connection
    assert connection.execute("select enum_range(null::intake.implementer_id)").fetchone()[0] == ["a", "b", "ä"]
    spending, days = _types(connection, "intake.spending"), _types(connection, "intake.person_days")
    assert spending["implementer_id"].startswith("ENUM") and spending["cost_category"].startswith("ENUM")
    assert days["municipality"] == "VARCHAR" and days["day_type"] == "VARCHAR"  # not listed
    with pytest.raises(duckdb.ConversionException):
        connection.execute("insert into intake.spending values ('2020-01-01', 'c', 'salaries', 1, null, null)")


def test_a_build_groups_by_the_enums_and_every_table_it_keeps_holds_text(monkeypatch):
    seen = {}
    release = Store.release_intake

    def release_seeing_the_intake(store):
        for table in ("spending", "person_days"):
            seen[table] = _types(store._connection, f"intake.{table}")
        release(store)

    monkeypatch.setattr(Store, "release_intake", release_seeing_the_intake)
    result = load_project(TINY / "plan", TINY / "extracts")
    assert result.ok
    assert seen["spending"]["implementer_id"] == seen["person_days"]["implementer_id"] == "ENUM('a', 'b')"
    assert seen["person_days"]["day_type"].startswith("ENUM('contact_teaching'")
    # every listed column the plan and the contract give values for (load.listed_values names them as the store does)
    assert seen["spending"]["cost_category"].startswith("ENUM(") and seen["person_days"]["municipality"].startswith("ENUM(")
    kept = result.store._connection.execute(
        "select table_name, column_name, data_type from duckdb_columns() where database_name = current_database()"
    ).fetchall()
    tables = {"spending_daily", "person_days_daily", "overdrawn_bookings", "bookings_outside_plan"}
    assert {table for table, _, _ in kept} >= tables
    assert [row for row in kept if row[2].startswith("ENUM")] == []
    assert result.store.fetch("spending_implementers")["implementer_id"].tolist() == ["a", "b"]
