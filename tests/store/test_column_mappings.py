"""Remembered column mappings: per user, questionnaire and column names (issue 12, item 2)."""

from __future__ import annotations

import datetime as dt

from store import column_mappings as mappings

COLUMNS = ["ID", "when", "q1"]
MAPPING = {"id": "member", "when": "timepoint", "q1": "phq9_1"}
MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_a_mapping_is_found_again_by_the_same_columns_in_any_order(engine):
    assert mappings.recall(engine, "eva", COLUMNS) is None
    mappings.remember(engine, "eva", "phq9", COLUMNS, MAPPING, MONDAY)
    found = mappings.recall(engine, "eva", [" Q1", "when", "id"], "phq9")
    assert found is not None
    assert (found.username, found.instrument, found.mapping) == ("eva", "phq9", MAPPING)
    assert found.columns == ("id", "q1", "when") and found.saved_at == MONDAY
    assert mappings.recall(engine, "eva", [*COLUMNS, "notes"]) is None  # another set
    assert mappings.recall(engine, "eva", COLUMNS, "gad7") is None  # another questionnaire
    assert mappings.recall(engine, "someone-else", COLUMNS) is None  # another user's


def test_remembering_again_replaces_and_the_newest_comes_first(engine):
    mappings.remember(engine, "eva", "phq9", COLUMNS, MAPPING, MONDAY)
    corrected = MAPPING | {"q1": "phq9_2"}
    mappings.remember(engine, "eva", "phq9", COLUMNS, corrected, MONDAY + dt.timedelta(days=1))
    assert mappings.recall(engine, "eva", COLUMNS, "phq9").mapping == corrected
    later = MONDAY + dt.timedelta(days=2)
    mappings.remember(engine, "eva", "gad7", COLUMNS, {"q1": "gad7_1"}, later)
    assert mappings.recall(engine, "eva", COLUMNS).instrument == "gad7"  # newest, any one
    assert mappings.recall(engine, "eva", COLUMNS, "phq9").mapping == corrected
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT count(*) FROM column_mappings").scalar()
    assert rows == 2
