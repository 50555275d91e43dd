"""A whole database as plain data, and back: what an offline transfer bundle carries.

`dump_database` reads programs, groups, members, sessions, attendance and administrations
(with their answers) into JSON-ready lists. `load_dump` writes such a dump into a database
in ONE transaction, idempotently: rows already there are left alone, so loading the same
dump twice adds nothing. Anything that contradicts what is stored (an administration with
different answers, a member in another group, a session on another date, an attendance mark
the other way round) is a conflict: every conflict is listed and nothing is written.

Repair steps (`store.repairs`) travel with their notes, which are clinical notes, and
members' about-me answers (`store.descriptions`) with their own words: the bundle that
carries a dump is encrypted. Administrations carry the language they were answered in;
round robins travel too (which sessions asked for one, members' display names, ratings).
Not carried: staff users, audit events, join codes and open/closed state (a transferred
session arrives closed), item text (the instrument definitions are shipped with the app),
a program's repair settings and its about-me questions.
Encryption is `privacy.bundle`'s job; this module only speaks SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.administrations import Administration, AdministrationError, save_in_transaction
from store.audit import BUNDLE_IMPORT, record_in
from store.db import Rollback, StoreError, as_utc, write_transaction
from store.roster import Roster
from store.schema import (
    administrations,
    attendance,
    connection_ratings,
    groups,
    item_responses,
    member_names,
    members,
    programs,
    repair_steps,
    self_descriptions,
    sessions,
)

#: The tables a dump holds, in the order they are loaded.
DUMP_TABLES = (
    "programs",
    "groups",
    "members",
    "sessions",
    "attendance",
    "administrations",
    "repair_steps",
    "self_descriptions",
    "member_names",
    "connection_ratings",
)
_COUNTED = {
    "programs": programs,
    "groups": groups,
    "members": members,
    "sessions": sessions,
    "attendance": attendance,
    "administrations": administrations,
    "repair_steps": repair_steps,
    "self_descriptions": self_descriptions,
    "member_names": member_names,
    "connection_ratings": connection_ratings,
}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def dump_database(engine: Engine) -> dict[str, list[dict]]:
    """Every program, group, member, session, attendance mark and administration as lists."""
    g, p, m, s, a = groups, programs, members, sessions, administrations
    with engine.connect() as c:
        dump: dict[str, list[dict]] = {
            "programs": [
                {"name": r.name, "substance_use": bool(r.substance_use)}
                for r in c.execute(sa.select(p.c.name, p.c.substance_use).order_by(p.c.id))
            ],
            "groups": [
                {"program": r.program, "name": r.name, "facilitator_code": r.facilitator_code}
                for r in c.execute(
                    sa.select(p.c.name.label("program"), g.c.name, g.c.facilitator_code)
                    .select_from(g.outerjoin(p))
                    .order_by(g.c.id)
                )
            ],
            "members": [
                {"code": r.code, "group": r.group, "program": r.program}
                for r in c.execute(
                    sa.select(m.c.code, g.c.name.label("group"), p.c.name.label("program"))
                    .select_from(m.outerjoin(g).outerjoin(p))
                    .order_by(m.c.id)
                )
            ],
            "sessions": [
                {
                    "group": r.group,
                    "program": r.program,
                    "number": r.number,
                    "date": _iso(r.date),
                    "round_robin": bool(r.round_robin),
                }
                for r in c.execute(
                    sa.select(
                        g.c.name.label("group"),
                        p.c.name.label("program"),
                        s.c.number,
                        s.c.date,
                        s.c.round_robin,
                    )
                    .select_from(s.outerjoin(g, g.c.id == s.c.group_id).outerjoin(p))
                    .order_by(s.c.id)
                )
            ],
            "attendance": [
                {
                    "group": r.group,
                    "program": r.program,
                    "session": r.number,
                    "member": r.code,
                    "present": bool(r.present),
                }
                for r in c.execute(
                    sa.select(
                        g.c.name.label("group"),
                        p.c.name.label("program"),
                        s.c.number,
                        m.c.code,
                        attendance.c.present,
                    )
                    .select_from(
                        attendance.join(s)
                        .join(m, m.c.id == attendance.c.member_id)
                        .outerjoin(g, g.c.id == s.c.group_id)
                        .outerjoin(p)
                    )
                    .order_by(s.c.id, m.c.code)
                )
            ],
        }
        answers: dict[int, list[list]] = {}
        for administration_id, item, value in c.execute(
            sa.select(
                item_responses.c.administration_id, item_responses.c.item, item_responses.c.value
            ).order_by(item_responses.c.administration_id, item_responses.c.position)
        ):
            answers.setdefault(administration_id, []).append([item, value])
        dump["administrations"] = [
            {
                "member": r.code,
                "instrument": r.instrument,
                "instrument_version": r.instrument_version,
                "timepoint": r.timepoint,
                "group": r.group,
                "program": r.program,
                "session": r.number,
                "date": _iso(r.date),
                "mode": r.mode,
                "entered_by": r.entered_by,
                "language": r.language,
                "answers": answers.get(r.id, []),
            }
            for r in c.execute(
                sa.select(
                    a.c.id,
                    m.c.code,
                    a.c.instrument,
                    a.c.instrument_version,
                    a.c.timepoint,
                    g.c.name.label("group"),
                    p.c.name.label("program"),
                    s.c.number,
                    a.c.date,
                    a.c.mode,
                    a.c.entered_by,
                    a.c.language,
                )
                .select_from(
                    a.join(m, m.c.id == a.c.member_id)
                    .outerjoin(g, g.c.id == m.c.group_id)
                    .outerjoin(p, p.c.id == g.c.program_id)
                    .outerjoin(s, s.c.id == a.c.session_id)
                )
                .order_by(a.c.id)
            )
        ]
        dump["repair_steps"] = _dump_repair_steps(c)
        dump["self_descriptions"] = _dump_self_descriptions(c)
        dump["member_names"], dump["connection_ratings"] = _dump_round_robins(c)
    return dump


def _dump_round_robins(c: Connection) -> tuple[list[dict], list[dict]]:
    """Members' display names, and every round-robin rating keyed by codes and session."""
    names = [
        {
            "member": r.code,
            "display_name": r.display_name,
            "may_be_rated": bool(r.may_be_rated),
            "set_at": as_utc(r.set_at).isoformat(),
        }
        for r in c.execute(
            sa.select(
                members.c.code,
                member_names.c.display_name,
                member_names.c.may_be_rated,
                member_names.c.set_at,
            ).select_from(member_names.join(members))
        )
    ]
    perceiver, target = members.alias("perceiver"), members.alias("target")
    t = connection_ratings
    ratings = [
        {
            "group": r.group,
            "program": r.program,
            "session": r.number,
            "perceiver": r.perceiver,
            "target": r.target,
            "value": r.value,
            "created_at": as_utc(r.created_at).isoformat(),
        }
        for r in c.execute(
            sa.select(
                groups.c.name.label("group"),
                programs.c.name.label("program"),
                sessions.c.number,
                perceiver.c.code.label("perceiver"),
                target.c.code.label("target"),
                t.c.value,
                t.c.created_at,
            )
            .select_from(
                t.join(sessions, sessions.c.id == t.c.session_id)
                .outerjoin(groups, groups.c.id == sessions.c.group_id)
                .outerjoin(programs, programs.c.id == groups.c.program_id)
                .join(perceiver, perceiver.c.id == t.c.perceiver_id)
                .join(target, target.c.id == t.c.target_id)
            )
            .order_by(t.c.id)
        )
    ]
    return names, ratings


