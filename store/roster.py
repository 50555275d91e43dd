"""The roster: programs, their groups and the groups' members (pseudonymous codes, no names).

`Roster` finds or creates programs, groups, members and sessions inside one write
transaction, caching what it has seen; saving administrations, recording attendance, loading
a whole program and loading a transfer all go through it, so a member code names one person
in one group whichever door the answers came through.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.db import StoreError, chunks, now, read_frame, write_transaction
from store.schema import groups, members, programs, sessions


class Roster:
    """Finds or creates programs, groups, members and sessions within one transaction."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.programs: dict[str, int] = {}
        self.groups: dict[tuple[str | None, str], int] = {}
        self.members: dict[str, tuple[int, int | None]] = {}
        self.sessions: dict[tuple[int | None, int], int] = {}

    def program(self, name: str | None, substance_use: bool | None = None) -> int | None:
        """The id of program `name` (created when new); None for no program.

        `substance_use` True or False also sets the program's flag.
        """
        if name is None:
            return None
        if name not in self.programs:
            found = self.connection.execute(
                sa.select(programs.c.id).where(programs.c.name == name)
            ).scalar()
            if found is None:
                found = self.connection.execute(
                    programs.insert()
                    .values(name=name, substance_use=bool(substance_use), created_at=now())
                    .returning(programs.c.id)
                ).scalar_one()
            elif substance_use is not None:
                self.connection.execute(
                    programs.update()
                    .where(programs.c.id == found)
                    .values(substance_use=substance_use)
                )
            self.programs[name] = found
        return self.programs[name]

    def group(
        self, name: str | None, program: str | None, facilitator_code: str | None = None
    ) -> int | None:
        """The id of group `name` of `program` (both created when new); None for no group.

        Without a program, a group name used in two programs is refused. A facilitator code
        given here is stored on the group.
        """
        if name is None:
            return None
        key = (program, name)
        if key not in self.groups:
            if program is not None:
                program_id = self.program(program)
                found = self.connection.execute(
                    sa.select(groups.c.id).where(
                        groups.c.program_id == program_id, groups.c.name == name
                    )
                ).scalar()
            else:
                program_id = None
                candidates = self.connection.execute(
                    sa.select(groups.c.id).where(groups.c.name == name)
                ).scalars()
                candidates = list(candidates)
                if len(candidates) > 1:
                    raise StoreError(
                        f"group {name!r} exists in {len(candidates)} programs; name the "
                        "program too (a program column)"
                    )
                found = candidates[0] if candidates else None
            if found is None:
                found = self.connection.execute(
                    groups.insert()
                    .values(
                        program_id=program_id,
                        name=name,
                        facilitator_code=facilitator_code,
                        created_at=now(),
                    )
                    .returning(groups.c.id)
                ).scalar_one()
            elif facilitator_code is not None:
                self.connection.execute(
                    groups.update()
                    .where(groups.c.id == found)
                    .values(facilitator_code=facilitator_code)
                )
            self.groups[key] = found
        return self.groups[key]

    def member(self, code: str, group_id: int | None) -> tuple[int, int | None]:
        """(member id, its group id); a new member joins `group_id`."""
        if code not in self.members:
            row = self.connection.execute(
                sa.select(members.c.id, members.c.group_id).where(members.c.code == code)
            ).first()
            if row is None:
                member_id = self.connection.execute(
                    members.insert()
                    .values(code=code, group_id=group_id, created_at=now())
                    .returning(members.c.id)
                ).scalar_one()
                row = (member_id, group_id)
            self.members[code] = (row[0], row[1])
        member_id, stored_group = self.members[code]
        if group_id is not None and stored_group != group_id:
            if stored_group is not None:
                raise StoreError(
                    f"member {code} belongs to group {self.group_name(stored_group)!r}, not "
                    f"{self.group_name(group_id)!r}; a member code names one person in one "
                    "group. Correct the group, or give the member a new code."
                )
            self.connection.execute(
                members.update().where(members.c.id == member_id).values(group_id=group_id)
            )
            self.members[code] = (member_id, group_id)
        return self.members[code]

    def prefetch_members(self, wanted: dict[str, int | None]) -> None:
        """Find, or create in `wanted` group, every member code of `wanted` (a few statements)."""
        connection = self.connection
        codes = [c for c in wanted if c not in self.members]
        for chunk in chunks(codes):
            for member_id, code, group_id in connection.execute(
                sa.select(members.c.id, members.c.code, members.c.group_id).where(
                    members.c.code.in_(chunk)
                )
            ):
                self.members[code] = (member_id, group_id)
        new = [c for c in codes if c not in self.members]
        if new:
            created = now()
            rows = connection.execute(
                members.insert().returning(members.c.id, sort_by_parameter_order=True),
                [{"code": c, "group_id": wanted[c], "created_at": created} for c in new],
            ).all()
            for code, row in zip(new, rows, strict=True):
                self.members[code] = (row[0], wanted[code])

    def group_name(self, group_id: int) -> str:
        """The group's name as messages show it ("Tuesday of program North")."""
        name, program = self.connection.execute(
            sa.select(groups.c.name, programs.c.name)
            .select_from(groups.outerjoin(programs))
            .where(groups.c.id == group_id)
        ).one()
        return f"{name} of program {program}" if program else name

    def prefetch_sessions(self, wanted: dict[tuple[int | None, int], dt.date | None]) -> None:
        """Find or create many sessions at once: (group id, number) -> date for new ones.

        The same as calling `session` for each key in order, with a few statements in all.
        """
        missing = [key for key in wanted if key not in self.sessions]
        if not missing:
            return
        group_key = sa.func.coalesce(sessions.c.group_id, 0)
        found: dict[tuple[int, int], tuple[int, dt.date | None]] = {}
        for chunk in chunks(sorted({group_id or 0 for group_id, _ in missing})):
            for session_id, group_id, number, date in self.connection.execute(
                sa.select(sessions.c.id, group_key, sessions.c.number, sessions.c.date).where(
                    group_key.in_(chunk)
                )
            ):
                found[(group_id, number)] = (session_id, date)
        new = []
        for key in missing:
            row = found.get((key[0] or 0, key[1]))
            if row is None:
                new.append(key)
                continue
            self.sessions[key] = row[0]
            if row[1] is None and wanted[key] is not None:
                self.connection.execute(
                    sessions.update().where(sessions.c.id == row[0]).values(date=wanted[key])
                )
        if new:
            created = now()
            rows = self.connection.execute(
                sessions.insert().returning(sessions.c.id, sort_by_parameter_order=True),
                [
                    {
                        "group_id": group_id,
                        "number": number,
                        "date": wanted[(group_id, number)],
                        "status": "closed",
                        "created_at": created,
                    }
                    for group_id, number in new
                ],
            ).all()
            for key, row in zip(new, rows, strict=True):
                self.sessions[key] = row[0]

    def session(self, group_id: int | None, number: int, date: dt.date | None = None) -> int:
        """The id of session `number` of the group (created closed when new).

        A stored session without a date takes `date`.
        """
        key = (group_id, number)
        if key not in self.sessions:
            row = self.connection.execute(
                sa.select(sessions.c.id, sessions.c.date).where(
                    sa.func.coalesce(sessions.c.group_id, 0) == (group_id or 0),
                    sessions.c.number == number,
                )
            ).first()
            if row is None:
                session_id = self.connection.execute(
                    sessions.insert()
                    .values(
                        group_id=group_id,
                        number=number,
                        date=date,
                        status="closed",
                        created_at=now(),
                    )
                    .returning(sessions.c.id)
                ).scalar_one()
            else:
                session_id = row[0]
                if row[1] is None and date is not None:
                    self.connection.execute(
                        sessions.update().where(sessions.c.id == session_id).values(date=date)
                    )
            self.sessions[key] = session_id
        return self.sessions[key]


