"""The Excel report says words in its headers and stores dates as dates (issue 12, item 5).

An evaluator filtering the workbook read ``alpha_ci_low``, ``lambda6``, ``d_av``,
``total_answered`` and dates typed as text ("2026-05-15", which Excel neither sorts nor
filters as a date). The headers are now the pages' words (`analysis.labels`), items show
their wording, and the Scored data's dates are Excel date cells.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from analysis.labels import COLUMN_WORDS
from ingest import read_responses
from reports.content import report_content
from reports.excel import date_cell, write_excel_report

DEMO = Path(__file__).resolve().parents[2] / "sample_data" / "demo_relational_connection_wide.xlsx"
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
MACHINE_NAMES = {name for name, words in COLUMN_WORDS.items() if name != words}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    if not DEMO.exists():
        from sample_data.files import write_program
        from sample_data.generator import generate_program

        folder = tmp_path_factory.mktemp("demo")
        write_program(generate_program(), folder)
        path = folder / DEMO.name
    else:
        path = DEMO
    table = read_responses(path, instrument="relational-connection")
    content = report_content(table.wide(), table.instrument, source=path.name)
    out = write_excel_report(content, tmp_path_factory.mktemp("words") / "report.xlsx")
    return table.instrument, openpyxl.load_workbook(out)


def header_rows(sheet):
    """Every header row of the sheet's tables (bold, filled first cells)."""
    for row in sheet.iter_rows():
        first = row[0]
        if first.font.bold and first.fill.fgColor.rgb and first.fill.fgColor.rgb.endswith("DDE5F0"):
            yield [c.value for c in row if c.value is not None]


def test_no_header_is_a_machine_name(workbook):
    _, book = workbook
    for name in ("Scored data", "Reliability", "Change", "Member categories", "Groups"):
        headers = [h for row in header_rows(book[name]) for h in row]
        assert headers, name
        raw = [h for h in headers if h in MACHINE_NAMES or SNAKE_CASE.match(str(h))]
        assert not raw, (name, raw)


def test_the_reliability_sheet_says_alpha_and_gives_each_items_wording(workbook):
    instrument, book = workbook
    sheet = book["Reliability"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Scale", "Timepoint", "Members (n)", "Items (k)", "Cronbach's α"]
    assert {"α 95% CI low", "α 95% CI high", "Standardized α", "Guttman's λ6"} <= set(header)
    items_header = next(r for r in header_rows(sheet) if "Item" in r)
    assert items_header[2:4] == ["Item", "Item wording"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[2] == "relationalconnection_1")
    assert row[3] == instrument.item("relationalconnection_1").text["en"]


def test_change_and_member_sheets_word_the_effect_sizes(workbook):
    _, book = workbook
    change = [c.value for c in book["Change"][3]]
    assert {"Cohen's d_av", "Hedges' g_av", "Cohen's d_rm", "Members with both"} <= set(change)
    members = [c.value for c in book["Member categories"][3]]
    assert "Reliable change index" in members and "rci" not in members


def test_scored_data_dates_are_excel_dates_and_scales_are_named(workbook):
    instrument, book = workbook
    sheet = book["Scored data"]
    header = [c.value for c in sheet[1]]
    assert "Date" in header and "date" not in header
    total = instrument.scale("total").name
    assert total in header and f"{total}: items answered" in header
    column = header.index("Date") + 1
    cell = sheet.cell(row=2, column=column)
    assert isinstance(cell.value, dt.datetime), cell.value  # openpyxl reads a date as datetime
    assert cell.value == dt.datetime(2026, 5, 15)
    assert cell.number_format == "yyyy-mm-dd"


def test_summary_date_is_a_date_cell(workbook):
    _, book = workbook
    cell = next(row[1] for row in book["Summary"].iter_rows() if row[0].value == "Report made on")
    assert isinstance(cell.value, dt.datetime) and cell.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-05-15", (dt.date(2026, 5, 15), "yyyy-mm-dd")),
        ("2026-05-15 14:30:05.123456", (dt.datetime(2026, 5, 15, 14, 30, 5), "yyyy-mm-dd hh:mm")),
        (dt.date(2026, 5, 15), (dt.date(2026, 5, 15), "yyyy-mm-dd")),
        ("around May", ("around May", None)),
        (None, (None, None)),
    ],
)
def test_date_cells(value, expected):
    assert date_cell(value) == expected
