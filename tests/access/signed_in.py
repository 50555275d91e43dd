"""For page tests: session state with a staff member signed in (the app now requires one).

at = AppTest.from_file(APP)
at.session_state[keys.STAFF_SESSION] = staff_session("facilitator", group_ids={1})
"""

from __future__ import annotations

import datetime as dt

from access import idle
from access.accounts import StaffUser


def staff_session(
    role: str = "administrator", username: str | None = None, group_ids=None
) -> idle.StaffSession:
    """A fresh signed-in session for `role` (facilitators see only `group_ids`)."""
    groups = frozenset(group_ids or ()) if role == "facilitator" else None
    user = StaffUser(username or f"test-{role}", role, groups)
    return idle.start(user, dt.datetime.now(dt.UTC))