def program_id_of(connection: Connection, program: str) -> int:
    """The id of the program named `program`; StoreError when there is none."""
    found = connection.execute(sa.select(programs.c.id).where(programs.c.name == program)).scalar()
    if found is None:
        raise StoreError(f"there is no program {program!r}")
    return found


def create_program(engine: Engine, name: str, substance_use: bool = False) -> int:
    """Create a program (or update its substance-use flag); returns its id."""
    return write_transaction(
        engine, lambda c: Roster(c).program(required_name(name, "program"), substance_use)
    )


def create_group(
    engine: Engine, program: str | None, name: str, facilitator_code: str | None = None
) -> int:
    """Create a group in `program` (created when new); returns its id."""
    return write_transaction(
        engine,
        lambda c: Roster(c).group(required_name(name, "group"), program, facilitator_code),
    )


def create_member(
    engine: Engine, code: str, group: str | None = None, program: str | None = None
) -> int:
    """Add a member by pseudonymous code to `group`; returns the member id.

    Adding an existing member again is harmless; moving one to another group is refused.
    """

    def work(connection: Connection) -> int:
        roster = Roster(connection)
        return roster.member(required_name(code, "member code"), roster.group(group, program))[0]

    return write_transaction(engine, work)


def required_name(value: str | None, what: str) -> str:
    """`value` without surrounding spaces; an empty one is refused, naming `what` it is."""
    if value is None or not str(value).strip():
        raise StoreError(f"a {what} cannot be empty")
    return str(value).strip()


def list_programs(engine: Engine) -> pd.DataFrame:
    """Programs: id, name, substance_use, groups (count)."""
    query = (
        sa.select(
            programs.c.id,
            programs.c.name,
            programs.c.substance_use,
            sa.func.count(groups.c.id).label("groups"),
        )
        .select_from(programs.outerjoin(groups))
        .group_by(programs.c.id, programs.c.name, programs.c.substance_use)
        .order_by(programs.c.name)
    )
    return read_frame(engine, query)


def list_groups(engine: Engine, program: str | None = None) -> pd.DataFrame:
    """Groups: id, program, name, facilitator_code, members (count)."""
    query = (
        sa.select(
            groups.c.id,
            programs.c.name.label("program"),
            groups.c.name,
            groups.c.facilitator_code,
            sa.func.count(members.c.id).label("members"),
        )
        .select_from(groups.outerjoin(programs).outerjoin(members))
        .group_by(groups.c.id, programs.c.name, groups.c.name, groups.c.facilitator_code)
        .order_by(programs.c.name, groups.c.name)
    )
    if program is not None:
        query = query.where(programs.c.name == program)
    return read_frame(engine, query)


def list_members(
    engine: Engine, group: str | None = None, program: str | None = None
) -> pd.DataFrame:
    """Members: id, code, group, program."""
    query = (
        sa.select(
            members.c.id,
            members.c.code,
            groups.c.name.label("group"),
            programs.c.name.label("program"),
        )
        .select_from(members.outerjoin(groups).outerjoin(programs))
        .order_by(members.c.code)
    )
    if group is not None:
        query = query.where(groups.c.name == group)
    if program is not None:
        query = query.where(programs.c.name == program)
    return read_frame(engine, query)
