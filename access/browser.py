"""Who is signed in at a browser: the staff session kept in the app's session state.

Streamlit-free: the state is any mutable mapping and the keys are passed in (ui/state.py
owns the names), so tests drive it with a dict and an injected clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy.engine import Engine

from access import idle, kept_sign_in
from access.accounts import StaffUser, active_user
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
    cookie_token: str | None = None,
) -> StaffUser | None:
    """The signed-in user, with their activity moved to `now`; None when nobody is.

    A session idle for longer than the policy's timeout ends here: it is forgotten, a
    notice for the sign-in page is left under `notice_key`, and the sign-out is audited.
    A browser session with nobody signed in resumes the sign-in its `cookie_token` keeps
    (a reload, a second tab; access.kept_sign_in), audited as a sign-in.
    """
    now = now or utc_now()
    policy = policy or Policy.from_environment()
    session = state.get(session_key)
    if session is None and isinstance(cookie_token, str) and engine is not None:
        session = _resume(engine, cookie_token, now, policy)
        if session is not None:
            state[session_key] = session
            return session.user
    touched = idle.touch(session, now, policy.idle_timeout)
    if session is not None and touched is None:
        state[session_key] = None
        _forget_kept(engine, session)
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
            _forget_kept(engine, touched)
            state[notice_key] = "Your account was deactivated by an administrator."
            audit.record(engine, touched.user.username, audit.SIGN_OUT, {"reason": "deactivated"})
            return None
    if touched is not None and touched.kept_id is not None and engine is not None:
        kept_sign_in.touch(engine, touched.kept_id, now)
    state[session_key] = touched
    return touched.user if touched else None


def _resume(
    engine: Engine, token: str, now: dt.datetime, policy: Policy
) -> idle.StaffSession | None:
    kept = kept_sign_in.resume(engine, token, now, policy.idle_timeout)
    if kept is None:
        return None
    user = active_user(engine, kept.username)
    if user is None:
        kept_sign_in.end(engine, kept.id)
        return None
    audit.record(engine, user.username, audit.SIGN_IN, {"kept": "reload or new tab"})
    return idle.StaffSession(
        user=user, signed_in_at=kept.signed_in_at, last_active=now, kept_id=kept.id
    )


def _forget_kept(engine: Engine | None, session: idle.StaffSession) -> None:
    if engine is not None and session.kept_id is not None:
        kept_sign_in.end(engine, session.kept_id)


def remember_sign_in(
    state: MutableMapping[str, Any],
    session_key: str,
    user: StaffUser,
    now: dt.datetime | None = None,
    engine: Engine | None = None,
) -> str | None:
    """Keep `user` signed in at this browser from `now`.

    With an `engine` the sign-in is also kept across reloads: the handoff returned is for
    the page to exchange for its cookie (access.kept_sign_in); without one, None.
    """
    now = now or utc_now()
    if engine is None:
        state[session_key] = idle.start(user, now)
        return None
    kept_id, handoff = kept_sign_in.begin(engine, user.username, now)
    state[session_key] = idle.start(user, now, kept_id)
    return handoff


def sign_out(state: MutableMapping[str, Any], session_key: str, engine: Engine | None) -> None:
    """End the staff session at this browser (audited)."""
    session = state.get(session_key)
    state[session_key] = None
    if session is not None:
        _forget_kept(engine, session)
    if session is not None and engine is not None:
        audit.record(engine, session.user.username, audit.SIGN_OUT, {"reason": "signed out"})
