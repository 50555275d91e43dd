"""Exporting stored answers: the Export page's download and ``cli.py export``'s file.

Both doors build the file here (`export_table`: the same role checks, de-identification
and cells) and audit it the same way (`export_detail`).

No Streamlit here (like the rest of services/), so every rule is testable with a plain database. The
file is the long format of ``cli.py export`` (the same columns, the same cells:
`privacy.exports.export_cells`), written by `privacy.exports.write_export`, so formulas are
neutralised and an xlsx file carries the 42 CFR Part 2 notice on its second sheet.

Decisions:

- **De-identified unless an administrator asks otherwise.** Evaluators (and administrators
  by default) get pseudonyms and dates shifted per member, or coarsened to the month, under
  a key drawn for this one export (`privacy.deidentify.new_export_key`) and then dropped:
  pseudonyms pair up within the file, never across two exports. Only a role that may export
  identified data *and* see member codes gets member codes and real dates.
- **The Part 2 notice cannot be left behind.** A csv file cannot hold the notice without
  breaking its columns, and two separate downloads could be split up; so a csv export that
  needs the notice is handed over as one zip file holding the csv and, beside it, the same
  ``<name>.csv.part2-notice.txt`` that ``cli.py export`` writes.
- **The command line is an administrator** (`command_line_user`): whoever can run
  ``cli.py`` on the database (its SQLite file, or its PostgreSQL URL) holds all the data
  already, so an identified export is allowed, and audited under ``cli:<os user>``
  (docs/security.md).
- **Rows come through access.scope.responses_for**, the one door to stored answers, so a
  facilitator's limits would still hold if the page were ever opened to them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from access.roles import EXPORT_DEIDENTIFIED, EXPORT_IDENTIFIED, SEE_MEMBER_CODES, require
from services.selection import selection_words

FILE_TYPES = ("xlsx", "csv")
#: How dates are written: shifted per member, coarsened to the month, or exact (identified).
SHIFTED, MONTH, EXACT = "shifted", "month", "exact"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


class ExportRefusedError(ValueError):
    """An export that cannot be made as asked: nothing in the selection, an unknown type."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export, for whom. Two equal requests still give different pseudonyms."""

    url: str
    #: The signed-in staff member (access.accounts.StaffUser).
    user: object
    file_type: str = "xlsx"
    #: True: member codes and real dates (administrators only).
    identified: bool = False
    #: De-identified dates: ``YYYY-MM`` instead of shifted per member.
    coarsen_dates: bool = False
    program: str | None = None
    group: str | None = None
    instrument: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def dates(self) -> str:
        """`SHIFTED`, `MONTH` or `EXACT`: how this export writes dates."""
        if self.identified:
            return EXACT
        return MONTH if self.coarsen_dates else SHIFTED

    def where(self) -> str:
        """``group R-1``, ``the Recovery program`` or ``all groups``."""
        return selection_words(self.program, self.group)

    def describe(self) -> str:
        """``phq9 answers of group R-1``, ``answers of all groups`` (every questionnaire)."""
        return f"{self.instrument + ' ' if self.instrument else ''}answers of {self.where()}"


@dataclass(frozen=True)
class ExportFile:
    """One prepared export: the bytes to download and what they hold."""

    request: ExportRequest
    data: bytes = field(repr=False)
    file_name: str
    mime: str
    #: Item answers (rows of the long format) and administrations in the file.
    rows: int
    administrations: int
    #: The 42 CFR Part 2 notice the file carries (a substance-use program's answers are in it).
    notice: str | None
    #: The first rows, as written, for the page to show before the download.
    preview: pd.DataFrame = field(repr=False, compare=False)

    @property
    def deidentified(self) -> bool:
        """True unless member codes and real dates are in the file."""
        return not self.request.identified

    def audit_detail(self) -> dict:
        """The audit entry's detail (`export_detail`), marked as the Export page's."""
        return export_detail(
            self.request,
            self.file_name,
            self.rows,
            self.administrations,
            self.notice,
            where={"page": "export"},
        )


