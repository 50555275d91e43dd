"""Staff accounts: first-run administrator, adding users, resetting passwords and signing in.

Every function writes its audit event (store.audit): sign-ins that work and that fail,
accounts added, passwords reset. Lockout: after `Policy.max_sign_in_failures` wrong
passwords in a row an account refuses every password, even the right one, for
`Policy.lockout_minutes`; an administrator's password reset lifts the lock at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from access.passwords import (
    check_new_password,
    check_username,
    hash_password,
    needs_rehash,
    verify_password,
)
from access.policy import Policy, utc_now
from access.roles import ADMINISTRATOR, FACILITATOR, SEE_ALL_GROUPS, can, check_role
from store import accounts as store_accounts
from store import audit


class SignInError(ValueError):
    """A refused sign-in; the message is safe to show (it never says which part was wrong)."""


@dataclass(frozen=True)
class StaffUser:
    """A signed-in staff member: who, which role, and the groups they may see.

    `group_ids` is None for roles that see every group (administrator, evaluator), else the
    ids of the facilitator's linked groups (possibly empty).
    """

    username: str
    role: str
    group_ids: frozenset[int] | None

    def can(self, permission: str) -> bool:
        """True when this user's role has `permission` (see access.roles)."""
        return can(self.role, permission)


def _as_user(engine: Engine, record: store_accounts.StaffRecord) -> StaffUser:
    groups = (
        None
        if can(record.role, SEE_ALL_GROUPS)
        else frozenset(store_accounts.linked_group_ids(engine, record.username))
    )
    return StaffUser(username=record.username, role=record.role, group_ids=groups)


def needs_first_administrator(engine: Engine) -> bool:
    """True on a fresh installation: no staff user exists, so the app asks for one."""
    return store_accounts.count_staff(engine) == 0


def create_first_administrator(engine: Engine, username: str, password: str) -> StaffUser:
    """Create the first administrator; refused once any staff user exists."""
    name = check_username(username)
    check_new_password(password, name)
    store_accounts.add_staff(
        engine, name, hash_password(password), ADMINISTRATOR, only_if_none=True
    )
    audit.record(engine, name, audit.FIRST_ADMINISTRATOR, {"username": name})
    return StaffUser(username=name, role=ADMINISTRATOR, group_ids=None)


def add_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    *,
    by: str | None,
    group_ids: list[int] | None = None,
) -> StaffUser:
    """Add a staff user (a facilitator linked to `group_ids`), recorded in the audit trail."""
    name = check_username(username)
    role = check_role(role)
    check_new_password(password, name)
    if group_ids and role != FACILITATOR:
        raise ValueError(f"only facilitators are linked to groups; a {role} sees every group")
    store_accounts.add_staff(engine, name, hash_password(password), role)
    if group_ids:
        store_accounts.link_groups(engine, name, list(group_ids))
    audit.record(
        engine,
        by,
        audit.USER_ADDED,
        {"username": name, "role": role, "groups": sorted(group_ids or [])},
    )
    return _as_user(engine, store_accounts.get_staff(engine, name))


def reset_password(engine: Engine, username: str, password: str, *, by: str | None) -> None:
    """Set a new password (and lift any lockout), recorded in the audit trail."""
    name = check_username(username)
    if store_accounts.get_staff(engine, name) is None:
        raise ValueError(f"there is no staff user {name!r}")
    check_new_password(password, name)
    store_accounts.set_password_hash(engine, name, hash_password(password))
    audit.record(engine, by, audit.PASSWORD_RESET, {"username": name})


def link_facilitator(
    engine: Engine, username: str, group_ids: list[int], *, by: str | None
) -> None:
    """Make `group_ids` the groups a facilitator sees, recorded in the audit trail."""
    name = check_username(username)
    record = store_accounts.get_staff(engine, name)
    if record is None:
        raise ValueError(f"there is no staff user {name!r}")
    if record.role != FACILITATOR:
        raise ValueError(f"{name} is a {record.role}; only facilitators are linked to groups")
    store_accounts.link_groups(engine, name, list(group_ids))
    audit.record(engine, by, audit.USER_CHANGED, {"username": name, "groups": sorted(group_ids)})


