"""Staff passwords: Argon2id hashes (argon2-cffi) and the rules for a new password.

Hashes use argon2-cffi's defaults (RFC 9106 low-memory profile: Argon2id, t=3, m=64 MiB,
p=4), so a stolen database yields no password without a costly search per guess. There are
no default credentials anywhere: the first administrator chooses a password on first run.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
USERNAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")

_hasher = PasswordHasher(type=Type.ID)
# Verified against when a username is unknown, so that a wrong username takes as long as a
# wrong password and sign-in timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not a password: equalises sign-in timing")


class PasswordError(ValueError):
    """A new password or username that is refused, with what to choose instead."""


def check_username(username: str) -> str:
    """The username, trimmed and lower-cased, if it is usable; PasswordError otherwise."""
    cleaned = str(username or "").strip().lower()
    if not cleaned:
        raise PasswordError("Choose a username (letters, digits, . _ - @).")
    if len(cleaned) > 100:
        raise PasswordError(f"The username has {len(cleaned)} characters; use at most 100.")
    unusable = sorted(set(cleaned) - USERNAME_CHARACTERS)
    if unusable:
        raise PasswordError(
            f"The username may contain only letters, digits and . _ - @ (not {unusable[0]!r})."
        )
    if cleaned[0] in "-.@_":
        raise PasswordError("The username must start with a letter or digit.")
    return cleaned


def check_new_password(password: str, username: str | None = None) -> str:
    """The password if it meets the policy; PasswordError saying what is wrong otherwise.

    The policy follows NIST SP 800-63B: length matters, composition rules do not. At least
    12 characters (a passphrase of three or four words is easiest), not the username, not one
    character repeated.
    """
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        length = 0 if password is None else len(password)
        raise PasswordError(
            f"The password has {length} characters; use at least {MIN_PASSWORD_LENGTH} "
            "(a few unrelated words are easy to remember)."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(f"The password is longer than {MAX_PASSWORD_LENGTH} characters.")
    if username and password.strip().lower() == str(username).strip().lower():
        raise PasswordError("The password must not be the username.")
    if len(set(password)) == 1:
        raise PasswordError("The password must not be one character repeated.")
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash of `password` (``$argon2id$v=19$...``), salted at random."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; a missing hash costs the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash on sign-in)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
