"""Administrations: one member answering one instrument at one timepoint, and saving them.

`Administration` is what the three doors (member form, paper-entry grid, spreadsheet upload)
hand to store/; turning a spreadsheet into administrations is `ingest.administrations`' job.

Guarantees (tested on SQLite and PostgreSQL, see docs/storage.md):

- An administration is written atomically: the administration row and all its item
  responses, or nothing.
- Saving is idempotent: the same administration again is ``unchanged``; one with the same
  member, instrument and timepoint but different answers is a ``conflict`` and is not
  written, unless the caller passes ``replace=True`` (then ``replaced``, with an audit event).
- A whole file is saved in one transaction (`save_administrations`): all of it or none of it.
- Concurrent writers are safe: `store.db.write_transaction` runs a transaction that loses a
  race again, and then it finds the other writer's row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from store.audit import REPLACE_ADMINISTRATION, SAVE_ADMINISTRATIONS, record_in
from store.db import Rollback, StoreError, chunks, now, write_transaction
from store.roster import Roster
from store.schema import MODES, administrations, item_responses

_MODE_SPELLINGS = {m.replace(" ", "-"): m for m in MODES} | {m: m for m in MODES}
_MODE_SPELLINGS |= {m.replace("-", " "): m for m in MODES} | {"read_aloud": "read aloud"}


class AdministrationError(ValueError):
    """An administration that cannot be stored as given; the message says why."""


def normalise_mode(mode: str | None) -> str:
    """One of `store.schema.MODES` from a user's spelling ("Read-aloud" -> "read aloud")."""
    if mode is None:
        return "imported"
    key = str(mode).strip().lower().replace("_", "-")
    if key in _MODE_SPELLINGS:
        return _MODE_SPELLINGS[key]
    raise AdministrationError(f"mode {mode!r} is not one of: {', '.join(MODES)}")


def answers_hash(answers: dict[str, float | None]) -> str:
    """SHA-256 of the answered items and their values (skipped items are left out).

    Leaving skipped items out makes a long file that omits blank answers and a wide file that
    shows them as empty cells the same administration.
    """
    answered = sorted((item, float(value)) for item, value in answers.items() if value is not None)
    return hashlib.sha256(json.dumps(answered).encode()).hexdigest()


