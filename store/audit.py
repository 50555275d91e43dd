"""The audit trail: who did what, when. Append-only.

There is deliberately no function here that changes or deletes an event, and the database
refuses to (triggers on ``audit_events`` from migration 0001 abort any UPDATE or DELETE, on
SQLite and PostgreSQL alike). An event's `detail` must never hold answers or member codes
that a withdrawal would have to erase: name groups and counts instead.

Text that comes from outside Mutuality cannot be trusted to follow that rule: a user may name
a file after a member ("R01-answers.csv"), and file names reach the trail under the detail keys
in `OUTSIDE_TEXT_KEYS` and in `who` (an import's "upload R01-answers.csv"). `record_in`, which
every audit write goes through, replaces each member code known to the database in those
texts, as a whole token and whatever its case, with `MEMBER_PLACEHOLDER`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.db import as_utc, write_transaction
from store.schema import audit_events, members

# The audited actions (the `action` column).
SIGN_IN = "sign in"
SIGN_IN_FAILED = "sign in failed"
SIGN_OUT = "sign out"
FIRST_ADMINISTRATOR = "create first administrator"
USER_ADDED = "add user"
PASSWORD_RESET = "reset password"
USER_CHANGED = "change user"
IMPORT = "import"
EXPORT = "export"
BUNDLE_EXPORT = "bundle export"
BUNDLE_IMPORT = "bundle import"
BUNDLE_REFUSED = "bundle import refused"
WITHDRAWAL = "withdraw member"
SETTINGS_CHANGED = "change settings"
AUDIT_EXPORT = "export audit log"
#: A copy of the whole database (every code, answer and account) was written or downloaded.
BACKUP = "backup"
#: The database was replaced by a backup (recorded in the restored database).
RESTORE = "restore backup"
#: A staff member opened a page that shows stored data (once per page per sign-in).
VIEW = "view page"
#: A file of administrations was stored (`store.administrations.save_administrations`).
SAVE_ADMINISTRATIONS = "save administrations"
#: A stored administration's answers were replaced by different ones (ids and counts only).
REPLACE_ADMINISTRATION = "replace administration"
#: A whole program was loaded at once (`store.bulk_load.load_program`, the demo loader).
LOAD_PROGRAM = "load program"
#: A facilitator recorded a step of a disconnection's repair (group and session, no note).
REPAIR_STEP = "record repair step"
#: Repair notes were read (the group and how many notes, never their words).
REPAIR_NOTES_READ = "read repair notes"
#: A program's repair settings (its list of repair actions, its window) were changed.
REPAIR_SETTINGS_CHANGED = "change repair settings"

#: A program's about-me questions were chosen (the question ids, no member's answer).
ABOUT_ME_SETTINGS_CHANGED = "change about-me questions"
#: A member gave or changed their about-me answers (how many questions, never the answers).
SELF_DESCRIPTION_GIVEN = "give about-me answers"
#: A member's about-me answers were all removed (how many rows, never the answers).
SELF_DESCRIPTION_REMOVED = "remove about-me answers"
#: Outcomes by a self-description were viewed (the grouping and the selection, no cell).
CONTEXT_VIEWED = "view outcomes by grouping"

#: Every audited action, in the order the Audit log page offers them.
ACTIONS = (
    VIEW,
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
    USER_ADDED,
    PASSWORD_RESET,
    USER_CHANGED,
    IMPORT,
    EXPORT,
    BUNDLE_EXPORT,
    BUNDLE_IMPORT,
    BUNDLE_REFUSED,
    WITHDRAWAL,
    SETTINGS_CHANGED,
    BACKUP,
    RESTORE,
    AUDIT_EXPORT,
    FIRST_ADMINISTRATOR,
    SAVE_ADMINISTRATIONS,
    REPLACE_ADMINISTRATION,
    LOAD_PROGRAM,
    REPAIR_STEP,
    REPAIR_NOTES_READ,
    REPAIR_SETTINGS_CHANGED,
    ABOUT_ME_SETTINGS_CHANGED,
    SELF_DESCRIPTION_GIVEN,
    SELF_DESCRIPTION_REMOVED,
    CONTEXT_VIEWED,
)

#: Actions that read or only touch accounts' sessions: they change no answers, rosters or
#: permissions, so cached results stay valid across them (`last_data_event`).
READ_ONLY_ACTIONS = (
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
    EXPORT,
    REPAIR_NOTES_READ,
    BUNDLE_EXPORT,
    BUNDLE_REFUSED,
    AUDIT_EXPORT,
    BACKUP,
    VIEW,
    CONTEXT_VIEWED,
)

#: Columns of `load_audit`.
AUDIT_COLUMNS = ["id", "at", "who", "action", "detail"]


#: Detail keys whose text comes from outside Mutuality: a file's name ("file", "source"), or
#: a message that may quote one ("reason"). Member codes in them are replaced.
OUTSIDE_TEXT_KEYS = frozenset({"file", "source", "reason"})

#: What a member code in an audited file name becomes.
MEMBER_PLACEHOLDER = "[member]"


def _codes_in(connection: Connection, texts: list[str]) -> list[str]:
    """The member codes that occur anywhere in `texts`, as written or both lower-cased.

    The database does the search (20,000 codes: milliseconds); `without_member_codes` then
    keeps only whole tokens. SQLite lower-cases ASCII letters only, so a code whose non-ASCII
    letters differ in case from the file name's is not found there.
    """
    haystack = sa.literal("\n".join(texts), sa.Text)
    position = sa.func.strpos if connection.dialect.name == "postgresql" else sa.func.instr
    query = sa.select(members.c.code).where(
        sa.or_(
            position(haystack, members.c.code) > 0,
            position(sa.func.lower(haystack), sa.func.lower(members.c.code)) > 0,
        )
    )
    return sorted(connection.execute(query).scalars())


def without_member_codes(text: str, codes: list[str]) -> str:
    """`text` with each of `codes` that stands as a whole token replaced by the placeholder.

    A whole token: not touching a letter or digit on either side, so code "R01" goes from
    "R01-answers.csv" and "r01_answers.csv" but stays in "R012.csv". Longer codes are tried
    first ("R01-2" before "R01").
    """
    if not codes:
        return text
    longest_first = sorted(codes, key=lambda code: (-len(code), code))
    alternatives = "|".join(re.escape(code) for code in longest_first)
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    return pattern.sub(MEMBER_PLACEHOLDER, text)


def _scrubbed(
    connection: Connection, who: str | None, detail: dict | None
) -> tuple[str | None, dict | None]:
    """`who` and `detail` with known member codes taken out of their outside texts."""
    outside = {
        key: value
        for key, value in (detail or {}).items()
        if key in OUTSIDE_TEXT_KEYS and isinstance(value, str)
    }
    texts = [*outside.values(), *([who] if isinstance(who, str) else [])]
    if not any(text.strip() for text in texts):
        return who, detail
    codes = _codes_in(connection, texts)
    if not codes:
        return who, detail
    if isinstance(who, str):
        who = without_member_codes(who, codes)[:100]  # the column's width
    if outside:
        replaced = {key: without_member_codes(value, codes) for key, value in outside.items()}
        detail = {**(detail or {}), **replaced}
    return who, detail


def record_in(connection: Connection, who: str | None, action: str, detail: dict | None) -> None:
    """Append an event inside the caller's transaction (it commits or rolls back with it).

    Member codes known to the database (in this same transaction, so members it has just
    created count) are replaced by `MEMBER_PLACEHOLDER` in `who` and in the detail values
    under `OUTSIDE_TEXT_KEYS` (file names, and messages that quote them).
    """
    who, detail = _scrubbed(connection, who, detail)
    connection.execute(
        audit_events.insert().values(
            at=dt.datetime.now(dt.UTC), who=who, action=action, detail=detail
        )
    )


def record(engine: Engine, who: str | None, action: str, detail: dict | None = None) -> None:
    """Append one audit event (`who`: a staff username, or ``cli:<os user>``)."""
    write_transaction(engine, lambda connection: record_in(connection, who, action, detail))


def load_audit(
    engine: Engine,
    *,
    action: str | None = None,
    actions: Iterable[str] | None = None,
    who: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Audit events, newest first, with columns `AUDIT_COLUMNS` (`at` in UTC).

    `action` keeps one action; `actions` keeps any of several (an empty collection keeps
    none); both are values of `ACTIONS`.
    """
    query = sa.select(
        audit_events.c.id,
        audit_events.c.at,
        audit_events.c.who,
        audit_events.c.action,
        audit_events.c.detail,
    ).order_by(audit_events.c.id.desc())
    if action is not None:
        query = query.where(audit_events.c.action == action)
    if actions is not None:
        query = query.where(audit_events.c.action.in_(sorted(set(actions))))
    if who is not None:
        query = query.where(audit_events.c.who == who)
    if since is not None:
        query = query.where(audit_events.c.at >= since)
    if until is not None:
        query = query.where(audit_events.c.at <= until)
    if limit is not None:
        query = query.limit(int(limit))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        [(r.id, as_utc(r.at), r.who, r.action, r.detail) for r in rows], columns=AUDIT_COLUMNS
    )


def last_data_event(engine: Engine) -> dt.datetime | None:
    """When the newest event that may have changed stored data happened (None: never).

    Events in `READ_ONLY_ACTIONS` are skipped; with the row counts of the data tables this
    fingerprints the stored data for caches (``services.selection.data_version``).
    """
    query = (
        sa.select(audit_events.c.at)
        .where(audit_events.c.action.not_in(READ_ONLY_ACTIONS))
        .order_by(audit_events.c.id.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        at = connection.execute(query).scalar()
    return None if at is None else as_utc(at)
