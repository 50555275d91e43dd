"""Programs, groups, members, sessions and attendance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store import repository as repo
from store.repository import StoreError


def test_roster_is_created_and_listed(engine):
    repo.create_program(engine, "Recovery", substance_use=True)
    repo.create_group(engine, "Recovery", "Tuesday", facilitator_code="F-07")
    repo.create_group(engine, "Re-entry", "Tuesday")
    for code in ("R-01", "R-02"):
        repo.create_member(engine, code, group="Tuesday", program="Recovery")
    repo.create_member(engine, "R-01", group="Tuesday", program="Recovery")  # again: harmless

    programs = repo.list_programs(engine)
    assert programs[["name", "substance_use", "groups"]].values.tolist() == [
        ["Re-entry", False, 1],
        ["Recovery", True, 1],
    ]
    groups = repo.list_groups(engine, program="Recovery")
    assert groups[["name", "facilitator_code", "members"]].values.tolist() == [
        ["Tuesday", "F-07", 2]
    ]
    assert repo.list_members(engine, program="Recovery")["code"].tolist() == ["R-01", "R-02"]
    with pytest.raises(StoreError, match="R-01 belongs to group 'Tuesday of program Recovery'"):
        repo.create_member(engine, "R-01", group="Tuesday", program="Re-entry")
    with pytest.raises(StoreError, match="cannot be empty"):
        repo.create_member(engine, "  ", group="Tuesday", program="Recovery")


def test_sessions_open_close_and_listing(engine):
    today = dt.date(2026, 4, 10)
    ids = [
        repo.create_session(engine, "G1", n, today + dt.timedelta(days=7 * (n - 3)), program="P")
        for n in range(1, 6)
    ]
    assert repo.create_session(engine, "G1", 2, program="P") == ids[1]  # found, not duplicated
    repo.open_session(engine, ids[2], join_code="K7Q2")
    sessions = repo.list_sessions(engine, group="G1")
    assert sessions["number"].tolist() == [1, 2, 3, 4, 5]
    assert sessions.set_index("number").loc[3, "status"] == "open"
    assert sessions.set_index("number").loc[3, "join_code"] == "K7Q2"
    recent = repo.list_sessions(engine, date_to=today, newest_first=True, limit=2)
    assert recent["number"].tolist() == [3, 2]
    assert repo.list_sessions(engine, date_from=today + dt.timedelta(days=1))[
        "number"
    ].tolist() == [
        4,
        5,
    ]
    repo.close_session(engine, ids[2])
    closed = repo.list_sessions(engine, group="G1").set_index("number").loc[3]
    assert closed["status"] == "closed" and closed["join_code"] is None
    with pytest.raises(StoreError, match="no session with id"):
        repo.open_session(engine, 999_999)


def test_attendance_as_member_by_session(engine):
    repo.record_attendance(engine, "G1", 1, {"A": True, "B": False}, program="P")
    repo.record_attendance(engine, "G1", 2, {"A": True, "B": True}, program="P")
    repo.record_attendance(engine, "G1", 2, {"B": False}, program="P")  # corrected
    frame = repo.load_attendance(engine, group="G1")
    assert frame.columns.tolist() == [1, 2]
    assert frame.loc[("G1", "A")].tolist() == [True, True]
    assert frame.loc[("G1", "B")].tolist() == [False, False]
    repo.record_attendance(engine, "G1", 3, {"A": True}, program="P")
    assert pd.isna(repo.load_attendance(engine).loc[("G1", "B"), 3])
