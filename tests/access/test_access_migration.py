"""Migration 0002 (staff groups, join attempts, sessions.opened_at) goes up and down cleanly."""

import sqlalchemy as sa

from store import migrate
from store.schema import metadata


def _tables(url):
    from store.engines import engine

    return set(sa.inspect(engine(url)).get_table_names())


def test_upgrade_downgrade_upgrade(database_url):
    migrate.upgrade(database_url)
    from store.engines import engine

    inspector = sa.inspect(engine(database_url))
    assert {"staff_groups", "join_attempts"} <= set(inspector.get_table_names())
    assert "opened_at" in {c["name"] for c in inspector.get_columns("sessions")}
    # The migrated tables have exactly the columns store/schema.py declares.
    for table in ("staff_groups", "join_attempts", "sessions"):
        declared = {c.name for c in metadata.tables[table].columns}
        assert {c["name"] for c in inspector.get_columns(table)} == declared

    migrate.downgrade(database_url, "0001")
    assert migrate.current_revision(database_url) == "0001"
    assert not {"staff_groups", "join_attempts"} & _tables(database_url)
    inspector = sa.inspect(engine(database_url))
    assert "opened_at" not in {c["name"] for c in inspector.get_columns("sessions")}

    migrate.upgrade(database_url)
    assert migrate.current_revision(database_url) == migrate.head_revision()


def test_audit_events_refuse_update_and_delete(engine):
    import pytest

    from store import audit

    audit.record(engine, "admin", audit.EXPORT, {"file": "x.csv"})
    for statement in ("UPDATE audit_events SET who = 'someone else'", "DELETE FROM audit_events"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            engine.begin() as connection,
        ):
            connection.execute(sa.text(statement))
    assert audit.load_audit(engine)["who"].tolist() == ["admin"]