def deactivate_user(engine: Engine, username: str, *, by: str | None) -> None:
    """Stop a staff user from signing in (their row and audit history stay), audited.

    Refused for the administrator doing it (`by`) and for the last active administrator,
    so nobody can lock every administrator out.
    """
    name = check_username(username)
    record = store_accounts.get_staff(engine, name)
    if record is None:
        raise ValueError(f"there is no staff user {name!r}")
    if not record.active:
        raise ValueError(f"{name} is already deactivated")
    if by is not None and name == str(by).strip().lower():
        raise ValueError("you cannot deactivate your own account; ask another administrator")
    if record.role == ADMINISTRATOR:
        staff = store_accounts.list_staff(engine)
        others = staff[
            (staff["role"] == ADMINISTRATOR) & staff["active"] & (staff["username"] != name)
        ]
        if others.empty:
            raise ValueError(f"{name} is the last active administrator; add another one first")
    store_accounts.set_active(engine, name, False)
    audit.record(engine, by, audit.USER_CHANGED, {"username": name, "active": False})


def lock_remaining(locked_until: dt.datetime | None, now: dt.datetime) -> dt.timedelta | None:
    """Time left on a lock, or None when the account is not locked at `now`."""
    if locked_until is None or locked_until <= now:
        return None
    return locked_until - now


def _minutes(remaining: dt.timedelta) -> int:
    return max(1, int(-(-remaining.total_seconds() // 60)))


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    policy: Policy | None = None,
) -> StaffUser:
    """Check a username and password; the signed-in user, or SignInError saying why not.

    A wrong username and a wrong password give the same message and take the same time.
    """
    now = now or utc_now()
    policy = policy or Policy.from_environment()
    name = str(username or "").strip().lower()
    record = store_accounts.get_staff(engine, name) if name else None
    if record is None or not record.active:
        verify_password(None, password or "")  # same cost as a real check
        reason = "unknown user" if record is None else "account disabled"
        audit.record(engine, None, audit.SIGN_IN_FAILED, {"username": name[:100], "reason": reason})
        raise SignInError("Wrong username or password.")
    remaining = lock_remaining(record.locked_until, now)
    if remaining is not None:
        audit.record(engine, None, audit.SIGN_IN_FAILED, {"username": name, "reason": "locked"})
        raise SignInError(
            f"This account is locked after too many wrong passwords. Try again in "
            f"{_minutes(remaining)} minute(s), or ask an administrator to reset the password."
        )
    if not verify_password(record.password_hash, password or ""):
        after = store_accounts.record_failed_sign_in(
            engine, name, now, policy.max_sign_in_failures, policy.lockout
        )
        locked = lock_remaining(after.locked_until, now) is not None
        audit.record(
            engine,
            None,
            audit.SIGN_IN_FAILED,
            {"username": name, "reason": "wrong password", "locked": locked},
        )
        if locked:
            raise SignInError(
                f"Wrong username or password. The account is now locked for "
                f"{policy.lockout_minutes} minutes."
            )
        raise SignInError("Wrong username or password.")
    store_accounts.record_successful_sign_in(engine, name)
    if needs_rehash(record.password_hash):
        store_accounts.set_password_hash(engine, name, hash_password(password))
    audit.record(engine, name, audit.SIGN_IN, {"role": record.role})
    return _as_user(engine, record)


def cli_actor() -> str:
    """Who runs a command-line action, for the audit trail: ``cli:<operating-system user>``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:100]
    except (OSError, KeyError):  # no user name in a bare container
        return "cli:unknown"


def active_user(engine: Engine, username: str) -> StaffUser | None:
    """The staff member `username` as signed in, or None when unknown or deactivated."""
    record = store_accounts.get_staff(engine, username)
    if record is None or not record.active:
        return None
    return _as_user(engine, record)
