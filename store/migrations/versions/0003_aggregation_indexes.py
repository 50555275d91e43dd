"""Indexes for per-session aggregations on a large program (issue 8).

- ``ix_item_responses_administration_id_item_value`` covers what ``session_means`` reads
  of an item response (administration, item, value), so the database answers from the index
  without visiting the table row of each of millions of answers.
- ``ix_administrations_instrument_session_id`` finds an instrument's administrations that
  belong to a session, in session order, without a sort.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_item_responses_administration_id_item_value",
        "item_responses",
        ["administration_id", "item", "value"],
    )
    op.create_index(
        "ix_administrations_instrument_session_id",
        "administrations",
        ["instrument", "session_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_administrations_instrument_session_id", table_name="administrations")
    op.drop_index("ix_item_responses_administration_id_item_value", table_name="item_responses")
