"""Keep ``sessions.opened_at`` when a session closes, so an ended session stays marked.

Migration 0002 cleared ``opened_at`` on closing. A session opened and ended with nothing
recorded then looked exactly like one never opened, and "Run a session" showed it as
"not started". Closing now leaves ``opened_at`` (the last time the session was opened, or got
a new join code) in place. Join codes are unaffected: only an open session's code is looked up,
and re-opening stamps ``opened_at`` afresh.

Sessions closed before this migration have lost the mark; they read as before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION sessions_opened_at() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NEW.status = 'open' AND (TG_OP = 'INSERT' OR OLD.status <> 'open' "
    "OR NEW.join_code IS DISTINCT FROM OLD.join_code) THEN NEW.opened_at := now(); "
    "{closed}END IF; RETURN NEW; END $$"
)
_PG_CLEAR_ON_CLOSE = "ELSIF NEW.status = 'closed' THEN NEW.opened_at := NULL; "


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS sessions_closed")
    else:
        op.execute(_PG_FUNCTION.format(closed=""))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER sessions_closed AFTER UPDATE OF status ON sessions "
            "WHEN NEW.status = 'closed' AND NEW.opened_at IS NOT NULL BEGIN "
            "UPDATE sessions SET opened_at = NULL WHERE id = NEW.id; END"
        )
    else:
        op.execute(_PG_FUNCTION.format(closed=_PG_CLEAR_ON_CLOSE))
    # Back to 0002's rule: only an open session has an opened_at.
    op.execute("UPDATE sessions SET opened_at = NULL WHERE status = 'closed'")
