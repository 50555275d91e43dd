"""Repair steps: what facilitators recorded about each disconnection, appended, never changed.

A disconnection record (`analysis.repairs`) is named by its group, member (None for a
whole-group record), the session it began at and its kind. Each step saved about it is a
new row, so two facilitators saving at once both keep what they wrote; `count_steps` lets
a page tell the later one that somebody else wrote meanwhile. Notes are clinical notes:
they are read here only for callers that `access` has let read them, and every read or
write is audited by the service that calls this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.audit import REPAIR_SETTINGS_CHANGED, REPAIR_STEP, record_in
from store.db import StoreError, as_utc, now, read_frame, write_transaction
from store.roster import program_id_of
from store.schema import groups, members, program_repair_settings, programs, repair_steps

STEP_COLUMNS = [
    "program",
    "group",
    "member",
    "session",
    "kind",
    "step",
    "actions",
    "note",
    "who",
    "at",
]


def record_step(
    engine: Engine,
    *,
    group_id: int,
    member: str | None,
    session: int,
    kind: str,
    step: str,
    actions: list[str],
    note: str | None,
    who: str | None,
    at: dt.datetime | None = None,
) -> int:
    """Append one step about a disconnection (audited without its note); returns its id.

    `at` is when it happened (default now; the demo loader gives its own). Raises
    StoreError when the member is not in the group.
    """

    def work(connection: Connection) -> int:
        member_id = None
        if member is not None:
            member_id = connection.execute(
                sa.select(members.c.id).where(
                    members.c.code == member, members.c.group_id == group_id
                )
            ).scalar()
            if member_id is None:
                raise StoreError(
                    "that member is not in this group (withdrawn or moved?); nothing was saved"
                )
        step_id = connection.execute(
            repair_steps.insert().values(
                group_id=group_id,
                member_id=member_id,
                session_number=int(session),
                kind=kind,
                step=step,
                actions=list(actions),
                note=note or None,
                who=who,
                at=at or now(),
            )
        ).inserted_primary_key[0]
        group_name = connection.execute(
            sa.select(groups.c.name).where(groups.c.id == group_id)
        ).scalar()
        record_in(
            connection,
            who,
            REPAIR_STEP,
            {
                "group": group_name,
                "session": int(session),
                "kind": kind,
                "step": step,
                "actions": len(actions),
                "note": bool(note),
            },
        )
        return step_id

    return write_transaction(engine, work)


def load_steps(
    engine: Engine, group_ids: list[int] | None = None, with_notes: bool = False
) -> pd.DataFrame:
    """Recorded steps in the order they were saved; notes only when `with_notes`.

    `group_ids` keeps those groups' steps (None: every group; empty: none).
    """
    query = (
        sa.select(
            programs.c.name.label("program"),
            groups.c.name.label("group"),
            members.c.code.label("member"),
            repair_steps.c.session_number.label("session"),
            repair_steps.c.kind,
            repair_steps.c.step,
            repair_steps.c.actions,
            (repair_steps.c.note if with_notes else sa.null()).label("note"),
            repair_steps.c.who,
            repair_steps.c.at,
        )
        .select_from(
            repair_steps.join(groups, groups.c.id == repair_steps.c.group_id)
            .outerjoin(programs, programs.c.id == groups.c.program_id)
            .outerjoin(members, members.c.id == repair_steps.c.member_id)
        )
        .order_by(repair_steps.c.id)
    )
    if group_ids is not None:
        query = query.where(repair_steps.c.group_id.in_(sorted(int(i) for i in group_ids)))
    frame = read_frame(engine, query)
    if len(frame):
        frame["at"] = frame["at"].map(as_utc)
        frame["actions"] = frame["actions"].map(lambda v: list(v or []))
    return frame.reindex(columns=STEP_COLUMNS)


@dataclass(frozen=True)
class RepairSettings:
    """A program's repair settings; None where it uses `analysis.repairs`' defaults."""

    actions: list[str] | None = None
    window: int | None = None


def program_settings(engine: Engine) -> dict[str, RepairSettings]:
    """Program name -> its repair settings, for the programs that have any."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                programs.c.name,
                program_repair_settings.c.actions,
                program_repair_settings.c.window,
            ).select_from(program_repair_settings.join(programs))
        ).all()
    return {
        row.name: RepairSettings(list(row.actions) if row.actions is not None else None, row.window)
        for row in rows
    }


def set_program_settings(
    engine: Engine,
    program: str,
    who: str | None,
    *,
    actions: list[str] | None = None,
    window: int | None = None,
) -> None:
    """Set a program's repair actions and/or window, keeping the other (audited).

    StoreError for no such program.
    """

    def work(connection: Connection) -> None:
        program_id = program_id_of(connection, program)
        table = program_repair_settings
        old = connection.execute(
            sa.select(table.c.actions, table.c.window).where(table.c.program_id == program_id)
        ).first()
        values = {
            "actions": list(actions) if actions is not None else (old.actions if old else None),
            "window": window if window is not None else (old.window if old else None),
        }
        connection.execute(table.delete().where(table.c.program_id == program_id))
        connection.execute(table.insert().values(program_id=program_id, **values))
        record_in(
            connection,
            who,
            REPAIR_SETTINGS_CHANGED,
            {
                "program": program,
                "actions": len(values["actions"] or []),
                "window": values["window"],
            },
        )

    write_transaction(engine, work)
