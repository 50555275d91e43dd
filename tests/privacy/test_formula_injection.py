"""Formula injection on every export path of the app and the CLI.

A member code and a group named ``=HYPERLINK("x")`` are stored in a real SQLite database;
each way data leaves Mutuality must write them so that a spreadsheet shows them as text:
the analysis pages' CSV downloads (ui.dashboard.csv_bytes), the Excel report built on the
Reports page (services.reporting.report_files), the audit log download (privacy.exports.audit_csv)
and the de-identified export (`cli.py export --deidentify`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

import cli
from access.accounts import StaffUser
from privacy.exports import audit_csv
from services import analyses, reporting, selection
from store import audit, connect
from store.administrations import Administration, save_administrations
from store.db import dispose
from store.roster import create_program
from tests.access.databases import sqlite_url
from ui import dashboard

HOSTILE = '=HYPERLINK("x")'
#: What a spreadsheet must receive instead: the same text behind an apostrophe.
NEUTRALISED = "'" + HOSTILE
FORMULA_STARTS = ("=", "+", "@")


@pytest.fixture
def url(tmp_path):
    """WHO-5 answers of 8 members at pre and post: one member and one group are hostile."""
    url = sqlite_url(tmp_path)
    engine = connect(url)
    create_program(engine, "Recovery", substance_use=True)
    batch = []
    for number in range(8):
        code = HOSTILE if number == 0 else f"W{number:02d}"
        group = HOSTILE if number % 2 else "B"
        for timepoint, shift, day in (("pre", 0, 3), ("post", number % 3 * 2, 24)):
            batch.append(
                Administration(
                    member=code,
                    instrument="who5",
                    instrument_version="1",
                    timepoint=timepoint,
                    answers={f"who5_{k + 1}": min(5, number % 4 + k % 2 + shift) for k in range(5)},
                    group=group,
                    program="Recovery",
                    date=dt.date(2025, 3, day),
                    entered_by="tests",
                )
            )
    save_administrations(engine, batch, source="hostile.csv")
    yield url
    dispose(url)


def cells_of_csv(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row]


def assert_neutralised(cells: list, expect_hostile: bool = True) -> None:
    text = [c for c in cells if isinstance(c, str)]
    assert not [c for c in text if c.startswith(FORMULA_STARTS)]
    if expect_hostile:
        assert NEUTRALISED in text


def scope(url: str, role: str) -> selection.Scope:
    user = StaffUser(f"test-{role}", role, None)
    return selection.Scope(url, selection.data_version(url), "who5", user=user)


def test_csv_downloads_of_the_analysis_pages(url):
    view = analyses.change(scope(url, "administrator"), "total", "pre", "post")
    members = cells_of_csv(dashboard.csv_bytes(view.members))  # Change: every member's change
    assert_neutralised(members)
    assert '"\'=HYPERLINK(""x"")",' in dashboard.csv_bytes(view.members).decode()  # the group
    # An evaluator's download (the Jacobson plot's points) holds scores and categories only:
    # no member code or pseudonym, and no group (services.published.change).
    evaluator = analyses.change(scope(url, "evaluator"), "total", "pre", "post")
    cells = cells_of_csv(dashboard.csv_bytes(evaluator.members))
    assert_neutralised(cells, expect_hostile=False)
    assert not [c for c in cells if c.startswith("W0") or c.startswith("P-")]


@pytest.mark.parametrize("role", ["administrator", "evaluator"])
def test_excel_report_from_the_reports_page(url, role):
    files = reporting.report_files(scope(url, role))
    workbook = load_workbook(io.BytesIO(files.excel))
    values = [
        cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
    ]
    assert_neutralised(values)
    assert files.notice is not None  # Recovery is a substance-use program
    assert workbook.sheetnames[-1] == "42 CFR Part 2 notice"


def test_audit_log_download(tmp_path):
    # A database without members: in `url` HOSTILE is also a member code, and a member code
    # in an audit entry's who or file becomes "[member]" (store.audit) before it is stored.
    folder = tmp_path / "audit"
    folder.mkdir()
    engine = connect(sqlite_url(folder))
    audit.record(engine, HOSTILE, audit.EXPORT, {"file": HOSTILE, "group": HOSTILE})
    cells = cells_of_csv(audit_csv(audit.load_audit(engine)))
    assert_neutralised(cells)
    assert any(HOSTILE.replace('"', '\\"') in c and c.startswith("{") for c in cells)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_deidentified_export(url, tmp_path, suffix):
    out = tmp_path / f"export.{suffix}"
    assert cli.main(["export", "--out", str(out), "--database", url, "--deidentify"]) == 0
    if suffix == "csv":
        cells = cells_of_csv(out.read_bytes())
    else:
        sheet = load_workbook(out)["Responses"]
        cells = [c.value for row in sheet.iter_rows() for c in row]
    assert_neutralised(cells)
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("W0", NEUTRALISED + "P"))]
    assert any(isinstance(c, str) and c.startswith("P-") for c in cells)
