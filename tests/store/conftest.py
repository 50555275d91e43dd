from tests.store.databases import database_url, engine, new_database  # noqa: F401
