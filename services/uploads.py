"""Uploading a spreadsheet: read it with a column mapping, check it, store it, audit it.

The Upload page (`check_upload`) and `cli.py import` (`check_import`) check files the same
way (`check_table`: the validation report compares the file with the stored answers, and a
facilitator may store answers only in their own groups), and store them through one
function, `store_upload`: one transaction, and one audit event (store.audit IMPORT with the
file and the counts stored, unchanged and replaced) naming who stored it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from access.roles import SEE_MEMBER_CODES
from ingest import ColumnsNotFoundError, InputError, ResponseTable, read_responses, read_table
from ingest import validate_responses as _validate
from ingest.validate import DIFFERS_FROM_STORED as DIFFERS_FROM_STORED  # for the page
from measures import (
    Instrument,
    load_instrument,
)
from measures.library import InstrumentError
from services import upload_scope
from services.catalog import instrument_by_id
from services.selection import engine_for

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


def file_digest(data: bytes) -> str:
    """A fingerprint of an uploaded file's bytes (SHA-256, hex): the page tells files apart."""
    return hashlib.sha256(data).hexdigest()


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


def hides_codes(user) -> bool:
    """Whether the Upload page hides member codes and stored answers from `user`.

    True for a user who may not see member codes (an evaluator): the page shows counts
    instead of the file's rows, "(code hidden)" in the report, and answers differing from
    stored ones as a count.
    """
    return user is not None and not user.can(SEE_MEMBER_CODES)


def _refusal(problem, user) -> str:
    """A refused row as the store's error message says it (member code hidden if need be)."""
    if not hides_codes(user):
        return str(problem)
    what, todo = problem.words(page=True, hide_codes=True)
    return str(dataclasses.replace(problem, message=f"{what}; {todo}" if todo else what))


def _without_codes(error: ValueError, user) -> ValueError:
    """`error` as the Upload page may show it to `user`.

    A store's refusal names member codes: a user who may not see them gets what happened
    without its words.
    """
    if not hides_codes(user):
        return error
    return ValueError(
        "Nothing was stored: a row of the file conflicts with what is stored (a member given "
        "another group than the one stored, say); the message names member codes, so it is "
        "not shown to you. Ask an administrator to import the file."
    )


def check_table(table: ResponseTable, url: str, user=None, replace: bool = False) -> UploadCheck:
    """Validate a file read by `ingest.read_responses` against the stored answers.

    For a `user` limited to some groups (a facilitator) or programs (an evaluator), the file
    is compared only with the stored answers there, and every row about another group or
    its members is an error (`services.upload_scope.outside_rows`): the report never shows
    another group's stored answers.
    `replace`: answers differing from stored ones are warnings (they will be replaced).
    """
    from store.responses import load_responses

    stored = load_responses(engine_for(url), instrument=table.instrument.id)
    limits = upload_scope.limits_for(url, user)
    if limits is None:
        return UploadCheck(table, _validate(table, stored=stored, replace=replace), None)
    keep = upload_scope.stored_mask(stored, limits)
    report = _validate(table, stored=stored[keep].reset_index(drop=True), replace=replace)
    report.problems[:0] = upload_scope.outside_rows(table, url, user)
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
        where = (
            "Choose the questionnaire and say which item each column holds"
            if error.instrument_missing
            else "Say which column holds each"
        )
        return UploadCheck(
            None,
            None,
            f"{error.what or error} {where} under 2. Columns above (or rename the columns "
            "in the file).",
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
    (a facilitator) or programs (an evaluator) would store answers outside them (checked
    again here, against the data stored now; an evaluator's message hides member codes).
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
        refused = upload_scope.outside_rows(table, url, user)
        if refused:
            shown = "; ".join(_refusal(problem, user) for problem in refused[:5])
            more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
            hidden = hides_codes(user)
            where = "programs" if hidden else "groups"
            raise ValueError(
                f"{'The file' if hidden else name}: nothing was stored; some rows are outside "
                f"your {where}: {shown}{more}"
            )
        try:
            batch += administrations_from_table(
                table.long,
                table.instrument,
                source=table.source,
                layout=table.layout,
                entered_by=entered_by[:100],
            )
        except ValueError as error:
            raise _without_codes(error, user) from None
    engine = engine_for(url)
    try:
        result = save_administrations(engine, batch, replace=replace, source=name)
    except ValueError as error:  # the store refuses (a member given another group, say)
        raise _without_codes(error, user) from None
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
