"""The 42 CFR Part 2 notice on reports and exports of a substance-use program's data.

`cli.py report` of a file whose program is flagged substance-use in the database (or with
``--part2-notice``) and `cli.py export` of such a database carry the notice; a report of
another program's answers does not.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

import cli
from privacy.exports import notice_path
from privacy.notice import PART2_NOTICE
from reports.excel import NOTICE_SHEET
from store import connect
from store.db import dispose
from tests.access.databases import sqlite_url
from tests.access.seed import seed
from tests.cli.test_report_cli import write_answers
from tests.conftest import unavailable


@pytest.fixture
def url(tmp_path):
    """A SQLite database with "Recovery" (substance-use) and "Community" programs."""
    url = sqlite_url(tmp_path)
    seed(connect(url))
    yield url
    dispose(url)


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def answers_of(tmp_path, program: str):
    source = write_answers(tmp_path / f"{program}.csv")
    frame = pd.read_csv(source)
    frame["program"] = program
    frame.to_csv(source, index=False)
    return source


def report(tmp_path, source, *extra) -> tuple[int, object, object]:
    out, pdf = tmp_path / f"{source.stem}.xlsx", tmp_path / f"{source.stem}.pdf"
    code = cli.main(
        ["report", str(source), "--instrument", "who5", "--out", str(out), "--pdf", str(pdf)]
        + list(extra)
    )
    return code, out, pdf


def test_a_report_of_a_substance_use_program_carries_the_notice(tmp_path, url, capsys):
    code, out, pdf = report(tmp_path, answers_of(tmp_path, "Recovery"), "--database", url)
    assert code == 0, capsys.readouterr().err
    workbook = load_workbook(out)
    assert workbook.sheetnames[-1] == NOTICE_SHEET
    assert workbook[NOTICE_SHEET]["A1"].value == PART2_NOTICE
    assert " ".join(PART2_NOTICE.split()) in pdf_text(pdf)
    assert "42 CFR Part 2" in capsys.readouterr().err


def test_a_report_of_another_program_carries_none(tmp_path, url, capsys):
    code, out, pdf = report(tmp_path, answers_of(tmp_path, "Community"), "--database", url)
    assert code == 0, capsys.readouterr().err
    assert NOTICE_SHEET not in load_workbook(out).sheetnames
    assert "42 CFR part 2" not in pdf_text(pdf)


def test_part2_notice_option_adds_it_without_a_database(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path / "no-database-here"))
    source = answers_of(tmp_path, "Anywhere")
    code, out, _ = report(tmp_path, source)
    assert code == 0, capsys.readouterr().err
    assert NOTICE_SHEET not in load_workbook(out).sheetnames
    assert not (tmp_path / "no-database-here" / "mutuality.sqlite").exists()
    code, out, _ = report(tmp_path, source, "--part2-notice")
    assert code == 0
    assert load_workbook(out)[NOTICE_SHEET]["A1"].value == PART2_NOTICE


@pytest.mark.parametrize("deidentify", [[], ["--deidentify"]])
def test_an_export_of_a_substance_use_program_carries_the_notice(tmp_path, url, deidentify):
    out = tmp_path / "export.csv"
    assert cli.main(["export", "--out", str(out), "--database", url, *deidentify]) == 0
    assert notice_path(out).read_text(encoding="utf-8").strip() == PART2_NOTICE
    xlsx = tmp_path / "export.xlsx"
    assert cli.main(["export", "--out", str(xlsx), "--database", url, *deidentify]) == 0
    sheet = load_workbook(xlsx)[NOTICE_SHEET]
    assert [sheet["A1"].value, sheet["A2"].value] == ["notice", PART2_NOTICE]