@dataclass(frozen=True)
class Administration:
    """One member answering one instrument at one timepoint.

    Attributes
    ----------
    member, instrument, instrument_version, timepoint
        Who, what (instrument id and the version of its definition) and when (a label such
        as ``pre``, ``post`` or ``session-3``). (member, instrument, timepoint) is unique.
    answers
        Item id -> value, in questionnaire order; None is a skipped item.
    group, program, session, date
        Optional context. A member belongs to one group, a group to at most one program;
        `session` is the session number within the member's group.
    mode
        How it was entered: self-completed, read aloud, staff-entered or imported.
    entered_by
        Staff username (or the file name for imports).
    language
        The language the member answered in ("en", "es"), None when unknown (a file).
    """

    member: str
    instrument: str
    instrument_version: str
    timepoint: str
    answers: dict[str, float | None]
    group: str | None = None
    program: str | None = None
    session: int | None = None
    date: dt.date | None = None
    mode: str = "imported"
    entered_by: str | None = None
    language: str | None = None
    hash: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("member", "instrument", "instrument_version", "timepoint"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise AdministrationError(f"an administration needs a {name}; got {value!r}")
        if not self.answers:
            raise AdministrationError(
                f"member {self.member}, {self.instrument} at {self.timepoint}: no answers"
            )
        clean: dict[str, float | None] = {}
        for item, value in self.answers.items():
            if value is None or (isinstance(value, float) and math.isnan(value)):
                clean[item] = None
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise AdministrationError(
                    f"member {self.member}, {self.instrument} at {self.timepoint}, item {item}: "
                    f"{value!r} is not a number"
                ) from None
            if not math.isfinite(number):
                raise AdministrationError(
                    f"member {self.member}, item {item}: {value!r} is not a finite number"
                )
            clean[item] = number
        object.__setattr__(self, "answers", clean)
        object.__setattr__(self, "mode", normalise_mode(self.mode))
        if self.session is not None and not isinstance(self.session, int):
            raise AdministrationError(f"session must be a whole number, not {self.session!r}")
        if self.program is not None and self.group is None:
            raise AdministrationError(
                f"member {self.member}: program {self.program!r} is given without a group; "
                "members belong to a group and groups to a program, so add the group"
            )
        object.__setattr__(self, "hash", answers_hash(clean))

    @property
    def key(self) -> tuple[str, str, str]:
        """(member, instrument, timepoint): what makes an administration unique."""
        return (self.member, self.instrument, self.timepoint)


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


def _differences(
    stored: dict[str, float | None], new: dict[str, float | None]
) -> dict[str, tuple[float | None, float | None]]:
    return {
        item: (stored.get(item), new.get(item))
        for item in list(new) + [i for i in stored if i not in new]
        if stored.get(item) != new.get(item)
    }


#: Administrations written per INSERT (and their items per item write) within a transaction.
_ADMINISTRATION_CHUNK = 10_000
#: Item rows from which PostgreSQL gets COPY rather than INSERT.
_COPY_MIN_ROWS = 1_000
_ITEM_COLUMNS = ("administration_id", "item", "position", "value")


def _member_ids(
    connection: Connection, roster: Roster, batch: Sequence[Administration]
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
                f"({roster.group_name(wanted[a.member])!r} and "
                f"{roster.group_name(group_id)!r}); a member belongs to one group"
            )
    roster.prefetch_members(wanted)
    # Existing members: join the group when they had none; refuse a move between groups.
    return {code: roster.member(code, group_id) for code, group_id in wanted.items()}


def save_batch_in_transaction(
    connection: Connection, roster: Roster, batch: Sequence[Administration], replace: bool
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
    for chunk in chunks(ids):
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
            "language": a.language,
            "answers_hash": a.hash,
        }

    items: list[tuple] = []
    created = now()
    # In chunks, so that a program of millions of answers never holds them all as rows.
    for chunk in chunks(new, _ADMINISTRATION_CHUNK):
        rows = connection.execute(
            administrations.insert().returning(administrations.c.id, sort_by_parameter_order=True),
            [
                {
                    "member_id": member_ids[batch[i].member][0],
                    "instrument": batch[i].instrument,
                    "timepoint": batch[i].timepoint,
                    "created_at": created,
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
        for chunk in chunks(stored_ids):
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
            record_in(
                connection,
                a.entered_by,
                REPLACE_ADMINISTRATION,
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
    return write_transaction(
        engine, lambda c: save_batch_in_transaction(c, Roster(c), [administration], replace)[0]
    )


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
        roster = Roster(connection)
        results = save_batch_in_transaction(connection, roster, batch, replace)
        outcome = BatchResult(results=results, committed=True)
        if outcome.conflicts and not replace:
            raise Rollback(BatchResult(results=results, committed=False))
        if outcome.stored or outcome.replaced:
            record_in(
                connection,
                batch[0].entered_by if batch else None,
                SAVE_ADMINISTRATIONS,
                {
                    "source": source,
                    "stored": len(outcome.stored),
                    "unchanged": len(outcome.unchanged),
                    "replaced": len(outcome.replaced),
                },
            )
        return outcome

    return write_transaction(engine, work)


def save_in_transaction(
    connection: Connection, roster: Roster, administration: Administration, replace: bool = False
) -> SaveResult:
    """Save one administration inside the caller's write transaction (see `write_transaction`).

    The same checks and statuses as `save_administration`: ``stored``, ``unchanged``,
    ``conflict`` (nothing written) or, with `replace`, ``replaced``.
    """
    return save_batch_in_transaction(connection, roster, [administration], replace)[0]
