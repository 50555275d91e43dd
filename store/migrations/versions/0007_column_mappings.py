"""Remembered column mappings: the ``column_mappings`` table (issue 12, item 2).

The Upload page remembers how a staff member mapped a file's columns, per questionnaire and
set of column names (a SHA-256 of the sorted names), and offers it again when a corrected
file with the same columns is uploaded. Column names and targets only, no cell of a file.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "column_mappings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("instrument", sa.String(100), nullable=False),
        sa.Column("columns_key", sa.String(64), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_column_mappings"),
        sa.UniqueConstraint(
            "username",
            "instrument",
            "columns_key",
            name="uq_column_mappings_username_instrument_columns_key",
        ),
    )


def downgrade() -> None:
    op.drop_table("column_mappings")
