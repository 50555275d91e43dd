"""Which database, and an engine for it (not yet migrated: `store.db.connect` does that).

The default is one SQLite file, ``data/mutuality.sqlite`` under the project (or under
``$MUTUALITY_DATA_DIR``), created and migrated on first use. ``$DATABASE_URL`` (a SQLAlchemy
URL such as ``postgresql+psycopg://user@host/db``) selects PostgreSQL instead.

SQLite connections get WAL journaling, foreign keys, a busy timeout and ``synchronous=FULL``
(a committed administration survives a power cut). Transactions that write start with
``BEGIN IMMEDIATE`` so concurrent writers queue for the write lock instead of failing halfway.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from contract import data_dir

#: Milliseconds a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Execution option that marks a connection's transactions as writes (see `writing`).
WRITE_OPTION = "mutuality_write"
DATABASE_FILENAME = "mutuality.sqlite"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(explicit: str | None = None) -> str:
    """The database to use: `explicit`, else ``$DATABASE_URL``, else the local SQLite file.

    The SQLite file's folder is created when missing.
    """
    if explicit:
        return explicit
    from_environment = os.environ.get("DATABASE_URL")
    if from_environment:
        return from_environment
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DATABASE_FILENAME}"


def is_sqlite(url: str | URL | Engine) -> bool:
    """True when the URL or engine points at SQLite."""
    if isinstance(url, Engine):
        return url.dialect.name == "sqlite"
    return make_url(str(url) if isinstance(url, str) else url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _check_url(url: str) -> URL:
    if url.startswith(("postgres://", "postgresql://")):
        # The bare scheme would mean psycopg2; the installed driver is psycopg 3.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise ValueError(
            f"{url!r} is not a database URL. Use sqlite:///path/to/file.sqlite or "
            "postgresql+psycopg://user@host:5432/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"database {backend!r} is not supported; use SQLite or PostgreSQL")
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    created = sa.create_engine(url, pool_size=20, max_overflow=20, pool_timeout=120)

    @sa.event.listens_for(created, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, issue BEGIN (so savepoints and BEGIN
        # IMMEDIATE work as written).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @sa.event.listens_for(created, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return created


def engine(url: str | None = None) -> Engine:
    """A cached engine for `url` (resolved with `database_url`), not yet migrated.

    Use `store.db.connect` for an engine whose schema is known to be current.
    """
    resolved = database_url(url)
    with _lock:
        if resolved not in _engines:
            parsed = _check_url(resolved)
            if parsed.get_backend_name() == "sqlite":
                _engines[resolved] = _sqlite_engine(parsed)
            else:
                _engines[resolved] = sa.create_engine(
                    parsed, pool_size=20, max_overflow=20, pool_pre_ping=True
                )
        return _engines[resolved]


def forget(url: str | None = None) -> list[str]:
    """Close and forget the cached engine for `url` (all of them when None).

    Returns the resolved URLs that were forgotten, so `store.db.dispose` can forget that they
    were migrated too.
    """
    with _lock:
        keys = list(_engines) if url is None else [database_url(url)]
        for key in keys:
            if key in _engines:
                _engines.pop(key).dispose()
    return keys


def writing(connection: sa.Connection) -> sa.Connection:
    """The connection with its transactions marked as writes (``BEGIN IMMEDIATE`` on SQLite)."""
    return connection.execution_options(**{WRITE_OPTION: True})
