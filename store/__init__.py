"""Storage: the SQLAlchemy schema, Alembic migrations and the repository functions.

Every other layer reaches the database through this package; only store/ contains SQL.

>>> from store import connect, save_administration, load_responses
>>> engine = connect()            # $DATABASE_URL, else data/mutuality.sqlite (created on demand)
"""

from store.administration import (
    Administration,
    AdministrationError,
    ImportRefusedError,
    administrations_from_table,
)
from store.db import connect, database_url, engine
from store.repository import (
    BatchResult,
    SaveResult,
    StoreError,
    load_responses,
    save_administration,
    save_administrations,
    session_means,
    stored_answers,
)

__all__ = [
    "Administration",
    "AdministrationError",
    "BatchResult",
    "ImportRefusedError",
    "SaveResult",
    "StoreError",
    "administrations_from_table",
    "connect",
    "database_url",
    "engine",
    "load_responses",
    "save_administration",
    "save_administrations",
    "session_means",
    "stored_answers",
]