def _load_round_robins(
    connection: Connection, roster: Roster, names: list[dict], ratings: list[dict]
) -> None:
    """Add the display names and ratings not already here (a pair rated at a session once)."""
    ids = dict(connection.execute(sa.select(members.c.code, members.c.id)).all())
    have = set(connection.execute(sa.select(member_names.c.member_id)).scalars())
    for row in names:
        member_id = ids.get(str(row["member"]))
        if member_id is None or member_id in have:
            continue
        connection.execute(
            member_names.insert().values(
                member_id=member_id,
                display_name=str(row["display_name"]),
                may_be_rated=bool(row.get("may_be_rated", True)),
                set_at=as_utc(dt.datetime.fromisoformat(row["set_at"])),
            )
        )
    t = connection_ratings
    for row in ratings:
        group_id = roster.group(row.get("group"), row.get("program"))
        session_id = roster.session(group_id, int(row["session"]), None)
        perceiver, target = ids.get(str(row["perceiver"])), ids.get(str(row["target"]))
        if perceiver is None or target is None:
            raise StoreError(f"a round-robin rating names a member not in the transfer: {row}")
        same = sa.and_(
            t.c.session_id == session_id, t.c.perceiver_id == perceiver, t.c.target_id == target
        )
        if connection.execute(sa.select(t.c.id).where(same)).first():
            continue
        connection.execute(
            t.insert().values(
                session_id=session_id,
                perceiver_id=perceiver,
                target_id=target,
                value=float(row["value"]),
                created_at=as_utc(dt.datetime.fromisoformat(row["created_at"])),
            )
        )


