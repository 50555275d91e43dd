"""Schema migrations (Alembic, configured here rather than in an alembic.ini).

``upgrade(url)`` brings a database to the latest schema, creating the SQLite file when it is
missing; ``downgrade(url)`` takes it back (to an empty database by default). From a shell::

    python -m store.migrate upgrade [URL]
    python -m store.migrate downgrade [URL] [REVISION]
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from store.engines import engine, writing

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at store/migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _run(url: str | None, action, revision: str) -> None:
    # A write transaction (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so that
    # several processes starting at once migrate one after the other, not over each other.
    with writing(engine(url).connect()) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7710001)")
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config, revision)


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the database at `url` (see `store.engines.database_url`) up to `revision`."""
    _run(url, command.upgrade, revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Migrate the database at `url` down to `revision` (``base``: no tables left)."""
    _run(url, command.downgrade, revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    with engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision in store/migrations."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] not in ("upgrade", "downgrade"):
        print("usage: python -m store.migrate upgrade|downgrade [URL] [REVISION]", file=sys.stderr)
        sys.exit(2)
    url = args[1] if len(args) > 1 else None
    if args[0] == "upgrade":
        upgrade(url, *(args[2:3] or ["head"]))
    else:
        downgrade(url, *(args[2:3] or ["base"]))
    print(f"database at revision {current_revision(url)}")
