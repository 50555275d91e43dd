"""`python cli.py score INPUT --instrument ID|PATH --out FILE` on real files written here.

Expected scores are worked out by hand in comments (ARCHITECTURE.md rules: reverse keying
is min + max - value; prorated mean = mean of answered items; prorated sum = that mean
times the item count).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout


def test_score_a_wide_csv_by_builtin_id(tmp_path):
    source = tmp_path / "gad7.csv"
    source.write_text(
        "member,timepoint,group,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n"
        "m01,pre,g1,3,2,2,1,0,1,3\n"  # 3+2+2+1+0+1+3 = 12
        "m01,post,g1,1,0,1,,0,1,0\n"  # 3 / 6 = 0.5; 0.5 * 7 = 3.5 (prorated)
        "m02,pre,g1,2,2,,,1,1,1\n",  # 2 missing > max_missing 1: no score
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    done = run("score", source, "--instrument", "gad7", "--out", out)
    assert done.returncode == 0, done.stderr
    scores = pd.read_csv(out)
    assert list(scores.columns) == [
        "member",
        "timepoint",
        "group",
        "total",
        "total_answered",
        "total_prorated",
    ]
    assert scores["total"].tolist()[:2] == [12, 3.5]
    assert pd.isna(scores["total"].iloc[2])
    assert scores["total_answered"].tolist() == [7, 6, 5]
    assert scores["total_prorated"].tolist() == [False, True, False]


def test_score_a_long_xlsx_to_xlsx(tmp_path):
    # Long layout: one row per answer, for the Mutuality check-in.
    answers = {"m01": [4, 5, 3, 2, 4, 5, 3, 4, 2, 1], "m02": [5] * 8 + [1, None]}
    book = Workbook()
    sheet = book.active
    sheet.append(["member", "timepoint", "item", "value"])
    for member, values in answers.items():
        for n, value in enumerate(values, start=1):
            if value is not None:
                sheet.append([member, "session-1", f"mutualitycheckin_{n}", value])
    source = tmp_path / "checkin_long.xlsx"
    book.save(source)
    out = tmp_path / "scores.xlsx"
    done = run("score", source, "--instrument", "mutuality-checkin", "--out", out)
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    scores = pd.read_excel(out, engine="openpyxl").set_index("member")
    # m01: items 9, 10 reversed: 6-2 = 4, 6-1 = 5; total = (4+5+3+2+4+5+3+4+4+5)/10 = 3.9
    assert scores.at["m01", "total"] == pytest.approx(3.9)
    # m01: connection = (4 + 5 + 5) / 3
    assert scores.at["m01", "connection"] == pytest.approx(14 / 3)
    # m02: item 10 skipped; total = (8*5 + (6-1)) / 9 = 45 / 9 = 5.0, prorated
    assert scores.at["m02", "total"] == pytest.approx(5.0)
    assert bool(scores.at["m02", "total_prorated"]) is True
    assert scores.at["m02", "total_answered"] == 9


def test_score_with_the_users_own_yaml(tmp_path):
    definition = tmp_path / "my-scale.yaml"
    definition.write_text(
        "id: my-scale\n"
        "name: My scale\n"
        "version: '1'\n"
        "citation: written by our team\n"
        "license: ours\n"
        "use: pre-post\n"
        "response_scale: {min: 1, max: 4}\n"
        "higher_is: better\n"
        "items: [{id: myscale_1}, {id: myscale_2, reverse: true}, {id: myscale_3}]\n"
        "scales:\n"
        "  - {id: total, name: Total, items: [myscale_1, myscale_2, myscale_3], method: sum}\n",
        encoding="utf-8",
    )
    source = tmp_path / "mine.csv"
    source.write_text("member,timepoint,myscale_1,myscale_2,myscale_3\nx1,pre,4,1,3\n")
    out = tmp_path / "out.csv"
    done = run("score", source, "--instrument", definition, "--out", out)
    assert done.returncode == 0, done.stderr
    # myscale_2 reversed on 1-4: 1 + 4 - 1 = 4; sum = 4 + 4 + 3 = 11
    assert pd.read_csv(out)["total"].tolist() == [11]


def test_a_bad_answer_exits_2_with_a_message(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(
        "member,timepoint,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n"
        "m01,pre,1,2,3,0,1,2,3,0,7\n"
    )
    out = tmp_path / "out.csv"
    done = run("score", source, "--instrument", "phq9", "--out", out)
    assert done.returncode == 2
    no_traceback(done)
    assert done.stderr.startswith("error: ")
    assert "phq9_9" in done.stderr and "7" in done.stderr and "0 to 3" in done.stderr
    assert not out.exists()


def test_a_bad_instrument_file_exits_2_naming_the_file_and_field(tmp_path):
    definition = tmp_path / "broken.yaml"
    definition.write_text("id: broken\nname: Broken\n")
    source = tmp_path / "any.csv"
    source.write_text("member,timepoint,x_1\nm1,pre,1\n")
    done = run("score", source, "--instrument", definition)
    assert done.returncode == 2
    no_traceback(done)
    assert "broken.yaml" in done.stderr and "field 'response_scale'" in done.stderr
