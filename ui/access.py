"""Which pages a browser may see: a member's phone, a locked kiosk, or staff.

The router (app.py) asks `resolve_mode` once per run and builds the navigation from the
answer, so a page that is not offered cannot be reached, not even by typing its URL.

- ``member``: the URL carries ``?join=CODE`` (a member's phone). Only the member form.
- ``kiosk``: the facilitator locked the laptop as a kiosk (session state, or a kiosk token
  in the URL after a reload; see ui.kiosk_lock). Only the kiosk page.
- ``staff``: everything else. When staff sign-in and roles arrive, this is where a
  ``signin`` mode (no user yet) and a role check on each staff page belong.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from ui import kiosk_lock
from ui import state as keys
from ui.room import JOIN_PARAMETER

MEMBER = "member"
KIOSK = "kiosk"
STAFF = "staff"


def resolve_mode(query_params: Mapping[str, Any], state: MutableMapping[str, Any]) -> str:
    """``kiosk``, ``member`` or ``staff`` for this browser (a locked kiosk always wins).

    A reloaded kiosk page (fresh session state, kiosk token still in the URL) gets its lock
    back from `ui.kiosk_lock` here.
    """
    if state.get(keys.KIOSK_ACTIVE):
        return KIOSK
    token = query_params.get(kiosk_lock.KIOSK_PARAMETER)
    lock = kiosk_lock.find(token)
    if lock is not None:
        start_kiosk(state, lock.pin_hash, lock.session_id, str(token))
        return KIOSK
    if query_params.get(JOIN_PARAMETER):
        return MEMBER
    return STAFF


def start_kiosk(
    state: MutableMapping[str, Any],
    pin_hash: str,
    session_id: int,
    token: str,
    language: str = "en",
) -> None:
    """Lock this browser as a kiosk for `session_id`; only the PIN's hash is kept.

    `language` is the kiosk's own: each new member starts in it, whatever the one before
    chose.
    """
    state[keys.KIOSK_ACTIVE] = True
    state[keys.KIOSK_LANGUAGE] = language
    state[keys.FORM_LANGUAGE] = language
    state[keys.KIOSK_PIN_HASH] = pin_hash
    state[keys.KIOSK_SESSION_ID] = int(session_id)
    state[keys.KIOSK_TOKEN] = token
    keys.reset_form(state)


def end_kiosk(state: MutableMapping[str, Any]) -> None:
    """Unlock this browser (after the right PIN) and forget the lock."""
    kiosk_lock.unlock(state.get(keys.KIOSK_TOKEN))
    for key in (
        keys.KIOSK_ACTIVE,
        keys.KIOSK_PIN_HASH,
        keys.KIOSK_SESSION_ID,
        keys.KIOSK_TOKEN,
        keys.KIOSK_PIN_FAILURES,
        keys.KIOSK_PIN_LAST_FAILURE,
    ):
        state[key] = keys.DEFAULTS[key]
    keys.reset_form(state)


def try_leave_kiosk(
    state: MutableMapping[str, Any], pin: str, now: float
) -> tuple[bool, str | None]:
    """Check the PIN typed to leave kiosk mode: (left, message key for ui.strings or None).

    After `kiosk_lock.MAX_FAILURES` wrong PINs in a row, every try is refused until
    `kiosk_lock.LOCKOUT_SECONDS` have passed since the last wrong one.
    """
    failures = state.get(keys.KIOSK_PIN_FAILURES, 0)
    waited = now - state.get(keys.KIOSK_PIN_LAST_FAILURE, 0.0)
    if failures >= kiosk_lock.MAX_FAILURES and waited < kiosk_lock.LOCKOUT_SECONDS:
        return False, "pin_locked"
    if kiosk_lock.pin_matches(state.get(keys.KIOSK_PIN_HASH), pin):
        end_kiosk(state)
        state[keys.RETURN_TO_RUN_SESSION] = True
        return True, None
    state[keys.KIOSK_PIN_FAILURES] = failures + 1
    state[keys.KIOSK_PIN_LAST_FAILURE] = now
    return False, "pin_wrong"


def lockout_remaining(state: Mapping[str, Any], now: float) -> int:
    """Seconds until another PIN may be tried (0 when not locked out)."""
    if state.get(keys.KIOSK_PIN_FAILURES, 0) < kiosk_lock.MAX_FAILURES:
        return 0
    left = kiosk_lock.LOCKOUT_SECONDS - (now - state.get(keys.KIOSK_PIN_LAST_FAILURE, 0.0))
    return max(0, int(left + 0.999))
