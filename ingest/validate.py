"""The validation report: every problem of a response file, found before anything is stored.

Each problem names the spreadsheet row (as the spreadsheet numbers it: header = row 1), the
column (as written in the file), the value and what to do about it. Errors stop an import
(all-or-nothing); warnings are things the user should know but that lose nothing.

>>> from ingest import read_responses, validate_responses
>>> report = validate_responses(read_responses("answers.xlsx"))    # doctest: +SKIP
>>> print(report)                                                  # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from contract import WIDE_ID_COLUMNS
from ingest.errors import InputError
from ingest.reader import ResponseTable, label
from measures import detect_instrument
from measures.scoring import ID_COLUMNS

ERROR = "error"
WARNING = "warning"
#: `Problem.kind` of an answer that differs from the stored one: a door may offer to replace.
DIFFERS_FROM_STORED = "differs from stored"
#: At most this many problems are written out by ``str(report)``; ``to_frame()`` has all.
SHOWN_PROBLEMS = 1000
#: Where a problem's words (`Problem.what`, `.todo`, `.page_todo`) name its member's code;
#: `Problem.words` puts the code, or `HIDDEN_CODE` for a door that hides codes, in its place.
CODE = "\x1f"
#: What an evaluator's Upload page shows in place of a member code.
HIDDEN_CODE = "(code hidden)"
_META_COLUMNS = [c for c in WIDE_ID_COLUMNS if c not in ("member", "timepoint")]
#: How a questionnaire was given (as the store records it); spellings with - or _ also match.
MODES = ("self-completed", "read aloud", "staff-entered", "imported")
_MODE_SPELLINGS = {m.replace(" ", "-").replace("_", "-") for m in MODES}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass(frozen=True)
class Problem:
    """One problem of a response file.

    Attributes
    ----------
    row
        Spreadsheet row number as the user sees it (header = row 1); None for the whole file.
    column
        The column's header as written in the file (None for the whole row or file).
    value
        The cell's content as read (None for a blank cell).
    message
        What is wrong and what to do, in plain English.
    severity
        ``"error"`` (nothing is imported until it is fixed) or ``"warning"``.
    letter
        The spreadsheet column letter (A, B, ...), when known.
    kind
        What sort of problem, when a door acts on it (`DIFFERS_FROM_STORED`); else None.
    field
        Mutuality's name of the column (``member``, ``phq9_1``, ...), when there is one.
    member
        The member code the problem is about, when it names one (a door may hide it).
    what, todo
        The message in two parts, for a door that shows them apart: what is wrong and what
        to do (door-neutral), with `CODE` where the member's code goes. None: the whole
        `message` says what is wrong.
    page_todo
        What to do on the Upload page, when it differs from `todo` (the page's column
        selectors instead of a mapping file, say).
    """

    row: int | None
    column: str | None
    value: object
    message: str
    severity: str = ERROR
    letter: str | None = None
    kind: str | None = None
    field: str | None = None
    member: str | None = None
    what: str | None = None
    todo: str | None = None
    page_todo: str | None = None

    def words(self, *, page: bool = False, hide_codes: bool = False) -> tuple[str, str]:
        """(what is wrong, what to do) in words; `page`: the Upload page's advice.

        `hide_codes` puts `HIDDEN_CODE` where the member's code would be (an evaluator's
        page). A problem without its parts is all `message`, with nothing apart to do;
        one that names a member but has no parts says only that, when codes are hidden.
        """
        if self.what is None:
            if hide_codes and self.member is not None:
                return f"a problem on the row of member {HIDDEN_CODE}", ""
            return self.message, ""
        code = HIDDEN_CODE if hide_codes or self.member is None else str(self.member)
        todo = self.page_todo if page and self.page_todo is not None else self.todo
        return self.what.replace(CODE, code), (todo or "").replace(CODE, code)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            shown = f"column {self.letter} '{self.column}'" if self.letter else None
            where.append(shown or f"column '{self.column}'")
        place = ", ".join(where) if where else "file"
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{place}: {prefix}{self.message}"


class ValidationError(InputError):
    """A file with errors; ``.report`` holds the full ValidationReport."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(str(report))


