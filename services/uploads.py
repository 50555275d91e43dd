"""Uploading a spreadsheet: read it with a column mapping, check it, store it, audit it.

The Upload page (`check_upload`) and `cli.py import` (`check_import`) check files the same
way (`check_table`: the validation report compares the file with the stored answers, and a
facilitator may store answers only in their own groups), and store them through one
function, `store_upload`: one transaction, and one audit event (store.audit IMPORT with the
file and the counts stored, unchanged and replaced) naming who stored it.
"""

from __future__ import annotations

import dataclasses
import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ingest import ColumnsNotFoundError, InputError, ResponseTable, read_responses, read_table
from ingest import validate_responses as _validate
from ingest.validate import DIFFERS_FROM_STORED as DIFFERS_FROM_STORED  # for the page
from measures import (
    Instrument,
    load_instrument,
)
from measures.library import InstrumentError
from services.catalog import instrument_by_id
from services.selection import engine_for, own_group_ids, visible_groups

#: Columns a spreadsheet column can be mapped to on the Upload page (besides item ids).
UPLOAD_TARGETS = (
    "member",
    "timepoint",
    "group",
    "program",
    "session",
    "date",
    "mode",
    "instrument",
    "item",
    "value",
)


# Upload -------------------------------------------------------------------------------------


def upload_columns(data: bytes, filename: str, sheet: str | int | None = None) -> pd.DataFrame:
    """The first rows of an uploaded file as read (headers lower-cased), for the preview."""
    return read_table(io.BytesIO(data), filename=filename, sheet=sheet)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a person typed (whole numbers without ``.0``, blanks empty).

    A spreadsheet column may mix numbers and text (``3``, ``abc``); shown as text, the
    preview and the validation report never fail to convert it for display.
    """

    def shown(value: object) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return frame.astype(object).map(shown).astype(str)


def suggest_mapping(columns: list[str], instrument: Instrument | None) -> dict[str, str]:
    """A first guess for each column: itself when it is a known column or item id, else ''."""
    known = set(UPLOAD_TARGETS) | (set(instrument.item_ids) if instrument else set())
    return {c: (c if c in known else "") for c in columns}


@dataclass
class UploadCheck:
    """An uploaded file read with the user's column mapping, and its validation report."""

    table: ResponseTable | None
    report: object | None  # ingest.ValidationReport
    message: str | None  # when the file could not be read at all

    @property
    def ok(self) -> bool:
        """Whether the file was read and has no errors: it may be stored."""
        return self.table is not None and self.report is not None and self.report.ok


def _names(column: pd.Series) -> list[str]:
    """Names for matching: a missing program or group (None or NaN) becomes ""."""
    return ["" if pd.isna(value) else str(value).strip() for value in column]


