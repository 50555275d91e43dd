"""The demo loader stores into throwaway SQLite and PostgreSQL databases, as in tests/store."""

from tests.store.databases import database_url, engine, new_database  # noqa: F401
