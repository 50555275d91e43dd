"""Repair steps: what facilitators recorded about each disconnection, appended, never changed.

A disconnection record (`analysis.repairs`) is named by its group, member (None for a
whole-group record), the session it began at and its kind. Each step saved about it is a
new row, so two facilitators saving at once both keep what they wrote; `count_steps` lets
a page tell the later one that somebody else wrote meanwhile. Notes are clinical notes:
they are read here only for callers that `access` has let read them, and every read or
write is audited by the service that calls this module.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.audit import REPAIR_ACTIONS_CHANGED, REPAIR_STEP, record_in
from store.db import StoreError, as_utc, now, read_frame, write_transaction
from store.schema import groups, members, program_repair_actions, programs, repair_steps

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
) -> int:
    """Append one step about a disconnection (audited without its note); returns its id.

    Raises StoreError when the member is not in the group.
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
                at=now(),
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


def program_actions(engine: Engine, program: str) -> list[str] | None:
    """The program's own list of repair actions, or None when it uses the defaults."""
    with engine.connect() as connection:
        actions = connection.execute(
            sa.select(program_repair_actions.c.actions)
            .select_from(program_repair_actions.join(programs))
            .where(programs.c.name == program)
        ).scalar()
    return list(actions) if actions is not None else None


def set_program_actions(engine: Engine, program: str, actions: list[str], who: str | None) -> None:
    """Replace a program's list of repair actions (audited); StoreError for no such program."""

    def work(connection: Connection) -> None:
        program_id = connection.execute(
            sa.select(programs.c.id).where(programs.c.name == program)
        ).scalar()
        if program_id is None:
            raise StoreError(f"there is no program {program!r}")
        connection.execute(
            program_repair_actions.delete().where(program_repair_actions.c.program_id == program_id)
        )
        connection.execute(
            program_repair_actions.insert().values(program_id=program_id, actions=list(actions))
        )
        record_in(
            connection, who, REPAIR_ACTIONS_CHANGED, {"program": program, "actions": len(actions)}
        )

    write_transaction(engine, work)
