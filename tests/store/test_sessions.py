"""Sessions (create, open, close, list) and their attendance, by group name and number."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store import sessions as store_sessions
from store.db import StoreError


def test_sessions_open_close_and_listing(engine):
    today = dt.date(2026, 4, 10)
    ids = [
        store_sessions.create_session(
            engine, "G1", n, today + dt.timedelta(days=7 * (n - 3)), program="P"
        )
        for n in range(1, 6)
    ]
    again = store_sessions.create_session(engine, "G1", 2, program="P")
    assert again == ids[1]  # found, not duplicated
    store_sessions.open_session(engine, ids[2], join_code="K7Q2")
    sessions = store_sessions.list_sessions(engine, group="G1")
    assert sessions["number"].tolist() == [1, 2, 3, 4, 5]
    assert sessions.set_index("number").loc[3, "status"] == "open"
    assert sessions.set_index("number").loc[3, "join_code"] == "K7Q2"
    recent = store_sessions.list_sessions(engine, date_to=today, newest_first=True, limit=2)
    assert recent["number"].tolist() == [3, 2]
    assert store_sessions.list_sessions(engine, date_from=today + dt.timedelta(days=1))[
        "number"
    ].tolist() == [
        4,
        5,
    ]
    store_sessions.close_session(engine, ids[2])
    closed = store_sessions.list_sessions(engine, group="G1").set_index("number").loc[3]
    assert closed["status"] == "closed" and closed["join_code"] is None
    with pytest.raises(StoreError, match="no session with id"):
        store_sessions.open_session(engine, 999_999)


def test_attendance_as_member_by_session(engine):
    store_sessions.record_attendance(engine, "G1", 1, {"A": True, "B": False}, program="P")
    store_sessions.record_attendance(engine, "G1", 2, {"A": True, "B": True}, program="P")
    store_sessions.record_attendance(engine, "G1", 2, {"B": False}, program="P")  # corrected
    frame = store_sessions.load_attendance(engine, group="G1")
    assert frame.columns.tolist() == [1, 2]
    assert frame.loc[("G1", "A")].tolist() == [True, True]
    assert frame.loc[("G1", "B")].tolist() == [False, False]
    store_sessions.record_attendance(engine, "G1", 3, {"A": True}, program="P")
    assert pd.isna(store_sessions.load_attendance(engine).loc[("G1", "B"), 3])
