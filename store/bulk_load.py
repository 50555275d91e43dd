"""A whole program at once: roster, sessions, attendance and answers in one transaction.

`load_program` is how the demo program (`sample_data.demo`) and the scale benchmarks fill a
database: all or nothing, a few statements per thousand rows, PostgreSQL answers by ``COPY``.
`count_rows` says what a database holds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.administrations import Administration, save_batch_in_transaction
from store.audit import LOAD_PROGRAM, record_in
from store.db import StoreError, now, write_transaction
from store.roster import Roster, required_name
from store.schema import (
    administrations,
    attendance,
    groups,
    item_responses,
    members,
    programs,
    sessions,
)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows in each table that holds answers or rosters (for summaries and checks)."""
    tables = [programs, groups, members, sessions, attendance, administrations, item_responses]
    with engine.connect() as connection:
        return {
            t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in tables
        }


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "y", "t")


def load_program(
    engine: Engine,
    roster: pd.DataFrame,
    sessions_table: pd.DataFrame,
    attendance_table: pd.DataFrame,
    batch: Sequence[Administration],
    *,
    only_into_empty: bool = True,
    source: str | None = None,
) -> dict[str, int] | None:
    """Store a program's roster, sessions, attendance and answers in ONE transaction.

    Parameters
    ----------
    roster
        ``program``, ``group``, ``member`` and optionally ``substance_use`` (1/0, true/false)
        and ``facilitator`` (a facilitator code).
    sessions_table
        ``group``, ``session`` (number), ``date`` (ISO), optionally ``program``.
    attendance_table
        ``group``, ``session``, ``member``, ``present`` (1/0, true/false).
    batch
        The administrations (stored as `save_administrations` would).
    only_into_empty
        Load nothing, and return None, when the database already holds any program or
        administration (checked inside the same write transaction, so two processes starting
        at once cannot both load).

    Returns
    -------
    dict or None
        Rows added per table, or None when nothing was loaded.
    """
    program_of_group = dict(zip(roster["group"], roster["program"], strict=False))

    def work(connection: Connection) -> dict[str, int] | None:
        if only_into_empty:
            has_data = (
                connection.execute(sa.select(sa.func.count()).select_from(programs)).scalar_one()
                + connection.execute(
                    sa.select(sa.func.count()).select_from(administrations)
                ).scalar_one()
            )
            if has_data:
                return None
        roster_cache = Roster(connection)
        _prefetch_roster(roster_cache, roster)
        for row in roster.itertuples(index=False):
            roster_cache.member(*_roster_row(roster_cache, row._asdict()))
        planned: dict[tuple[int | None, int], dt.date | None] = {}
        for row in sessions_table.itertuples(index=False):
            values = row._asdict()
            group_name = required_name(values["group"], "group")
            program = _text_or_none(values.get("program")) or program_of_group.get(group_name)
            date = _text_or_none(values.get("date"))
            planned.setdefault(
                (roster_cache.group(group_name, program), int(values["session"])),
                pd.Timestamp(date).date() if date else None,
            )
        roster_cache.prefetch_sessions(planned)
        marks = []
        for row in attendance_table.itertuples(index=False):
            values = row._asdict()
            group_name = required_name(values["group"], "group")
            group_id = roster_cache.group(group_name, program_of_group.get(group_name))
            marks.append(
                {
                    "session_id": roster_cache.session(group_id, int(values["session"])),
                    "member_id": roster_cache.member(str(values["member"]), group_id)[0],
                    "present": _flag(values["present"]),
                    "recorded_at": now(),
                }
            )
        if marks:
            connection.execute(attendance.insert(), marks)
        results = save_batch_in_transaction(connection, roster_cache, batch, replace=False)
        conflicts = [r for r in results if r.status == "conflict"]
        if conflicts:
            raise StoreError(
                f"{len(conflicts)} administration(s) conflict with stored ones, e.g. "
                f"{conflicts[0]}; nothing was loaded"
            )
        record_in(connection, None, LOAD_PROGRAM, {"source": source, "answers": len(batch)})
        return {
            "programs": len(roster_cache.programs),
            "groups": len(set(roster_cache.groups.values())),
            "members": len(roster_cache.members),
            "sessions": len(roster_cache.sessions),
            "attendance": len(marks),
            "administrations": sum(r.status == "stored" for r in results),
        }

    added = write_transaction(engine, work)
    if added is not None:
        _refresh_statistics(engine)
    return added


def _refresh_statistics(engine: Engine) -> None:
    """Let the query planner see the new row counts after a bulk load (ANALYZE).

    Without it PostgreSQL plans the aggregations for the empty tables it last saw until
    autovacuum catches up (a sort spilled to disk instead of a hash, seconds instead of
    a fraction).
    """
    with engine.connect() as connection:
        for table in (administrations, item_responses, sessions, members, attendance):
            connection.exec_driver_sql(f"ANALYZE {table.name}")
        connection.commit()


def _roster_row(roster_cache: Roster, values: dict) -> tuple[str, int]:
    """One roster row's program (with its substance-use flag) and group, found or created.

    Returns the member's code and their group's id.
    """
    program = _text_or_none(values.get("program"))
    if "substance_use" in values:
        roster_cache.program(program, _flag(values["substance_use"]))
    group_id = roster_cache.group(
        required_name(values["group"], "group"),
        program,
        _text_or_none(values.get("facilitator")),
    )
    return required_name(values["member"], "member code"), group_id


def _prefetch_roster(roster_cache: Roster, roster: pd.DataFrame) -> None:
    """Find or create the roster's members in a few statements (each in its first group).

    `load_program` then walks the roster row by row against the cache, so a member given two
    groups is refused exactly as before.
    """
    wanted: dict[str, int | None] = {}
    for row in roster.drop_duplicates(["member"]).itertuples(index=False):
        code, group_id = _roster_row(roster_cache, row._asdict())
        wanted[code] = group_id
    roster_cache.prefetch_members(wanted)


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None
