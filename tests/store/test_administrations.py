"""Saving administrations: atomic, idempotent, conflicts reported and never overwritten.

Every test runs on a SQLite file and on PostgreSQL (fixtures in databases.py).
"""

from __future__ import annotations

import pandas as pd
import pytest

from store import (
    Administration,
    StoreError,
    administrations,
    audit,
    load_responses,
    save_administration,
)
from store.administrations import save_administrations
from store.bulk_load import count_rows
from store.responses import RESPONSE_COLUMNS


def checkin(member="A-01", timepoint="pre", answers=None, **context) -> Administration:
    return Administration(
        member=member,
        instrument="mutuality-checkin",
        instrument_version="1",
        timepoint=timepoint,
        answers=answers if answers is not None else {"q1": 3, "q2": None, "q3": 5},
        **context,
    )


def test_new_administration_is_stored_with_every_item(engine):
    result = save_administration(engine, checkin(group="G1", program="P", session=2))
    assert result.status == "stored"
    long = load_responses(engine)
    assert list(long.columns) == RESPONSE_COLUMNS
    assert long["item"].tolist() == ["q1", "q2", "q3"]
    assert long["value"].tolist()[0] == 3.0 and pd.isna(long["value"].tolist()[1])
    assert long["group"].unique().tolist() == ["G1"]
    assert long["program"].unique().tolist() == ["P"]
    assert long["session"].unique().tolist() == [2]


def test_same_administration_twice_is_stored_once(engine):
    assert save_administration(engine, checkin()).status == "stored"
    before = count_rows(engine)
    assert save_administration(engine, checkin()).status == "unchanged"
    # The same answers without the skipped item listed (as a long file may omit it).
    assert save_administration(engine, checkin(answers={"q1": 3, "q3": 5.0})).status == (
        "unchanged"
    )
    assert count_rows(engine) == before


def test_conflict_is_reported_and_not_overwritten(engine):
    save_administration(engine, checkin())
    result = save_administration(engine, checkin(answers={"q1": 4, "q2": None, "q3": 5}))
    assert result.status == "conflict"
    assert result.differences == {"q1": (3.0, 4.0)}
    assert "q1 stored 3 vs new 4" in str(result)
    assert load_responses(engine)["value"].tolist()[0] == 3.0


def test_replace_overwrites_and_is_audited(engine):
    save_administration(engine, checkin())
    result = save_administration(
        engine, checkin(answers={"q1": 4, "q2": 1, "q3": 5}, entered_by="staff1"), replace=True
    )
    assert result.status == "replaced"
    assert load_responses(engine)["value"].tolist() == [4.0, 1.0, 5.0]
    events = audit.load_audit(engine)
    assert events.loc[0, "action"] == audit.REPLACE_ADMINISTRATION
    assert events.loc[0, "who"] == "staff1"
    # Ids and counts only (docs/security.md, Withdrawal): no member code, no answers.
    detail = events.loc[0, "detail"]
    assert detail == {
        "administration_id": result.administration_id,
        "instrument": "mutuality-checkin",
        "changed_items": 2,
    }


def test_failure_while_writing_items_leaves_nothing(engine, monkeypatch):
    original = administrations._insert_items

    def insert_then_fail(connection, rows):
        original(connection, rows)
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(administrations, "_insert_items", insert_then_fail)
    with pytest.raises(RuntimeError):
        save_administration(engine, checkin())
    counts = count_rows(engine)
    assert counts["administrations"] == 0
    assert counts["item_responses"] == 0


def test_batch_is_all_or_nothing(engine):
    save_administration(engine, checkin(member="B-01", group="G1"))
    batch = [checkin(member=f"A-{i:02d}", group="G1") for i in range(5)]
    # The last one puts B-01 in another group: the whole batch is refused.
    batch.append(checkin(member="B-01", timepoint="post", group="G2"))
    with pytest.raises(StoreError, match="B-01 belongs to group 'G1'"):
        save_administrations(engine, batch)
    assert count_rows(engine)["administrations"] == 1


def test_batch_with_conflicts_stores_nothing_and_lists_them(engine):
    save_administration(engine, checkin(member="A-00"))
    save_administration(engine, checkin(member="A-01"))
    batch = [checkin(member=f"A-{i:02d}", answers={"q1": 1, "q3": 2}) for i in range(4)]
    result = save_administrations(engine, batch)
    assert not result.committed
    assert [c.member for c in result.conflicts] == ["A-00", "A-01"]
    assert count_rows(engine)["administrations"] == 2
    replaced = save_administrations(engine, batch, replace=True)
    assert replaced.committed
    assert (len(replaced.replaced), len(replaced.stored)) == (2, 2)
    assert count_rows(engine)["administrations"] == 4


def test_repeated_administration_in_one_batch_is_refused(engine):
    with pytest.raises(StoreError, match="more than once"):
        save_administrations(engine, [checkin(), checkin()])
    assert count_rows(engine)["administrations"] == 0


def test_bad_administrations_are_refused_with_a_message():
    with pytest.raises(ValueError, match="item q1: 'lots' is not a number"):
        checkin(answers={"q1": "lots"})
    with pytest.raises(ValueError, match="mode 'by owl'"):
        checkin(mode="by owl")
    with pytest.raises(ValueError, match="without a group"):
        checkin(program="P1")
    assert checkin(mode="Read-aloud").mode == "read aloud"
