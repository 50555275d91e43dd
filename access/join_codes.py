"""Members' session codes: only the code of an open, unexpired session opens the member form.

Codes are drawn with `secrets` (ui.room.new_join_code: 6 symbols from a 23-letter alphabet,
about 148 million codes) when a facilitator opens a session. Here they are checked:

- unknown or closed: refused ("ask your facilitator");
- expired: a code works for `Policy.join_code_hours` after the session was opened (the
  database stamps ``sessions.opened_at``); after that the facilitator closes and re-opens
  the session for a fresh code;
- guessing: every refused code is recorded (when, and a hash of the browser). A browser with
  `Policy.join_tries_per_browser` refusals in the last `Policy.join_window_minutes` is
  refused outright, and so is everyone once all browsers together reach
  `Policy.join_tries_all_browsers` (someone reloading to look like a new browser). The
  limits are checked before the code, so a blocked guesser gains nothing even by guessing
  right; a member already answering (the page passes ``joined=True`` once this browser
  session has been let in with the same code) is not interrupted by the global limit.

With the defaults, an attacker gets at most 100 guesses per 15 minutes at ~148 million codes
against the handful open at once: about one chance in 3,700 per day that any guess lands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from access.policy import Policy, utc_now
from store import join_attempts
from store.sessions import SessionInfo, get_session

UNKNOWN = "unknown"
EXPIRED = "expired"
TOO_MANY_TRIES = "too many tries"
BUSY = "busy"

_MESSAGES = {
    UNKNOWN: "This session code does not work. It may be mistyped, or the session has ended: "
    "ask your facilitator for the code on the screen.",
    EXPIRED: "This session code has expired. Ask your facilitator to open the session again.",
    TOO_MANY_TRIES: "Too many codes were tried from this device. Wait {minutes} minute(s) and "
    "ask your facilitator for the code on the screen.",
    BUSY: "Too many wrong codes were tried in the last few minutes. Wait {minutes} minute(s) "
    "and try again.",
}


@dataclass(frozen=True)
class JoinCheck:
    """The outcome of a typed or scanned code: the session, or why not."""

    session: SessionInfo | None
    refusal: str | None = None
    wait_minutes: int = 0

    @property
    def message(self) -> str | None:
        """Text for the member when refused (None when the code works)."""
        if self.refusal is None:
            return None
        return _MESSAGES[self.refusal].format(minutes=self.wait_minutes)


def normalise_code(code: str | None) -> str:
    """A typed or scanned code in the stored form: upper case, spaces and dashes removed."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def browser_key(identifier: str | None) -> str:
    """An opaque key for a browser (its address or session id), so none is stored as is."""
    return hashlib.sha256(f"mutuality-join:{identifier or 'unknown'}".encode()).hexdigest()


def code_expired(opened_at: dt.datetime | None, now: dt.datetime, policy: Policy) -> bool:
    """True when a code issued at `opened_at` no longer works at `now` (None: unknown)."""
    return opened_at is None or now - opened_at > policy.join_code_lifetime


def check_join_code(
    engine: Engine,
    code: str | None,
    browser: str,
    *,
    now: dt.datetime | None = None,
    policy: Policy | None = None,
    joined: bool = False,
) -> JoinCheck:
    """The open session for `code` typed at `browser` (a `browser_key`), or the refusal.

    `joined`: this browser session was already let in with this same code (its member is
    answering), so the guessing limits are not applied again; expiry and closing still are.
    """
    now = now or utc_now()
    policy = policy or Policy.from_environment()
    since = now - policy.join_window
    wait = policy.join_window_minutes
    if not joined:
        if join_attempts.refused_codes(engine, since, browser) >= policy.join_tries_per_browser:
            return JoinCheck(None, TOO_MANY_TRIES, wait)
        if join_attempts.refused_codes(engine, since) >= policy.join_tries_all_browsers:
            return JoinCheck(None, BUSY, wait)
    found = join_attempts.find_open_code(engine, normalise_code(code))
    if found is not None and not code_expired(found.opened_at, now, policy):
        return JoinCheck(get_session(engine, found.session_id))
    join_attempts.record_refused_code(engine, browser, now)
    # Old entries no longer count; clearing them keeps the table small.
    join_attempts.forget_refused_codes(engine, now - max(policy.join_window, dt.timedelta(days=1)))
    return JoinCheck(None, UNKNOWN if found is None else EXPIRED)


def session_code_expired(
    engine: Engine, join_code: str | None, *, now: dt.datetime | None = None, policy=None
) -> bool:
    """For the facilitator's screen: True when an open session's code no longer works."""
    found = join_attempts.find_open_code(engine, normalise_code(join_code))
    policy = policy or Policy.from_environment()
    return found is None or code_expired(found.opened_at, now or utc_now(), policy)
