"""Sessions and their attendance: creating, opening and closing sessions, and who was there.

`create_session`, `open_session`, `close_session`, `list_sessions`, `record_attendance` and
`load_attendance` work by group name and session number, as files and the CLI name them. The
"Run a session" page, the kiosk and the phone form also use the functions that work from a
session's database id or join code, which is what the pages hold (`get_session`,
`find_open_session`, `open_with_new_code`, `answered_members`, ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.db import StoreError, now, read_frame, write_transaction
from store.roster import Roster, required_name
from store.schema import administrations, attendance, groups, members, programs, sessions


def create_session(
    engine: Engine,
    group: str,
    number: int,
    date: dt.date | None = None,
    program: str | None = None,
) -> int:
    """Create session `number` of `group` (or find it); returns the session id."""

    def work(connection: Connection) -> int:
        roster = Roster(connection)
        return roster.session(
            roster.group(required_name(group, "group"), program), int(number), date
        )

    return write_transaction(engine, work)


def open_session(engine: Engine, session_id: int, join_code: str | None = None) -> None:
    """Mark a session open (members can answer), optionally with a join code for phones."""
    _set_session(engine, session_id, status="open", join_code=join_code)


def close_session(engine: Engine, session_id: int) -> None:
    """Mark a session closed; its join code stops working."""
    _set_session(engine, session_id, status="closed", join_code=None)


def _set_session(engine: Engine, session_id: int, **values) -> None:
    def work(connection: Connection) -> None:
        changed = connection.execute(
            sessions.update().where(sessions.c.id == session_id).values(**values)
        ).rowcount
        if changed != 1:
            raise StoreError(f"there is no session with id {session_id}")

    write_transaction(engine, work)


def list_sessions(
    engine: Engine,
    group: str | None = None,
    program: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    group_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Sessions: id, program, group, number, date, status, join_code, administrations.

    Recent sessions: ``date_to=today, newest_first=True, limit=5``; upcoming:
    ``date_from=today``. `group_ids` keeps only the sessions of those groups (by id, so two
    programs' groups of the same name are told apart); an empty collection keeps none.
    """
    query = (
        sa.select(
            sessions.c.id,
            programs.c.name.label("program"),
            groups.c.name.label("group"),
            sessions.c.number,
            sessions.c.date,
            sessions.c.status,
            sessions.c.join_code,
            sa.func.count(administrations.c.id).label("administrations"),
        )
        .select_from(
            sessions.outerjoin(groups, groups.c.id == sessions.c.group_id)
            .outerjoin(programs, programs.c.id == groups.c.program_id)
            .outerjoin(administrations, administrations.c.session_id == sessions.c.id)
        )
        .group_by(
            sessions.c.id,
            programs.c.name,
            groups.c.name,
            sessions.c.number,
            sessions.c.date,
            sessions.c.status,
            sessions.c.join_code,
        )
    )
    order = (
        [sessions.c.date.desc(), sessions.c.number.desc()]
        if newest_first
        else [
            sessions.c.date,
            sessions.c.number,
        ]
    )
    query = query.order_by(*order, sessions.c.id)
    if group is not None:
        query = query.where(groups.c.name == group)
    if program is not None:
        query = query.where(programs.c.name == program)
    if date_from is not None:
        query = query.where(sessions.c.date >= date_from)
    if date_to is not None:
        query = query.where(sessions.c.date <= date_to)
    if status is not None:
        query = query.where(sessions.c.status == status)
    if group_ids is not None:
        query = query.where(sessions.c.group_id.in_(sorted(int(i) for i in group_ids)))
    if limit is not None:
        query = query.limit(limit)
    return read_frame(engine, query)


def record_attendance(
    engine: Engine,
    group: str,
    session: int,
    present: dict[str, bool],
    program: str | None = None,
    date: dt.date | None = None,
) -> int:
    """Record who was present at session `session` of `group`; returns rows written.

    `present` maps member code -> present. Recording again overwrites the earlier marks for
    those members (a facilitator correcting the register). New members join the group.
    """

    def work(connection: Connection) -> int:
        roster = Roster(connection)
        group_id = roster.group(required_name(group, "group"), program)
        session_id = roster.session(group_id, int(session), date)
        for code, here in present.items():
            member_id = roster.member(required_name(code, "member code"), group_id)[0]
            connection.execute(
                attendance.delete().where(
                    attendance.c.session_id == session_id, attendance.c.member_id == member_id
                )
            )
            connection.execute(
                attendance.insert().values(
                    session_id=session_id,
                    member_id=member_id,
                    present=bool(here),
                    recorded_at=now(),
                )
            )
        return len(present)

    return write_transaction(engine, work)


