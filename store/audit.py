"""The audit trail: who did what, when. Append-only.

There is deliberately no function here that changes or deletes an event, and the database
refuses to (triggers on ``audit_events`` from migration 0001 abort any UPDATE or DELETE, on
SQLite and PostgreSQL alike). An event's `detail` must never hold answers or member codes
that a withdrawal would have to erase: name groups and counts instead.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.accounts import as_utc
from store.repository import write_transaction
from store.schema import audit_events

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

#: Actions that read or only touch accounts' sessions: they change no answers, rosters or
#: permissions, so cached results stay valid across them (`last_data_event`).
READ_ONLY_ACTIONS = (
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
    EXPORT,
    BUNDLE_EXPORT,
    BUNDLE_REFUSED,
    AUDIT_EXPORT,
)

#: Columns of `load_audit`.
AUDIT_COLUMNS = ["id", "at", "who", "action", "detail"]


def record_in(connection: Connection, who: str | None, action: str, detail: dict | None) -> None:
    """Append an event inside the caller's transaction (it commits or rolls back with it)."""
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
    who: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Audit events, newest first, with columns `AUDIT_COLUMNS` (`at` in UTC)."""
    query = sa.select(
        audit_events.c.id,
        audit_events.c.at,
        audit_events.c.who,
        audit_events.c.action,
        audit_events.c.detail,
    ).order_by(audit_events.c.id.desc())
    if action is not None:
        query = query.where(audit_events.c.action == action)
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
    fingerprints the stored data for caches (``ui.queries.data_version``).
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
