"""Idle timeout of a signed-in staff session, with an injected clock (no sleeping)."""

import datetime as dt

from access import idle
from access.accounts import StaffUser
from access.policy import Policy

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
USER = StaffUser("fac", "facilitator", frozenset({1}))
TIMEOUT = Policy(idle_minutes=30).idle_timeout


def test_activity_within_the_timeout_keeps_the_session_and_moves_it_on():
    session = idle.start(USER, T0)
    later = idle.touch(session, T0 + dt.timedelta(minutes=29), TIMEOUT)
    assert later.last_active == T0 + dt.timedelta(minutes=29)
    # 29 + 29 minutes since signing in, but never 30 idle: still signed in.
    assert idle.touch(later, T0 + dt.timedelta(minutes=58), TIMEOUT) is not None


def test_more_than_the_timeout_without_activity_ends_the_session():
    session = idle.start(USER, T0)
    assert idle.touch(session, T0 + dt.timedelta(minutes=30, seconds=1), TIMEOUT) is None
    assert idle.touch(None, T0, TIMEOUT) is None


def test_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MUTUALITY_IDLE_MINUTES", "5")
    assert Policy.from_environment().idle_timeout == dt.timedelta(minutes=5)
    monkeypatch.setenv("MUTUALITY_IDLE_MINUTES", "soon")
    import pytest

    from access.policy import PolicyError

    with pytest.raises(PolicyError, match="MUTUALITY_IDLE_MINUTES='soon' must be a whole number"):
        Policy.from_environment()
