"""Reading and writing the database: the only module in Mutuality that speaks SQL.

Guarantees (tested on SQLite and PostgreSQL, see docs/storage.md):

- An administration is written atomically: the administration row and all its item
  responses, or nothing.
- Saving is idempotent: the same administration again is ``unchanged``; one with the same
  member, instrument and timepoint but different answers is a ``conflict`` and is not
  written, unless the caller passes ``replace=True`` (then ``replaced``, with an audit event).
- A whole file is saved in one transaction (`save_administrations`): all of it or none of it.
- Concurrent writers are safe: a transaction that loses a race (SQLite busy, PostgreSQL
  serialization failure, deadlock or unique violation) is rolled back and run again, and then
  finds the other writer's row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.administration import Administration
from store.db import writing
from store.schema import (
    administrations,
    attendance,
    groups,
    item_responses,
    members,
    programs,
    sessions,
)

#: Columns of `load_responses`, the long spreadsheet contract (ARCHITECTURE.md).
RESPONSE_COLUMNS = [
    "member",
    "timepoint",
    "item",
    "value",
    "instrument",
    "group",
    "program",
    "session",
    "date",
    "mode",
]
#: How often a transaction that lost a race to another writer is run again.
MAX_ATTEMPTS = 30
# PostgreSQL SQLSTATEs worth another attempt: serialization failure, deadlock, unique
# violation (another writer inserted the same key first).
_RETRY_SQLSTATES = {"40001", "40P01", "23505"}

T = TypeVar("T")


class StoreError(ValueError):
    """A request the database refuses (unknown group, a member moved between groups, ...)."""


class _Rollback(Exception):  # noqa: N818 - control flow: raised by a transaction's work
    # (public as `Rollback` for `write_transaction`), caught by `_write`, never by callers.
    def __init__(self, result):
        self.result = result


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _retryable(error: sa.exc.DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    message = str(error.orig).lower()
    if isinstance(error, sa.exc.OperationalError) and ("locked" in message or "busy" in message):
        return True
    # SQLite: a unique index hit can only come from a race when writers are serialised,
    # but retrying is harmless and bounded.
    return isinstance(error, sa.exc.IntegrityError) and "unique" in message


_sqlite_writer_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


@contextlib.contextmanager
def _writer_slot(engine: Engine):
    """On SQLite, threads of one process take turns to write.

    SQLite allows one writer at a time anyway; queueing on a Python lock hands the write lock
    straight to the next thread, where SQLite's busy handler would sleep and poll (up to
    100 ms a time). Other processes still wait through the busy timeout.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with _locks_guard:
        lock = _sqlite_writer_locks.setdefault(id(engine), threading.Lock())
    with lock:
        yield


