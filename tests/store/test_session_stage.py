"""How a session reads on "Run a session": not started, open, ended, or ended with nothing
recorded, from what the database keeps (migration 0004 keeps ``opened_at`` after closing).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from store import migrate, roster, sessions
from store.sessions import get_session

DATE = dt.date(2026, 4, 14)


def _opened_at(engine, session_id: int):
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT opened_at FROM sessions WHERE id = :id"), {"id": session_id}
        ).scalar()


def _session(engine) -> int:
    roster.create_member(engine, "R-01", group="G1", program="P")
    return sessions.create_session(engine, "G1", 1, DATE, program="P")


def test_a_session_opened_and_ended_with_nothing_recorded_is_not_shown_as_not_started(engine):
    session_id = _session(engine)
    assert get_session(engine, session_id).stage == "not started"
    sessions.open_session(engine, session_id, join_code="K7Q2")
    assert get_session(engine, session_id).stage == "open for phones"
    sessions.close_session(engine, session_id)
    assert get_session(engine, session_id).stage == "ended, nothing recorded"
    # Opened again and ended with attendance recorded: plainly ended.
    sessions.open_session(engine, session_id, join_code="W4T7")
    sessions.record_attendance(engine, "G1", 1, {"R-01": True}, program="P")
    sessions.close_session(engine, session_id)
    assert get_session(engine, session_id).stage == "ended"


def test_migration_0004_keeps_the_mark_and_going_back_drops_it(engine, database_url):
    session_id = _session(engine)
    sessions.open_session(engine, session_id, join_code="K7Q2")
    sessions.close_session(engine, session_id)

    migrate.downgrade(database_url, "0003")
    # Under 0002's rule a closed session has no opened_at, so it reads as never opened. (Read
    # with SQL: today's code reads columns that later migrations add.)
    assert _opened_at(engine, session_id) is None
    with engine.begin() as connection:
        for status in ("open", "closed"):
            connection.execute(
                sa.text("UPDATE sessions SET status = :s, join_code = 'K7Q3' WHERE id = :id"),
                {"s": status, "id": session_id},
            )
    assert _opened_at(engine, session_id) is None

    migrate.upgrade(database_url)
    assert migrate.current_revision(database_url) == migrate.head_revision()
    sessions.open_session(engine, session_id, join_code="K7Q4")
    sessions.close_session(engine, session_id)
    assert get_session(engine, session_id).stage == "ended, nothing recorded"
