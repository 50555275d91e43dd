"""Loading a whole program in bulk (`store.bulk_load.load_program`): everything once, or nothing.

Runs on a SQLite file and on PostgreSQL (COPY there), fixtures in databases.py. Turning the
answer table into administrations is tested in tests/ingest/test_administrations.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.administrations import administrations_from_table
from measures import load_instrument
from store.bulk_load import count_rows, load_program
from store.db import StoreError
from store.responses import load_responses


def _program(members: int = 30):
    roster = pd.DataFrame(
        {
            "program": "P",
            "group": [f"G{i % 3}" for i in range(members)],
            "member": [f"M{i:03d}" for i in range(members)],
        }
    )
    sessions = pd.DataFrame(
        {"group": [f"G{g}" for g in range(3) for _ in (1, 2)], "session": [1, 2] * 3}
    ).assign(date="2026-03-02")
    attendance = roster[["group", "member"]].assign(session=1, present=1)
    rows = [
        (m, f"session-{s}", f"mutualitycheckin_{k}", (i + s + k) % 5 + 1, g, s)
        for i, (m, g) in enumerate(zip(roster["member"], roster["group"], strict=True))
        for s in (1, 2)
        for k in range(1, 11)
    ]
    long = pd.DataFrame(rows, columns=["member", "timepoint", "item", "value", "group", "session"])
    return roster, sessions, attendance, long.assign(instrument="mutuality-checkin")


def test_load_program_in_bulk_stores_everything_once(engine):
    roster, sessions, attendance, long = _program()
    batch = administrations_from_table(long, instrument=load_instrument("mutuality-checkin"))
    added = load_program(engine, roster, sessions, attendance, batch, source="test")
    assert added == {
        "programs": 1,
        "groups": 3,
        "members": 30,
        "sessions": 6,
        "attendance": 30,
        "administrations": 60,
    }
    stored = load_responses(engine)
    assert len(stored) == 600
    assert stored["value"].tolist() == long["value"].astype(float).tolist()
    assert set(stored["session"]) == {1, 2}
    # Loading again into a database that holds the program adds nothing.
    assert load_program(engine, roster, sessions, attendance, batch) is None
    assert count_rows(engine)["item_responses"] == 600


def test_load_program_refuses_a_member_in_two_groups_and_stores_nothing(engine):
    roster, sessions, attendance, long = _program()
    moved = pd.DataFrame({"program": ["P"], "group": ["G2"], "member": ["M000"]})
    batch = administrations_from_table(long, instrument=load_instrument("mutuality-checkin"))
    with pytest.raises(StoreError, match="member M000 belongs to group 'G0 of program P'"):
        load_program(engine, pd.concat([roster, moved]), sessions, attendance, batch)
    assert count_rows(engine)["item_responses"] == 0
    assert count_rows(engine)["members"] == 0
