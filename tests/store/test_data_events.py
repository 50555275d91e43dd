"""Caches follow the data, not the sign-ins: `store.audit.last_data_event`, `data_version`.

A state-wide program has many staff signing in all day; if each sign-in counted as a change,
every page would recompute from millions of answers for everyone (issue 6, Speed).
"""

from __future__ import annotations

from store import audit
from store.administrations import save_administration
from tests.store.test_administrations import checkin


def test_sign_ins_and_exports_do_not_count_as_data_changes(engine):
    assert audit.last_data_event(engine) is None
    save_administration(engine, checkin())
    audit.record(engine, "evaluator1", audit.USER_ADDED, {"username": "evaluator1"})
    changed = audit.last_data_event(engine)
    assert changed is not None
    for action in audit.READ_ONLY_ACTIONS:
        audit.record(engine, "evaluator1", action, {"reason": "test"})
    assert audit.last_data_event(engine) == changed
    audit.record(engine, "admin", audit.WITHDRAWAL, {"members": 1})
    assert audit.last_data_event(engine) > changed


def test_data_version_ignores_a_sign_in_and_follows_a_new_answer(database_url):
    from services.selection import data_version
    from store.db import connect

    engine = connect(database_url)
    save_administration(engine, checkin())
    before = data_version(database_url)
    audit.record(engine, "facilitator1", audit.SIGN_IN, {"role": "facilitator"})
    assert data_version(database_url) == before
    save_administration(engine, checkin(member="A-02"))
    assert data_version(database_url) != before
