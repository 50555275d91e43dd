"""Session codes typed on phones: the record that rate-limits guessing, and code lookups.

Only refused entries are recorded (a wrong, closed or expired code): when, and from which
browser (an opaque hash, never an address or the code itself). `access.join_codes` decides
the limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.db import as_utc, write_transaction
from store.schema import join_attempts, sessions


@dataclass(frozen=True)
class OpenCode:
    """The open session a join code belongs to, and when the code was issued."""

    session_id: int
    opened_at: dt.datetime | None


def find_open_code(engine: Engine, join_code: str) -> OpenCode | None:
    """The open session with this join code (None when unknown or closed)."""
    if not join_code:
        return None
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(sessions.c.id, sessions.c.opened_at).where(
                sessions.c.join_code == join_code, sessions.c.status == "open"
            )
        ).first()
    return OpenCode(session_id=row.id, opened_at=as_utc(row.opened_at)) if row else None


def record_refused_code(engine: Engine, browser: str, at: dt.datetime) -> None:
    """Remember one refused code entry (browser: an opaque hash from `access.join_codes`)."""
    write_transaction(
        engine,
        lambda connection: connection.execute(
            join_attempts.insert().values(at=at, browser=browser[:64])
        ),
    )


def refused_codes(engine: Engine, since: dt.datetime, browser: str | None = None) -> int:
    """Refused code entries at or after `since` (from one browser, or from all)."""
    query = sa.select(sa.func.count()).select_from(join_attempts).where(join_attempts.c.at >= since)
    if browser is not None:
        query = query.where(join_attempts.c.browser == browser[:64])
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def forget_refused_codes(engine: Engine, before: dt.datetime) -> int:
    """Delete entries older than `before` (they no longer count); returns how many."""
    return write_transaction(
        engine,
        lambda connection: (
            connection.execute(join_attempts.delete().where(join_attempts.c.at < before)).rowcount
        ),
    )
