"""Writing an export to csv or xlsx: formulas neutralised, and the Part 2 notice attached.

- xlsx: the data on the first sheet (so `import` of an identified export still works) and,
  when a notice is required, a second sheet "42 CFR Part 2 notice" holding it.
- csv: a csv file cannot carry a note without breaking the column format, so the notice is
  written beside it as ``<name>.part2-notice.txt`` and the caller shows it too (the app's
  Export page hands both over in one zip file, services.exports).

`export_cells` gives stored responses the cells the CLI ``export`` and the app's Export page
write, so both doors produce the same long format.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from privacy.safety import neutralise_formulas

NOTICE_SHEET = "42 CFR Part 2 notice"


class ExportError(ValueError):
    """An export that cannot be written as asked (e.g. an unknown file type)."""


def _answer(value: object) -> object:
    """A stored value as written out: whole numbers without a trailing .0, blanks empty."""
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _day(value: object) -> str | None:
    """A date as ``YYYY-MM-DD`` text; text (a shifted or coarsened date) is kept as it is."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, str):
        return value
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def export_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored responses (`store.responses.load_responses` columns) as an export writes them.

    A copy with answers as whole numbers where they are whole (``3``, not ``3.0``), session
    numbers as integers, dates as ``YYYY-MM-DD`` text (dates already de-identified to text,
    shifted or ``YYYY-MM``, are kept) and every blank as an empty cell. The columns and their
    order are unchanged: the long spreadsheet format, which `import` reads back.
    """
    result = frame.copy()

    def cells(values) -> pd.Series:
        # object dtype kept explicitly: inferring would turn 3 and None into 3.0 and NaN.
        return pd.Series(list(values), index=result.index, dtype=object)

    if "value" in result:
        result["value"] = cells(_answer(v) for v in result["value"])
    if "session" in result:
        result["session"] = cells(None if pd.isna(v) else int(v) for v in result["session"])
    if "date" in result:
        result["date"] = cells(_day(v) for v in result["date"])
    return result


def notice_path(out: Path) -> Path:
    """Where the Part 2 notice of a csv export goes: beside it, ``.part2-notice.txt``."""
    return out.with_name(out.name + ".part2-notice.txt")


def write_export(frame: pd.DataFrame, out: str | Path, notice: str | None = None) -> list[Path]:
    """Write `frame` to `out` (.csv or .xlsx), neutralised; returns the files written."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ExportError(f"{out}: choose a .csv or .xlsx file to export to")
    safe = neutralise_formulas(frame)
    written = [out]
    if suffix == ".xlsx":
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            safe.to_excel(writer, index=False, sheet_name="Responses")
            if notice:
                pd.DataFrame({"notice": [notice]}).to_excel(
                    writer, index=False, sheet_name=NOTICE_SHEET
                )
    else:
        safe.to_csv(out, index=False)
        if notice:
            notice_path(out).write_text(notice + "\n", encoding="utf-8")
            written.append(notice_path(out))
    return written


def audit_table(events: pd.DataFrame) -> pd.DataFrame:
    """Audit events (`store.audit.load_audit`) flattened for a spreadsheet, neutralised.

    `at` becomes ISO 8601 UTC text and `detail` compact JSON text; every text cell that a
    spreadsheet would run as a formula (a username or group name starting with ``=``, say)
    is prefixed with an apostrophe.
    """
    import json

    table = events.copy()
    table["at"] = [None if pd.isna(at) else pd.Timestamp(at).isoformat() for at in table["at"]]
    table["detail"] = [
        None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True)
        for detail in table["detail"]
    ]
    return neutralise_formulas(table)


def audit_csv(events: pd.DataFrame) -> bytes:
    """Audit events as UTF-8 csv bytes (for a download button or a file)."""
    return audit_table(events).to_csv(index=False).encode("utf-8")
