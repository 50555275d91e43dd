"""Members' descriptions of themselves and the language of answering (issue 14).

- ``about_me_questions``: which questions of the about-me form (measures.about_me) a program
  asks its members.
- ``self_descriptions``: each answer a member gave, appended (a changed answer is a new row
  counting from its day, so the description at each administration is the one that counts);
  a withdrawal deletes them all.
- ``administrations.language``: the language the member answered in (``en``, ``es``), when
  known.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "about_me_questions",
        sa.Column("program_id", sa.Integer, nullable=False),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("program_id", name="pk_about_me_questions"),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name="fk_about_me_questions_program_id_programs"
        ),
    )
    op.create_table(
        "self_descriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("question", sa.String(100), nullable=False),
        sa.Column("choice", sa.String(40), nullable=True),
        sa.Column("own_words", sa.Text, nullable=True),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("entered_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_self_descriptions"),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_self_descriptions_member_id_members"
        ),
    )
    op.create_index("ix_self_descriptions_member_id", "self_descriptions", ["member_id"])
    # In place (SQLite's ADD COLUMN): a batch rebuild of the table would lose what SQLite
    # cannot reflect.
    op.add_column("administrations", sa.Column("language", sa.String(10), nullable=True))


def downgrade() -> None:
    _drop_column("administrations", "language")
    op.drop_index("ix_self_descriptions_member_id", "self_descriptions")
    op.drop_table("self_descriptions")
    op.drop_table("about_me_questions")


def _drop_column(table: str, column: str) -> None:
    """Drop a column in place (SQLite 3.35+ does; a batch rebuild would lose indexes)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
