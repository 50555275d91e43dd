"""A signed-in staff session and its idle timeout.

The app keeps one `StaffSession` per browser session and calls `touch` on every run with the
current time; after `Policy.idle_minutes` without a run the session has ended and the user
must sign in again. The clock is a parameter, so tests need no sleeping.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from access.accounts import StaffUser


@dataclass(frozen=True)
class StaffSession:
    """Who is signed in at this browser, since when, and when they were last active."""

    user: StaffUser
    signed_in_at: dt.datetime
    last_active: dt.datetime
    #: The row that keeps this sign-in across reloads (access.kept_sign_in), if any.
    kept_id: int | None = None


def start(user: StaffUser, now: dt.datetime, kept_id: int | None = None) -> StaffSession:
    """A fresh session for a user who has just signed in (or resumed a kept sign-in)."""
    return StaffSession(user=user, signed_in_at=now, last_active=now, kept_id=kept_id)


def is_idle(session: StaffSession, now: dt.datetime, timeout: dt.timedelta) -> bool:
    """True when more than `timeout` has passed since the session's last activity."""
    return now - session.last_active > timeout


def touch(
    session: StaffSession | None, now: dt.datetime, timeout: dt.timedelta
) -> StaffSession | None:
    """The session with its activity moved to `now`, or None when it has timed out."""
    if session is None or is_idle(session, now, timeout):
        return None
    return dataclasses.replace(session, last_active=now)
