"""Members' session codes: open, closed, expired, and rate-limited guessing."""

from __future__ import annotations

import datetime as dt

import pytest

from access import join_codes
from access.policy import Policy
from store.join_attempts import find_open_code
from store.sessions import close_session, create_session, open_session

POLICY = Policy(
    join_code_hours=12, join_tries_per_browser=3, join_tries_all_browsers=5, join_window_minutes=15
)
PHONE = join_codes.browser_key("192.0.2.10")
OTHER_PHONE = join_codes.browser_key("192.0.2.11")


@pytest.fixture
def opened(engine):
    """An open session with code K7MQ3X; returns (engine, session id, when it was opened)."""
    session_id = create_session(engine, "Tuesday circle", 1, dt.date(2025, 3, 4), "Recovery")
    open_session(engine, session_id, join_code="K7MQ3X")
    opened_at = find_open_code(engine, "K7MQ3X").opened_at
    assert opened_at is not None  # stamped by the database trigger
    return engine, session_id, opened_at


def check(engine, code, browser=PHONE, now=None, **options):
    return join_codes.check_join_code(engine, code, browser, now=now, policy=POLICY, **options)


def test_the_code_of_an_open_session_lets_the_member_in(opened):
    engine, session_id, opened_at = opened
    result = check(engine, " k7mq-3x ", now=opened_at + dt.timedelta(minutes=5))
    assert result.refusal is None and result.message is None
    assert result.session.id == session_id and result.session.is_open


def test_a_closed_sessions_code_stops_working(opened):
    engine, session_id, opened_at = opened
    close_session(engine, session_id)
    result = check(engine, "K7MQ3X", now=opened_at + dt.timedelta(minutes=5))
    assert result.session is None and result.refusal == join_codes.UNKNOWN
    assert "ask your facilitator" in result.message


def test_a_code_expires_after_its_lifetime(opened):
    engine, _, opened_at = opened
    assert check(engine, "K7MQ3X", now=opened_at + dt.timedelta(hours=11, minutes=59)).session
    late = check(engine, "K7MQ3X", now=opened_at + dt.timedelta(hours=12, minutes=1))
    assert late.session is None and late.refusal == join_codes.EXPIRED
    assert join_codes.session_code_expired(
        engine, "K7MQ3X", now=opened_at + dt.timedelta(hours=13), policy=POLICY
    )


def test_reopening_with_a_new_code_restarts_the_clock(opened):
    engine, session_id, opened_at = opened
    close_session(engine, session_id)
    open_session(engine, session_id, join_code="W4T7PN")
    reopened = find_open_code(engine, "W4T7PN").opened_at
    assert reopened >= opened_at
    assert find_open_code(engine, "K7MQ3X") is None


def test_guessing_from_one_browser_is_blocked_even_for_the_right_code(opened):
    engine, _, opened_at = opened
    now = opened_at + dt.timedelta(minutes=1)
    for guess in ("AAAAAA", "CCCCCC", "DDDDDD"):
        assert check(engine, guess, now=now).refusal == join_codes.UNKNOWN
    blocked = check(engine, "K7MQ3X", now=now)
    assert blocked.session is None and blocked.refusal == join_codes.TOO_MANY_TRIES
    assert "Wait 15 minute(s)" in blocked.message
    # Another phone in the room is not blocked by this one's guesses.
    assert check(engine, "K7MQ3X", browser=OTHER_PHONE, now=now).session is not None
    # Once the window has passed, the guesses no longer count.
    assert check(engine, "K7MQ3X", now=now + dt.timedelta(minutes=16)).session is not None


def test_guessing_from_many_browsers_trips_the_global_limit(opened):
    engine, _, opened_at = opened
    now = opened_at + dt.timedelta(minutes=1)
    for n in range(5):
        check(engine, "AAAAAA", browser=join_codes.browser_key(f"reload-{n}"), now=now)
    fresh = join_codes.browser_key("yet another reload")
    refused = check(engine, "K7MQ3X", browser=fresh, now=now)
    assert refused.refusal == join_codes.BUSY
    # A member already answering with this code is not thrown out by others' guessing.
    assert check(engine, "K7MQ3X", browser=fresh, now=now, joined=True).session is not None


def test_no_code_or_address_is_stored_for_a_refused_attempt(opened):
    import sqlalchemy as sa

    engine, _, opened_at = opened
    check(engine, "ZZZ999", now=opened_at)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM join_attempts")).all()
    assert len(rows) == 1
    assert "ZZZ999" not in str(rows) and "192.0.2.10" not in str(rows)
