"""Where Mutuality keeps its files on this machine: the one rule every layer shares.

The local data folder is ``$MUTUALITY_DATA_DIR`` when set, else ``data/`` in the project. It
holds the SQLite database (store/) and users' own instrument definitions
(``<data folder>/instruments``, found by id by measures/ from the app and the command line
alike). This package imports nothing of Mutuality, so the lowest layers may use it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable that moves the local data folder.
DATA_DIR_VARIABLE = "MUTUALITY_DATA_DIR"


def data_dir() -> Path:
    """Folder of the local database and files: ``$MUTUALITY_DATA_DIR`` or ``data/``."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "data"


def user_instruments_dir() -> Path:
    """Folder of users' own instrument definitions (``<data folder>/instruments``)."""
    return data_dir() / "instruments"
