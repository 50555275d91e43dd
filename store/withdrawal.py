"""Withdrawal: a member's data deleted everywhere, on request, in one transaction.

Deleted: the member's item responses, administrations, attendance marks, repair steps,
about-me answers (store.descriptions), round-robin ratings they gave or received and their
display name (store.connections), and the member row itself. Kept: an audit event that
holds no data about the person (no code, no answers, no dates), only the group and how many
records went, e.g. "a member was withdrawn from group G-3; 14 administrations deleted".
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.audit import WITHDRAWAL, record_in
from store.connections import forget_member
from store.db import StoreError, write_transaction
from store.schema import (
    administrations,
    attendance,
    groups,
    item_responses,
    members,
    programs,
    repair_steps,
    self_descriptions,
)


@dataclass(frozen=True)
class Withdrawal:
    """What a withdrawal deleted (counts only)."""

    group: str | None
    program: str | None
    administrations: int
    answers: int
    attendance: int

    def __str__(self) -> str:
        where = f"group {self.group}" if self.group else "no group"
        if self.program:
            where += f" of program {self.program}"
        return (
            f"a member was withdrawn from {where}; {self.administrations} administration(s), "
            f"{self.answers} answer(s) and {self.attendance} attendance mark(s) deleted"
        )


def withdraw_member(engine: Engine, code: str, who: str | None) -> Withdrawal:
    """Delete every record of the member with this code; StoreError when there is none."""
    code = str(code).strip()

    def work(connection: Connection) -> Withdrawal:
        row = connection.execute(
            sa.select(members.c.id, groups.c.name, programs.c.name.label("program"))
            .select_from(members.outerjoin(groups).outerjoin(programs))
            .where(members.c.code == code)
        ).first()
        if row is None:
            raise StoreError(f"there is no member {code!r}; check the code (nothing was deleted)")
        member_id = row.id
        administration_ids = sa.select(administrations.c.id).where(
            administrations.c.member_id == member_id
        )
        answers = connection.execute(
            item_responses.delete().where(
                item_responses.c.administration_id.in_(administration_ids)
            )
        ).rowcount
        deleted_administrations = connection.execute(
            administrations.delete().where(administrations.c.member_id == member_id)
        ).rowcount
        marks = connection.execute(
            attendance.delete().where(attendance.c.member_id == member_id)
        ).rowcount
        connection.execute(repair_steps.delete().where(repair_steps.c.member_id == member_id))
        connection.execute(
            self_descriptions.delete().where(self_descriptions.c.member_id == member_id)
        )
        forget_member(connection, member_id)
        connection.execute(members.delete().where(members.c.id == member_id))
        result = Withdrawal(
            group=row.name,
            program=row.program,
            administrations=deleted_administrations,
            answers=answers,
            attendance=marks,
        )
        record_in(
            connection,
            who,
            WITHDRAWAL,
            {
                "group": row.name,
                "program": row.program,
                "administrations": deleted_administrations,
                "answers": answers,
                "attendance": marks,
                "summary": str(result),
            },
        )
        return result

    return write_transaction(engine, work)
