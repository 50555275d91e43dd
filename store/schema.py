"""The database schema, as SQLAlchemy Core tables (the migrations in store/migrations build it).

Everything Mutuality keeps lives in these tables. Members are pseudonymous codes: no table has a
column for a name. Keep this file and the latest migration in step; a test compares them.
"""

from __future__ import annotations

import sqlalchemy as sa

#: How an administration was entered.
MODES = ("self-completed", "read aloud", "staff-entered", "imported")
#: The states of a session.
SESSION_STATUSES = ("open", "closed")

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

programs = sa.Table(
    "programs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("substance_use", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

groups = sa.Table(
    "groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("facilitator_code", sa.String(100), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
# A group name is unique within its program; groups without a program share one namespace
# (coalesce, because NULLs never collide in a unique index).
sa.Index(
    "uq_groups_program_name",
    sa.func.coalesce(groups.c.program_id, 0),
    groups.c.name,
    unique=True,
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(100), nullable=False, unique=True),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=True, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("date", sa.Date, nullable=True),
    sa.Column("status", sa.String(10), nullable=False, server_default="closed"),
    sa.Column("join_code", sa.String(32), nullable=True, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # Set by a database trigger (migration 0002) whenever a session is opened or gets a new
    # join code: a join code expires a fixed time after this. Kept when the session closes
    # (migration 0004), so a closed session with a value here was opened and has ended.
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
    # Migration 0009: members rate their connection with each other after the check-in.
    sa.Column("round_robin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.CheckConstraint("status IN ('open', 'closed')", name="status"),
)
sa.Index(
    "uq_sessions_group_number",
    sa.func.coalesce(sessions.c.group_id, 0),
    sessions.c.number,
    unique=True,
)

attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column(
        "session_id",
        sa.Integer,
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True, index=True),
    sa.Column("present", sa.Boolean, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)

administrations = sa.Table(
    "administrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("instrument", sa.String(100), nullable=False),
    sa.Column("instrument_version", sa.String(50), nullable=False),
    sa.Column("timepoint", sa.String(100), nullable=False),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), nullable=True, index=True),
    sa.Column("date", sa.Date, nullable=True, index=True),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("entered_by", sa.String(100), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("answers_hash", sa.String(64), nullable=False),
    # Migration 0008: the language the member answered in ("en", "es"), None when unknown.
    sa.Column("language", sa.String(10), nullable=True),
    sa.UniqueConstraint("member_id", "instrument", "timepoint"),
    sa.CheckConstraint(
        "mode IN ('self-completed', 'read aloud', 'staff-entered', 'imported')", name="mode"
    ),
)
sa.Index(
    "ix_administrations_instrument_timepoint",
    administrations.c.instrument,
    administrations.c.timepoint,
)
# Migration 0003: per-session aggregations read an instrument's administrations by session.
sa.Index(
    "ix_administrations_instrument_session_id",
    administrations.c.instrument,
    administrations.c.session_id,
)

item_responses = sa.Table(
    "item_responses",
    metadata,
    sa.Column(
        "administration_id",
        sa.Integer,
        sa.ForeignKey("administrations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("item", sa.String(100), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    # NULL is a skipped item: kept, so an export shows the administration as it was given.
    sa.Column("value", sa.Float, nullable=True),
)
# Migration 0003: covers reading each administration's answers by item (no table row visits).
sa.Index(
    "ix_item_responses_administration_id_item_value",
    item_responses.c.administration_id,
    item_responses.c.item,
    item_responses.c.value,
)

staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(30), nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("who", sa.String(100), nullable=True),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("detail", sa.JSON, nullable=True),
)

# Which groups a facilitator may see (administrators and evaluators are not linked).
staff_groups = sa.Table(
    "staff_groups",
    metadata,
    sa.Column(
        "staff_user_id",
        sa.Integer,
        sa.ForeignKey("staff_users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    ),
)

# Every wrong, closed or expired session code typed on a phone, for rate-limiting guesses
# (the code itself is not kept: only when, and a hash of the browser that tried).
join_attempts = sa.Table(
    "join_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("browser", sa.String(64), nullable=False),
)

# Staff sign-ins kept across reloads (access.kept_sign_in): only hashes of the browser's
# cookie token and of the one-time handoff that sets it, never the tokens themselves.
staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
    sa.Column("handoff_hash", sa.String(64), nullable=True, unique=True),
    sa.Column("signed_in_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_active", sa.DateTime(timezone=True), nullable=False),
)

# The repair loop (analysis.repairs): each step a facilitator records about a disconnection,
# appended, never overwritten, so two facilitators saving at once both keep their step. A
# record is named by its group, member (None for a whole-group record), the session it began
# at and its kind; its status is computed from these steps and the check-ins after it.
repair_steps = sa.Table(
    "repair_steps",
    metadata,
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

# A program's repair settings: what its facilitators can record having tried, and how many
# check-ins after an alert decide it (None: analysis.repairs' defaults).
program_repair_settings = sa.Table(
    "program_repair_settings",
    metadata,
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), primary_key=True),
    sa.Column("actions", sa.JSON, nullable=True),
    sa.Column("window", sa.Integer, nullable=True),
)

# The Upload page's column mappings, remembered per staff member, questionnaire and set of
# column names (`columns_key`: a SHA-256 of the sorted names), offered on the next upload of
# a file with the same columns. Column names and their targets only: no cell of any file.
column_mappings = sa.Table(
    "column_mappings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("instrument", sa.String(100), nullable=False),
    sa.Column("columns_key", sa.String(64), nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),
    sa.Column("mapping", sa.JSON, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("username", "instrument", "columns_key"),
)

# Migration 0008: which questions of the about-me form (measures.about_me) a program asks.
about_me_questions = sa.Table(
    "about_me_questions",
    metadata,
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), primary_key=True),
    sa.Column("questions", sa.JSON, nullable=False),
)

# Migration 0008: each about-me answer a member gave (store.descriptions), appended: a changed
# answer is a new row counting from `given_on`. `choice` is a category id of the form or
# "prefer-not-to-say" (None: skipped); `own_words` is the member's own text, never shown to
# evaluators or in reports. A member's withdrawal deletes every row.
self_descriptions = sa.Table(
    "self_descriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False, index=True),
    sa.Column("question", sa.String(100), nullable=False),
    sa.Column("choice", sa.String(40), nullable=True),
    sa.Column("own_words", sa.Text, nullable=True),
    sa.Column("given_on", sa.Date, nullable=False),
    sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("entered_by", sa.String(100), nullable=True),
)

# Migration 0009: the name a member chose to be shown to the others of their group (never
# their member code), and whether they may be rated by it (store.connections).
member_names = sa.Table(
    "member_names",
    metadata,
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("display_name", sa.String(60), nullable=False),
    sa.Column("may_be_rated", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)

# Migration 0009: round-robin ratings: how connected a perceiver felt with a target at a
# session (1-5). A withdrawal deletes every rating the member gave or received.
connection_ratings = sa.Table(
    "connection_ratings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("perceiver_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("target_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session_id", "perceiver_id", "target_id"),
)
