"""Staff sign-ins kept across reloads: rows of hashed tokens (access.kept_sign_in decides).

A row starts with the hash of a one-time handoff (given to the signed-in page), is exchanged
once for the hash of the cookie token, is touched as the staff member works, and is deleted
at sign-out or when found idle. Only SHA-256 hashes are stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.db import as_utc, write_transaction
from store.schema import staff_sessions


@dataclass(frozen=True)
class KeptSignIn:
    """One kept sign-in: its row, who, since when and when last active."""

    id: int
    username: str
    signed_in_at: dt.datetime
    last_active: dt.datetime


def _kept(row) -> KeptSignIn:
    return KeptSignIn(
        id=row.id,
        username=row.username,
        signed_in_at=as_utc(row.signed_in_at),
        last_active=as_utc(row.last_active),
    )


def start(engine: Engine, username: str, handoff_hash: str, now: dt.datetime) -> int:
    """A new kept sign-in awaiting its cookie; returns its row id."""
    return write_transaction(
        engine,
        lambda connection: connection.execute(
            staff_sessions.insert().values(
                username=username, handoff_hash=handoff_hash, signed_in_at=now, last_active=now
            )
        ).inserted_primary_key[0],
    )


def exchange(engine: Engine, handoff_hash: str, token_hash: str, issued_after: dt.datetime) -> bool:
    """Swap an unused handoff issued after `issued_after` for a cookie token; True if done.

    One atomic update: a handoff works once, and only while fresh.
    """
    return write_transaction(
        engine,
        lambda connection: (
            connection.execute(
                staff_sessions.update()
                .where(
                    staff_sessions.c.handoff_hash == handoff_hash,
                    staff_sessions.c.token_hash.is_(None),
                    staff_sessions.c.signed_in_at > issued_after,
                )
                .values(token_hash=token_hash, handoff_hash=None)
            ).rowcount
            == 1
        ),
    )


def find(engine: Engine, token_hash: str) -> KeptSignIn | None:
    """The kept sign-in whose cookie token has this hash (None when unknown)."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(staff_sessions).where(staff_sessions.c.token_hash == token_hash)
        ).first()
    return _kept(row) if row else None


def touch(engine: Engine, kept_id: int, now: dt.datetime) -> None:
    """Move a kept sign-in's last activity to `now`."""
    write_transaction(
        engine,
        lambda connection: connection.execute(
            staff_sessions.update().where(staff_sessions.c.id == kept_id).values(last_active=now)
        ),
    )


def end(engine: Engine, kept_id: int) -> None:
    """Forget a kept sign-in (sign-out, idle, or a deactivated account)."""
    write_transaction(
        engine,
        lambda connection: connection.execute(
            staff_sessions.delete().where(staff_sessions.c.id == kept_id)
        ),
    )


def end_all_for(engine: Engine, username: str) -> int:
    """Forget every kept sign-in of `username` (e.g. when the account is deactivated)."""
    return write_transaction(
        engine,
        lambda connection: (
            connection.execute(
                staff_sessions.delete().where(staff_sessions.c.username == username)
            ).rowcount
        ),
    )