def _cell(frame: pd.DataFrame, column: str) -> list[str | None]:
    """The cells of `column` as trimmed text (None when blank or when there is no column)."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [
        None if value is None or pd.isna(value) else str(value).strip() or None
        for value in frame[column].astype(object)
    ]


def _outside_groups(table: ResponseTable, url: str, user) -> list:
    """Rows of `table` that would store answers outside the user's groups, as problems.

    For a user limited to some groups (a facilitator; see `own_group_ids`): every row must
    name one of the user's groups (with its program when another program has a group of
    that name) or, without a group, be about a member already in one of them; and no row may
    be about a member code stored in another group, or in none. One `ingest.validate.Problem`
    per spreadsheet row and column, in the validation report's format. The messages name
    only the user's own groups: nothing of another group (its name, members or answers).
    """
    from ingest.validate import Problem
    from store.roster import list_groups, list_members

    own_ids = own_group_ids(user)
    if own_ids is None:
        return []
    engine = engine_for(url)
    every_group = list_groups(engine)
    mine = every_group[every_group["id"].isin(sorted(own_ids))]
    own_pairs = set(zip(_names(mine["program"]), _names(mine["name"]), strict=True))
    shown = [f"{name} ({program})" if program else name for program, name in sorted(own_pairs)]
    yours = ", ".join(shown) or "none: ask an administrator to link you to your groups"
    programs_of: dict[str, set[str]] = {}
    for program, name in zip(
        _names(every_group["program"]), _names(every_group["name"]), strict=True
    ):
        programs_of.setdefault(name, set()).add(program)
    members = list_members(engine)
    member_pairs = {
        str(code).strip(): None if pd.isna(group) else (program, str(group).strip())
        for code, group, program in zip(
            members["code"], members["group"], _names(members["program"]), strict=True
        )
    }
    long = table.long
    rows = table.row_numbers.reindex(long.index).tolist()
    problems: list = []
    seen: set[tuple] = set()
    ask = "ask an administrator to upload these answers"

    def add(row, column: str, value, message: str) -> None:
        if (row, column) in seen:
            return
        seen.add((row, column))
        problems.append(
            Problem(
                row=None if row is None or pd.isna(row) else int(row),
                column=table.columns.get(column, column),
                value=value,
                message=message,
                letter=table.column_letters.get(column),
            )
        )

    for row, code, group, program in zip(
        rows, _cell(long, "member"), _cell(long, "group"), _cell(long, "program"), strict=True
    ):
        if code is None:
            continue  # the validation report asks for the member's code
        if code in member_pairs and member_pairs[code] not in own_pairs:
            add(
                row,
                "member",
                code,
                f"member {code} is not a member of your groups, so their answers cannot be "
                f"uploaded by you; check the code for a typing error, or {ask}. Nothing of "
                "this file is stored until the row is corrected or deleted",
            )
            continue
        if group is None:
            if code not in member_pairs:
                add(
                    row,
                    "member",
                    code,
                    f"member {code} is new and the row names no group; add a group column "
                    f"with one of your groups ({yours}) so the member joins it",
                )
            continue
        if program is not None:
            allowed = (program, group) in own_pairs
        else:
            # Without a program, the store takes the one group of that name, if only one.
            named = programs_of.get(group, set())
            allowed = len(named) == 1 and (next(iter(named)), group) in own_pairs
            if not allowed and any(name == group for _, name in own_pairs):
                add(
                    row,
                    "group",
                    group,
                    f"more than one program has a group {group}; add a program column "
                    f"naming your group's program ({yours})",
                )
                continue
        if not allowed:
            add(
                row,
                "group",
                group,
                f"group {group} is not one of your groups ({yours}); correct the group, or {ask}",
            )
    return problems


def check_table(table: ResponseTable, url: str, user=None, replace: bool = False) -> UploadCheck:
    """Validate a file read by `ingest.read_responses` against the stored answers.

    For a `user` limited to some groups (a facilitator), the file is compared only with
    their groups' stored answers, and every row about another group or its members is an
    error (`_outside_groups`): the report never shows another group's stored answers.
    `replace`: answers differing from stored ones are warnings (they will be replaced).
    """
    from store.responses import load_responses

    stored = load_responses(engine_for(url), instrument=table.instrument.id)
    own_ids = own_group_ids(user)
    if own_ids is None:
        return UploadCheck(table, _validate(table, stored=stored, replace=replace), None)
    groups = visible_groups(url)
    mine = groups[groups["id"].isin(sorted(own_ids))]
    pairs = set(zip(_names(mine["program"]), _names(mine["name"]), strict=True))
    keep = [
        pair in pairs
        for pair in zip(_names(stored["program"]), _names(stored["group"]), strict=True)
    ]
    report = _validate(table, stored=stored[keep].reset_index(drop=True), replace=replace)
    report.problems[:0] = _outside_groups(table, url, user)
    return UploadCheck(table, report, None)


def check_upload(
    data: bytes,
    filename: str,
    url: str,
    mapping: dict[str, str] | None = None,
    instrument: str | None = None,
    user=None,
) -> UploadCheck:
    """Read an uploaded file with the user's column mapping and validate it. Stores nothing.

    `mapping` is {their column: our column}; the report compares the answers with the
    stored ones (`check_table`), so a file that contradicts stored answers is refused
    before anything is written. A file that cannot be read at all comes back with a
    `message` that says what to change, and where on the page to map its columns.
    """
    chosen = instrument_by_id(instrument) if instrument else None
    renames = {k: v for k, v in (mapping or {}).items() if v and v != k}
    try:
        table = read_responses(
            io.BytesIO(data), instrument=chosen, filename=filename, mapping=renames or None
        )
    except ColumnsNotFoundError as error:
        return UploadCheck(
            None, None, f"{error} Say what each column holds under 2. Columns above."
        )
    except (InputError, InstrumentError) as error:
        return UploadCheck(None, None, str(error))
    return check_table(table, url, user=user)


def by_instrument(table: ResponseTable) -> list[ResponseTable]:
    """A long file naming several instruments (an export, say) as one table per instrument."""
    long = table.long
    if "instrument" not in long or long["instrument"].dropna().nunique() <= 1:
        return [table]
    parts = []
    for instrument_id, rows in long.groupby(long["instrument"].fillna(table.instrument.id)):
        parts.append(
            dataclasses.replace(
                table,
                long=rows,
                instrument=load_instrument(str(instrument_id)),
                row_numbers=table.row_numbers.reindex(rows.index),
            )
        )
    return parts


def check_import(
    path: str | Path,
    url: str,
    instrument: str | Instrument | None = None,
    mapping: str | Path | dict[str, str] | None = None,
    replace: bool = False,
) -> list[UploadCheck]:
    """Read a response file from disk and check it (`check_table`), for `cli.py import`.

    Without `instrument`, a long file naming several instruments (an export of every stored
    answer) is checked as one part per instrument; `store_upload` stores all or none.
    Raises `ingest.InputError` when the file cannot be read.
    """
    table = read_responses(path, instrument=instrument, mapping=mapping)
    parts = [table] if instrument is not None else by_instrument(table)
    return [check_table(part, url, replace=replace) for part in parts]


def store_upload(
    check: UploadCheck | list[UploadCheck],
    url: str,
    entered_by: str = "upload",
    user=None,
    *,
    replace: bool = False,
):
    """Store every administration of a checked file in one transaction, and audit it.

    `check` is one `UploadCheck` (the Upload page) or the parts of one file
    (`check_import`): all of them are stored, or none. Each administration's `entered_by`
    is `entered_by` alone, not the file's name: a file named after a member
    ("R01-answers.csv") would leave that code on every other member's rows, past the
    member's withdrawal. The audit event (store.audit IMPORT: file, stored, unchanged,
    replaced) names `user` (the signed-in staff member) or else `entered_by` (the command
    line's `access.accounts.cli_actor`); member codes in the file's name are replaced
    there (store.audit). `replace` overwrites stored administrations whose answers differ.

    Returns the `store.BatchResult` (``committed`` False: nothing stored, conflicts listed).
    Raises ValueError when the check found errors, or when a `user` limited to some groups
    (a facilitator) would store answers outside them (checked again here, against the data
    stored now).
    """
    from ingest.administrations import administrations_from_table
    from store import audit, save_administrations

    checks = check if isinstance(check, list) else [check]
    if not checks or not all(part.ok for part in checks):
        raise ValueError("the file has errors; nothing was stored")
    name = Path(checks[0].table.source).name
    batch = []
    for part in checks:
        table = part.table
        refused = _outside_groups(table, url, user)
        if refused:
            shown = "; ".join(str(problem) for problem in refused[:5])
            more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
            raise ValueError(
                f"{name}: nothing was stored; some rows are outside your groups: {shown}{more}"
            )
        batch += administrations_from_table(
            table.long,
            table.instrument,
            source=table.source,
            layout=table.layout,
            entered_by=entered_by[:100],
        )
    engine = engine_for(url)
    result = save_administrations(engine, batch, replace=replace, source=name)
    if result.committed:
        audit.record(
            engine,
            getattr(user, "username", None) or entered_by[:100],
            audit.IMPORT,
            {
                "file": name,
                "stored": len(result.stored),
                "unchanged": len(result.unchanged),
                "replaced": len(result.replaced),
            },
        )
    return result


def template_workbook(instrument_id: str) -> bytes:
    """The data-entry workbook of an instrument (`services.reporting.template_file`), as bytes."""
    from services.reporting import template_file

    with tempfile.TemporaryDirectory() as folder:
        return template_file(
            instrument_id, Path(folder) / f"{instrument_id}-template.xlsx"
        ).read_bytes()
