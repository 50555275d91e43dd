"""Access control: facilitators' groups, join-code attempts, and when a session was opened.

- ``staff_groups`` links a facilitator to the groups they may see.
- ``join_attempts`` records each refused session code typed on a phone (when, and a hash of
  the browser; never the code), so guessing can be rate-limited across app processes.
- ``sessions.opened_at`` is set by a trigger whenever a session is opened or gets a new join
  code, and cleared when it closes, so a join code expires a fixed time after it was issued
  whichever code path opened the session.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# SQLite keeps timestamps as text; this is the format SQLAlchemy reads back, in UTC.
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def upgrade() -> None:
    op.add_column("sessions", sa.Column("opened_at", TZ, nullable=True))
    op.create_table(
        "staff_groups",
        sa.Column("staff_user_id", sa.Integer, nullable=False),
        sa.Column("group_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("staff_user_id", "group_id", name="pk_staff_groups"),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name="fk_staff_groups_staff_user_id_staff_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_staff_groups_group_id_groups", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "join_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("browser", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_join_attempts"),
    )
    op.create_index("ix_join_attempts_at", "join_attempts", ["at"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER sessions_opened_on_insert AFTER INSERT ON sessions "
            "WHEN NEW.status = 'open' BEGIN "
            f"UPDATE sessions SET opened_at = {_SQLITE_NOW} WHERE id = NEW.id; END"
        )
        op.execute(
            "CREATE TRIGGER sessions_opened AFTER UPDATE OF status, join_code ON sessions "
            "WHEN NEW.status = 'open' AND (OLD.status <> 'open' "
            "OR NEW.join_code IS NOT OLD.join_code) BEGIN "
            f"UPDATE sessions SET opened_at = {_SQLITE_NOW} WHERE id = NEW.id; END"
        )
        op.execute(
            "CREATE TRIGGER sessions_closed AFTER UPDATE OF status ON sessions "
            "WHEN NEW.status = 'closed' AND NEW.opened_at IS NOT NULL BEGIN "
            "UPDATE sessions SET opened_at = NULL WHERE id = NEW.id; END"
        )
    else:
        op.execute(
            "CREATE FUNCTION sessions_opened_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.status = 'open' AND (TG_OP = 'INSERT' OR OLD.status <> 'open' "
            "OR NEW.join_code IS DISTINCT FROM OLD.join_code) THEN NEW.opened_at := now(); "
            "ELSIF NEW.status = 'closed' THEN NEW.opened_at := NULL; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER sessions_opened_at BEFORE INSERT OR UPDATE ON sessions "
            "FOR EACH ROW EXECUTE FUNCTION sessions_opened_at()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("sessions_opened_on_insert", "sessions_opened", "sessions_closed"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        # SQLite 3.35+ drops a plain column in place (a batch rebuild would lose the
        # expression index on sessions).
        op.execute("ALTER TABLE sessions DROP COLUMN opened_at")
    else:
        op.execute("DROP TRIGGER IF EXISTS sessions_opened_at ON sessions")
        op.execute("DROP FUNCTION IF EXISTS sessions_opened_at()")
        op.drop_column("sessions", "opened_at")
    op.drop_index("ix_join_attempts_at", "join_attempts")
    op.drop_table("join_attempts")
    op.drop_table("staff_groups")
