"""Round-robin connection ratings (issue 15): who felt how connected with whom, per session.

- ``sessions.round_robin``: whether members rate their connection with each other after the
  check-in at this session (the facilitator's choice).
- ``member_names``: the display name a member chose to be shown to the others of their group
  (never their member code), and whether they may be rated by it.
- ``connection_ratings``: one row per perceiver, target and session; a member's withdrawal
  deletes every rating they gave or received.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place (SQLite's ADD COLUMN): a batch rebuild of sessions would lose its triggers
    # (migration 0002) and its expression index.
    op.add_column(
        "sessions",
        sa.Column("round_robin", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "member_names",
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("may_be_rated", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name="pk_member_names"),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_member_names_member_id_members"
        ),
    )
    op.create_table(
        "connection_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, nullable=False),
        sa.Column("perceiver_id", sa.Integer, nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_connection_ratings"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_connection_ratings_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["perceiver_id"], ["members.id"], name="fk_connection_ratings_perceiver_id_members"
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["members.id"], name="fk_connection_ratings_target_id_members"
        ),
        sa.UniqueConstraint(
            "session_id",
            "perceiver_id",
            "target_id",
            name="uq_connection_ratings_session_id_perceiver_id_target_id",
        ),
    )


def downgrade() -> None:
    op.drop_table("connection_ratings")
    op.drop_table("member_names")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE sessions DROP COLUMN round_robin")
    else:
        op.drop_column("sessions", "round_robin")
