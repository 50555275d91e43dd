"""Reports of stored answers say whether repair matters here, counts only (issue 13, item 5)."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from access.accounts import StaffUser
from reports.excel import REPAIR_SHEET
from sample_data.demo import load_demo
from services.reporting import report_files
from services.selection import Scope, data_version
from tests.conftest import unavailable


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('repair-report') / 'demo.sqlite'}"
    load_demo(url)
    return url


def files(url, role):
    user = StaffUser(f"test-{role}", role, None)
    return report_files(Scope(url, data_version(url), "relational-connection", user=user))


def repair_rows(excel: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(excel))[REPAIR_SHEET]
    return [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]


def test_the_workbook_compares_reconnected_and_not_with_the_caveat(url):
    rows = repair_rows(files(url, "administrator").excel)
    text = " ".join(str(v) for r in rows for v in r if v is not None)
    assert rows[0][0] == "Does repair matter here?"
    assert "observational" in text
    header = next(r for r in rows if r[0] == "Members")
    assert "Mean change (95% CI)" in header and "Dropout (no post)" in header
    kinds = [r[0] for r in rows[rows.index(header) + 1 :]]
    assert kinds == ["Disconnections reconnected", "Not reconnected", "No disconnection"]
    # No member code anywhere in the section.
    assert not [v for r in rows for v in r if isinstance(v, str) and "-A-" in v]


def test_an_evaluators_workbook_hides_counts_of_fewer_than_five(url):
    rows = repair_rows(files(url, "evaluator").excel)
    header = next(r for r in rows if r[0] == "Members")
    body = rows[rows.index(header) + 1 :]
    not_back = next(r for r in body if r[0] == "Not reconnected")  # 5 members, 4 with post
    assert not_back[header.index("Mean change (95% CI)")] == "fewer than 5: not shown"
    for row in body:
        for value in row[1:]:
            count = str(value).split(" ")[0]
            if count.isdigit():
                assert int(count) == 0 or int(count) >= 5, row


def test_the_pdf_has_the_section_with_small_cells_hidden(url, tmp_path):
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(files(url, "administrator").pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Does repair matter here?" in text
    assert "not shown" in text.split("Does repair matter here?")[1]
