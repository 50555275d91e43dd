"""Reading questionnaire spreadsheets (csv, xlsx, xls, ods) in the long or wide format.

The formats are a contract (ARCHITECTURE.md, "Spreadsheet input"):

- long: one row per item answer: ``member``, ``timepoint``, ``item``, ``value`` and optional
  ``instrument``, ``group``, ``program``, ``session``, ``date``, ``mode``;
- wide: one row per administration: ``member``, ``timepoint``, optional identifying columns,
  then one column per item id.

Spreadsheets are read with python-calamine (fast, and it reads xlsx, xls, xlsb and ods alike);
csv files with pandas. Every data row keeps the row number the user sees in the spreadsheet
(the header is row 1), so that the validation report (``ingest.validate``) can point at it.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from contract import LONG_OPTIONAL, LONG_REQUIRED
from ingest.errors import ColumnsNotFoundError, InputError
from ingest.mapping import apply_mapping, read_mapping
from measures import Instrument, InstrumentError, detect_instrument, load_instrument
from measures.scoring import ID_COLUMNS

#: Cell contents read as a missing answer (compared after stripping spaces, ignoring case).
MISSING_TOKENS = {"", "na", "n/a", "-", ".", "nan", "none", "null"}
LONG_COLUMNS = list(LONG_REQUIRED)
OPTIONAL_COLUMNS = list(LONG_OPTIONAL)
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
#: Columns holding labels: a number read from a spreadsheet as 1.0 becomes the label "1".
LABEL_COLUMNS = ["member", "timepoint", "group", "program", "session", "mode", "instrument"]
#: Default size limits; read_responses(max_bytes=..., max_rows=...) changes them.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 1_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_EPOCH = date(1899, 12, 30)
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_WHOLE_WITH_ZEROS = re.compile(r"^[+-]?\d+\.0+$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


@dataclass
class ResponseTable:
    """Answers read from one file, in the long format, with the instrument they belong to.

    Attributes
    ----------
    long
        One row per item answer: the identifying columns present in the file, ``instrument``,
        ``item`` and ``value`` (a float, None for a skipped answer, or the text as written
        when it is not a number - the validation report lists those).
    instrument
        The instrument the answers belong to.
    source
        The file name, for messages.
    layout
        ``"long"`` or ``"wide"``: how the file was laid out.
    row_numbers
        For each row of `long` (same index), the spreadsheet row it came from as the user sees
        it (header = row 1); for a wide file, the row of the administration.
    columns
        Our column name -> the header as written in the file (after a mapping file, the user's
        own name), so messages can cite what the user sees. Item columns of a wide file are
        included.
    column_letters
        Our column name -> its spreadsheet column letter (A, B, ... AA).
    unused_columns
        Headers of the file that are neither identifying columns nor items (not imported).
    notes
        Things the reader decided that the user should know (e.g. how dates were read).
    """

    long: pd.DataFrame
    instrument: Instrument
    source: str
    layout: str  # "long" or "wide"
    row_numbers: pd.Series = field(default_factory=lambda: pd.Series(dtype=int))
    columns: dict[str, str] = field(default_factory=dict)
    column_letters: dict[str, str] = field(default_factory=dict)
    unused_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def wide(self) -> pd.DataFrame:
        """One row per administration, one column per item (in questionnaire order)."""
        return long_to_wide(self.long, self.instrument)

    def row_of(self, index) -> int | None:
        """The spreadsheet row number of the long row with this index (None if unknown)."""
        if index in self.row_numbers.index:
            return int(self.row_numbers.loc[index])
        return None


# Cells ---------------------------------------------------------------------------------


def _is_missing_token(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_TOKENS


def _clean_cell(value: object) -> object:
    """A cell as read: None when missing, text stripped, everything else unchanged."""
    if value is pd.NA or value is pd.NaT:
        return None
    if _is_missing_token(value):
        return None
    if isinstance(value, str):
        return value.strip()
    return value


def number_or_text(value: object) -> object:
    """An answer cell as a float when it is a number (also when written as text), else as is.

    Booleans, dates and text that is not a number are returned unchanged so that validation
    can say what is wrong with them.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMERIC.match(value.strip()):
        return float(value.strip())
    return value


