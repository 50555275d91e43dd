"""A small real database for the access and privacy tests: two programs, three groups.

"Recovery" is a substance-use program (42 CFR Part 2); "Community" is not. Codes only.
"""

from __future__ import annotations

import datetime as dt

from store.administrations import Administration, save_administrations
from store.roster import create_group, create_member, create_program
from store.sessions import create_session, record_attendance

MEMBERS = {
    ("Recovery", "R-1"): ["R01", "R02", "R03"],
    ("Recovery", "R-2"): ["R21"],
    ("Community", "C-1"): ["C01", "C02"],
}


def checkin(member, group, program, timepoint, day, values, session=None):
    return Administration(
        member=member,
        instrument="checkin",
        instrument_version="1",
        timepoint=timepoint,
        answers={"q1": values[0], "q2": values[1], "q3": values[2]},
        group=group,
        program=program,
        session=session,
        date=day,
        mode="self-completed",
        entered_by="facilitator1",
    )


def seed(engine) -> None:
    """Programs, groups, members, two sessions each, attendance and pre/post answers."""
    create_program(engine, "Recovery", substance_use=True)
    create_program(engine, "Community", substance_use=False)
    batch = []
    for (program, group), codes in MEMBERS.items():
        create_group(engine, program, group)
        for code in codes:
            create_member(engine, code, group=group, program=program)
        for number, day in ((1, dt.date(2025, 3, 4)), (2, dt.date(2025, 5, 13))):
            create_session(engine, group, number, day, program=program)
            record_attendance(
                engine, group, number, {c: i % 2 == 0 for i, c in enumerate(codes)}, program
            )
        for i, code in enumerate(codes):
            batch.append(checkin(code, group, program, "pre", dt.date(2025, 3, 4), (1, i, 3), 1))
            batch.append(
                checkin(code, group, program, "post", dt.date(2025, 5, 13), (4, 2, None), 2)
            )
    save_administrations(engine, batch, source="seed")
