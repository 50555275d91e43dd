"""The repair loop: the ``repair_steps`` and ``program_repair_settings`` tables (issue 13).

Each step a facilitator records about a disconnection (acknowledged, repair attempted with
what was tried, the member left) is appended as a row; a program may list its own repair
actions and set how many check-ins after an alert decide it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "repair_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False, index=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True, index=True),
        sa.Column("session_number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("actions", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("who", sa.String(100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "program_repair_settings",
        sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), primary_key=True),
        sa.Column("actions", sa.JSON, nullable=True),
        sa.Column("window", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("program_repair_settings")
    op.drop_table("repair_steps")