def label(value: object) -> str | None:
    """A member/timepoint/session label as text: the number 1.0 read from a sheet becomes "1"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10] if _is_midnight(value) else value.isoformat()
    text = str(value).strip()
    if _WHOLE_WITH_ZEROS.match(text):
        return text.split(".")[0]
    return text


def _is_midnight(value: date) -> bool:
    return not isinstance(value, datetime) or value.time() == time(0, 0)


def excel_serial_to_date(serial: float) -> date | None:
    """The calendar date of an Excel date serial (1900 system; 45000 is 2023-03-15).

    Serials before 1 March 1900 (61) are not accepted, so Excel's phantom 29 February 1900
    never matters; None when the number is not a plausible date.
    """
    if isinstance(serial, bool) or not 61 <= float(serial) < 2958466:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(float(serial)))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_dates(values: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, list[str]]:
    """Dates as ISO text (YYYY-MM-DD): date cells, Excel serial numbers and date strings.

    Parameters
    ----------
    values
        Cells of a date column (None for blank).
    dayfirst
        How to read 03/04/2024. None decides from the column: if some date has a first part
        above 12 it is day/month/year, if some has a second part above 12 month/day/year;
        when no date tells, day/month/year is assumed and a note says so.

    Returns
    -------
    (pandas.Series, list of str)
        The ISO dates (cells that are not dates are returned unchanged, for validation to
        report) and notes on what was assumed.
    """
    notes: list[str] = []
    parts = [_DMY.match(v.strip()) for v in values if isinstance(v, str) and _DMY.match(v.strip())]
    if dayfirst is None:
        day_first = any(int(m.group(1)) > 12 for m in parts)
        month_first = any(int(m.group(2)) > 12 for m in parts)
        if day_first and month_first:
            notes.append(
                "the date column mixes day/month/year and month/day/year dates; the dates "
                "that do not fit day/month/year are listed as problems - write dates as "
                "YYYY-MM-DD"
            )
            dayfirst = True
        elif month_first:
            dayfirst = False
        else:
            if parts and not day_first and any(m.group(1) != m.group(2) for m in parts):
                notes.append(
                    "dates such as 03/04/2024 were read as day/month/year (3 April 2024); "
                    "if they are month/day/year, write them as YYYY-MM-DD"
                )
            dayfirst = True

    def one(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, datetime | date):
            return value.isoformat()[:10]
        if isinstance(value, int | float) and not isinstance(value, bool):
            found = excel_serial_to_date(value)
            return found.isoformat() if found else value
        if not isinstance(value, str):
            return value
        text = value.strip()
        try:
            if match := _ISO.match(text):
                y, m, d = (int(g) for g in match.groups())
                return date(y, m, d).isoformat()
            if match := _DMY.match(text):
                a, b, y = int(match.group(1)), int(match.group(2)), _year(match.group(3))
                day, month = (a, b) if dayfirst else (b, a)
                return date(y, month, day).isoformat()
            if _NUMERIC.match(text):
                found = excel_serial_to_date(float(text))
                return found.isoformat() if found else value
            for fmt in ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y"):
                try:
                    return datetime.strptime(text, fmt).date().isoformat()
                except ValueError:
                    continue
        except (ValueError, OverflowError):
            return value
        return value

    parsed = pd.Series([one(v) for v in values], index=values.index, dtype=object)
    return parsed, notes


def _letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Files ---------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """Cells of one sheet: a frame indexed by spreadsheet row number, and its headers."""

    frame: pd.DataFrame
    headers: dict[str, str]  # normalised name -> header as written
    letters: dict[str, str]  # normalised name -> column letter


def _source_name(source, filename: str | None) -> str:
    if filename:
        return filename
    if isinstance(source, str | Path):
        return str(source)
    return getattr(source, "name", None) or "uploaded file"


def _read_bytes(source, name: str, max_bytes: int) -> bytes:
    """The whole file, after checking that it exists, is not empty and is within `max_bytes`."""
    try:
        if isinstance(source, str | Path):
            size = os.path.getsize(source)
            if size > max_bytes:
                raise InputError(_too_big(name, size, max_bytes))
            with open(source, "rb") as handle:
                data = handle.read()
        else:
            if hasattr(source, "seek"):
                source.seek(0)
            data = source.read(max_bytes + 1)
            if hasattr(source, "seek"):
                source.seek(0)
            if isinstance(data, str):
                data = data.encode("utf-8")
            if len(data) > max_bytes:
                raise InputError(_too_big(name, None, max_bytes))
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied; check that you may read it") from None
    if not data or not data.strip():
        raise InputError(f"{name}: the file is empty; nothing to import")
    return data


def _too_big(name: str, size: int | None, limit: int) -> str:
    shown = f"{size / 1024 / 1024:.1f} MB" if size is not None else "larger than the limit"
    return (
        f"{name}: the file is {shown}; the limit is {limit / 1024 / 1024:.0f} MB. Split it "
        "into smaller files (for example one per group or timepoint), or raise the limit."
    )


def _kind(data: bytes, name: str) -> str:
    """'zip' (xlsx, ods), 'cfb' (xls, or an encrypted xlsx), or 'text' (csv)."""
    if data.startswith(_ZIP_MAGIC):
        return "zip"
    if data.startswith(_CFB_MAGIC):
        return "cfb"
    if Path(name).suffix.lower() in SPREADSHEET_SUFFIXES and b"\0" in data[:4096]:
        return "binary"
    return "text"


def _is_encrypted(data: bytes) -> bool:
    """True for an Office file protected by a password to open (an encrypted CFB container)."""
    return data.startswith(_CFB_MAGIC) and (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    )


def _password_message(name: str) -> str:
    return (
        f"{name}: the workbook is protected by a password, so it cannot be read. Open it in "
        "your spreadsheet program, remove the password (File > Info > Protect Workbook, or "
        "save a copy without a password) and import that copy."
    )


def _sheet_rows(data: bytes, name: str, sheet, max_rows: int) -> list[list]:
    import python_calamine as calamine

    if _is_encrypted(data):
        raise InputError(_password_message(name))
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise InputError(_password_message(name)) from None
    except Exception as error:  # calamine raises several types for a damaged file
        raise InputError(
            f"{name}: cannot be read as a spreadsheet ({error}); the file may be damaged. "
            "Open it in your spreadsheet program, save it again as xlsx or csv and retry."
        ) from None
    names = workbook.sheet_names
    if sheet is None:
        chosen = 0
    elif isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise InputError(
                f"{name}: has {len(names)} sheet(s); there is no sheet number {sheet + 1}"
            )
        chosen = sheet
    else:
        wanted = str(sheet).strip().lower()
        matches = [i for i, n in enumerate(names) if n.strip().lower() == wanted]
        if not matches:
            raise InputError(
                f"{name}: no sheet named '{sheet}'; its sheets are "
                + ", ".join(f"'{n}'" for n in names)
            )
        chosen = matches[0]
    try:
        worksheet = workbook.get_sheet_by_index(chosen)
        last_row = worksheet.end[0] + 1 if worksheet.end else 0
        if last_row > max_rows + 1:
            raise InputError(_too_many_rows(name, last_row - 1, max_rows))
        rows = worksheet.to_python(skip_empty_area=False)
    except InputError:
        raise
    except calamine.PasswordError:
        raise InputError(_password_message(name)) from None
    except Exception as error:
        raise InputError(
            f"{name}: sheet '{names[chosen]}' cannot be read ({error}); the file may be "
            "damaged. Save it again as xlsx or csv and retry."
        ) from None
    finally:
        workbook.close()
    return rows


def _too_many_rows(name: str, rows: int, limit: int) -> str:
    return (
        f"{name}: has {rows:,} rows; the limit is {limit:,}. Split it into smaller files "
        "(for example one per group or timepoint), or raise the limit."
    )


def _csv_rows(data: bytes, name: str, max_rows: int) -> list[list]:
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\0" in text:
        raise InputError(
            f"{name}: is not a text (csv) file or uses an unknown character encoding. Save "
            "it as 'CSV UTF-8' or xlsx and retry."
        )
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    separator = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            nrows=max_rows + 2,
            engine="python",
        )
    except Exception as error:  # pandas raises ParserError and others for broken csv
        raise InputError(
            f"{name}: cannot be read as a csv file ({error}). Check that every row has the "
            "same number of columns and that quotes are closed, or save it as xlsx."
        ) from None
    if len(frame) > max_rows + 1:
        raise InputError(_too_many_rows(name, len(frame) - 1, max_rows))
    return frame.astype(object).where(frame.notna(), None).to_numpy().tolist()


def _rows_to_sheet(rows: list[list], name: str) -> _Sheet:
    """Find the header (the first non-empty row) and index the data rows by row number."""
    cleaned = [[_clean_cell(v) for v in row] for row in rows]
    header_at = next((i for i, row in enumerate(cleaned) if any(v is not None for v in row)), None)
    if header_at is None:
        raise InputError(f"{name}: the sheet is empty; nothing to import")
    header = cleaned[header_at]
    width = max(len(r) for r in cleaned)
    header = header + [None] * (width - len(header))
    names, headers, letters, seen = [], {}, {}, {}
    for position, cell in enumerate(header):
        written = label(cell) if cell is not None else ""
        normalised = written.strip().lower()
        if not normalised:
            normalised = f"unnamed column {_letter(position)}"
        if normalised in seen:
            raise InputError(
                f"{name}: columns {seen[normalised]} and {_letter(position)} are both named "
                f"'{written}' (ignoring case and spaces); rename or delete one of them"
            )
        seen[normalised] = _letter(position)
        names.append(normalised)
        headers[normalised] = written or normalised
        letters[normalised] = _letter(position)
    data, numbers = [], []
    for offset, row in enumerate(cleaned[header_at + 1 :]):
        if all(v is None for v in row):
            continue
        data.append(row + [None] * (width - len(row)))
        numbers.append(header_at + offset + 2)  # rows count from 1
    frame = pd.DataFrame(data, columns=names, dtype=object)
    frame.index = pd.Index(numbers, name="row", dtype=int)
    unnamed = [c for c in names if c.startswith("unnamed column ") and frame[c].isna().all()]
    frame = frame.drop(columns=unnamed)
    for column in unnamed:
        headers.pop(column)
        letters.pop(column)
    return _Sheet(frame=frame, headers=headers, letters=letters)


def _read_sheet(
    source,
    *,
    filename: str | None,
    sheet,
    max_bytes: int,
    max_rows: int,
) -> tuple[_Sheet, str]:
    name = _source_name(source, filename)
    data = _read_bytes(source, name, max_bytes)
    kind = _kind(data, name)
    if kind in {"zip", "cfb"}:
        rows = _sheet_rows(data, name, sheet, max_rows)
    elif kind == "binary":
        raise InputError(
            f"{name}: is not a spreadsheet this program can read (it may be damaged). Save "
            "it again as xlsx or csv and retry."
        )
    else:
        if Path(name).suffix.lower() in SPREADSHEET_SUFFIXES:
            # a text file named .xlsx: read it as the csv it is, rather than fail
            pass
        rows = _csv_rows(data, name, max_rows)
    return _rows_to_sheet(rows, name), name


def read_table(
    source: str | Path | BinaryIO,
    *,
    filename: str | None = None,
    sheet=None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> pd.DataFrame:
    """Read the cells of a csv or spreadsheet file as text-or-number values, headers normalised.

    Parameters
    ----------
    source
        A path, or a binary file-like object (an upload).
    filename
        The name to use in messages (defaults to the path).
    sheet
        Sheet name or 0-based number; the first sheet when None.
    max_bytes, max_rows
        Size limits; a larger file raises InputError saying what to do.

    Returns
    -------
    pandas.DataFrame
        Headers stripped and lower-cased; missing tokens ("NA", "N/A", "-", ".", blank) as
        None; entirely blank rows left out. The index is the row number as the spreadsheet
        shows it (header = row 1).

    Raises
    ------
    InputError
        For a missing, empty, too large, damaged or password-protected file.
    """
    sheet_cells, _ = _read_sheet(
        source, filename=filename, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows
    )
    return sheet_cells.frame


def long_to_wide(long: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Pivot long answers to one row per administration (member, timepoint) and item columns.

    When the same item of an administration appears more than once the first answer is
    used; ``ingest.validate_responses`` reports such repeats before anything is scored.
    """
    keys = [c for c in ID_COLUMNS if c in long.columns]
    index_keys = ["member", "timepoint"]
    if long.empty:
        return pd.DataFrame(columns=keys + instrument.item_ids)
    meta = long.groupby(index_keys, sort=False, dropna=False)[keys].first()
    values = long.pivot_table(
        index=index_keys,
        columns="item",
        values="value",
        aggfunc="first",
        sort=False,
        dropna=False,
    )
    items = [i for i in instrument.item_ids if i in values.columns]
    wide = meta.drop(columns=index_keys).join(values.reindex(columns=items)).reset_index()
    for item in instrument.item_ids:
        if item not in wide:
            wide[item] = pd.NA
    return wide[[c for c in keys] + instrument.item_ids]