def _write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` in one write transaction, again from the start when it loses a race.

    `work` raises `_Rollback(result)` to roll back and return `result`.
    """
    for attempt in range(MAX_ATTEMPTS):
        try:
            with _writer_slot(engine), writing(engine.connect()) as connection:
                transaction = connection.begin()
                try:
                    result = work(connection)
                except _Rollback as rollback:
                    transaction.rollback()
                    return rollback.result
                except BaseException:
                    transaction.rollback()
                    raise
                transaction.commit()
                return result
        except sa.exc.DBAPIError as error:
            if attempt == MAX_ATTEMPTS - 1 or not _retryable(error):
                raise
            time.sleep(min(0.5, 0.005 * 2 ** min(attempt, 7)) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # pragma: no cover


# Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What saving one administration did.

    `status` is ``stored`` (new), ``unchanged`` (already there with the same answers),
    ``conflict`` (already there with different answers; nothing written) or ``replaced``.
    `differences` maps each differing item to (stored value, new value) for conflicts and
    replacements.
    """

    status: str
    member: str
    instrument: str
    timepoint: str
    administration_id: int | None = None
    differences: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"member {self.member}, {self.instrument} at {self.timepoint}: {self.status}"
        if self.differences:
            shown = ", ".join(
                f"{item} stored {_show(old)} vs new {_show(new)}"
                for item, (old, new) in list(self.differences.items())[:6]
            )
            more = f" (+{len(self.differences) - 6} more)" if len(self.differences) > 6 else ""
            text += f" ({shown}{more})"
        return text


def _show(value: float | None) -> str:
    if value is None:
        return "blank"
    return f"{value:g}"


@dataclass(frozen=True)
class BatchResult:
    """What saving a list of administrations in one transaction did.

    `committed` is False when conflicts stopped the batch: then nothing was written and the
    statuses of the other administrations say what *would* have happened.
    """

    results: list[SaveResult]
    committed: bool

    def _with(self, status: str) -> list[SaveResult]:
        return [r for r in self.results if r.status == status]

    @property
    def stored(self) -> list[SaveResult]:
        """Administrations that were new."""
        return self._with("stored")

    @property
    def unchanged(self) -> list[SaveResult]:
        """Administrations already stored with the same answers."""
        return self._with("unchanged")

    @property
    def conflicts(self) -> list[SaveResult]:
        """Administrations stored with different answers (not overwritten)."""
        return self._with("conflict")

    @property
    def replaced(self) -> list[SaveResult]:
        """Administrations whose stored answers were replaced."""
        return self._with("replaced")


# Get-or-create of the roster -----------------------------------------------------------


class _Roster:
    """Finds or creates programs, groups, members and sessions within one transaction."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.programs: dict[str, int] = {}
        self.groups: dict[tuple[str | None, str], int] = {}
        self.members: dict[str, tuple[int, int | None]] = {}
        self.sessions: dict[tuple[int | None, int], int] = {}

    def program(self, name: str | None, substance_use: bool | None = None) -> int | None:
        if name is None:
            return None
        if name not in self.programs:
            found = self.connection.execute(
                sa.select(programs.c.id).where(programs.c.name == name)
            ).scalar()
            if found is None:
                found = self.connection.execute(
                    programs.insert()
                    .values(name=name, substance_use=bool(substance_use), created_at=_now())
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
                        created_at=_now(),
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
                    .values(code=code, group_id=group_id, created_at=_now())
                    .returning(members.c.id)
                ).scalar_one()
                row = (member_id, group_id)
            self.members[code] = (row[0], row[1])
        member_id, stored_group = self.members[code]
        if group_id is not None and stored_group != group_id:
            if stored_group is not None:
                raise StoreError(
                    f"member {code} belongs to group {self._group_name(stored_group)!r}, not "
                    f"{self._group_name(group_id)!r}; a member code names one person in one "
                    "group. Correct the group, or give the member a new code."
                )
            self.connection.execute(
                members.update().where(members.c.id == member_id).values(group_id=group_id)
            )
            self.members[code] = (member_id, group_id)
        return self.members[code]

    def _group_name(self, group_id: int) -> str:
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
        for chunk in _chunks(sorted({group_id or 0 for group_id, _ in missing})):
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
            now = _now()
            rows = self.connection.execute(
                sessions.insert().returning(sessions.c.id, sort_by_parameter_order=True),
                [
                    {
                        "group_id": group_id,
                        "number": number,
                        "date": wanted[(group_id, number)],
                        "status": "closed",
                        "created_at": now,
                    }
                    for group_id, number in new
                ],
            ).all()
            for key, row in zip(new, rows, strict=True):
                self.sessions[key] = row[0]

    def session(self, group_id: int | None, number: int, date: dt.date | None = None) -> int:
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
                        created_at=_now(),
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


# Saving administrations ------------------------------------------------------------------


def _differences(
    stored: dict[str, float | None], new: dict[str, float | None]
) -> dict[str, tuple[float | None, float | None]]:
    return {
        item: (stored.get(item), new.get(item))
        for item in list(new) + [i for i in stored if i not in new]
        if stored.get(item) != new.get(item)
    }


_CHUNK = 500  # keys per IN (...) list, well under SQLite's and PostgreSQL's limits
#: Administrations written per INSERT (and their items per item write) within a transaction.
_ADMINISTRATION_CHUNK = 10_000
#: Item rows from which PostgreSQL gets COPY rather than INSERT.
_COPY_MIN_ROWS = 1_000
_ITEM_COLUMNS = ("administration_id", "item", "position", "value")
#: Answers fetched per round trip by `load_responses`.
_ANSWER_CHUNK = 100_000


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _member_ids(
    connection: Connection, roster: _Roster, batch: Sequence[Administration]
) -> dict[str, tuple[int, int | None]]:
    """Member code -> (member id, group id) for every member of `batch`, creating new ones."""
    wanted: dict[str, int | None] = {}
    for a in batch:
        group_id = roster.group(a.group, a.program)
        if wanted.get(a.member) is None:
            wanted[a.member] = group_id
        elif group_id is not None and wanted[a.member] != group_id:
            raise StoreError(
                f"member {a.member} is given two groups in the same file "
                f"({roster._group_name(wanted[a.member])!r} and "
                f"{roster._group_name(group_id)!r}); a member belongs to one group"
            )
    _prefetch_members(connection, roster, wanted)
    # Existing members: join the group when they had none; refuse a move between groups.
    return {code: roster.member(code, group_id) for code, group_id in wanted.items()}


def _prefetch_members(
    connection: Connection, roster: _Roster, wanted: dict[str, int | None]
) -> None:
    """Find, or create in `wanted` group, every member code of `wanted` (a few statements)."""
    codes = [c for c in wanted if c not in roster.members]
    for chunk in _chunks(codes):
        for member_id, code, group_id in connection.execute(
            sa.select(members.c.id, members.c.code, members.c.group_id).where(
                members.c.code.in_(chunk)
            )
        ):
            roster.members[code] = (member_id, group_id)
    new = [c for c in codes if c not in roster.members]
    if new:
        now = _now()
        rows = connection.execute(
            members.insert().returning(members.c.id, sort_by_parameter_order=True),
            [{"code": c, "group_id": wanted[c], "created_at": now} for c in new],
        ).all()
        for code, row in zip(new, rows, strict=True):
            roster.members[code] = (row[0], wanted[code])


def _save_batch(
    connection: Connection, roster: _Roster, batch: Sequence[Administration], replace: bool
) -> list[SaveResult]:
    """Save `batch` inside the caller's transaction, with a handful of statements per batch."""
    if not batch:
        return []
    member_ids = _member_ids(connection, roster, batch)
    wanted_sessions: dict[tuple[int | None, int], dt.date | None] = {}
    for a in batch:
        if a.session is not None:
            wanted_sessions.setdefault((member_ids[a.member][1], a.session), a.date)
    roster.prefetch_sessions(wanted_sessions)
    session_ids = [
        roster.session(member_ids[a.member][1], a.session, a.date)
        if a.session is not None
        else None
        for a in batch
    ]
    existing: dict[tuple[int, str, str], tuple[int, str]] = {}
    ids = sorted({member_id for member_id, _group in member_ids.values()})
    instruments = sorted({a.instrument for a in batch})
    for chunk in _chunks(ids):
        for row in connection.execute(
            sa.select(
                administrations.c.member_id,
                administrations.c.instrument,
                administrations.c.timepoint,
                administrations.c.id,
                administrations.c.answers_hash,
            ).where(
                administrations.c.member_id.in_(chunk),
                administrations.c.instrument.in_(instruments),
            )
        ):
            existing[(row[0], row[1], row[2])] = (row[3], row[4])

    results: list[SaveResult | None] = [None] * len(batch)
    new: list[int] = []
    differing: list[int] = []
    for index, a in enumerate(batch):
        found = existing.get((member_ids[a.member][0], a.instrument, a.timepoint))
        if found is None:
            new.append(index)
        elif found[1] == a.hash:
            results[index] = SaveResult("unchanged", a.member, a.instrument, a.timepoint, found[0])
        else:
            differing.append(index)

    def columns(index: int) -> dict:
        a = batch[index]
        return {
            "instrument_version": a.instrument_version,
            "session_id": session_ids[index],
            "date": a.date,
            "mode": a.mode,
            "entered_by": a.entered_by,
            "answers_hash": a.hash,
        }

    items: list[tuple] = []
    now = _now()
    # In chunks, so that a program of millions of answers never holds them all as rows.
    for chunk in _chunks(new, _ADMINISTRATION_CHUNK):
        rows = connection.execute(
            administrations.insert().returning(administrations.c.id, sort_by_parameter_order=True),
            [
                {
                    "member_id": member_ids[batch[i].member][0],
                    "instrument": batch[i].instrument,
                    "timepoint": batch[i].timepoint,
                    "created_at": now,
                    **columns(i),
                }
                for i in chunk
            ],
        ).all()
        for index, row in zip(chunk, rows, strict=True):
            a = batch[index]
            results[index] = SaveResult("stored", a.member, a.instrument, a.timepoint, row[0])
            items += _item_rows(row[0], a.answers)
        _insert_items(connection, items)
        items = []

    if differing:
        stored_ids = [
            existing[(member_ids[batch[i].member][0], batch[i].instrument, batch[i].timepoint)][0]
            for i in differing
        ]
        stored: dict[int, dict[str, float | None]] = {}
        for chunk in _chunks(stored_ids):
            for administration_id, item, value in connection.execute(
                sa.select(
                    item_responses.c.administration_id,
                    item_responses.c.item,
                    item_responses.c.value,
                )
                .where(item_responses.c.administration_id.in_(chunk))
                .order_by(item_responses.c.administration_id, item_responses.c.position)
            ):
                stored.setdefault(administration_id, {})[item] = value
        for index, administration_id in zip(differing, stored_ids, strict=True):
            a = batch[index]
            differences = _differences(stored.get(administration_id, {}), a.answers)
            status = "replaced" if replace else "conflict"
            results[index] = SaveResult(
                status, a.member, a.instrument, a.timepoint, administration_id, differences
            )
            if not replace:
                continue
            connection.execute(
                item_responses.delete().where(
                    item_responses.c.administration_id == administration_id
                )
            )
            connection.execute(
                administrations.update()
                .where(administrations.c.id == administration_id)
                .values(columns(index))
            )
            items += _item_rows(administration_id, a.answers)
            _record(
                connection,
                a.entered_by,
                "replace administration",
                # Ids and counts only: the audit trail cannot be edited, so a member code
                # or an answer written here would survive the member's withdrawal.
                {
                    "administration_id": administration_id,
                    "instrument": a.instrument,
                    "changed_items": len(differences),
                },
            )
    if items:
        _insert_items(connection, items)
    return results  # type: ignore[return-value]


def _insert_items(connection: Connection, rows: list[tuple]) -> None:
    """Write item responses (administration_id, item, position, value) in the transaction.

    PostgreSQL: one ``COPY ... FROM STDIN`` (psycopg), several times faster than INSERTs for
    the hundreds of thousands of rows of a program; elsewhere one executemany. Tests
    interrupt a save here.
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql" and len(rows) >= _COPY_MIN_ROWS:
        columns = ", ".join(item_responses.c.keys())
        cursor = connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {item_responses.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    connection.execute(
        item_responses.insert(), [dict(zip(_ITEM_COLUMNS, r, strict=True)) for r in rows]
    )


def _save_one(
    connection: Connection, roster: _Roster, administration: Administration, replace: bool
) -> SaveResult:
    """Save one administration inside the caller's transaction (see `_save_batch`)."""
    return _save_batch(connection, roster, [administration], replace)[0]


def _item_rows(administration_id: int, answers: dict) -> list[tuple]:
    return [(administration_id, item, i, value) for i, (item, value) in enumerate(answers.items())]


def save_administration(
    engine: Engine, administration: Administration, replace: bool = False
) -> SaveResult:
    """Store one administration atomically and idempotently.

    Parameters
    ----------
    engine
        From `store.db.connect`.
    administration
        The member's answers and their context; its program, group, member and session are
        created when new.
    replace
        Overwrite a stored administration of the same member, instrument and timepoint whose
        answers differ (recorded as an audit event). Without it such a one is a conflict and
        nothing is written.

    Returns
    -------
    SaveResult
        ``stored``, ``unchanged``, ``conflict`` or ``replaced``.
    """
    return _write(engine, lambda c: _save_batch(c, _Roster(c), [administration], replace)[0])


def save_administrations(
    engine: Engine,
    batch: Sequence[Administration],
    replace: bool = False,
    *,
    source: str | None = None,
) -> BatchResult:
    """Store a whole file of administrations in one transaction: all or nothing.

    When any administration conflicts with a stored one and `replace` is False, nothing is
    written and the result (``committed=False``) lists every conflict. An audit event records
    each committed batch that changed anything (`source` names the file).
    """
    keys = [a.key for a in batch]
    if len(set(keys)) != len(keys):
        seen: set = set()
        repeated = [k for k in keys if k in seen or seen.add(k)]
        raise StoreError(
            "the same member, instrument and timepoint appear more than once: "
            + "; ".join(" / ".join(k) for k in repeated[:10])
        )

    def work(connection: Connection) -> BatchResult:
        roster = _Roster(connection)
        results = _save_batch(connection, roster, batch, replace)
        outcome = BatchResult(results=results, committed=True)
        if outcome.conflicts and not replace:
            raise _Rollback(BatchResult(results=results, committed=False))
        if outcome.stored or outcome.replaced:
            _record(
                connection,
                batch[0].entered_by if batch else None,
                "save administrations",
                {
                    "source": source,
                    "stored": len(outcome.stored),
                    "unchanged": len(outcome.unchanged),
                    "replaced": len(outcome.replaced),
                },
            )
        return outcome

    return _write(engine, work)


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


# Reading responses -------------------------------------------------------------------------


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
        context = _frame_on(connection, context_query)
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


def _frame_on(connection: Connection, query) -> pd.DataFrame:
    result = connection.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


# Aggregations in the database -----------------------------------------------------------


def session_means(
    engine: Engine,
    instrument: str,
    scale_items: Sequence[str],
    reverse_items: Sequence[str] = (),
    scale_min_max: tuple[float, float] = (0, 1),
    group: str | None = None,
    program: str | None = None,
    *,
    method: str = "mean",
    max_missing: int = 0,
) -> pd.DataFrame:
    """Per group and session: how many members answered, and the mean and SD of their scores.

    Computed by the database (a GROUP BY per administration, a window for each session's
    mean, a GROUP BY per session), so only one row per group x session leaves it.

    Parameters
    ----------
    engine
        From `store.db.connect`.
    instrument
        Instrument id (administrations of other instruments are ignored).
    scale_items, reverse_items
        The scale's item ids and which of them are reverse keyed.
    scale_min_max
        The response scale's (min, max); a reverse-keyed value is ``min + max - value``.
    group, program
        Only this group / program (by name).
    method, max_missing
        The scale's ``method`` (``mean`` or ``sum``) and ``max_missing``, as in the
        instrument definition.

    Returns
    -------
    pandas.DataFrame
        Columns program, group, session (number), date, n, mean, sd; one row per session
        with at least one scored administration, ordered by program, group, session.

    Notes
    -----
    For each administration linked to a session, the scale score is the mean of its answered
    keyed items, times the number of scale items for a ``sum`` scale; an administration with
    more than `max_missing` of the scale's items unanswered has no score and is not counted.
    This is exactly `measures.score` (which prorates over skipped items the same way). Per
    session: ``n`` scored administrations, ``mean`` of the scores and
    ``sd = sqrt(sum((score - mean)^2) / (n - 1))`` (NaN when n < 2), the sample SD that
    pandas and R's ``sd()`` report. Administrations without a session are not included.
    """
    if method not in ("mean", "sum"):
        raise ValueError(f"method must be 'mean' or 'sum', not {method!r}")
    items = list(scale_items)
    if not items:
        raise ValueError("session_means needs at least one scale item")
    low, high = (float(v) for v in scale_min_max)
    a, r = administrations, item_responses
    reverse = [i for i in reverse_items if i in items]
    keyed = (
        sa.case((r.c.item.in_(reverse), sa.literal(low + high) - r.c.value), else_=r.c.value)
        if reverse
        else r.c.value
    )
    answered = sa.func.count(r.c.value)
    multiplier = float(len(items)) if method == "sum" else 1.0
    item = r.c.item
    if engine.dialect.name == "sqlite":
        # Read each administration's answers as one range of the covering index and keep the
        # scale's items, rather than one index probe per item: half the time on 2 million
        # answers. A unary + is SQLite's documented way to keep a term off an index.
        item = sa.literal_column(f"+{r.name}.{r.c.item.name}", type_=r.c.item.type)
    # 1. One score per administration, read from the covering indexes of migration 0003
    #    (administrations by instrument and session; answers by administration and item).
    per_administration = (
        sa.select(
            a.c.session_id,
            (sa.func.avg(keyed) * sa.literal(multiplier)).label("score"),
        )
        .select_from(a.join(r, r.c.administration_id == a.c.id))
        .where(a.c.instrument == instrument, a.c.session_id.is_not(None), item.in_(items))
        .group_by(a.c.session_id, a.c.id)
        .having(answered >= max(1, len(items) - max_missing))
    )
    if group is not None or program is not None:
        # Only the chosen group's (program's) sessions are scored at all.
        chosen = sa.select(sessions.c.id).select_from(
            sessions.outerjoin(groups, groups.c.id == sessions.c.group_id).outerjoin(
                programs, programs.c.id == groups.c.program_id
            )
        )
        if group is not None:
            chosen = chosen.where(groups.c.name == group)
        if program is not None:
            chosen = chosen.where(programs.c.name == program)
        per_administration = per_administration.where(a.c.session_id.in_(chosen))
    per_administration = per_administration.cte("per_administration")
    # 2. Each score beside its session's mean (a window), 3. one row per session.
    centred = sa.select(
        per_administration.c.session_id,
        per_administration.c.score,
        sa.func.avg(per_administration.c.score)
        .over(partition_by=per_administration.c.session_id)
        .label("mean"),
    ).cte("centred")
    deviation = centred.c.score - centred.c.mean
    per_session = (
        sa.select(
            centred.c.session_id,
            sa.func.count().label("n"),
            sa.func.max(centred.c.mean).label("mean"),
            sa.func.sum(deviation * deviation).label("squares"),
        )
        .group_by(centred.c.session_id)
        .cte("per_session")
    )
    # 4. Names and dates joined to the few per-session rows only.
    query = (
        sa.select(
            programs.c.name.label("program"),
            groups.c.name.label("group"),
            sessions.c.number.label("session"),
            sessions.c.date,
            per_session.c.n,
            per_session.c.mean,
            per_session.c.squares,
        )
        .select_from(
            per_session.join(sessions, sessions.c.id == per_session.c.session_id)
            .outerjoin(groups, groups.c.id == sessions.c.group_id)
            .outerjoin(programs, programs.c.id == groups.c.program_id)
        )
        .order_by(programs.c.name, groups.c.name, sessions.c.number)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(
        rows, columns=["program", "group", "session", "date", "n", "mean", "squares"]
    )
    frame["n"] = frame["n"].astype(int)
    frame["mean"] = frame["mean"].astype(float)
    frame["sd"] = [
        math.sqrt(max(float(s), 0.0) / (n - 1)) if n > 1 else math.nan
        for s, n in zip(frame["squares"], frame["n"], strict=True)
    ]
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.drop(columns="squares")


# Rosters ---------------------------------------------------------------------------------


def create_program(engine: Engine, name: str, substance_use: bool = False) -> int:
    """Create a program (or update its substance-use flag); returns its id."""
    return _write(engine, lambda c: _Roster(c).program(_name(name, "program"), substance_use))


def create_group(
    engine: Engine, program: str | None, name: str, facilitator_code: str | None = None
) -> int:
    """Create a group in `program` (created when new); returns its id."""
    return _write(
        engine,
        lambda c: _Roster(c).group(_name(name, "group"), program, facilitator_code),
    )


def create_member(
    engine: Engine, code: str, group: str | None = None, program: str | None = None
) -> int:
    """Add a member by pseudonymous code to `group`; returns the member id.

    Adding an existing member again is harmless; moving one to another group is refused.
    """

    def work(connection: Connection) -> int:
        roster = _Roster(connection)
        return roster.member(_name(code, "member code"), roster.group(group, program))[0]

    return _write(engine, work)


def _name(value: str | None, what: str) -> str:
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
    return _frame(engine, query)


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
    return _frame(engine, query)


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
    return _frame(engine, query)


def _frame(engine: Engine, query) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


# Sessions ----------------------------------------------------------------------------------


def create_session(
    engine: Engine,
    group: str,
    number: int,
    date: dt.date | None = None,
    program: str | None = None,
) -> int:
    """Create session `number` of `group` (or find it); returns the session id."""

    def work(connection: Connection) -> int:
        roster = _Roster(connection)
        return roster.session(roster.group(_name(group, "group"), program), int(number), date)

    return _write(engine, work)


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

    _write(engine, work)


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
    return _frame(engine, query)


# Attendance --------------------------------------------------------------------------------


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
        roster = _Roster(connection)
        group_id = roster.group(_name(group, "group"), program)
        session_id = roster.session(group_id, int(session), date)
        for code, here in present.items():
            member_id = roster.member(_name(code, "member code"), group_id)[0]
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
                    recorded_at=_now(),
                )
            )
        return len(present)

    return _write(engine, work)


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
    long = _frame(engine, query)
    if long.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["group", "member"]))
    long["present"] = long["present"].astype("boolean")
    wide = long.pivot_table(
        index=["group", "member"], columns="session", values="present", aggfunc="first"
    )
    return wide.astype("boolean").sort_index(axis=1)


# Audit -------------------------------------------------------------------------------------


def _record(connection: Connection, who: str | None, action: str, detail: dict | None) -> None:
    """`store.audit.record_in` for this module's own writes (which keeps member codes out).

    Imported here, not at the top: store.audit imports this module.
    """
    from store.audit import record_in

    record_in(connection, who, action, detail)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows in each table that holds answers or rosters (for summaries and checks)."""
    tables = [programs, groups, members, sessions, attendance, administrations, item_responses]
    with engine.connect() as connection:
        return {
            t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in tables
        }


# A whole program at once -------------------------------------------------------------------


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
        roster_cache = _Roster(connection)
        _prefetch_roster(roster_cache, roster)
        for row in roster.itertuples(index=False):
            values = row._asdict()
            program = _text_or_none(values.get("program"))
            if "substance_use" in values:
                roster_cache.program(program, _flag(values["substance_use"]))
            group_id = roster_cache.group(
                _name(values["group"], "group"),
                program,
                _text_or_none(values.get("facilitator")),
            )
            roster_cache.member(_name(values["member"], "member code"), group_id)
        planned: dict[tuple[int | None, int], dt.date | None] = {}
        for row in sessions_table.itertuples(index=False):
            values = row._asdict()
            group_name = _name(values["group"], "group")
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
            group_name = _name(values["group"], "group")
            group_id = roster_cache.group(group_name, program_of_group.get(group_name))
            marks.append(
                {
                    "session_id": roster_cache.session(group_id, int(values["session"])),
                    "member_id": roster_cache.member(str(values["member"]), group_id)[0],
                    "present": _flag(values["present"]),
                    "recorded_at": _now(),
                }
            )
        if marks:
            connection.execute(attendance.insert(), marks)
        results = _save_batch(connection, roster_cache, batch, replace=False)
        conflicts = [r for r in results if r.status == "conflict"]
        if conflicts:
            raise StoreError(
                f"{len(conflicts)} administration(s) conflict with stored ones, e.g. "
                f"{conflicts[0]}; nothing was loaded"
            )
        _record(connection, None, "load program", {"source": source, "answers": len(batch)})
        return {
            "programs": len(roster_cache.programs),
            "groups": len(set(roster_cache.groups.values())),
            "members": len(roster_cache.members),
            "sessions": len(roster_cache.sessions),
            "attendance": len(marks),
            "administrations": sum(r.status == "stored" for r in results),
        }

    added = _write(engine, work)
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


def _prefetch_roster(roster_cache: _Roster, roster: pd.DataFrame) -> None:
    """Find or create the roster's members in a few statements (each in its first group).

    `load_program` then walks the roster row by row against the cache, so a member given two
    groups is refused exactly as before.
    """
    wanted: dict[str, int | None] = {}
    for row in roster.drop_duplicates(["member"]).itertuples(index=False):
        values = row._asdict()
        program = _text_or_none(values.get("program"))
        if "substance_use" in values:
            roster_cache.program(program, _flag(values["substance_use"]))
        group_id = roster_cache.group(
            _name(values["group"], "group"), program, _text_or_none(values.get("facilitator"))
        )
        wanted[_name(values["member"], "member code")] = group_id
    _prefetch_members(roster_cache.connection, roster_cache, wanted)


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def scale_session_means(
    engine: Engine,
    instrument,
    scale: str,
    group: str | None = None,
    program: str | None = None,
) -> pd.DataFrame:
    """`session_means` of one scale of an instrument definition (a `measures.Instrument`).

    Reads the scale's items, reverse keys, response scale, method and max_missing from the
    definition, so a dashboard needs only the instrument and the scale id.
    """
    definition = instrument.scale(scale)
    return session_means(
        engine,
        instrument.id,
        definition.items,
        [i for i in definition.items if instrument.item(i).reverse],
        (instrument.response_scale.min, instrument.response_scale.max),
        group=group,
        program=program,
        method=definition.method,
        max_missing=definition.max_missing,
    )


# For the other store modules ---------------------------------------------------------------
# store/accounts.py, audit.py, join_attempts.py, transfer.py and withdrawal.py write through
# these, so that every write of Mutuality shares one transaction and retry policy.

#: Finds or creates programs, groups, members and sessions within one write transaction.
Roster = _Roster
#: Raised by the work of `write_transaction` as ``Rollback(result)``: roll back, return result.
Rollback = _Rollback


def write_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work(connection)`` in one write transaction and return what it returns.

    The transaction is run again from the start when it loses a race to another writer
    (SQLite busy, PostgreSQL serialization failure, deadlock or unique violation), up to
    `MAX_ATTEMPTS` times; on SQLite the threads of one process take turns. `work` raises
    ``Rollback(result)`` to roll everything back and return `result`.
    """
    return _write(engine, work)


def save_in_transaction(
    connection: Connection, roster: Roster, administration: Administration, replace: bool = False
) -> SaveResult:
    """Save one administration inside the caller's write transaction (see `write_transaction`).

    The same checks and statuses as `save_administration`: ``stored``, ``unchanged``,
    ``conflict`` (nothing written) or, with `replace`, ``replaced``.
    """
    return _save_one(connection, roster, administration, replace)