def _dump_self_descriptions(c: Connection) -> list[dict]:
    """About-me answers with the member's own words (the bundle is encrypted)."""
    t = self_descriptions
    return [
        {
            "member": row.code,
            "question": row.question,
            "choice": row.choice,
            "own_words": row.own_words,
            "given_on": _iso(row.given_on),
            "given_at": as_utc(row.given_at).isoformat(),
            "mode": row.mode,
            "entered_by": row.entered_by,
        }
        for row in c.execute(
            sa.select(members.c.code, *[t.c[name] for name in _DESCRIPTION_COLUMNS])
            .select_from(t.join(members))
            .order_by(t.c.id)
        )
    ]


_DESCRIPTION_COLUMNS = (
    "question",
    "choice",
    "own_words",
    "given_on",
    "given_at",
    "mode",
    "entered_by",
)


def _load_self_descriptions(connection: Connection, rows: list[dict]) -> None:
    """Add the about-me answers not already here (the same member, question and time)."""
    t = self_descriptions
    ids = dict(connection.execute(sa.select(members.c.code, members.c.id)).all())
    for row in rows:
        member_id = ids.get(str(row["member"]))
        if member_id is None:
            raise StoreError(f"an about-me answer names member {row['member']!r}, not in it")
        try:
            at = as_utc(dt.datetime.fromisoformat(row["given_at"]))
        except ValueError:
            raise StoreError(f"an about-me answer has no valid time: {row['given_at']!r}") from None
        same = sa.and_(
            t.c.member_id == member_id, t.c.question == row["question"], t.c.given_at == at
        )
        if connection.execute(sa.select(t.c.id).where(same)).first():
            continue
        connection.execute(
            t.insert().values(
                member_id=member_id,
                question=str(row["question"]),
                choice=row.get("choice"),
                own_words=row.get("own_words"),
                given_on=_date(row.get("given_on"), f"member {row['member']}'s about-me answer"),
                given_at=at,
                mode=str(row.get("mode") or "self-completed"),
                entered_by=row.get("entered_by"),
            )
        )


def _dump_repair_steps(c: Connection) -> list[dict]:
    """Repair steps with their notes (clinical notes: the bundle is encrypted)."""
    g, p, m, r = groups, programs, members, repair_steps
    return [
        {
            "group": row.group,
            "program": row.program,
            "member": row.code,
            "session": row.session_number,
            "kind": row.kind,
            "step": row.step,
            "actions": list(row.actions or []),
            "note": row.note,
            "who": row.who,
            "at": as_utc(row.at).isoformat(),
        }
        for row in c.execute(
            sa.select(
                g.c.name.label("group"),
                p.c.name.label("program"),
                m.c.code,
                r.c.session_number,
                r.c.kind,
                r.c.step,
                r.c.actions,
                r.c.note,
                r.c.who,
                r.c.at,
            )
            .select_from(
                r.join(g, g.c.id == r.c.group_id)
                .outerjoin(p, p.c.id == g.c.program_id)
                .outerjoin(m, m.c.id == r.c.member_id)
            )
            .order_by(r.c.id)
        )
    ]


