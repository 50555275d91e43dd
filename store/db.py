"""The base of store/: a migrated engine, and write transactions that survive races.

`connect` gives an engine whose schema is current (the first call for a database migrates it).
`write_transaction` runs one unit of work in a write transaction and runs it again from the
start when it loses a race to another writer (SQLite busy, PostgreSQL serialization failure,
deadlock or unique violation); on SQLite the threads of one process take turns to write.
Every write of Mutuality goes through it, so all writes share one transaction and retry policy.

The small helpers the entity modules share (`now`, `as_utc`, `chunks`, `read_frame`) live here
too, so that no module of store/ needs another one's private parts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.engines import database_url, engine, forget, writing
from store.migrate import upgrade

#: How often a transaction that lost a race to another writer is run again.
MAX_ATTEMPTS = 30
# PostgreSQL SQLSTATEs worth another attempt: serialization failure, deadlock, unique
# violation (another writer inserted the same key first).
_RETRY_SQLSTATES = {"40001", "40P01", "23505"}
#: Keys per IN (...) list, well under SQLite's and PostgreSQL's limits.
CHUNK = 500

T = TypeVar("T")

_migrated: set[str] = set()
_lock = threading.Lock()


def connect(url: str | None = None) -> Engine:
    """An engine for `url` whose schema is migrated to the latest version.

    The first call for a database creates it (a SQLite file) and runs the migrations; later
    calls in the same process reuse the engine.
    """
    resolved = database_url(url)
    with _lock:
        needs_migration = resolved not in _migrated
    if needs_migration:
        upgrade(resolved)
        with _lock:
            _migrated.add(resolved)
    return engine(resolved)


def dispose(url: str | None = None) -> None:
    """Close and forget the cached engine for `url` (all of them when None).

    The next `connect` to it checks the migrations again.
    """
    for key in forget(url):
        with _lock:
            _migrated.discard(key)


class StoreError(ValueError):
    """A request the database refuses (unknown group, a member moved between groups, ...)."""


class Rollback(Exception):  # noqa: N818 - control flow: raised by a transaction's work
    """Raised by the work of `write_transaction` as ``Rollback(result)``: roll back, return result.

    Caught by `write_transaction`, never by its callers.
    """

    def __init__(self, result):
        self.result = result


def now() -> dt.datetime:
    """The current moment in UTC, as stored in ``created_at`` and ``recorded_at`` columns."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive UTC ones)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def chunks(values: list, size: int = CHUNK):
    """`values` in consecutive slices of at most `size` (for IN lists and batched inserts)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def frame_on(connection: Connection, query) -> pd.DataFrame:
    """The rows of `query` on an open connection as a DataFrame, columns as the query names."""
    result = connection.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def read_frame(engine: Engine, query) -> pd.DataFrame:
    """The rows of `query` as a DataFrame (one short read on its own connection)."""
    with engine.connect() as connection:
        return frame_on(connection, query)


def _retryable(error: sa.exc.DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    message = str(error.orig).lower()
    if isinstance(error, sa.exc.OperationalError) and ("locked" in message or "busy" in message):
        return True
    # SQLite: a unique index hit can only come from a race when writers are serialised,
    # but retrying is harmless and bounded.
    return isinstance(error, sa.exc.IntegrityError) and "unique" in message


_sqlite_writer_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


@contextlib.contextmanager
def _writer_slot(engine: Engine):
    """On SQLite, threads of one process take turns to write.

    SQLite allows one writer at a time anyway; queueing on a Python lock hands the write lock
    straight to the next thread, where SQLite's busy handler would sleep and poll (up to
    100 ms a time). Other processes still wait through the busy timeout.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with _locks_guard:
        lock = _sqlite_writer_locks.setdefault(id(engine), threading.Lock())
    with lock:
        yield


def write_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work(connection)`` in one write transaction and return what it returns.

    The transaction is run again from the start when it loses a race to another writer
    (SQLite busy, PostgreSQL serialization failure, deadlock or unique violation), up to
    `MAX_ATTEMPTS` times; on SQLite the threads of one process take turns. `work` raises
    ``Rollback(result)`` to roll everything back and return `result`.
    """
    for attempt in range(MAX_ATTEMPTS):
        try:
            with _writer_slot(engine), writing(engine.connect()) as connection:
                transaction = connection.begin()
                try:
                    result = work(connection)
                except Rollback as rollback:
                    transaction.rollback()
                    return rollback.result
                except BaseException:
                    transaction.rollback()
                    raise
                transaction.commit()
                return result
        except sa.exc.DBAPIError as error:
            if attempt == MAX_ATTEMPTS - 1 or not _retryable(error):
                raise
            time.sleep(min(0.5, 0.005 * 2 ** min(attempt, 7)) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # pragma: no cover
