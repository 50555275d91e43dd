"""Reading stored answers: the long table every analysis starts from, and checks before saving.

`load_responses` gives stored item responses in the spreadsheet contract's long columns;
`stored_answers` gives them keyed by administration, for checking a file before it is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from contract import LONG_COLUMNS
from store.db import frame_on
from store.schema import administrations, groups, item_responses, members, programs, sessions

#: Columns of `load_responses`, the long spreadsheet contract (ARCHITECTURE.md).
RESPONSE_COLUMNS = list(LONG_COLUMNS)
#: Answers fetched per round trip by `load_responses`.
_ANSWER_CHUNK = 100_000


def stored_answers(
    engine: Engine, instrument: str | None = None, members_codes: Iterable[str] | None = None
) -> dict[tuple[str, str, str], dict[str, float | None]]:
    """Stored answers keyed by (member, instrument, timepoint), for checking a file first.

    Narrow with `instrument` and `members_codes` (member codes) for large databases.
    """
    query = (
        sa.select(
            members.c.code,
            administrations.c.instrument,
            administrations.c.timepoint,
            item_responses.c.item,
            item_responses.c.value,
        )
        .select_from(
            item_responses.join(administrations).join(
                members, members.c.id == administrations.c.member_id
            )
        )
        .order_by(administrations.c.id, item_responses.c.position)
    )
    if instrument is not None:
        query = query.where(administrations.c.instrument == instrument)
    if members_codes is not None:
        query = query.where(members.c.code.in_(list(members_codes)))
    answers: dict[tuple[str, str, str], dict[str, float | None]] = {}
    with engine.connect() as connection:
        for code, inst, timepoint, item, value in connection.execute(query):
            answers.setdefault((code, inst, timepoint), {})[item] = value
    return answers


def _as_list(value) -> list | None:
    if value is None:
        return None
    return [value] if isinstance(value, str | int) else list(value)


def load_responses(
    engine: Engine,
    program: str | Sequence[str] | None = None,
    group: str | Sequence[str] | None = None,
    instrument: str | Sequence[str] | None = None,
    timepoint: str | Sequence[str] | None = None,
    date_from: dt.date | str | None = None,
    date_to: dt.date | str | None = None,
) -> pd.DataFrame:
    """Stored item responses as a long DataFrame in the spreadsheet contract's columns.

    Columns: member, timepoint, item, value (float, NaN for a skipped item), instrument, group,
    program, session (Int64 session number), date (datetime64, NaT when unknown), mode. Rows
    come in the order the administrations were stored, items in questionnaire order. Each
    filter takes one value or a list; dates are inclusive.
    """
    a, m = administrations, members
    joined = (
        a.join(m, m.c.id == a.c.member_id)
        .outerjoin(groups, groups.c.id == m.c.group_id)
        .outerjoin(programs, programs.c.id == groups.c.program_id)
        .outerjoin(sessions, sessions.c.id == a.c.session_id)
    )
    conditions = []
    for column, wanted in (
        (programs.c.name, program),
        (groups.c.name, group),
        (a.c.instrument, instrument),
        (a.c.timepoint, timepoint),
    ):
        values = _as_list(wanted)
        if values is not None:
            conditions.append(column.in_([str(v) for v in values]))
    if date_from is not None:
        conditions.append(a.c.date >= pd.Timestamp(date_from).date())
    if date_to is not None:
        conditions.append(a.c.date <= pd.Timestamp(date_to).date())
    # One row per administration for its context, then only (administration, position,
    # item, value) per answer, read in chunks into arrays: millions of answers never become
    # millions of Python rows of ten fields.
    context_query = (
        sa.select(
            a.c.id,
            m.c.code.label("member"),
            a.c.timepoint,
            a.c.instrument,
            groups.c.name.label("group"),
            programs.c.name.label("program"),
            sessions.c.number.label("session"),
            a.c.date,
            a.c.mode,
        )
        .select_from(joined)
        .where(*conditions)
        .order_by(a.c.id)
    )
    answers_query = sa.select(
        item_responses.c.administration_id,
        item_responses.c.position,
        item_responses.c.item,
        item_responses.c.value,
    )
    if conditions:
        chosen = sa.select(a.c.id).select_from(joined).where(*conditions)
        answers_query = answers_query.where(item_responses.c.administration_id.in_(chosen))
    item_codes: dict[str, int] = {}
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    with engine.connect() as connection:
        context = frame_on(connection, context_query)
        result = connection.execution_options(yield_per=_ANSWER_CHUNK).execute(answers_query)
        for chunk in result.partitions():
            ids, positions, items, values = zip(*chunk, strict=True)
            parts.append(
                (
                    np.array(ids, dtype=np.int64),
                    np.array(positions, dtype=np.int64),
                    np.array([item_codes.setdefault(i, len(item_codes)) for i in items]),
                    np.array(values, dtype=float),
                )
            )
    if parts:
        ids, positions, codes, values = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:
        ids = positions = codes = np.array([], dtype=np.int64)
        values = np.array([], dtype=float)
    context_ids = context["id"].to_numpy(dtype=np.int64)
    # An administration stored between the two reads has no context row: left out.
    rows = np.searchsorted(context_ids, ids)
    known = rows < len(context_ids)
    known[known] = context_ids[rows[known]] == ids[known]
    order = np.lexsort((positions[known], ids[known]))
    rows, codes, values = rows[known][order], codes[known][order], values[known][order]

    context["session"] = pd.array(context["session"].tolist(), dtype="Int64")
    context["date"] = pd.to_datetime(context["date"])
    for column in ("member", "timepoint", "instrument", "group", "program", "mode"):
        context[column] = context[column].astype(object).where(context[column].notna(), None)
    item_names = np.array([*item_codes, None], dtype=object)

    def text(values: np.ndarray) -> pd.Series:  # object dtype with None, as before
        return pd.Series(values, dtype=object)

    frame = pd.DataFrame(
        {
            "member": text(context["member"].to_numpy()[rows]),
            "timepoint": text(context["timepoint"].to_numpy()[rows]),
            "item": text(item_names[codes]),
            "value": values,
            "instrument": text(context["instrument"].to_numpy()[rows]),
            "group": text(context["group"].to_numpy()[rows]),
            "program": text(context["program"].to_numpy()[rows]),
            "session": context["session"].array.take(rows),
            "date": context["date"].to_numpy()[rows],
            "mode": text(context["mode"].to_numpy()[rows]),
        },
        columns=RESPONSE_COLUMNS,
    )
    if frame.empty:
        frame["date"] = pd.to_datetime(frame["date"])
    return frame
