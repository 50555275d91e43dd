"""Administration: the roster as stored, backups and restores."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from services.selection import engine_for

# Settings -----------------------------------------------------------------------------------


def roster(url: str) -> dict[str, pd.DataFrame]:
    """Programs, groups and member codes as stored."""
    from store.roster import list_groups, list_members, list_programs

    engine = engine_for(url)
    return {
        "programs": list_programs(engine),
        "groups": list_groups(engine),
        "members": list_members(engine),
    }


def backup_bytes(url: str) -> bytes:
    """A backup of the database (store.backup), as the bytes of the backup file."""
    from store.backup import backup

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "mutuality-backup.sqlite"
        backup(out, url)
        return out.read_bytes()


def restore_bytes(data: bytes, url: str) -> str:
    """Replace the database with an uploaded backup (the current one is kept beside it)."""
    from store.backup import restore

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded-backup.sqlite"
        path.write_bytes(data)
        return restore(path, url)
