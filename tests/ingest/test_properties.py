"""Property-based tests: random cell contents never make the reader or validator crash.

Whatever is in the cells, the outcome is a table with a validation report, or an InputError
with a message; never any other exception.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_files import INSTRUMENT, WIDE_HEADER
from openpyxl.utils.exceptions import IllegalCharacterError

from ingest import InputError, read_responses, validate_responses
from measures import score

# Cells people put in spreadsheets: text (unicode, formulas, missing tokens), numbers in and
# out of the scale, blanks, dates and booleans.
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["NA", "n/a", "-", ".", " ", "=1+1", "=A1", "+2", "@x", "2,5", "1e3", "Ω"]),
)
NUMBER = st.one_of(
    st.integers(-5, 10),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
)
DATES = st.one_of(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1)),
)
CELL = st.one_of(st.none(), TEXT, NUMBER, DATES, st.booleans())
CSV_CELL = st.one_of(st.none(), TEXT, NUMBER.map(str), DATES.map(str))
HEADER = st.one_of(
    st.sampled_from(WIDE_HEADER + ["item", "value", "date", "session", "mode", "group"]),
    st.text(max_size=6),
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(buffer, name: str) -> None:
    """Read and validate; anything but a report or an InputError fails the test."""
    try:
        table = read_responses(buffer, instrument=INSTRUMENT, filename=name)
    except InputError as error:
        assert name in str(error) or "mapping" in str(error)
        return
    report = validate_responses(table)
    str(report)
    report.to_frame()
    if report.ok:
        scored = score(table.wide(), table.instrument)
        assert len(scored) >= report.administrations


def xlsx(rows) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@SETTINGS
@given(st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=6))
def test_random_cells_in_a_wide_xlsx(rows):
    try:
        buffer = xlsx([WIDE_HEADER, *rows])
    except IllegalCharacterError:  # openpyxl refuses control characters in text
        return
    outcome(buffer, "random.xlsx")


@SETTINGS
@given(st.lists(st.lists(CSV_CELL, min_size=4, max_size=4), min_size=1, max_size=6))
def test_random_cells_in_a_long_csv(rows):
    import csv

    text = io.StringIO()
    csv.writer(text).writerows([["member", "timepoint", "item", "value"], *rows])
    outcome(io.BytesIO(text.getvalue().encode("utf-8")), "random.csv")


@SETTINGS
@given(
    st.lists(HEADER, min_size=1, max_size=7),
    st.lists(st.lists(CELL, min_size=7, max_size=7), min_size=0, max_size=4),
)
def test_random_headers_and_cells(header, rows):
    try:
        buffer = xlsx([header, *rows])
    except IllegalCharacterError:
        return
    outcome(buffer, "headers.xlsx")


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data):
    outcome(io.BytesIO(data), "bytes.xlsx")
    outcome(io.BytesIO(data), "bytes.csv")