def _load_repair_steps(connection: Connection, roster: Roster, rows: list[dict]) -> None:
    """Add the steps not already here (the same group, member, record, step, who and time)."""
    for row in rows:
        group_id = roster.group(row["group"], row.get("program"))
        member_id = None
        if row.get("member") is not None:
            member_id, _ = roster.member(str(row["member"]), group_id)
        try:
            at = as_utc(dt.datetime.fromisoformat(row["at"]))
        except ValueError:
            raise StoreError(f"a repair step has no valid time: {row['at']!r}") from None
        same = sa.and_(
            repair_steps.c.group_id == group_id,
            repair_steps.c.member_id.is_(None)
            if member_id is None
            else repair_steps.c.member_id == member_id,
            repair_steps.c.session_number == int(row["session"]),
            repair_steps.c.kind == row["kind"],
            repair_steps.c.step == row["step"],
            repair_steps.c.at == at,
        )
        if connection.execute(sa.select(repair_steps.c.id).where(same)).first():
            continue
        connection.execute(
            repair_steps.insert().values(
                group_id=group_id,
                member_id=member_id,
                session_number=int(row["session"]),
                kind=row["kind"],
                step=row["step"],
                actions=list(row.get("actions") or []),
                note=row.get("note"),
                who=row.get("who"),
                at=at,
            )
        )


@dataclass(frozen=True)
class LoadResult:
    """What loading a dump did: rows added per table, or the conflicts that stopped it."""

    added: dict[str, int]
    conflicts: list[str] = field(default_factory=list)
    committed: bool = True

    @property
    def added_nothing(self) -> bool:
        """True when every row in the dump was already stored."""
        return not any(self.added.values())


