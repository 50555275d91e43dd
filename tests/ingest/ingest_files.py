"""Crafted instruments and spreadsheet writers for the ingest tests (files go to tmp_path).

Named uniquely (not helpers.py) because pytest puts each test folder on sys.path.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from measures import Instrument

# A small synthetic instrument: four items answered 0-3, item 2 reverse-keyed, two scales.
INSTRUMENT = Instrument.model_validate(
    {
        "id": "ingest-test",
        "name": "Ingest test questionnaire",
        "version": "1",
        "citation": "synthetic, for tests",
        "license": "synthetic",
        "use": "pre-post",
        "response_scale": {"min": 0, "max": 3},
        "higher_is": "worse",
        "items": [
            {"id": "it_1", "text": {"en": "=SUM(A1) is not a formula here"}},
            {"id": "it_2", "reverse": True},
            {"id": "it_3"},
            {"id": "it_4"},
        ],
        "scales": [
            {
                "id": "total",
                "name": "Total",
                "items": ["it_1", "it_2", "it_3", "it_4"],
                "method": "sum",
                "max_missing": 1,
            },
            {"id": "first", "name": "First two", "items": ["it_1", "it_2"], "method": "mean"},
        ],
    }
)

# A continuous 0-10 scale (step 0.1), e.g. a visual analogue scale.
CONTINUOUS = Instrument.model_validate(
    {
        "id": "ingest-vas",
        "name": "Ingest test visual scale",
        "version": "1",
        "citation": "synthetic, for tests",
        "license": "synthetic",
        "use": "per-session",
        "response_scale": {"min": 0, "max": 10, "step": 0.1},
        "higher_is": "better",
        "items": [{"id": "vas_1"}, {"id": "vas_2"}],
        "scales": [{"id": "mean", "name": "Mean", "items": ["vas_1", "vas_2"]}],
    }
)

WIDE_HEADER = ["member", "timepoint", "it_1", "it_2", "it_3", "it_4"]


def write_csv(path: Path, rows: list[list], *, delimiter: str = ",", encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], *, title: str | None = None, extra=None) -> Path:
    """An xlsx written with openpyxl; `extra` is {sheet name: rows} added after it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, more in (extra or {}).items():
        other = workbook.create_sheet(name)
        for row in more:
            other.append(row)
    workbook.save(path)
    return path


def xlsx_bytes(rows: list[list]) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
