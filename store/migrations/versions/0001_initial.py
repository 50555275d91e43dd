"""Initial schema: rosters, sessions, attendance, administrations, item responses, staff, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("substance_use", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_programs"),
        sa.UniqueConstraint("name", name="uq_programs_name"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("program_id", sa.Integer, nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("facilitator_code", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_groups"),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name="fk_groups_program_id_programs"
        ),
    )
    op.create_index(
        "uq_groups_program_name",
        "groups",
        [sa.text("coalesce(program_id, 0)"), "name"],
        unique=True,
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("group_id", sa.Integer, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_members"),
        sa.UniqueConstraint("code", name="uq_members_code"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name="fk_members_group_id_groups"),
    )
    op.create_index("ix_members_group_id", "members", ["group_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, nullable=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=True),
        sa.Column("status", sa.String(10), nullable=False, server_default="closed"),
        sa.Column("join_code", sa.String(32), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("join_code", name="uq_sessions_join_code"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name="fk_sessions_group_id_groups"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_sessions_status"),
    )
    op.create_index(
        "uq_sessions_group_number",
        "sessions",
        [sa.text("coalesce(group_id, 0)"), "number"],
        unique=True,
    )
    op.create_table(
        "attendance",
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("present", sa.Boolean, nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "member_id", name="pk_attendance"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_attendance_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_attendance_member_id_members"
        ),
    )
    op.create_index("ix_attendance_member_id", "attendance", ["member_id"])
    op.create_table(
        "administrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("instrument", sa.String(100), nullable=False),
        sa.Column("instrument_version", sa.String(50), nullable=False),
        sa.Column("timepoint", sa.String(100), nullable=False),
        sa.Column("session_id", sa.Integer, nullable=True),
        sa.Column("date", sa.Date, nullable=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("entered_by", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("answers_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_administrations"),
        sa.UniqueConstraint(
            "member_id",
            "instrument",
            "timepoint",
            name="uq_administrations_member_id_instrument_timepoint",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_administrations_member_id_members"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_administrations_session_id_sessions"
        ),
        sa.CheckConstraint(
            "mode IN ('self-completed', 'read aloud', 'staff-entered', 'imported')",
            name="ck_administrations_mode",
        ),
    )
    op.create_index("ix_administrations_session_id", "administrations", ["session_id"])
    op.create_index("ix_administrations_date", "administrations", ["date"])
    op.create_index(
        "ix_administrations_instrument_timepoint", "administrations", ["instrument", "timepoint"]
    )
    op.create_table(
        "item_responses",
        sa.Column("administration_id", sa.Integer, nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("administration_id", "item", name="pk_item_responses"),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administrations.id"],
            name="fk_item_responses_administration_id_administrations",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("who", sa.String(100), nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("detail", sa.JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    _audit_append_only()


def _audit_append_only() -> None:
    """Triggers that refuse UPDATE and DELETE on audit_events: the audit trail only grows."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    for table in (
        "audit_events",
        "staff_users",
        "item_responses",
        "administrations",
        "attendance",
        "sessions",
        "members",
        "groups",
        "programs",
    ):
        op.drop_table(table)