def _date(value: str | None, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise StoreError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _rows(dump: dict, table: str) -> list[dict]:
    rows = dump.get(table, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise StoreError(f"the transfer's {table!r} is not a list of records")
    return rows


def _counts(connection: Connection) -> dict[str, int]:
    return {
        name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in _COUNTED.items()
    }


def _load_programs(connection: Connection, roster: Roster, rows: list[dict]) -> None:
    for row in rows:
        name = str(row["name"])
        flagged = bool(row.get("substance_use"))
        stored = connection.execute(
            sa.select(programs.c.substance_use).where(programs.c.name == name)
        ).first()
        # A substance-use flag only ever spreads: data under 42 CFR Part 2 on either side
        # stays marked as such.
        if stored is None:
            roster.program(name, flagged)
        else:
            roster.program(name, True if flagged and not stored[0] else None)


def _load_sessions(
    connection: Connection, roster: Roster, rows: list[dict], conflicts: list[str]
) -> None:
    for row in rows:
        group_id = roster.group(row.get("group"), row.get("program"))
        number = int(row["number"])
        date = _date(row.get("date"), f"session {number} of group {row.get('group')}")
        session_id = roster.session(group_id, number, date)
        stored = connection.execute(
            sa.select(sessions.c.date).where(sessions.c.id == session_id)
        ).scalar()
        if date is not None and stored is not None and stored != date:
            conflicts.append(
                f"session {number} of group {row.get('group')}: stored on {stored}, "
                f"the transfer says {date}"
            )
        if row.get("round_robin"):
            connection.execute(
                sessions.update().where(sessions.c.id == session_id).values(round_robin=True)
            )


def _load_attendance(
    connection: Connection, roster: Roster, rows: list[dict], conflicts: list[str]
) -> None:
    for row in rows:
        group_id = roster.group(row.get("group"), row.get("program"))
        session_id = roster.session(group_id, int(row["session"]))
        member_id = roster.member(str(row["member"]), group_id)[0]
        present = bool(row["present"])
        stored = connection.execute(
            sa.select(attendance.c.present).where(
                attendance.c.session_id == session_id, attendance.c.member_id == member_id
            )
        ).first()
        if stored is None:
            connection.execute(
                attendance.insert().values(
                    session_id=session_id,
                    member_id=member_id,
                    present=present,
                    recorded_at=dt.datetime.now(dt.UTC),
                )
            )
        elif bool(stored[0]) != present:
            conflicts.append(
                f"attendance of member {row['member']} at session {row['session']} of group "
                f"{row.get('group')}: stored {'present' if stored[0] else 'absent'}, the "
                f"transfer says {'present' if present else 'absent'}"
            )


def _administration(row: dict) -> Administration:
    return Administration(
        member=str(row["member"]),
        instrument=str(row["instrument"]),
        instrument_version=str(row["instrument_version"]),
        timepoint=str(row["timepoint"]),
        answers={str(item): value for item, value in row["answers"]},
        group=row.get("group"),
        program=row.get("program"),
        session=None if row.get("session") is None else int(row["session"]),
        date=_date(row.get("date"), f"member {row['member']}, {row['instrument']}"),
        mode=str(row.get("mode") or "imported"),
        entered_by=row.get("entered_by"),
        language=row.get("language"),
    )


def load_dump(
    engine: Engine, dump: dict, *, who: str | None = None, source: str | None = None
) -> LoadResult:
    """Write a `dump_database` dump in one transaction; all of it or, on conflicts, nothing.

    An audit event (`who`, `source` and the counts; no codes) records a committed load.
    """
    if not isinstance(dump, dict):
        raise StoreError("the transfer holds no tables")

    def work(connection: Connection) -> LoadResult:
        before = _counts(connection)
        roster = Roster(connection)
        conflicts: list[str] = []
        try:
            _load_programs(connection, roster, _rows(dump, "programs"))
            for row in _rows(dump, "groups"):
                new = roster.group(row["name"], row.get("program"))
                stored = connection.execute(
                    sa.select(groups.c.facilitator_code).where(groups.c.id == new)
                ).scalar()
                wanted = row.get("facilitator_code")
                if wanted and stored is None:
                    roster.group(row["name"], row.get("program"), wanted)
                elif wanted and stored != wanted:
                    conflicts.append(
                        f"group {row['name']}: facilitator {stored!r} stored, the transfer "
                        f"says {wanted!r}"
                    )
            for row in _rows(dump, "members"):
                try:
                    roster.member(
                        str(row["code"]), roster.group(row.get("group"), row.get("program"))
                    )
                except StoreError as error:
                    conflicts.append(str(error))
            _load_sessions(connection, roster, _rows(dump, "sessions"), conflicts)
            _load_attendance(connection, roster, _rows(dump, "attendance"), conflicts)
            for row in _rows(dump, "administrations"):
                try:
                    result = save_in_transaction(
                        connection, roster, _administration(row), replace=False
                    )
                except StoreError as error:  # e.g. its member is in another group here
                    conflicts.append(str(error))
                    continue
                if result.status == "conflict":
                    conflicts.append(str(result))
            _load_repair_steps(connection, roster, _rows(dump, "repair_steps"))
            _load_self_descriptions(connection, _rows(dump, "self_descriptions"))
            _load_round_robins(
                connection, roster, _rows(dump, "member_names"), _rows(dump, "connection_ratings")
            )
        except (KeyError, TypeError, AdministrationError) as error:
            raise StoreError(f"the transfer is not in the expected form ({error})") from None
        added = {k: v - before[k] for k, v in _counts(connection).items()}
        if conflicts:
            raise Rollback(LoadResult(added={}, conflicts=conflicts, committed=False))
        record_in(connection, who, BUNDLE_IMPORT, {"source": source, "added": added})
        return LoadResult(added=added)

    return write_transaction(engine, work)
