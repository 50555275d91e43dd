"""Members' descriptions of themselves (the about-me form) and what groups administrations.

A program chooses which questions of the about-me form (`measures.about_me`) it asks
(`asked_questions`, `set_asked_questions`). A member's answers are appended, never
overwritten (`save_self_description`): answering again counts from that day, so an
administration is grouped by the description its member had given by then
(`descriptions_at`). `remove_self_descriptions` deletes every answer of a member; a
withdrawal (store.withdrawal) does too.

The member's own words are stored for the member alone: nothing here returns them, and no
result, page or report reads them (results use only the form's categories).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.audit import (
    ABOUT_ME_SETTINGS_CHANGED,
    SELF_DESCRIPTION_GIVEN,
    SELF_DESCRIPTION_REMOVED,
    record_in,
)
from store.db import StoreError, frame_on, now, write_transaction
from store.roster import program_id_of
from store.schema import (
    about_me_questions,
    administrations,
    groups,
    members,
    programs,
    self_descriptions,
    sessions,
)

#: Columns of `descriptions_at` and `administration_contexts`.
CONTEXT_COLUMNS = ["member", "timepoint", "on", "mode", "language"]


def asked_questions(engine: Engine, program: str | None) -> list[str]:
    """The about-me question ids `program` asks its members, in the order chosen ([]: none)."""
    if not program:
        return []
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(about_me_questions.c.questions)
            .select_from(about_me_questions.join(programs))
            .where(programs.c.name == program)
        ).scalar()
    return list(found or [])


def set_asked_questions(
    engine: Engine, program: str, questions: list[str], who: str | None
) -> None:
    """Set which about-me questions `program` asks ([]: none); audited; StoreError if no program."""

    def work(connection: Connection) -> None:
        program_id = program_id_of(connection, program)
        table = about_me_questions
        connection.execute(table.delete().where(table.c.program_id == program_id))
        connection.execute(table.insert().values(program_id=program_id, questions=list(questions)))
        record_in(
            connection,
            who,
            ABOUT_ME_SETTINGS_CHANGED,
            {"program": program, "questions": ", ".join(questions) or "none"},
        )

    write_transaction(engine, work)


def _member(connection: Connection, code: str) -> tuple[int, str | None]:
    row = connection.execute(
        sa.select(members.c.id, groups.c.name)
        .select_from(members.outerjoin(groups))
        .where(members.c.code == code)
    ).first()
    if row is None:
        raise StoreError(f"there is no member {code!r}; check the code (nothing was stored)")
    return row.id, row.name


def save_self_description(
    engine: Engine,
    code: str,
    answers: Mapping[str, tuple[str | None, str | None]],
    *,
    given_on: dt.date | None = None,
    mode: str = "self-completed",
    who: str | None = None,
) -> int:
    """Append member `code`'s about-me answers: question -> (choice id or None, own words).

    A question answered with neither a choice nor words is kept as skipped (the member was
    asked). The answers count from `given_on` (today by default); an answer the same as the
    member's latest one, on the same day, adds nothing. Returns the rows added; audited with
    the group and how many questions, never the answers.
    """
    moment = now()
    day = given_on or moment.date()

    def work(connection: Connection) -> int:
        member_id, group = _member(connection, code)
        rows = [
            {
                "member_id": member_id,
                "question": question,
                "choice": choice or None,
                "own_words": (words or "").strip() or None,
                "given_on": day,
                "given_at": moment,
                "mode": mode,
                "entered_by": who,
            }
            for question, (choice, words) in answers.items()
        ]
        # The same answer given again on the same day (a file stored twice) adds nothing.
        rows = [row for row in rows if _latest(connection, member_id, row) != _same(row)]
        if rows:
            connection.execute(self_descriptions.insert(), rows)
        record_in(connection, who, SELF_DESCRIPTION_GIVEN, {"group": group, "questions": len(rows)})
        return len(rows)

    return write_transaction(engine, work)


def _same(row: dict) -> tuple:
    return (row["choice"], row["own_words"], row["given_on"])


def _latest(connection: Connection, member_id: int, row: dict) -> tuple | None:
    """The member's latest answer to the row's question, as `_same` compares it."""
    t = self_descriptions
    found = connection.execute(
        sa.select(t.c.choice, t.c.own_words, t.c.given_on)
        .where(t.c.member_id == member_id, t.c.question == row["question"])
        .order_by(t.c.given_on.desc(), t.c.given_at.desc(), t.c.id.desc())
        .limit(1)
    ).first()
    return tuple(found) if found is not None else None


def remove_self_descriptions(engine: Engine, code: str, who: str | None = None) -> int:
    """Delete every about-me answer of member `code`; returns how many (audited, a count only)."""

    def work(connection: Connection) -> int:
        member_id, group = _member(connection, code)
        removed = connection.execute(
            self_descriptions.delete().where(self_descriptions.c.member_id == member_id)
        ).rowcount
        record_in(connection, who, SELF_DESCRIPTION_REMOVED, {"group": group, "rows": removed})
        return removed

    return write_transaction(engine, work)


def answered_questions(engine: Engine, code: str) -> set[str]:
    """The about-me questions member `code` has been asked and answered or skipped."""
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(self_descriptions.c.question)
            .select_from(self_descriptions.join(members))
            .where(members.c.code == code)
            .distinct()
        ).scalars()
        return set(found)


def description_history(engine: Engine, question: str) -> pd.DataFrame:
    """Every answer to `question`: member (code), on (date), at, choice (None: skipped).

    ``own_words`` is only a flag (True when the member wrote something): the words stay in
    the database.
    """
    t = self_descriptions
    query = (
        sa.select(
            members.c.code.label("member"),
            t.c.given_on.label("on"),
            t.c.given_at.label("at"),
            t.c.choice,
            t.c.own_words.is_not(None).label("own_words"),
        )
        .select_from(t.join(members))
        .where(t.c.question == question)
        .order_by(t.c.given_on, t.c.given_at, t.c.id)
    )
    with engine.connect() as connection:
        return frame_on(connection, query)


def administration_contexts(engine: Engine, instrument: str) -> pd.DataFrame:
    """Each administration of `instrument`: member (code), timepoint, on, mode, language.

    ``on`` is the administration's date (else its session's, else the day it was stored): the
    day a self-description must have been given by to count for it.
    """
    a = administrations
    query = (
        sa.select(
            members.c.code.label("member"),
            a.c.timepoint,
            sa.func.coalesce(a.c.date, sessions.c.date).label("on"),
            a.c.created_at,
            a.c.mode,
            a.c.language,
        )
        .select_from(a.join(members).outerjoin(sessions, sessions.c.id == a.c.session_id))
        .where(a.c.instrument == instrument)
    )
    with engine.connect() as connection:
        frame = frame_on(connection, query)
    stored_on = pd.to_datetime(frame["created_at"], utc=True).dt.date
    frame["on"] = [
        s if d is None or pd.isna(d) else d for d, s in zip(frame["on"], stored_on, strict=True)
    ]
    return frame[CONTEXT_COLUMNS]


def load_demo_descriptions(
    engine: Engine, answers: pd.DataFrame, languages: Mapping[str, str], questions: list[str]
) -> int:
    """Store synthetic about-me answers and answer languages for a freshly loaded program.

    `answers` has member, question, choice; each counts from the member's first
    administration. `languages` (member -> "en"/"es") is set on every administration of the
    member (paper forms too: printed in the member's language); every program asks
    `questions`. One
    transaction; returns the answers stored.
    """

    def work(connection: Connection) -> int:
        ids = dict(connection.execute(sa.select(members.c.code, members.c.id)).all())
        first = dict(
            connection.execute(
                sa.select(
                    administrations.c.member_id, sa.func.min(administrations.c.date)
                ).group_by(administrations.c.member_id)
            ).all()
        )
        moment = now()
        rows = [
            {
                "member_id": ids[r.member],
                "question": r.question,
                "choice": r.choice,
                "own_words": None,
                "given_on": first.get(ids[r.member]) or moment.date(),
                "given_at": moment,
                "mode": "self-completed",
                "entered_by": "demo loader",
            }
            for r in answers.itertuples(index=False)
            if r.member in ids
        ]
        if rows:
            connection.execute(self_descriptions.insert(), rows)
        for language in sorted(set(languages.values())):
            chosen = [ids[m] for m, lang in languages.items() if lang == language and m in ids]
            connection.execute(
                administrations.update()
                .where(administrations.c.member_id.in_(chosen))
                .values(language=language)
            )
        for program_id in connection.execute(sa.select(programs.c.id)).scalars().all():
            connection.execute(
                about_me_questions.insert().values(program_id=program_id, questions=questions)
            )
        return len(rows)

    return write_transaction(engine, work)


def programs_asking(engine: Engine) -> set[str]:
    """Every about-me question id some program asks."""
    with engine.connect() as connection:
        found = connection.execute(sa.select(about_me_questions.c.questions)).scalars().all()
    return {question for questions in found for question in (questions or [])}


def member_timepoints(
    engine: Engine, program: str | None = None, group: str | None = None
) -> pd.DataFrame:
    """Each administration's member (code), group id and timepoint, of any questionnaire."""
    a = administrations
    query = (
        sa.select(members.c.code.label("member"), members.c.group_id, a.c.timepoint, a.c.language)
        .select_from(a.join(members).outerjoin(groups).outerjoin(programs))
        .order_by(a.c.id)
    )
    if program is not None:
        query = query.where(programs.c.name == program)
    if group is not None:
        query = query.where(groups.c.name == group)
    with engine.connect() as connection:
        return frame_on(connection, query)
