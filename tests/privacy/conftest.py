from tests.access.databases import database_url, engine, postgres  # noqa: F401 - fixtures
