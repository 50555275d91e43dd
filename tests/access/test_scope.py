"""What each role sees of the stored responses (the door pages read answers through)."""

import pytest

from access.accounts import StaffUser
from access.roles import PermissionDeniedError
from access.scope import responses_for, visible_groups
from store.accounts import group_ids_by_name
from tests.access.seed import MEMBERS, seed

ALL_CODES = {code for codes in MEMBERS.values() for code in codes}


def test_administrator_sees_every_group_with_codes(engine):
    seed(engine)
    admin = StaffUser("admin", "administrator", None)
    assert set(responses_for(engine, admin)["member"]) == ALL_CODES


def test_facilitator_sees_only_their_own_groups(engine):
    seed(engine)
    mine = frozenset(group_ids_by_name(engine, ["Recovery/R-1"]))
    facilitator = StaffUser("fac", "facilitator", mine)
    seen = responses_for(engine, facilitator)
    assert set(seen["member"]) == {"R01", "R02", "R03"}
    assert set(seen["group"]) == {"R-1"}
    assert visible_groups(engine, facilitator)["name"].tolist() == ["R-1"]
    # Asking for another group by name returns nothing of it.
    assert responses_for(engine, facilitator, group="C-1").empty
    unlinked = StaffUser("new", "facilitator", frozenset())
    assert responses_for(engine, unlinked).empty


def test_evaluator_never_sees_a_member_code(engine):
    seed(engine)
    evaluator = StaffUser("eva", "evaluator", None)
    key = bytes(32)
    seen = responses_for(engine, evaluator, key=key)
    assert not ALL_CODES & set(seen["member"])
    assert seen["member"].str.startswith("P-").all()
    assert seen["member"].nunique() == len(ALL_CODES)
    # The same key on the same page lines up; dates are no longer real.
    assert responses_for(engine, evaluator, key=key)["member"].equals(seen["member"])
    assert "2025-03-04" not in set(seen["date"])


def test_roles_without_analysis_are_refused():
    with pytest.raises(PermissionDeniedError):
        responses_for(None, StaffUser("x", "member", None))
