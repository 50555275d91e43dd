"""Databases for the access and privacy tests: a SQLite file, and a PostgreSQL schema.

Each PostgreSQL test gets its own schema (``mutuality_access_<random>``, dropped afterwards)
on the server named by ``MUTUALITY_TEST_POSTGRES_URL``, so these tests never see the store
tests' rows or each other's. An unreachable server skips on a developer's machine and fails
in CI (tests.conftest.unavailable).
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import unavailable

POSTGRES_URL = os.environ.get(
    "MUTUALITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def sqlite_url(folder) -> str:
    """URL of a SQLite file in `folder`."""
    return f"sqlite:///{folder / 'mutuality.sqlite'}"


def _schema_url(schema: str) -> str:
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class PostgresSchemas:
    """Creates throw-away schemas on the test server and drops them all at the end."""

    def __init__(self):
        self.admin = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
        self.schemas: list[str] = []

    def new_url(self) -> str:
        schema = f"mutuality_access_{uuid.uuid4().hex[:12]}"
        try:
            with self.admin.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        except sa.exc.OperationalError as error:
            unavailable(f"PostgreSQL at {POSTGRES_URL} is unreachable: {error.orig}")
        self.schemas.append(schema)
        return _schema_url(schema)

    def drop_all(self) -> None:
        from store import db

        for schema in self.schemas:
            db.dispose(_schema_url(schema))
            with self.admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        self.admin.dispose()


@pytest.fixture
def postgres():
    """Make PostgreSQL schemas with ``postgres.new_url()``; all are dropped afterwards."""
    schemas = PostgresSchemas()
    try:
        yield schemas
    finally:
        schemas.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """URL of an empty database on each backend."""
    from store import db

    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        yield url
        db.dispose(url)
        return
    schemas = PostgresSchemas()
    try:
        yield schemas.new_url()
    finally:
        schemas.drop_all()


@pytest.fixture
def engine(database_url):
    """A migrated engine on the test database."""
    from store import connect

    return connect(database_url)
