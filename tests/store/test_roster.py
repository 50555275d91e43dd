"""Programs, groups and members: created, listed, one member code in one group."""

from __future__ import annotations

import pytest

from store import roster, save_administration
from store.db import StoreError
from tests.store.test_administrations import checkin


def test_roster_is_created_and_listed(engine):
    roster.create_program(engine, "Recovery", substance_use=True)
    roster.create_group(engine, "Recovery", "Tuesday", facilitator_code="F-07")
    roster.create_group(engine, "Re-entry", "Tuesday")
    for code in ("R-01", "R-02"):
        roster.create_member(engine, code, group="Tuesday", program="Recovery")
    roster.create_member(engine, "R-01", group="Tuesday", program="Recovery")  # again: harmless

    programs = roster.list_programs(engine)
    assert programs[["name", "substance_use", "groups"]].values.tolist() == [
        ["Re-entry", False, 1],
        ["Recovery", True, 1],
    ]
    groups = roster.list_groups(engine, program="Recovery")
    assert groups[["name", "facilitator_code", "members"]].values.tolist() == [
        ["Tuesday", "F-07", 2]
    ]
    assert roster.list_members(engine, program="Recovery")["code"].tolist() == ["R-01", "R-02"]
    with pytest.raises(StoreError, match="R-01 belongs to group 'Tuesday of program Recovery'"):
        roster.create_member(engine, "R-01", group="Tuesday", program="Re-entry")
    with pytest.raises(StoreError, match="cannot be empty"):
        roster.create_member(engine, "  ", group="Tuesday", program="Recovery")


def test_group_names_repeat_across_programs(engine):
    save_administration(engine, checkin(member="X1", group="Tuesday", program="P1"))
    save_administration(engine, checkin(member="X2", group="Tuesday", program="P2"))
    groups = roster.list_groups(engine)
    assert sorted(groups["program"]) == ["P1", "P2"]
    # Without a program the group name is ambiguous now: refused with a message.
    with pytest.raises(StoreError, match="exists in 2 programs"):
        save_administration(engine, checkin(member="X3", group="Tuesday"))
