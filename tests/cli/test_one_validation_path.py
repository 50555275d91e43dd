"""Every analysis command refuses a bad file as `score` and `import` do (services.files).

Two different answers for the same member, timepoint and item, an answer outside the response
scale and text where a number belongs: each is refused with exit status 2, nothing on stdout,
no traceback, and a message naming the member, timepoint, item, value(s) and spreadsheet row.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import cli

ITEMS = [f"phq9_{i}" for i in range(1, 10)]
HEADER = ["member", "timepoint", "group", "session", *ITEMS]


def clean_rows() -> list[list]:
    rows = []
    for m in range(1, 7):
        for session in (1, 2):
            answers = [(m + i + session) % 4 for i in range(9)]
            rows.append(
                [f"m{m:02d}", f"session-{session}", "A" if m <= 3 else "B", session, *answers]
            )
    return rows


def write(path: Path, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


COMMANDS = {
    "score": [],
    "reliability": ["--json"],
    "groups": ["--scale", "total", "--json"],
    "trend": ["--scale", "total", "--json"],
}


def run(capsys, command: str, source: Path, tmp_path: Path) -> tuple[int, str, str]:
    extra = ["--out", str(tmp_path / "scores.csv")] if command == "score" else []
    code = cli.main([command, str(source), "--instrument", "phq9", *COMMANDS[command], *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_clean_file_is_analysed(command, tmp_path, capsys):
    code, _, err = run(capsys, command, write(tmp_path / "clean.csv", clean_rows()), tmp_path)
    assert code == 0, err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_two_different_answers_for_the_same_item_are_refused(command, tmp_path, capsys):
    rows = clean_rows()
    again = list(rows[2])  # m02 session-1 is row 4 of the file (header = row 1)
    again[4 + 2] = (again[4 + 2] + 1) % 4  # phq9_3 answered differently on row 14
    rows.append(again)
    code, out, err = run(capsys, command, write(tmp_path / "twice.csv", rows), tmp_path)
    assert code == 2 and out == "" and "Traceback" not in err
    first, second = rows[2][6], again[6]
    assert "twice.csv" in err and "row 14" in err
    assert (
        f"member m02, timepoint session-1: phq9_3 is answered {first} on row 4 but {second} here"
        in err
    )
    assert not (tmp_path / "scores.csv").exists()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_answer_outside_the_scale_is_refused(command, tmp_path, capsys):
    rows = clean_rows()
    rows[4][4 + 3] = 7  # m03 session-1, phq9_4, row 6, column H
    code, out, err = run(capsys, command, write(tmp_path / "seven.csv", rows), tmp_path)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "row 6, column H 'phq9_4': 7 is outside the phq9 response scale (0 to 3)" in err
    assert "member m03, timepoint session-1, item phq9_4: value 7" in err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_text_where_a_number_belongs_is_refused(command, tmp_path, capsys):
    rows = clean_rows()
    rows[7][4] = "often"  # m04 session-2, phq9_1, row 9, column E
    code, out, err = run(capsys, command, write(tmp_path / "text.csv", rows), tmp_path)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "row 9, column E 'phq9_1': text where a number belongs" in err
    assert "member m04, timepoint session-2, item phq9_1: value 'often'" in err
    assert "Nothing was analysed" in err


def test_the_command_line_adds_its_own_flag_to_a_mapping_message(tmp_path, capsys):
    source = tmp_path / "who.csv"
    source.write_text("who,timepoint,phq9_1\na,pre,1\n", encoding="utf-8")
    code, out, err = run(capsys, "reliability", source, tmp_path)
    assert code == 2 and out == ""
    message, hint = err.strip().splitlines()
    assert "no column named member" in message and "--" not in message
    assert "--mapping FILE" in hint


@pytest.mark.parametrize(
    ("instrument", "wide_file", "arguments"),
    [
        (
            "core10",
            "demo_core10_wide.csv",
            ["change", "--scale", "total", "--pre", "pre", "--post", "post"],
        ),
        ("relational-connection", "demo_relational_connection_wide.csv", ["reliability"]),
    ],
)
def test_a_long_file_of_several_instruments_is_analysed_for_the_chosen_one(
    instrument, wide_file, arguments, capsys
):
    """An export holds every instrument: an analysis reads the chosen one's rows only, and
    gives what the same answers in a file of their own give."""
    samples = Path(__file__).resolve().parents[2] / "sample_data"
    results = []
    for name in ("demo_long.csv", wide_file):
        command, *options = arguments
        code = cli.main(
            [command, str(samples / name), "--instrument", instrument, *options, "--json"]
        )
        out, err = capsys.readouterr()
        assert code == 0, err
        payload = json.loads(out)
        payload.pop("source", None)
        results.append(payload)
    assert results[0] == results[1]
