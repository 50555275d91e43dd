"""`cli.py report`: an Excel workbook and a PDF from a response file, or a clear message."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd

import cli
from tests.conftest import unavailable


def write_answers(path: Path, member: str = "@evil") -> Path:
    """WHO-5 answers (0-5, higher better) for 8 members at pre and post, in two groups."""
    rows = []
    for number in range(8):
        code = member if number == 0 else f"W{number:02d}"
        for timepoint, shift in (("pre", 0), ("post", 1)):
            answers = [min(5, (number + k) % 4 + shift) for k in range(5)]
            rows.append(
                {"member": code, "timepoint": timepoint, "group": "AB"[number % 2]}
                | {f"who5_{k + 1}": answers[k] for k in range(5)}
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_report_writes_workbook_and_pdf(tmp_path, capsys):
    source = write_answers(tmp_path / "who5.csv")
    out, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    code = cli.main(
        ["report", str(source), "--instrument", "who5", "--out", str(out), "--pdf", str(pdf)]
    )
    assert code == 0, capsys.readouterr().err
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[:3] == ["Summary", "Scored data", "Reliability"]
    members = [row[0] for row in workbook["Scored data"].iter_rows(min_row=2, values_only=True)]
    assert "'@evil" in members and "@evil" not in members
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["File"] == "who5.csv" and summary["Members"] == 8
    if shutil.which("pdftoppm") is None:
        unavailable("pdftoppm (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("page-*.png"))
    assert "report.xlsx" in capsys.readouterr().err


def test_wrong_file_names_exit_2_with_a_message(tmp_path, capsys):
    source = write_answers(tmp_path / "who5.csv")
    code = cli.main(["report", str(source), "--instrument", "who5", "--out", "r.csv"])
    assert code == 2
    assert "--out r.csv" in capsys.readouterr().err
    code = cli.main(
        ["report", str(source), "--instrument", "who5", "--out", str(tmp_path / "r.xlsx")]
        + ["--pdf", str(tmp_path / "r.docx")]
    )
    assert code == 2
    assert ".pdf" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


def test_an_answer_off_the_scale_is_named_and_nothing_is_written(tmp_path, capsys):
    source = write_answers(tmp_path / "who5.csv")
    frame = pd.read_csv(source)
    frame.loc[3, "who5_2"] = 9
    frame.to_csv(source, index=False)
    out = tmp_path / "report.xlsx"
    code = cli.main(["report", str(source), "--instrument", "who5", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "who5_2" in err and "9" in err and "Traceback" not in err
    assert not out.exists()


def test_report_has_help_text():
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["report"].format_help()
    assert "--pdf" in help_text and "REPORT.xlsx" in help_text
