"""Remembered column mappings: how a staff member mapped a file's columns, kept for next time.

One row per staff member, questionnaire and set of column names; saving again replaces it.
The set is keyed by `columns_key` (a SHA-256 of the sorted, normalised names), so the same
columns in another order find the same mapping. Only column names and their targets are
kept, never a cell of the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.db import as_utc, now, write_transaction
from store.schema import column_mappings


@dataclass(frozen=True)
class RememberedMapping:
    """A remembered mapping: whose, which questionnaire, the columns, and when it was saved.

    `mapping` is {their column: our column} (our column "" keeps the column's own name).
    """

    username: str
    instrument: str
    columns: tuple[str, ...]
    mapping: dict[str, str]
    saved_at: dt.datetime


def normalised_columns(columns) -> tuple[str, ...]:
    """The column names as a set is compared: trimmed, lower-cased, sorted, each once."""
    return tuple(sorted({str(c).strip().lower() for c in columns}))


def columns_key(columns) -> str:
    """The SHA-256 (hex) of the sorted, normalised column names: the set's key."""
    return hashlib.sha256("\n".join(normalised_columns(columns)).encode("utf-8")).hexdigest()


def _remembered(row) -> RememberedMapping:
    return RememberedMapping(
        username=row.username,
        instrument=row.instrument,
        columns=tuple(row.columns),
        mapping=dict(row.mapping),
        saved_at=as_utc(row.saved_at),
    )


def remember(
    engine: Engine,
    username: str,
    instrument: str,
    columns,
    mapping: dict[str, str],
    saved_at: dt.datetime | None = None,
) -> None:
    """Keep `mapping` for `username`, `instrument` and this set of `columns` (replacing any)."""
    names = normalised_columns(columns)
    key = columns_key(names)
    values = {
        "columns": list(names),
        "mapping": {str(k): str(v or "") for k, v in mapping.items()},
        "saved_at": saved_at or now(),
    }
    where = (
        (column_mappings.c.username == username)
        & (column_mappings.c.instrument == instrument)
        & (column_mappings.c.columns_key == key)
    )

    def work(connection) -> None:
        updated = connection.execute(column_mappings.update().where(where).values(values))
        if not updated.rowcount:
            connection.execute(
                column_mappings.insert().values(
                    username=username, instrument=instrument, columns_key=key, **values
                )
            )

    write_transaction(engine, work)


def recall(
    engine: Engine, username: str, columns, instrument: str | None = None
) -> RememberedMapping | None:
    """The mapping `username` last saved for this set of `columns` (and `instrument`), or None.

    Without `instrument`, the most recently saved one for these columns, whichever
    questionnaire it was for.
    """
    query = sa.select(column_mappings).where(
        column_mappings.c.username == username,
        column_mappings.c.columns_key == columns_key(columns),
    )
    if instrument is not None:
        query = query.where(column_mappings.c.instrument == instrument)
    query = query.order_by(column_mappings.c.saved_at.desc(), column_mappings.c.id.desc())
    with engine.connect() as connection:
        row = connection.execute(query.limit(1)).first()
    return None if row is None else _remembered(row)
