"""The facts Mutuality's contracts fix, each written once: every layer reads them here.

- The spreadsheet format (docs/cli.md, ARCHITECTURE.md "Spreadsheet input"): the columns of
  the long format, in order, and the identifying columns of a wide file.
- Where files live on this machine: the local data folder is ``$MUTUALITY_DATA_DIR`` when
  set, else ``data/`` in the project. It holds the SQLite database (store/) and users' own
  instrument definitions (``<data folder>/instruments``, on measures/' search path).

This package imports nothing of Mutuality, so the lowest layers (store/, measures/) may use it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The long format's required columns: one row per item answer.
LONG_REQUIRED = ("member", "timepoint", "item", "value")
#: The long format's optional columns, in order.
LONG_OPTIONAL = ("instrument", "group", "program", "session", "date", "mode")
#: Every column of the long format, in the order exports write them.
LONG_COLUMNS = LONG_REQUIRED + LONG_OPTIONAL
#: What identifies an administration in a wide file (one row per administration), in order;
#: the item columns follow.
WIDE_ID_COLUMNS = ("member", "timepoint", "group", "program", "session", "date", "mode")

#: The environment variable that moves the local data folder.
DATA_DIR_VARIABLE = "MUTUALITY_DATA_DIR"


def data_dir() -> Path:
    """Folder of the local database and files: ``$MUTUALITY_DATA_DIR`` or ``data/``."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "data"


def user_instruments_dir() -> Path:
    """Folder of users' own instrument definitions (``<data folder>/instruments``)."""
    return data_dir() / "instruments"
