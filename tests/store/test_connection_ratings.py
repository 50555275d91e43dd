"""Round-robin ratings in the database (SQLite and PostgreSQL): names, ratings, withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest

from store.connections import (
    display_name,
    people_to_rate,
    rated_by,
    save_ratings,
    session_ratings,
    set_display_name,
    set_round_robin,
)
from store.db import StoreError
from store.roster import create_group, create_member, create_program
from store.sessions import create_session, get_session, record_attendance
from store.withdrawal import withdraw_member

PROGRAM, GROUP = "Re-entry", "RE-1"


@pytest.fixture
def session(engine):
    create_program(engine, PROGRAM)
    create_group(engine, PROGRAM, GROUP)
    for code in ("A1", "A2", "A3", "A4", "A5"):
        create_member(engine, code, group=GROUP, program=PROGRAM)
    session_id = create_session(engine, GROUP, 3, dt.date(2026, 3, 2), program=PROGRAM)
    record_attendance(
        engine, GROUP, 3, {"A1": True, "A2": True, "A3": True, "A4": True, "A5": False},
        program=PROGRAM,
    )  # fmt: skip
    return engine, session_id


def test_members_are_offered_by_the_names_they_chose_and_only_if_present(session):
    engine, session_id = session
    assert get_session(engine, session_id).round_robin is False
    set_round_robin(engine, session_id, True)
    assert get_session(engine, session_id).round_robin is True
    set_display_name(engine, "A2", "Sam")
    set_display_name(engine, "A3", "Lu", may_be_rated=False)  # declined to be rated
    set_display_name(engine, "A4", "Bo")
    set_display_name(engine, "A5", "Kim")  # absent today
    assert display_name(engine, "A3") == ("Lu", False)
    assert display_name(engine, "A1") is None
    assert people_to_rate(engine, session_id, "A1") == [("A4", "Bo"), ("A2", "Sam")]
    with pytest.raises(StoreError, match="cannot be a member code"):
        set_display_name(engine, "A1", "A2")


def test_ratings_are_stored_once_per_pair_and_leave_with_a_withdrawal(session):
    engine, session_id = session
    assert save_ratings(engine, session_id, "A1", {"A2": 4, "A4": 2}) == 2
    assert save_ratings(engine, session_id, "A1", {"A2": 5}) == 1  # given again: replaced
    save_ratings(engine, session_id, "A2", {"A1": 3})
    with pytest.raises(StoreError, match="rate themselves"):
        save_ratings(engine, session_id, "A3", {"A3": 5})
    ratings = session_ratings(engine)
    pairs = zip(ratings["perceiver"], ratings["target"], ratings["connection"], strict=True)
    assert sorted(pairs) == [
        ("A1", "A2", 5.0),
        ("A1", "A4", 2.0),
        ("A2", "A1", 3.0),
    ]
    assert set(ratings["session"]) == {3} and set(ratings["group"]) == {GROUP}
    assert rated_by(engine, session_id) == {"A1", "A2"}
    withdraw_member(engine, "A2", "admin1")
    left = session_ratings(engine)
    assert list(zip(left["perceiver"], left["target"], strict=True)) == [("A1", "A4")]


def test_a_transfer_carries_round_robins_once(session, new_database):
    from store.db import connect
    from store.transfer import dump_database, load_dump

    engine, session_id = session
    set_round_robin(engine, session_id, True)
    set_display_name(engine, "A2", "Sam")
    save_ratings(engine, session_id, "A1", {"A2": 4})
    target = connect(new_database())
    dump = dump_database(engine)
    first = load_dump(target, dump, who="admin1")
    assert first.added["connection_ratings"] == 1 and first.added["member_names"] == 1
    assert load_dump(target, dump, who="admin1").added_nothing
    moved = session_ratings(target)
    assert list(zip(moved["perceiver"], moved["target"], moved["connection"], strict=True)) == [
        ("A1", "A2", 4.0)
    ]
    assert display_name(target, "A2") == ("Sam", True)
    from store.roster import list_groups
    from store.sessions import group_sessions

    group_id = int(list_groups(target).set_index("name").loc[GROUP, "id"])
    assert [s.round_robin for s in group_sessions(target, group_id)] == [True]