def load_attendance(
    engine: Engine,
    group: str | None = None,
    program: str | None = None,
    group_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Attendance as members x sessions: index (group, member), columns session numbers.

    Cells are True (present), False (absent) or NA (not recorded). `group_ids` keeps only
    the marks of those groups' sessions (by id, so two programs' groups of the same name are
    told apart); an empty collection keeps none.
    """
    query = sa.select(
        groups.c.name.label("group"),
        members.c.code.label("member"),
        sessions.c.number.label("session"),
        attendance.c.present,
    ).select_from(
        attendance.join(sessions)
        .join(members, members.c.id == attendance.c.member_id)
        .outerjoin(groups, groups.c.id == sessions.c.group_id)
        .outerjoin(programs, programs.c.id == groups.c.program_id)
    )
    if group is not None:
        query = query.where(groups.c.name == group)
    if program is not None:
        query = query.where(programs.c.name == program)
    if group_ids is not None:
        query = query.where(sessions.c.group_id.in_(sorted(int(i) for i in group_ids)))
    long = read_frame(engine, query)
    if long.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["group", "member"]))
    long["present"] = long["present"].astype("boolean")
    wide = long.pivot_table(
        index=["group", "member"], columns="session", values="present", aggfunc="first"
    )
    return wide.astype("boolean").sort_index(axis=1)


@dataclass(frozen=True)
class SessionInfo:
    """One session, with the names of its group and program."""

    id: int
    group_id: int | None
    group: str | None
    program: str | None
    number: int
    date: dt.date | None
    status: str
    join_code: str | None
    #: True once anything was recorded in the session (an answer or an attendance mark).
    held: bool = False
    #: True once the session has been opened for answers (it may have ended since).
    opened: bool = False
    #: Members rate their connection with each other after the check-in (migration 0009).
    round_robin: bool = False

    @property
    def is_open(self) -> bool:
        """True while members may answer in this session."""
        return self.status == "open"

    @property
    def stage(self) -> str:
        """How the facilitator sees the session: open, ended, took place or not started.

        ``open for phones`` while open; once opened and ended, ``ended`` when something
        was recorded in it (answers or attendance) and ``ended, nothing recorded`` when
        not. A session never opened for phones is never called ended: ``took place`` when
        something was recorded in it (kiosk, paper, attendance, an upload), else
        ``not started``.
        """
        if self.is_open:
            return "open for phones"
        if self.opened:
            return "ended" if self.held else "ended, nothing recorded"
        return "took place" if self.held else "not started"


_SESSION_QUERY = sa.select(
    sessions.c.id,
    sessions.c.group_id,
    groups.c.name.label("group"),
    programs.c.name.label("program"),
    sessions.c.number,
    sessions.c.date,
    sessions.c.status,
    sessions.c.join_code,
    sa.or_(
        sa.exists().where(administrations.c.session_id == sessions.c.id),
        sa.exists().where(attendance.c.session_id == sessions.c.id),
    ).label("held"),
    # Stamped when the session opens and kept when it closes (migrations 0002 and 0004).
    sessions.c.opened_at.is_not(None).label("opened"),
    sessions.c.round_robin,
).select_from(
    sessions.outerjoin(groups, groups.c.id == sessions.c.group_id).outerjoin(
        programs, programs.c.id == groups.c.program_id
    )
)


def _one(engine: Engine, condition: sa.ColumnElement[bool]) -> SessionInfo | None:
    with engine.connect() as connection:
        row = connection.execute(_SESSION_QUERY.where(condition)).first()
    return SessionInfo(**row._mapping) if row else None


def get_session(engine: Engine, session_id: int) -> SessionInfo | None:
    """The session with this database id (None when there is none)."""
    return _one(engine, sessions.c.id == int(session_id))


def group_sessions(engine: Engine, group_id: int) -> list[SessionInfo]:
    """The sessions of a group, by number."""
    with engine.connect() as connection:
        rows = connection.execute(
            _SESSION_QUERY.where(sessions.c.group_id == int(group_id)).order_by(sessions.c.number)
        ).all()
    return [SessionInfo(**row._mapping) for row in rows]


def find_open_session(engine: Engine, join_code: str) -> SessionInfo | None:
    """The open session with this phone code; None when the code is unknown or closed."""
    if not join_code:
        return None
    return _one(engine, (sessions.c.join_code == join_code) & (sessions.c.status == "open"))


def create_next_session(
    engine: Engine, group: str, program: str | None, date: dt.date | None
) -> SessionInfo:
    """Add the group's next session (its highest number + 1), closed until it is opened."""
    with engine.connect() as connection:
        group_ids = list(
            connection.execute(
                sa.select(groups.c.id)
                .select_from(groups.outerjoin(programs, programs.c.id == groups.c.program_id))
                .where(
                    groups.c.name == group,
                    programs.c.name == program
                    if program is not None
                    else groups.c.program_id.is_(None),
                )
            ).scalars()
        )
        if len(group_ids) != 1:
            raise StoreError(f"there is no group {group!r} in program {program!r}")
        highest = connection.execute(
            sa.select(sa.func.max(sessions.c.number)).where(sessions.c.group_id == group_ids[0])
        ).scalar()
    session_id = create_session(engine, group, (highest or 0) + 1, date, program=program)
    return get_session(engine, session_id)


