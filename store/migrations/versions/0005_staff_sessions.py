"""Staff sign-ins kept across reloads: the ``staff_sessions`` table (issue 12, item 8).

A signed-in browser holds a random token in an HttpOnly, SameSite=Strict cookie; the table
keeps only its SHA-256 hash (and, for the first seconds, the hash of the one-time handoff that
sets the cookie), the username and when the sign-in was last active, so a reload or a second
tab resumes the sign-in until it is signed out or idle.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("handoff_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_sessions")