def wide_to_long(wide: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Melt a wide table to one row per item answer (skipped items kept as missing values)."""
    keys = [c for c in ID_COLUMNS if c in wide.columns]
    items = [i for i in instrument.item_ids if i in wide.columns]
    long = wide.melt(id_vars=keys, value_vars=items, var_name="item", value_name="value")
    long.insert(len(keys), "instrument", instrument.id)
    return long


def _choose_instrument(frame: pd.DataFrame, is_long: bool, instrument, name: str) -> Instrument:
    if instrument is not None:
        return load_instrument(instrument)
    if is_long and "instrument" in frame.columns and frame["instrument"].notna().any():
        first_row = frame["instrument"].first_valid_index()
        named = label(frame.at[first_row, "instrument"]).lower()
        try:
            return load_instrument(named)
        except InstrumentError as error:
            raise InputError(f"{name}, row {first_row}, column instrument: {error}") from None
    columns = frame["item"].dropna().map(label).str.lower().unique() if is_long else frame.columns
    chosen = detect_instrument(columns)
    if chosen is None:
        what = f"{name}: none of the columns or items are items of a built-in instrument"
        raise ColumnsNotFoundError(
            f"{what}; name the instrument (its id, or your own YAML definition), or rename the "
            "item columns to our item ids, or give a mapping of your column names to ours.",
            instrument_missing=True,
            what=f"{what}.",
        )
    return chosen


def read_responses(
    source: str | Path | BinaryIO,
    *,
    instrument: str | Instrument | None = None,
    filename: str | None = None,
    sheet=None,
    mapping: str | Path | dict[str, str] | None = None,
    dayfirst: bool | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ResponseTable:
    """Read a long or wide response file and find its instrument.

    Parameters
    ----------
    source
        Path or binary file-like object of a csv, xlsx, xls, xlsb or ods file.
    instrument
        Instrument id, YAML path or Instrument; found from the item ids when None.
    filename
        Name for messages (defaults to the path).
    sheet
        Sheet name or 0-based number; the first sheet when None.
    mapping
        Their column -> our column (a dict, or a YAML or csv file; see ingest.mapping).
    dayfirst
        How to read dates like 03/04/2024 (see ``parse_dates``); decided from the column
        when None.
    max_bytes, max_rows
        Size limits (50 MB and 1,000,000 rows by default).

    Returns
    -------
    ResponseTable
        Answers in the long format with their spreadsheet row numbers. Values are not
        checked here: call ``ingest.validate_responses`` for the list of problems.

    Raises
    ------
    InputError
        When the file cannot be read, lacks member/timepoint columns, or no instrument can
        be found for it.
    """
    sheet_cells, name = _read_sheet(
        source, filename=filename, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows
    )
    frame, headers, letters = sheet_cells.frame, sheet_cells.headers, sheet_cells.letters
    if mapping is not None:
        frame, headers, letters = apply_mapping(
            frame, headers, letters, read_mapping(mapping), source=name
        )
    if frame.empty:
        raise InputError(f"{name}: the file has a header row but no data rows")
    missing = [c for c in ("member", "timepoint") if c not in frame.columns]
    if missing:
        what = (
            f"{name}: no column named {' or '.join(missing)} (the columns are "
            + ", ".join(f"'{headers[c]}'" for c in frame.columns)
            + "). Every row needs the member's code and the timepoint (pre, post, "
            "session-3, ...)"
        )
        raise ColumnsNotFoundError(
            f"{what}; rename the columns, or give a mapping of your column names to ours.",
            what=f"{what}.",
        )
    is_long = {"item", "value"} <= set(frame.columns)
    try:
        chosen = _choose_instrument(frame, is_long, instrument, name)
    except InstrumentError as error:
        raise InputError(str(error)) from None
    notes: list[str] = []
    frame = frame.copy()
    for column in LABEL_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(label).astype(object)
    if "date" in frame:
        frame["date"], notes = parse_dates(frame["date"], dayfirst=dayfirst)
    known = set(ID_COLUMNS) | set(OPTIONAL_COLUMNS)
    if is_long:
        long = frame.copy()
        long["item"] = long["item"].map(lambda v: None if v is None else label(v).lower())
        long["value"] = long["value"].map(number_or_text).astype(object)
        if "instrument" not in long:
            long["instrument"] = chosen.id
        else:
            long["instrument"] = long["instrument"].map(
                lambda v: chosen.id if v is None else str(v).lower()
            )
        known |= {"item", "value"}
        unused = [headers[c] for c in frame.columns if c not in known]
        ordered = [c for c in ID_COLUMNS if c in long] + ["instrument", "item", "value"]
        row_numbers = pd.Series(long.index.to_numpy(), index=pd.RangeIndex(len(long)))
        long = long[ordered].reset_index(drop=True)
    else:
        items = [i for i in chosen.item_ids if i in frame.columns]
        unused = [headers[c] for c in frame.columns if c not in known and c not in items]
        for item in items:
            frame[item] = frame[item].map(number_or_text).astype(object)
        frame = frame.drop(columns=[c for c in frame.columns if c not in known | set(items)])
        frame["__row"] = frame.index.to_numpy()
        keys = [c for c in ID_COLUMNS if c in frame.columns] + ["__row"]
        long = frame.reset_index(drop=True).melt(
            id_vars=keys, value_vars=items, var_name="item", value_name="value"
        )
        long.insert(len(keys) - 1, "instrument", chosen.id)
        row_numbers = long.pop("__row").astype(int)
        long["value"] = long["value"].astype(object)
    long = long.astype({c: object for c in long.columns})
    long = long.where(long.notna(), None)
    return ResponseTable(
        long=long,
        instrument=chosen,
        source=name,
        layout="long" if is_long else "wide",
        row_numbers=row_numbers,
        columns=dict(headers),
        column_letters=dict(letters),
        unused_columns=unused,
        notes=notes,
    )
