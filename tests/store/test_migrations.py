"""Migrations up and down, and the SQLite file a first run creates."""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from store import db, engines, migrate
from store.schema import metadata

CORE_TABLES = {
    "programs",
    "groups",
    "members",
    "sessions",
    "attendance",
    "administrations",
    "item_responses",
    "staff_users",
    "audit_events",
}


def test_empty_database_migrates_up_to_head_and_back_down(database_url):
    engine = engines.engine(database_url)
    assert migrate.current_revision(database_url) is None
    migrate.upgrade(database_url)
    assert migrate.current_revision(database_url) == migrate.head_revision()
    assert set(sa.inspect(engine).get_table_names()) >= CORE_TABLES
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes; PostgreSQL compares them too.
        warnings.simplefilter("ignore")
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == [], "store/schema.py and the migrations disagree"

    migrate.downgrade(database_url)
    assert migrate.current_revision(database_url) is None
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(database_url)  # and up again, from nothing
    assert set(sa.inspect(engine).get_table_names()) >= CORE_TABLES


def test_first_run_creates_the_sqlite_file_with_wal_and_foreign_keys(tmp_path, monkeypatch):
    folder = tmp_path / "not-yet" / "data"
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(folder))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = engines.database_url()
    assert url == f"sqlite:///{folder / 'mutuality.sqlite'}"
    try:
        engine = db.connect()
        assert (folder / "mutuality.sqlite").is_file()
        assert migrate.current_revision(url) == migrate.head_revision()
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == engines.SQLITE_BUSY_TIMEOUT_MS
    finally:
        db.dispose(url)


def test_database_url_prefers_explicit_then_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://someone@db.example/mutuality")
    assert engines.database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
    assert engines.database_url() == "postgresql+psycopg://someone@db.example/mutuality"


def test_plain_postgresql_urls_use_psycopg_3():
    for url in ("postgresql://someone@db.example/m1", "postgres://someone@db.example/m2"):
        assert engines.engine(url).dialect.driver == "psycopg"  # nothing connects yet
        db.dispose(url)


def test_unsupported_database_is_refused_with_a_message(monkeypatch):
    import pytest

    with pytest.raises(ValueError, match="not supported; use SQLite or PostgreSQL"):
        engines.engine("mysql://root@localhost/m")
    with pytest.raises(ValueError, match="is not a database URL"):
        engines.engine("just some words")


def test_every_migration_keeps_the_sessions_triggers_and_expression_index(engine):
    """A later migration that rebuilt `sessions` (SQLite batch mode) would silently drop the
    triggers that stamp a join code's time (migration 0002) and the per-group unique index."""
    import datetime as dt

    import pytest

    from store.db import StoreError
    from store.roster import create_group, create_program
    from store.sessions import create_session, get_session, open_with_new_code

    create_program(engine, "P")
    create_group(engine, "P", "G")
    session_id = create_session(engine, "G", 1, dt.date(2026, 1, 5), program="P")
    open_with_new_code(engine, session_id, lambda: "ABC234")
    with engine.connect() as connection:
        stamped = connection.execute(
            sa.text("SELECT opened_at FROM sessions WHERE id = :id"), {"id": session_id}
        ).scalar()
    assert stamped is not None and get_session(engine, session_id).is_open
    with pytest.raises((StoreError, sa.exc.IntegrityError)), engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO sessions (group_id, number, status, created_at) "
                "SELECT group_id, number, 'closed', created_at FROM sessions WHERE id = :id"
            ),
            {"id": session_id},
        )