def export_detail(
    request: ExportRequest,
    file_name: str,
    rows: int,
    administrations: int,
    notice: str | None,
    where: dict,
) -> dict:
    """An export's audit detail: file, door, how it was de-identified, counts, filters.

    Group and program names and counts only, never a member code or an answer
    (store.audit). `where` names the door (``{"page": "export"}``, ``{"command": "export"}``).
    """
    detail = {
        "file": file_name,
        **where,
        "deidentified": not request.identified,
        "dates": request.dates,
        "rows": rows,
        "administrations": administrations,
        "part2_notice": notice is not None,
    }
    for name in ("program", "group", "instrument", "date_from", "date_to"):
        value = getattr(request, name)
        if value is not None:
            detail[name] = str(value)
    return detail


def command_line_user():
    """Who ``cli.py`` acts as: an administrator named ``cli:<operating-system user>``.

    A person who can run the command line on the database holds the data already (the
    SQLite file, or the PostgreSQL URL), so no role narrows what they see; their actions
    are audited under that name (docs/security.md, "The command line").
    """
    from access.accounts import StaffUser, cli_actor
    from access.roles import ADMINISTRATOR

    return StaffUser(username=cli_actor(), role=ADMINISTRATOR, group_ids=None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def file_stem(request: ExportRequest, today: dt.date | None = None) -> str:
    """The download's name without extension: ``mutuality-export-r-1-deidentified-2026-01-05``.

    Lower-case words joined by hyphens, so no group name (``=cmd()``, say) reaches a file
    name as it is.
    """
    today = today or dt.date.today()
    words = [request.group or request.program or "all", request.instrument or ""]
    scope = "-".join(w for w in (_slug(word) for word in words) if w) or "selection"
    kind = "identified" if request.identified else "deidentified"
    return f"mutuality-export-{scope}-{kind}-{today.isoformat()}"


def _check(request: ExportRequest) -> None:
    """Refuse what the user's role may not export, and unknown file types."""
    role = getattr(request.user, "role", None)
    if request.identified:
        require(role, EXPORT_IDENTIFIED)
        require(role, SEE_MEMBER_CODES)
        if request.coarsen_dates:
            raise ExportRefusedError(
                "an identified export keeps real dates; coarsening goes with de-identified ones"
            )
    else:
        require(role, EXPORT_DEIDENTIFIED)
    if request.file_type not in FILE_TYPES:
        raise ExportRefusedError(
            f"choose a file type of {' or '.join(FILE_TYPES)}, not {request.file_type!r}"
        )


def export_table(request: ExportRequest, key: bytes | None = None) -> pd.DataFrame:
    """The request's answers in the long export format, de-identified unless identified.

    `key` is the export's de-identification key; None draws a fresh one (pass one only to
    test that the same key gives the same pseudonyms). Formulas are not yet neutralised:
    `privacy.exports.write_export` does that when the file is written.
    """
    from access.scope import responses_for
    from privacy.deidentify import deidentify_responses, new_export_key
    from privacy.exports import export_cells
    from store.db import connect

    _check(request)
    key = key or new_export_key()
    user = request.user
    # One key for the rows the scope de-identifies (an evaluator's) and for the rows
    # de-identified here (an administrator's de-identified export): one export, one key.
    frame = responses_for(
        connect(request.url),
        user,
        key=key,
        coarsen_dates=request.coarsen_dates,
        program=request.program,
        group=request.group,
        instrument=request.instrument,
        date_from=request.date_from,
        date_to=request.date_to,
    )
    if not request.identified and user.can(SEE_MEMBER_CODES):
        frame = deidentify_responses(frame, key=key, coarsen=request.coarsen_dates)
    return export_cells(frame)


def _zip(files: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=path.name)
    return buffer.getvalue()


def prepare_export(
    request: ExportRequest, *, key: bytes | None = None, today: dt.date | None = None
) -> ExportFile:
    """Build the export file of `request` (a fresh de-identification key each call).

    Raises
    ------
    access.roles.PermissionDeniedError
        When the user's role may not make this kind of export (a facilitator, or an
        evaluator asking for an identified one).
    ExportRefusedError
        When the selection holds no answers, or the file type is unknown.
    """
    from privacy.exports import write_export
    from privacy.notice import notice_for
    from store.db import connect
    from store.roster import list_programs

    table = export_table(request, key=key)
    if table.empty:
        between = ""
        if request.date_from or request.date_to:
            between = f" between {request.date_from or 'the first'} and {request.date_to or 'now'}"
        raise ExportRefusedError(
            f"There are no stored {request.describe()}{between}: choose a wider selection."
        )
    notice = notice_for(list_programs(connect(request.url)), table["program"].unique())
    stem = file_stem(request, today)
    with tempfile.TemporaryDirectory() as folder:
        written = write_export(table, Path(folder) / f"{stem}.{request.file_type}", notice)
        if len(written) > 1:  # csv with its notice beside it: one zip, so they stay together
            data, file_name, mime = _zip(written), f"{stem}.zip", MIME["zip"]
        else:
            data, file_name = written[0].read_bytes(), written[0].name
            mime = MIME[request.file_type]
    administrations = table[["member", "instrument", "timepoint"]].drop_duplicates()
    return ExportFile(
        request=request,
        data=data,
        file_name=file_name,
        mime=mime,
        rows=len(table),
        administrations=len(administrations),
        notice=notice,
        preview=table.head(20).reset_index(drop=True),
    )


@dataclass(frozen=True)
class WrittenExport:
    """An export written to a file of one's choosing (``cli.py export``)."""

    request: ExportRequest
    #: The file, and the Part 2 notice beside a csv when the data needs it.
    files: list[Path]
    rows: int
    administrations: int
    notice: str | None

    def audit_detail(self) -> dict:
        """The audit entry's detail (`export_detail`), marked as the command's.

        ``answers`` repeats ``rows`` under the name the command's entries had before.
        """
        detail = export_detail(
            self.request,
            self.files[0].name,
            self.rows,
            self.administrations,
            self.notice,
            where={"command": "export"},
        )
        return detail | {"answers": self.rows}


def export_to_file(request: ExportRequest, out: str | Path, *, key: bytes | None = None):
    """Write the request's answers to `out` (.csv or .xlsx, by its suffix) and audit it.

    The same table as the Export page's (`export_table`: role checks, de-identification,
    cells), written by `privacy.exports.write_export` (formulas neutralised; the Part 2
    notice on a second sheet, or beside a csv). An empty selection writes the columns only,
    so an export of an empty database imports back to an empty one. The audit entry
    (store.audit EXPORT) names ``request.user``. Returns the `WrittenExport`.

    Raises
    ------
    privacy.exports.ExportError
        When `out` is neither .csv nor .xlsx (nothing is read or written).
    access.roles.PermissionDeniedError
        When the user's role may not make this kind of export.
    """
    from privacy.exports import ExportError, write_export
    from privacy.notice import notice_for
    from store.db import connect
    from store.roster import list_programs

    out = Path(out)
    file_type = out.suffix.lower().lstrip(".")
    if file_type not in FILE_TYPES:
        raise ExportError(f"{out}: choose a .csv or .xlsx file to export to")
    request = dataclasses.replace(request, file_type=file_type)
    table = export_table(request, key=key)
    notice = notice_for(list_programs(connect(request.url)), table["program"].unique())
    files = write_export(table, out, notice)
    administrations = table[["member", "instrument", "timepoint"]].drop_duplicates()
    written = WrittenExport(request, files, len(table), len(administrations), notice)
    record(request.url, request.user.username, written.audit_detail())
    return written


def record(url: str, who: str | None, detail: dict) -> None:
    """Write one export's audit entry (store.audit EXPORT) by `who`."""
    from store import audit
    from store.db import connect

    audit.record(connect(url), who, audit.EXPORT, detail)


def record_export(url: str, who: str | None, export: ExportFile) -> None:
    """Write the audit entry (store.audit EXPORT) of one download of `export` by `who`."""
    record(url, who, export.audit_detail())


def summary(export: ExportFile) -> str:
    """One plain-words line: what the file holds and how it was de-identified."""
    if export.request.identified:
        how = "identified: member codes and real dates"
    elif export.request.coarsen_dates:
        how = "de-identified: pseudonyms, dates coarsened to the month"
    else:
        how = "de-identified: pseudonyms, dates shifted per member"
    request = export.request
    which = f"{request.instrument} " if request.instrument else ""
    return (
        f"{export.rows} answer(s) from {export.administrations} {which}questionnaire(s) of "
        f"{request.where()}, {how}. Ready to download as {export.file_name}."
    )
