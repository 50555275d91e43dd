"""The audit trail: append-only, and read back filtered by action."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from store import audit, save_administration
from tests.store.test_administrations import checkin


def test_audit_events_are_append_only(engine):
    audit.record(engine, "staff1", audit.SIGN_IN, {"ok": True})
    from store.schema import audit_events

    for statement in (
        audit_events.update().values(action="tampered"),
        audit_events.delete(),
    ):
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            engine.begin() as connection,
        ):
            connection.execute(statement)
    assert audit.load_audit(engine)["action"].tolist() == [audit.SIGN_IN]


def test_every_action_is_a_named_constant_and_read_only_ones_are_among_them():
    assert len(set(audit.ACTIONS)) == len(audit.ACTIONS)
    assert set(audit.READ_ONLY_ACTIONS) <= set(audit.ACTIONS)
    named = {
        value
        for name, value in vars(audit).items()
        if name.isupper() and isinstance(value, str) and name not in ("MEMBER_PLACEHOLDER",)
    }
    assert named == set(audit.ACTIONS)


def test_the_log_is_read_filtered_by_a_set_of_actions(engine):
    save_administration(engine, checkin(member="A-01"))
    save_administration(engine, checkin(member="A-01", answers={"q1": 1}), replace=True)
    audit.record(engine, "staff1", audit.SIGN_IN, {"role": "evaluator"})
    audit.record(engine, "staff1", audit.EXPORT, {"file": "x.csv"})
    every = audit.load_audit(engine)
    assert set(every["action"]) == {audit.REPLACE_ADMINISTRATION, audit.SIGN_IN, audit.EXPORT}
    assert set(every["action"]) <= set(audit.ACTIONS)  # the store's own writes use constants
    chosen = audit.load_audit(engine, actions={audit.SIGN_IN, audit.EXPORT})
    assert chosen["action"].tolist() == [audit.EXPORT, audit.SIGN_IN]  # newest first
    assert audit.load_audit(engine, actions=[audit.REPLACE_ADMINISTRATION])["who"].tolist() == [
        None
    ]
    assert audit.load_audit(engine, actions=[]).empty
