"""Backing up and restoring the database.

SQLite: `backup` copies the live database with SQLite's online backup API (safe while the app
is running and writing); `restore` first keeps the current database aside, then copies the
backup in and migrates it to the current schema.

PostgreSQL: `backup` runs ``pg_dump --format=custom`` when pg_dump is installed, and otherwise
raises BackupError with the command to run. `restore` never overwrites a PostgreSQL database
itself: it raises BackupError with the ``pg_restore`` command to run by hand (see
docs/storage.md), because that replaces an institution's live data.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import make_url

from store.db import connect, dispose
from store.engines import database_url, is_sqlite, sqlite_path
from store.migrate import upgrade


class BackupError(ValueError):
    """A backup or restore that cannot be done as asked; the message says what to do."""


def _libpq_url(url: str) -> tuple[str, str | None]:
    """The URL as pg_dump understands it, and the schema named by its search_path (if any)."""
    parsed = make_url(url)
    options = parsed.query.get("options")
    schema = None
    if isinstance(options, str) and "search_path=" in unquote(options):
        schema = unquote(options).split("search_path=", 1)[1].split()[0].split(",")[0]
    plain = parsed.set(drivername="postgresql")
    return plain.render_as_string(hide_password=False), schema


def pg_dump_command(out: str | Path, url: str) -> list[str]:
    """The pg_dump call that backs up the PostgreSQL database at `url` into `out`."""
    libpq, schema = _libpq_url(url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={out}"]
    if schema:
        command.append(f"--schema={schema}")
    return [*command, f"--dbname={libpq}"]


def pg_restore_command(backup_file: str | Path, url: str) -> list[str]:
    """The pg_restore call that restores `backup_file` into the database at `url`."""
    libpq, _schema = _libpq_url(url)
    return [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={libpq}",
        str(backup_file),
    ]


def _sqlite_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise BackupError("an in-memory database cannot be backed up or restored")
    return path


def _copy_sqlite(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy `source` into `target` with SQLite's online backup API, then close both."""
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def backup(out: str | Path, url: str | None = None) -> str:
    """Back up the database at `url` (default: as `store.engines.database_url`) to the file `out`.

    Returns a one-line summary. Refuses to overwrite an existing file.
    """
    resolved = database_url(url)
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name for the backup")
    if not out.parent.exists():
        raise BackupError(f"{out.parent} does not exist; create the folder or choose another")
    if not is_sqlite(resolved):
        command = pg_dump_command(out, resolved)
        if shutil.which("pg_dump") is None:
            raise BackupError(
                "pg_dump is not installed here. Back up the PostgreSQL database with:\n  "
                + " ".join(command)
            )
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return f"PostgreSQL database backed up with pg_dump -> {out}"
    connect(resolved)  # creates and migrates a missing database, so the backup is usable
    _copy_sqlite(sqlite3.connect(_sqlite_file(resolved)), sqlite3.connect(out))
    return f"SQLite database backed up -> {out}"


def _check_backup_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Mutuality SQLite backup ({error})") from None
    if "alembic_version" not in tables or "administrations" not in tables:
        raise BackupError(f"{path} is a SQLite file but not a Mutuality backup")
    if verdict != "ok":
        raise BackupError(f"{path} is damaged (SQLite quick_check: {verdict})")


def restore(backup_file: str | Path, url: str | None = None) -> str:
    """Replace the SQLite database at `url` with `backup_file`; returns a summary.

    The current database is first backed up next to it (``<name>.before-restore-<time>``), so
    nothing is lost if the wrong file was chosen. After the copy the database is migrated to
    the current schema. PostgreSQL: raises BackupError with the pg_restore command to run.
    """
    resolved = database_url(url)
    backup_file = Path(backup_file)
    if not is_sqlite(resolved):
        raise BackupError(
            "restoring replaces the PostgreSQL database's data, so Mutuality leaves it to you. "
            "Stop the app, then run:\n  " + " ".join(pg_restore_command(backup_file, resolved))
        )
    _check_backup_file(backup_file)
    target_path = _sqlite_file(resolved)
    kept = None
    if target_path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = target_path.with_name(f"{target_path.stem}.before-restore-{stamp}.sqlite")
        backup(kept, resolved)
    dispose(resolved)
    _copy_sqlite(
        sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True),
        sqlite3.connect(target_path, timeout=30),
    )
    upgrade(resolved)
    where = f"; the previous database is kept as {kept}" if kept else ""
    return f"restored {backup_file} -> {target_path}{where}"


__all__ = ["BackupError", "backup", "pg_dump_command", "pg_restore_command", "restore"]
