"""Administration: the roster, staff users, sign-in, withdrawal, backups and the audit trail.

Settings, the sign-in page and the `user`, `member`, `backup` and `restore` commands call
these, so each action is checked and audited the same way whichever door it comes through.
`by` is who acts: the signed-in staff member's username in the app,
`access.accounts.cli_actor()` on the command line.

Where each action is audited (once, under its `store.audit` constant):

- adding a user (USER_ADDED), resetting a password (PASSWORD_RESET), linking a facilitator
  to groups or deactivating a user (USER_CHANGED), the first administrator
  (FIRST_ADMINISTRATOR) and signing in (SIGN_IN, SIGN_IN_FAILED): in access.accounts,
  which holds the rules;
- signing out (SIGN_OUT): in access.browser;
- a withdrawal (WITHDRAWAL): in the same transaction as the deletion (store.withdrawal);
- a backup (BACKUP) and a restore (RESTORE): here. A backup is audited when a copy leaves
  the house: written to a file (`backup_to`) or downloaded (`backup_downloaded`), not when
  the app prepares the bytes; a restore in the restored database, whose trail it joins.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from access.accounts import SignInError, StaffUser
from access.passwords import PasswordError
from services.labels import worded
from services.selection import engine_for
from store import audit
from store.backup import BackupError
from store.db import StoreError

__all__ = ["BackupError", "PasswordError", "SignInError", "StaffUser", "StoreError"]

#: The name of a backup downloaded from Settings.
BACKUP_NAME = "mutuality-backup.sqlite"


# Settings -----------------------------------------------------------------------------------


def roster(url: str | None) -> dict[str, pd.DataFrame]:
    """Programs, groups and member codes as stored."""
    from store.roster import list_groups, list_members, list_programs

    engine = engine_for(url)
    return {
        "programs": list_programs(engine),
        "groups": list_groups(engine),
        "members": list_members(engine),
    }


# Staff users ------------------------------------------------------------------------------


def staff(url: str | None) -> pd.DataFrame:
    """Staff users: username, role, active, locked_until, groups (linked group names)."""
    from store.accounts import list_staff

    return list_staff(engine_for(url))


def add_user(
    url: str | None,
    username: str,
    password: str,
    role: str,
    *,
    by: str | None,
    group_ids: list[int] | None = None,
    group_names: list[str] | None = None,
) -> StaffUser:
    """Add a staff user with a role (audited USER_ADDED); ValueError says what to change.

    A facilitator is linked to groups by id (`group_ids`, Settings) or by name
    (`group_names`, ``Group`` or ``Program/Group``, the command line).
    """
    from access.accounts import add_user as add
    from store.accounts import group_ids_by_name

    engine = engine_for(url)
    ids = list(group_ids or [])
    if group_names:
        ids += group_ids_by_name(engine, list(group_names))
    return add(engine, username, password, role, by=by, group_ids=ids or None)


def reset_password(url: str | None, username: str, password: str, *, by: str | None) -> str:
    """Set a new password and lift any lockout (audited PASSWORD_RESET); the username."""
    from access.accounts import reset_password as reset

    reset(engine_for(url), username, password, by=by)
    return str(username).strip().lower()


def link_facilitator(
    url: str | None, username: str, group_ids: list[int], *, by: str | None
) -> None:
    """Make `group_ids` the groups a facilitator sees (audited USER_CHANGED)."""
    from access.accounts import link_facilitator as link

    link(engine_for(url), username, group_ids, by=by)


def deactivate_user(url: str | None, username: str, *, by: str | None) -> None:
    """Stop a staff user from signing in (audited USER_CHANGED); their history stays.

    Refused (ValueError) for the administrator doing it and for the last active one.
    """
    from access.accounts import deactivate_user as deactivate

    deactivate(engine_for(url), username, by=by)


# Signing in -----------------------------------------------------------------------------------


def needs_first_administrator(url: str | None) -> bool:
    """True on a fresh installation: no staff user exists, so the app asks for one."""
    from access.accounts import needs_first_administrator as needed

    return needed(engine_for(url))


def create_first_administrator(url: str | None, username: str, password: str) -> StaffUser:
    """Create the first administrator (audited); refused once any staff user exists.

    Raises PasswordError or StoreError, whose messages can be shown.
    """
    from access.accounts import create_first_administrator as create

    return create(engine_for(url), username, password)


def sign_in(url: str | None, username: str, password: str) -> StaffUser:
    """Check a username and password (audited); the user, or SignInError saying why not."""
    from access.accounts import sign_in as check

    return check(engine_for(url), username, password)


def signed_in_user(
    state: MutableMapping[str, Any],
    session_key: str,
    notice_key: str,
    url: str | None = None,
    cookie_token: str | None = None,
) -> StaffUser | None:
    """The user signed in at this browser's `state`, or None (access.browser).

    An idle session, or one whose account was deactivated, ends here (audited SIGN_OUT) and
    leaves a notice for the sign-in page under `notice_key`. With nobody signed in, the
    sign-in kept by the browser's `cookie_token` resumes (access.kept_sign_in).
    """
    from access import browser

    return browser.current_user(
        state, session_key, notice_key, engine=engine_for(url), cookie_token=cookie_token
    )


def keep_signed_in(
    state: MutableMapping[str, Any], session_key: str, user: StaffUser, url: str | None = None
) -> str:
    """Sign `user` in at this browser, kept across reloads; the handoff for the cookie."""
    from access import browser

    return browser.remember_sign_in(state, session_key, user, engine=engine_for(url))


def exchange_handoff(handoff: str, url: str | None = None) -> str | None:
    """The cookie token for a fresh, unused sign-in handoff (serve.py); None otherwise."""
    from access import kept_sign_in
    from access.policy import utc_now

    return kept_sign_in.exchange(engine_for(url), handoff, utc_now())


def sign_out(state: MutableMapping[str, Any], session_key: str, url: str | None = None) -> None:
    """End the staff session kept in `state` (audited SIGN_OUT)."""
    from access import browser

    browser.sign_out(state, session_key, engine_for(url))


# Withdrawal -------------------------------------------------------------------------------------


def withdraw_member(url: str | None, code: str, *, by: str | None):
    """Delete every record of a member (audited WITHDRAWAL, without the code).

    Returns the `store.withdrawal.Withdrawal` counts; StoreError when there is no such member.
    """
    from store.withdrawal import withdraw_member as withdraw

    return withdraw(engine_for(url), code, who=by)


# Backup and restore -------------------------------------------------------------------------


def backup_to(out: str | Path, url: str | None, *, by: str | None) -> str:
    """Back the database up to the new file `out` (audited BACKUP); a one-line summary.

    Raises BackupError (the file exists, the folder does not, no pg_dump for PostgreSQL).
    """
    from store.backup import backup

    summary = backup(out, url)
    audit.record(engine_for(url), by, audit.BACKUP, {"file": Path(out).name})
    return summary


def backup_bytes(url: str | None) -> bytes:
    """A backup of the database as the bytes of the backup file (not audited: see below).

    The app prepares these before the user downloads them; `backup_downloaded` records the
    download, which is when a copy leaves the house.
    """
    from store.backup import backup

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / BACKUP_NAME
        backup(out, url)
        return out.read_bytes()


def backup_downloaded(url: str | None, *, by: str | None, file_name: str = BACKUP_NAME) -> None:
    """Audit (BACKUP) that a backup prepared by `backup_bytes` was downloaded in the app."""
    audit.record(engine_for(url), by, audit.BACKUP, {"file": file_name, "page": "app"})


def restore_from(backup_file: str | Path, url: str | None, *, by: str | None) -> str:
    """Replace the database with a backup file (the current one is kept beside it first).

    Audited (RESTORE) in the restored database, whose trail is the backup's. Returns a
    summary; raises BackupError for a file that is not a Mutuality backup, and for
    PostgreSQL (with the pg_restore command to run).
    """
    from store.backup import restore

    summary = restore(backup_file, url)
    audit.record(engine_for(url), by, audit.RESTORE, {"file": Path(backup_file).name})
    return summary


def restore_bytes(data: bytes, url: str | None, *, by: str | None, file_name: str) -> str:
    """Replace the database with an uploaded backup, as `restore_from` (audited RESTORE)."""
    from store.backup import restore

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded-backup.sqlite"
        path.write_bytes(data)
        summary = restore(path, url)
    audit.record(engine_for(url), by, audit.RESTORE, {"file": Path(file_name).name})
    return summary


# The audit trail of what staff see and take away --------------------------------------------


def record_page_view(url: str | None, who: str, page: str) -> None:
    """Audit (VIEW) that a staff member opened a page showing stored data."""
    audit.record(engine_for(url), who, audit.VIEW, {"page": page})


def record_download(
    url: str | None, who: str | None, file_name: str, rows: int | None = None
) -> None:
    """Audit (EXPORT) a table or chart data a staff member downloaded from a page."""
    detail: dict[str, object] = {"file": file_name, "page": "app"}
    if rows is not None:
        detail["rows"] = rows
    audit.record(engine_for(url), who, audit.EXPORT, detail)


# Audit log ----------------------------------------------------------------------------------

#: Every action the audit trail records (named constants of store.audit), for the filter.
AUDIT_ACTIONS = audit.ACTIONS


@dataclass(frozen=True)
class AuditLog:
    """The audit log as an administrator reads it: a table, its csv, and its entry count.

    `table` is for reading (`audit_page_table`: local times to the second, details as
    "key: value"); `csv` keeps ISO 8601 UTC times and JSON details for other programs.
    """

    table: pd.DataFrame
    csv: bytes
    entries: int


def detail_words(detail: object) -> str:
    """An audit event's detail as a person reads it: ``key: value; key: value``.

    Lists are joined with commas (an empty one is "none"), nested mappings put in brackets;
    no detail is "".

    >>> detail_words({"page": "Reliability", "groups": ["PR-A", "PR-B"], "rows": 3})
    'groups: PR-A, PR-B; page: Reliability; rows: 3'
    """
    if detail is None or (isinstance(detail, float) and math.isnan(detail)):
        return ""
    if isinstance(detail, Mapping):
        return "; ".join(f"{key}: {_detail_value(detail[key])}" for key in sorted(detail, key=str))
    return _detail_value(detail)


def _detail_value(value: object) -> str:
    if isinstance(value, Mapping):
        return "(" + detail_words(value) + ")"
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(v) for v in value) if value else "none"
    return "" if value is None else str(value)


def local_times(times: pd.Series, timezone: str | None = None) -> pd.Series:
    """UTC times as local wall-clock text to the second: ``2026-12-02 16:42:07``.

    `timezone` is an IANA name (the browser's, ``st.context.timezone``); None or an unknown
    name uses this computer's local time.
    """
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None

    def local(at: object) -> str:
        if at is None or pd.isna(at):
            return ""
        moment = pd.Timestamp(at)
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
        when = moment.to_pydatetime().astimezone(zone)
        return when.strftime("%Y-%m-%d %H:%M:%S")

    return times.map(local)


def audit_page_table(events: pd.DataFrame, timezone: str | None = None) -> pd.DataFrame:
    """Audit events (`store.audit.load_audit`) as the Audit log page shows them.

    Columns in words (`services.labels`), the time local (`local_times`) and the detail as
    ``key: value`` pairs (`detail_words`); text a spreadsheet would run as a formula is
    neutralised, as in the download.
    """
    from privacy.safety import neutralise_formulas

    table = events.copy()
    table["at"] = local_times(table["at"], timezone)
    table["detail"] = table["detail"].map(detail_words)
    table["who"] = table["who"].fillna("")  # the app itself (loading the demo, say)
    return worded(neutralise_formulas(table))


def audit_log(
    url: str | None,
    actions: list[str] | None = None,
    limit: int = 5000,
    timezone: str | None = None,
) -> AuditLog:
    """The newest `limit` audit events, of `actions` only when given (every action if None).

    `timezone` (the browser's IANA name) is the one the page's times are shown in.
    """
    from privacy.exports import audit_csv

    events = audit.load_audit(engine_for(url), actions=actions or None, limit=limit)
    return AuditLog(audit_page_table(events, timezone), audit_csv(events), len(events))


def audit_log_downloaded(url: str | None, *, by: str | None, entries: int) -> None:
    """Audit (AUDIT_EXPORT) a download of the audit log itself."""
    audit.record(engine_for(url), by, audit.AUDIT_EXPORT, {"entries": entries})
