"""Kiosk mode's lock: the facilitator's PIN, kept only as a hash, and a reload-proof token.

When the facilitator hands the laptop round, the app shows only the member form. Leaving
kiosk mode needs the PIN the facilitator chose when starting it.

Decisions:

- The PIN is 4 to 8 digits. Only its argon2 hash (argon2-cffi, the library staff passwords
  will use) is kept in session state and in the lock below; the PIN itself is never stored.
- After `MAX_FAILURES` wrong PINs in a row the form refuses further tries for
  `LOCKOUT_SECONDS`, so a member cannot try all 10,000 four-digit PINs at the kiosk.
- A browser reload starts a fresh Streamlit session with empty session state. So that a
  member pressing F5 does not land in the facilitator's pages, the kiosk URL carries a random
  token (``?kiosk=...``) and this process remembers the lock under that token until the PIN
  ends it. A restart of the app server forgets the lock (the facilitator is at the laptop
  then anyway). Staff sign-in (a later issue) closes the remaining gap: a member who edits
  the URL by hand.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PIN_DIGITS = 4
MAX_PIN_DIGITS = 8
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60
#: The query parameter that keeps a reloaded kiosk page locked.
KIOSK_PARAMETER = "kiosk"

_hasher = PasswordHasher()


class PinError(ValueError):
    """A PIN that cannot be used to lock the kiosk, with what to do instead."""


def check_new_pin(pin: str) -> str:
    """The PIN, stripped, if it is 4 to 8 digits; PinError saying what is wrong otherwise."""
    cleaned = str(pin).strip()
    if not cleaned:
        raise PinError("Choose a PIN of 4 to 8 digits before starting kiosk mode.")
    if not cleaned.isdigit():
        raise PinError("The PIN must be digits only (0-9), so it is quick to type on the kiosk.")
    if not MIN_PIN_DIGITS <= len(cleaned) <= MAX_PIN_DIGITS:
        raise PinError(
            f"The PIN has {len(cleaned)} digits; use {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS}."
        )
    return cleaned


def hash_pin(pin: str) -> str:
    """The argon2 hash of a valid PIN (PinError for a bad one)."""
    return _hasher.hash(check_new_pin(pin))


def pin_matches(pin_hash: str | None, pin: str) -> bool:
    """True when `pin` is the PIN whose hash is `pin_hash`."""
    if not pin_hash:
        return False
    try:
        return _hasher.verify(pin_hash, str(pin).strip())
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class KioskLock:
    """What a locked kiosk needs to come back after a reload."""

    pin_hash: str
    session_id: int


_locks: dict[str, KioskLock] = {}
_guard = threading.Lock()


def lock(pin_hash: str, session_id: int) -> str:
    """Remember a kiosk lock in this process and return its URL token."""
    token = secrets.token_urlsafe(16)
    with _guard:
        _locks[token] = KioskLock(pin_hash=pin_hash, session_id=session_id)
    return token


def find(token: str | None) -> KioskLock | None:
    """The lock for a URL token (None when the token is unknown or ended)."""
    if not token:
        return None
    with _guard:
        return _locks.get(str(token))


def unlock(token: str | None) -> None:
    """Forget the lock for `token` (after the right PIN)."""
    if token:
        with _guard:
            _locks.pop(str(token), None)


def any_locked() -> bool:
    """True while any kiosk in this process is locked.

    A locked kiosk's browser also holds the facilitator's sign-in cookie: a member who edits
    the kiosk's address must not be signed in by it (ui.staff_gate).
    """
    with _guard:
        return bool(_locks)
