"""The two databases every storage test runs against: a SQLite file and PostgreSQL.

PostgreSQL tests each get a fresh schema (dropped afterwards) on the server named by
``MUTUALITY_TEST_POSTGRES_URL``, so runs never see each other's rows. When the server is
unreachable the test is skipped on a developer's machine and fails in CI.
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
BACKENDS = ["sqlite", "postgresql"]


def _postgres_schema_url(base: str, schema: str) -> str:
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def new_database(request, tmp_path):
    """A function that returns the URL of a new empty database each call.

    SQLite: a new file in tmp_path. PostgreSQL: a new schema, dropped after the test.
    """
    from store import db

    made: list[str] = []
    schemas: list[str] = []
    admin = None
    if request.param == "postgresql":
        admin = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
        try:
            with admin.connect():
                pass
        except sa.exc.OperationalError as error:
            admin.dispose()
            unavailable(f"PostgreSQL at {POSTGRES_URL} is unreachable: {error.orig}")

    def make() -> str:
        if admin is None:
            url = f"sqlite:///{tmp_path / f'mutuality-{len(made)}.sqlite'}"
        else:
            schema = f"mutuality_test_{uuid.uuid4().hex[:12]}"
            with admin.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
            schemas.append(schema)
            url = _postgres_schema_url(POSTGRES_URL, schema)
        made.append(url)
        return url

    make.backend = request.param
    yield make
    for url in made:
        db.dispose(url)
    if admin is not None:
        with admin.begin() as connection:
            for schema in schemas:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def database_url(new_database):
    """URL of an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    return new_database()


@pytest.fixture
def engine(database_url):
    """A migrated engine on the test database."""
    from store import connect

    return connect(database_url)