def open_with_new_code(
    engine: Engine,
    session_id: int,
    new_code: Callable[[], str],
    attempts: int = 20,
    *,
    renew: bool = False,
) -> SessionInfo:
    """Open the session for phones under a fresh code drawn by `new_code`; return it.

    A session that is already open with a code keeps it, so a QR code on screen stays valid,
    unless `renew` (its code has expired): then it gets a new code, and the new code's
    lifetime starts now (the ``sessions.opened_at`` trigger of migration 0002). A drawn code
    that another session already uses is drawn again.
    """
    session = get_session(engine, session_id)
    if session is None:
        raise StoreError(f"there is no session with id {session_id}")
    if session.is_open and session.join_code and not renew:
        return session
    for _ in range(attempts):
        code = new_code()
        with engine.connect() as connection:
            taken = connection.execute(
                sa.select(sessions.c.id).where(sessions.c.join_code == code)
            ).first()
        if taken is None:
            try:
                open_session(engine, session_id, join_code=code)
            except sa.exc.IntegrityError:
                continue  # another session took the same code in between: draw again
            return get_session(engine, session_id)
    raise StoreError("could not draw an unused session code; try again")


def attendance_of(engine: Engine, session_id: int) -> dict[str, bool]:
    """Member code -> present, for members whose attendance is recorded in this session."""
    query = (
        sa.select(members.c.code, attendance.c.present)
        .select_from(attendance.join(members, attendance.c.member_id == members.c.id))
        .where(attendance.c.session_id == int(session_id))
    )
    with engine.connect() as connection:
        return {row.code: bool(row.present) for row in connection.execute(query)}


def group_roster(engine: Engine, group_id: int) -> list[str]:
    """The member codes of a group, sorted."""
    with engine.connect() as connection:
        return sorted(
            connection.execute(
                sa.select(members.c.code).where(members.c.group_id == int(group_id))
            ).scalars()
        )


def answered_members(engine: Engine, session_id: int, instrument: str) -> set[str]:
    """Codes of members with a stored administration of `instrument` in this session."""
    query = (
        sa.select(members.c.code)
        .select_from(administrations.join(members, administrations.c.member_id == members.c.id))
        .where(
            administrations.c.session_id == int(session_id),
            administrations.c.instrument == instrument,
        )
    )
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def count_answered(engine: Engine, session_id: int, instrument: str) -> int:
    """How many members have answered `instrument` in this session."""
    query = sa.select(sa.func.count(sa.distinct(administrations.c.member_id))).where(
        administrations.c.session_id == int(session_id),
        administrations.c.instrument == instrument,
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar() or 0)