@dataclass
class ValidationReport:
    """Every problem found in one response file; ``ok`` when none of them is an error."""

    source: str
    instrument: str
    layout: str
    problems: list[Problem] = field(default_factory=list)
    administrations: int = 0
    answers: int = 0
    #: What is not done to a file with errors, for the verdict: ``imported`` (a store) or
    #: ``analysed`` (a command that reads a file, `services.files`).
    use: str = "imported"

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop an import."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that lose nothing but that the user should know about."""
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """One row per problem: row, column, letter, value, severity, message."""
        columns = ["row", "column", "letter", "value", "severity", "message"]
        return pd.DataFrame(
            [
                {
                    "row": p.row,
                    "column": p.column,
                    "letter": p.letter,
                    "value": p.value,
                    "severity": p.severity,
                    "message": p.message,
                }
                for p in self.problems
            ],
            columns=columns,
        ).astype({"row": "Int64"})

    def raise_for_errors(self) -> None:
        """Raise ValidationError (an InputError) listing the problems when there are errors."""
        if not self.ok:
            raise ValidationError(self)

    def __str__(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        if not self.problems:
            head = (
                f"{self.source}: no problems found ({self.administrations} administration(s) "
                f"of {self.instrument}, {self.answers} answer(s))."
            )
            return head
        verdict = (
            f"Nothing was {self.use}; correct these and try again."
            if errors
            else f"It can be {self.use}."
        )
        head = (
            f"{self.source}: {errors} error(s) and {warnings} warning(s) "
            f"({self.instrument}, {self.layout} layout). {verdict}"
        )
        ordered = sorted(
            self.problems,
            key=lambda p: (p.severity != ERROR, p.row is not None, p.row or 0),
        )
        lines = [f"  {p}" for p in ordered[:SHOWN_PROBLEMS]]
        if len(ordered) > SHOWN_PROBLEMS:
            lines.append(f"  ... and {len(ordered) - SHOWN_PROBLEMS} more problem(s)")
        return "\n".join([head, *lines])


# Helpers -------------------------------------------------------------------------------


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def _same(a: object, b: object) -> bool:
    """Equal answers: both missing, equal numbers, or equal text."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a))
    b_missing = b is None or (isinstance(b, float) and math.isnan(b))
    if a_missing or b_missing:
        return a_missing and b_missing
    try:
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def _answer_problem(value: object, instrument) -> tuple[str, str, str] | None:
    """Why `value` is not an answer on the instrument's scale: (what, joint, what to do).

    None when it is fine; the message is ``what + joint + what to do``.
    """
    rs = instrument.response_scale
    skipped = "or leave the cell blank (or NA) if the member skipped the item"
    scale = f"{rs.min:g} to {rs.max:g}"
    if value is None:
        return None
    if isinstance(value, bool):
        return (
            f"{value} is not an answer",
            "; ",
            f"enter a number from {scale}, {skipped}. (Check that the cell is not formatted "
            "as TRUE/FALSE.)",
        )
    if isinstance(value, datetime | date | time | timedelta):
        return (
            "a date or time is not an answer",
            "; ",
            f"enter a number from {scale}, {skipped}. (The cell may be formatted as a date: "
            "format it as a number.)",
        )
    if isinstance(value, str):
        if _DECIMAL_COMMA.match(value):
            return (
                "text where a number belongs",
                ": ",
                f"use a point as the decimal separator ({value.replace(',', '.')}, not "
                f"{value}), or save the file with a point as the decimal separator",
            )
        return "text where a number belongs", ": ", f"enter a number from {scale}, {skipped}"
    number = float(value)
    if not math.isfinite(number) or number < rs.min or number > rs.max:
        return (
            f"{_shown(number)} is outside the {instrument.id} response scale ({scale})",
            "; ",
            f"correct it, {skipped}",
        )
    if not rs.is_continuous and not float(number - rs.min).is_integer():
        return (
            f"{_shown(number)} is between two answers",
            "; ",
            f"{instrument.id} answers are whole numbers from {scale}. Correct it, {skipped}",
        )
    return None


class _Collector:
    def __init__(self, table: ResponseTable):
        self.table = table
        self.problems: list[Problem] = []
        self.seen: set[tuple] = set()
        #: Cells (row, column) with an error already: one problem per cell. A 7 on a 0-3
        #: scale is not also reported as differing from the stored answer; the user corrects
        #: the cell once.
        self.cells_in_error: set[tuple] = set()

    def add(
        self,
        row,
        column,
        value,
        what,
        todo=None,
        severity=ERROR,
        *,
        joint="; ",
        message=None,
        member=None,
        page_todo=None,
        once=False,
        kind=None,
    ):
        """One problem: `what` is wrong, `todo` says what to do (with `CODE` for `member`).

        The message is ``what; todo`` unless `joint` or a whole `message` says otherwise.
        """
        if message is None:
            message = what if todo is None else f"{what}{joint}{todo}"
        if member is not None:
            message = message.replace(CODE, str(member))
        header = self.table.columns.get(column, column) if column else None
        letter = self.table.column_letters.get(column) if column else None
        cell = (row, column) if row is not None and column else None
        if cell is not None and cell in self.cells_in_error:
            return
        if severity == ERROR and cell is not None:
            self.cells_in_error.add(cell)
        if once:
            key = (row, column, message)
            if key in self.seen:
                return
            self.seen.add(key)
        self.problems.append(
            Problem(
                row=None if row is None else int(row),
                column=header,
                value=value,
                message=message,
                severity=severity,
                letter=letter,
                kind=kind,
                field=column,
                member=None if member is None else str(member),
                what=what,
                todo=todo,
                page_todo=page_todo,
            )
        )


# The checks ----------------------------------------------------------------------------


def validate_responses(
    table: ResponseTable,
    stored: pd.DataFrame | None = None,
    *,
    replace: bool = False,
) -> ValidationReport:
    """Check a response file before anything of it is stored.

    Parameters
    ----------
    table
        Answers read by ``ingest.read_responses``.
    stored
        Answers already stored, in the long format (``member``, ``timepoint``, ``item``,
        ``value``, ``instrument``), as ``store`` loads them; None when nothing is stored.
    replace
        True when the import will replace stored administrations whose answers differ:
        such conflicts are then warnings instead of errors.

    Returns
    -------
    ValidationReport
        Every problem, with row, column, value and what to do. Errors: an unknown item, a
        value outside the response scale or between two points, text (or a date) where a
        number belongs, a missing member or timepoint, an unreadable date or session number,
        the same administration twice in the file with different answers, and answers
        differing from stored ones. Warnings: identical repeats (counted once), rows without
        any answer, columns that are not imported, and how ambiguous dates were read.
    """
    long = table.long
    instrument = table.instrument
    out = _Collector(table)
    rows = table.row_numbers.reindex(long.index)
    value_column = "value" if table.layout == "long" else None

    def answer_column(item: str) -> str:
        return value_column or item

    for note in table.notes:
        out.add(None, "date", None, note, severity=WARNING)
    _check_columns(table, out)

    # identifying columns -----------------------------------------------------------
    for column, what, todo in (
        ("member", "the member's code is missing", "fill it in (every row needs one)"),
        ("timepoint", "the timepoint is missing", "fill it in (pre, post, session-3, ...)"),
    ):
        for index in long.index[long[column].isna().to_numpy()]:
            out.add(rows[index], column, None, what, todo, once=True)
    if "session" in long:
        for index, value in long["session"].items():
            if value is not None and not re.fullmatch(r"\d+", str(value)):
                out.add(
                    rows[index],
                    "session",
                    value,
                    f"'{value}' is not a session number",
                    "write the number of the session (1, 2, 3, ...) or leave it blank",
                    once=True,
                )
    if "date" in long:
        for index, value in long["date"].items():
            if value is not None and not (isinstance(value, str) and _ISO_DATE.match(value)):
                out.add(
                    rows[index],
                    "date",
                    value,
                    f"{_shown(value)} is not a date that can be read",
                    "write it as YYYY-MM-DD (for example 2024-03-05) or leave it blank",
                    once=True,
                )

    if "mode" in long:
        for index, value in long["mode"].items():
            if value is not None and _mode_key(value) not in _MODE_SPELLINGS:
                out.add(
                    rows[index],
                    "mode",
                    value,
                    f"'{value}' is not a mode",
                    f"write one of {', '.join(MODES)}, or leave it blank",
                    once=True,
                )

    # items and answers ----------------------------------------------------------------
    known_items = set(instrument.item_ids)
    usable = pd.Series(True, index=long.index)
    if table.layout == "long":
        for index, instrument_id in long["instrument"].items():
            if instrument_id is not None and instrument_id != instrument.id:
                usable[index] = False
                out.add(
                    rows[index],
                    "instrument",
                    instrument_id,
                    f"this row is for instrument '{instrument_id}' but the file is read as "
                    f"{instrument.id}",
                    "put each instrument's answers in a file of its own",
                )
        for index, item in long["item"].items():
            if item is None:
                usable[index] = False
                if long.at[index, "value"] is None:
                    out.add(
                        rows[index],
                        None,
                        None,
                        "the row has no item and no answer",
                        "nothing is stored for it",
                        severity=WARNING,
                        page_todo="nothing to do: nothing is stored for this row",
                    )
                else:
                    out.add(
                        rows[index],
                        "item",
                        None,
                        "the item is missing",
                        f"write the item id (for example {instrument.item_ids[0]})",
                    )
            elif item not in known_items and usable[index]:
                usable[index] = False
                what, todo, page_todo = _unknown_item_message(item, instrument)
                out.add(rows[index], "item", item, what, todo, page_todo=page_todo)
    for index, value in long["value"].items():
        if not usable[index]:
            continue
        reason = _answer_problem(value, instrument)
        if reason:
            item = long.at[index, "item"]
            what, joint, todo = reason
            what = f"{item}: {what}" if table.layout == "long" else what
            whose = f" ({_whose(long.loc[index], item, value)})"
            out.add(
                rows[index],
                answer_column(item),
                value,
                what + whose,
                todo,
                message=f"{what}{joint}{todo}{whose}",
                member=long.at[index, "member"],
            )

    keyed = long[usable & long["member"].notna() & long["timepoint"].notna()]
    _check_repeats(table, keyed, rows, out, answer_column)
    _check_metadata(table, keyed, rows, out)
    _check_empty(table, keyed, rows, out)
    if stored is not None and not stored.empty:
        _check_stored(table, keyed, rows, stored, out, answer_column, replace)

    administrations = keyed[["member", "timepoint"]].drop_duplicates()
    return ValidationReport(
        source=table.source,
        instrument=instrument.id,
        layout=table.layout,
        problems=out.problems,
        administrations=len(administrations),
        answers=int(keyed["value"].notna().sum()),
    )


def _whose(row: pd.Series, item: str, value: object) -> str:
    """``member M2, timepoint pre, item a2: value 7``: whose answer (`CODE` for the code)."""
    parts = [f"member {CODE}"] if row.get("member") is not None else []
    if row.get("timepoint") is not None:
        parts.append(f"timepoint {row['timepoint']}")
    return ", ".join([*parts, f"item {item}"]) + f": value {_shown(value)}"


def _mode_key(value: object) -> str:
    return re.sub(r"[\s_]+", "-", str(value).strip().lower())


def _unknown_item_message(item: str, instrument) -> tuple[str, str, str | None]:
    """(what is wrong, what to do, what to do on the Upload page) for an unknown item id."""
    other = detect_instrument([item])
    items = instrument.item_ids
    listed = ", ".join(items) if len(items) <= 6 else f"{items[0]} ... {items[-1]}"
    if other is not None and other.id != instrument.id:
        return (
            f"'{item}' is an item of {other.id}, not of {instrument.id}",
            "put each instrument's answers in a file of its own",
            None,
        )
    return (
        f"'{item}' is not an item of {instrument.id} (its items are {listed})",
        "correct the item id, or map your name to ours",
        # In the long layout an item id is a cell, not a column: no selector renames it.
        "correct the item id in the file",
    )


def _check_columns(table: ResponseTable, out: _Collector) -> None:
    """Columns that are not imported: an error when they look like a mistyped item."""
    instrument = table.instrument
    prefixes = {i.rsplit("_", 1)[0] + "_" for i in instrument.item_ids if "_" in i}
    selectors = "under 2. Columns"
    for header in table.unused_columns:
        name = header.strip().lower()
        other = detect_instrument([name])
        if other is not None and other.id != instrument.id:
            out.add(
                1,
                name,
                header,
                f"column '{header}' belongs to {other.id}, not {instrument.id}, and is not "
                "imported now",
                f"to store those answers, import the file again as {other.id} (or put them "
                "in a file of their own)",
                severity=WARNING,
                page_todo=f"to store those answers, upload the file again and choose "
                f"{other.name} as the questionnaire {selectors} (or put them in a file of "
                "their own)",
            )
        elif any(name.startswith(p) for p in prefixes):
            out.add(
                1,
                name,
                header,
                f"column '{header}' looks like an item but {instrument.id} has no such item "
                f"(its items are {', '.join(instrument.item_ids)})",
                "correct the header, or delete the column",
                page_todo=f"choose the item it holds in its selector {selectors}, or correct "
                "the header, or delete the column",
            )
        else:
            out.add(
                1,
                name,
                header,
                f"column '{header}' is not used (it is neither an item of {instrument.id} "
                "nor one of " + ", ".join(ID_COLUMNS) + ")",
                "its cells are not imported",
                severity=WARNING,
                page_todo="nothing, if the column is not needed (its cells are not imported); "
                f"if it holds answers or a member, timepoint, group or date, choose which in "
                f"its selector {selectors}",
            )


def _check_repeats(table, keyed: pd.DataFrame, rows, out: _Collector, answer_column) -> None:
    """The same answer given twice: identical is a warning, different an error."""
    if keyed.empty:
        return
    keys = ["member", "timepoint", "item"]
    repeated = keyed[keyed.duplicated(keys, keep=False)]
    identical_rows: dict[int, int] = {}
    conflicting: set[int] = set()
    for (member, timepoint, item), group in repeated.groupby(keys, sort=False):
        first_index = group.index[0]
        first_value = group.at[first_index, "value"]
        first_row = rows[first_index]
        for index in group.index[1:]:
            value = group.at[index, "value"]
            row = rows[index]
            if _same(value, first_value):
                identical_rows.setdefault(row, first_row)
                continue
            conflicting.add(row)
            out.add(
                row,
                answer_column(item),
                value,
                f"member {CODE}, timepoint {timepoint}: {item} is answered "
                f"{_shown(first_value) if first_value is not None else 'blank'} on row "
                f"{first_row} but {_shown(value) if value is not None else 'blank'} here",
                "keep the right answer and delete the other",
                member=member,
            )
    for row, first_row in identical_rows.items():
        if row in conflicting or row == first_row:
            continue
        out.add(
            row,
            None,
            None,
            f"repeats row {first_row} with the same answers",
            "it is counted once",
            severity=WARNING,
            page_todo="nothing to do: it is counted once",
            once=True,
        )


def _check_metadata(table, keyed: pd.DataFrame, rows, out: _Collector) -> None:
    """One administration, one group/program/session/date/mode."""
    for column in [c for c in _META_COLUMNS if c in keyed.columns]:
        present = keyed[keyed[column].notna()]
        if present.empty:
            continue
        for (member, timepoint), group in present.groupby(["member", "timepoint"], sort=False):
            values = group[column]
            first = values.iloc[0]
            first_row = rows[values.index[0]]
            for index, value in values.items():
                if value != first:
                    out.add(
                        rows[index],
                        column,
                        value,
                        f"member {CODE}, timepoint {timepoint} has {column} "
                        f"{_shown(first)} on row {first_row} but {_shown(value)} here",
                        f"one administration has one {column}: correct one of them",
                        member=member,
                        once=True,
                    )


def _check_empty(table, keyed: pd.DataFrame, rows, out: _Collector) -> None:
    """Administrations without a single answer: nothing will be stored for them."""
    if keyed.empty:
        return
    answered = (
        keyed["value"].notna().groupby([keyed["member"], keyed["timepoint"]], sort=False).any()
    )
    for (member, timepoint), has_answers in answered.items():
        if has_answers:
            continue
        first = keyed[(keyed["member"] == member) & (keyed["timepoint"] == timepoint)].index[0]
        out.add(
            rows[first],
            None,
            None,
            f"member {CODE}, timepoint {timepoint} has no answers",
            "nothing is stored for this administration",
            severity=WARNING,
            page_todo="nothing, if the member did not answer (nothing is stored for this "
            "questionnaire); fill in the answers if they were given",
            member=member,
            once=True,
        )


def _check_stored(
    table, keyed: pd.DataFrame, rows, stored: pd.DataFrame, out: _Collector, answer_column, replace
) -> None:
    """Answers that differ from what is already stored for the same administration."""
    instrument = table.instrument
    missing = [c for c in ("member", "timepoint", "item", "value") if c not in stored.columns]
    if missing:
        raise ValueError(
            "stored answers need the columns member, timepoint, item and value; missing: "
            + ", ".join(missing)
        )
    mine = stored
    if "instrument" in stored.columns:
        mine = stored[stored["instrument"].map(lambda v: str(v).lower()) == instrument.id]
    if mine.empty:
        return
    before: dict[tuple[str, str], dict[str, object]] = {}
    for member, timepoint, item, value in mine[["member", "timepoint", "item", "value"]].itertuples(
        index=False
    ):
        value = None if value is None or pd.isna(value) else value
        before.setdefault((label(member), label(timepoint)), {})[str(item)] = value
    severity = WARNING if replace else ERROR
    advice = (
        "The stored administration will be replaced"
        if replace
        else "Correct the file if it is wrong, or import it again choosing to replace the "
        "stored administration"
    )
    # The page never replaces: an administrator's import does (`cli.py import --replace`).
    page_advice = (
        None
        if replace
        else "Correct the file if it is wrong; to keep the file's answers instead, ask an "
        "administrator to import it replacing the stored questionnaire"
    )
    for (member, timepoint), group in keyed.groupby(["member", "timepoint"], sort=False):
        old = before.get((member, timepoint))
        if old is None:
            continue
        new = {}
        for index, item, value in zip(group.index, group["item"], group["value"], strict=True):
            new.setdefault(item, (index, value))
        for item in [i for i in instrument.item_ids if i in new or i in old]:
            index, value = new.get(item, (group.index[0], None))
            stored_value = old.get(item)
            if _same(value, stored_value):
                continue
            was = "blank" if stored_value is None else _shown(stored_value)
            now = "blank" if value is None else _shown(value)
            out.add(
                rows[index],
                answer_column(item),
                value,
                f"member {CODE}, timepoint {timepoint}: {item} is already stored as {was}; "
                f"this file says {now}",
                advice,
                severity=severity,
                joint=". ",
                page_todo=page_advice,
                member=member,
                kind=DIFFERS_FROM_STORED,
            )
