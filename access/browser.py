"""Who is signed in at a browser: the staff session kept in the app's session state.

Streamlit-free: the state is any mutable mapping and the keys are passed in (ui/state.py
owns the names), so tests drive it with a dict and an injected clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy.engine import Engine

from access import idle
from access.accounts import StaffUser
from access.policy import Policy, utc_now
from store import accounts as store_accounts
from store import audit


def current_user(
    state: MutableMapping[str, Any],
    session_key: str,
    notice_key: str,
    *,
    engine: Engine | None = None,
    now: dt.datetime | None = None,
    policy: Policy | None = None,
) -> StaffUser | None:
    """The signed-in user, with their activity moved to `now`; None when nobody is.

    A session idle for longer than the policy's timeout ends here: it is forgotten, a
    notice for the sign-in page is left under `notice_key`, and the sign-out is audited.
    """
    now = now or utc_now()
    policy = policy or Policy.from_environment()
    session = state.get(session_key)
    touched = idle.touch(session, now, policy.idle_timeout)
    if session is not None and touched is None:
        state[session_key] = None
        state[notice_key] = (
            f"You were signed out after {policy.idle_minutes} minutes without activity."
        )
        if engine is not None:
            audit.record(engine, session.user.username, audit.SIGN_OUT, {"reason": "idle"})
        return None
    if touched is not None and engine is not None:
        # An account deactivated in Settings ends its open sessions at their next click.
        record = store_accounts.get_staff(engine, touched.user.username)
        if record is not None and not record.active:
            state[session_key] = None
            state[notice_key] = "Your account was deactivated by an administrator."
            audit.record(engine, touched.user.username, audit.SIGN_OUT, {"reason": "deactivated"})
            return None
    state[session_key] = touched
    return touched.user if touched else None


def remember_sign_in(
    state: MutableMapping[str, Any],
    session_key: str,
    user: StaffUser,
    now: dt.datetime | None = None,
) -> None:
    """Keep `user` signed in at this browser from `now`."""
    state[session_key] = idle.start(user, now or utc_now())


def sign_out(state: MutableMapping[str, Any], session_key: str, engine: Engine | None) -> None:
    """End the staff session at this browser (audited)."""
    session = state.get(session_key)
    state[session_key] = None
    if session is not None and engine is not None:
        audit.record(engine, session.user.username, audit.SIGN_OUT, {"reason": "signed out"})
