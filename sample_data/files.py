"""Writing the demo program to csv and xlsx files in the spreadsheet contract.

The files are byte-for-byte reproducible: the same seed writes the same csv bytes, and the
xlsx files carry a fixed timestamp (not the time of writing), so regenerating them leaves
git with nothing to commit.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from sample_data.context import CONTEXT_FILE, context_checkins, self_descriptions
from sample_data.generator import CHECKIN, CONNECTION, DISTRESS, DemoProgram
from sample_data.roundrobin import ROUND_ROBIN_FILE, roundrobin_ratings

#: File stem of each instrument's wide file.
WIDE_FILES = {
    CHECKIN: "demo_checkin_wide",
    CONNECTION: "demo_relational_connection_wide",
    DISTRESS: "demo_core10_wide",
}
LONG_FILE = "demo_long"
TABLE_FILES = {
    "roster": "demo_roster.csv",
    "sessions": "demo_sessions.csv",
    "attendance": "demo_attendance.csv",
    "disconnections": "demo_disconnections.csv",
}
#: The timestamp written into every xlsx file (zip entries and document properties).
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms:)")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as UTF-8 csv with Unix line ends; missing values are empty cells."""
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def _cell(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "item"):  # numpy scalars -> Python numbers
        return value.item()
    return value


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str = "answers") -> Path:
    """Write `frame` to one sheet of an xlsx file; missing values are empty cells.

    Text stays text (dates are ISO text, as in the csv files), numbers stay numbers. The
    file's timestamps are :data:`FIXED_TIME`, so the bytes depend on the data only.
    """
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        worksheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME).encode()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            target.writestr(zipfile.ZipInfo(entry.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return path


def write_program(program: DemoProgram, out: str | Path) -> list[Path]:
    """Write every demo file into folder `out` (created if missing); return their paths.

    Files: ``demo_long.csv/.xlsx`` (every instrument, long format),
    ``demo_checkin_wide``, ``demo_relational_connection_wide`` and ``demo_core10_wide``
    (``.csv`` and ``.xlsx``, wide format), ``demo_roster.csv``, ``demo_sessions.csv``,
    ``demo_attendance.csv``, ``demo_disconnections.csv``, and ``demo_checkin_context.csv``
    (the check-ins with synthetic self-descriptions and a planted language difference:
    `sample_data.context`), and ``demo_roundrobin.csv`` (two groups' members rating their
    connection with each other at four sessions: `sample_data.roundrobin`).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_csv(program.responses_long, out / f"{LONG_FILE}.csv"),
        write_xlsx(program.responses_long, out / f"{LONG_FILE}.xlsx"),
    ]
    for instrument, stem in WIDE_FILES.items():
        wide = program.wide(instrument)
        written.append(write_csv(wide, out / f"{stem}.csv"))
        written.append(write_xlsx(wide, out / f"{stem}.xlsx"))
    for attribute, name in TABLE_FILES.items():
        written.append(write_csv(getattr(program, attribute), out / name))
    described = context_checkins(program.wide(CHECKIN), self_descriptions(program.roster))
    written.append(write_csv(described, out / f"{CONTEXT_FILE}.csv"))
    ratings = roundrobin_ratings(program.attendance)
    written.append(write_csv(ratings, out / f"{ROUND_ROBIN_FILE}.csv"))
    return written
