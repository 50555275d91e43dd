"""Storage: the SQLAlchemy schema, Alembic migrations and one module per kind of stored thing.

Every other layer reaches the database through this package; only store/ contains SQL.
docs/storage.md lists the modules (administrations, responses, roster, sessions, accounts,
audit, ...) and what each guarantees.

>>> from store import connect, save_administration, load_responses
>>> engine = connect()            # $DATABASE_URL, else data/mutuality.sqlite (created on demand)
"""

from store.administrations import (
    Administration,
    AdministrationError,
    BatchResult,
    SaveResult,
    save_administration,
    save_administrations,
)
from store.db import StoreError, connect
from store.engines import database_url, engine
from store.responses import load_responses, stored_answers

__all__ = [
    "Administration",
    "AdministrationError",
    "BatchResult",
    "SaveResult",
    "StoreError",
    "connect",
    "database_url",
    "engine",
    "load_responses",
    "save_administration",
    "save_administrations",
    "stored_answers",
]
