"""A staff sign-in kept across reloads and tabs, by a token in an HttpOnly cookie.

How it works (the cookie is set by an HTTP response, so page scripts never read it):

1. At sign-in the page gets a one-time *handoff* (random, 256 bits); the server keeps only
   its SHA-256 hash (store.staff_sessions).
2. The signed-in page posts the handoff to ``/_mutuality/keep-sign-in`` (serve.py). Within
   `HANDOFF_SECONDS` and once only, the server swaps it for a fresh random *token*, keeps
   the token's hash, and answers with ``Set-Cookie: mutuality_staff=<token>; HttpOnly;
   SameSite=Strict; Path=/`` (``Secure`` over https).
3. A new Streamlit session (a reload, a second tab) reads the cookie and resumes the
   sign-in when its hash is known and it has not been idle longer than the policy allows.
4. Sign-out, the idle timeout and deactivation delete the row: the cookie then opens nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy.engine import Engine

from store import staff_sessions
from store.staff_sessions import KeptSignIn

#: The cookie's name.
COOKIE = "mutuality_staff"
#: The path the signed-in page posts its handoff to.
KEEP_PATH = "/_mutuality/keep-sign-in"
#: How long a handoff may wait for its exchange.
HANDOFF_SECONDS = 120


def token_hash(token: str) -> str:
    """The SHA-256 hex digest kept in place of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def begin(engine: Engine, username: str, now: dt.datetime) -> tuple[int, str]:
    """Start keeping `username`'s sign-in: the row id, and the handoff for the page."""
    handoff = secrets.token_urlsafe(32)
    return staff_sessions.start(engine, username, token_hash(handoff), now), handoff


def exchange(engine: Engine, handoff: str, now: dt.datetime) -> str | None:
    """The cookie token for a fresh, unused handoff; None for any other."""
    if not handoff or len(handoff) > 200:
        return None
    token = secrets.token_urlsafe(32)
    issued_after = now - dt.timedelta(seconds=HANDOFF_SECONDS)
    if staff_sessions.exchange(engine, token_hash(handoff), token_hash(token), issued_after):
        return token
    return None


def resume(
    engine: Engine, token: str | None, now: dt.datetime, idle_timeout: dt.timedelta
) -> KeptSignIn | None:
    """The kept sign-in behind a cookie token, touched at `now`; None when unknown or idle.

    An idle one is deleted here.
    """
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    kept = staff_sessions.find(engine, token_hash(token))
    if kept is None:
        return None
    if now - kept.last_active > idle_timeout:
        staff_sessions.end(engine, kept.id)
        return None
    staff_sessions.touch(engine, kept.id, now)
    return kept


def touch(engine: Engine, kept_id: int, now: dt.datetime) -> None:
    """Record activity on a kept sign-in (each run of a signed-in page)."""
    staff_sessions.touch(engine, kept_id, now)


def end(engine: Engine, kept_id: int) -> None:
    """Stop keeping a sign-in: its cookie opens nothing from now on."""
    staff_sessions.end(engine, kept_id)
