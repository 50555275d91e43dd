"""The demo's round-robin ratings: members present rate each other, more mutually over time."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from cli import main
from reports.roundrobin_template import ROUND_ROBIN_COLUMNS, write_roundrobin_template
from sample_data.roundrobin import ROUND_ROBIN_FILE, ROUND_ROBIN_GROUPS, ROUND_ROBIN_SESSIONS

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def test_only_members_present_rate_each_other_on_the_check_ins_scale():
    ratings = pd.read_csv(SAMPLE / f"{ROUND_ROBIN_FILE}.csv", dtype={"session": int})
    attendance = pd.read_csv(SAMPLE / "demo_attendance.csv")
    assert list(ratings.columns) == list(ROUND_ROBIN_COLUMNS)
    assert set(ratings["group"]) == set(ROUND_ROBIN_GROUPS)
    assert set(ratings["session"]) == set(ROUND_ROBIN_SESSIONS)
    assert (ratings["perceiver"] != ratings["target"]).all()
    assert ratings["connection"].between(1, 5).all()
    present = attendance[attendance["present"] == 1]
    here = set(zip(present["group"], present["session"], present["member"], strict=True))
    for column in ("perceiver", "target"):
        keys = zip(ratings["group"], ratings["session"], ratings[column], strict=True)
        assert all(key in here for key in keys), column


def test_connections_become_more_mutual_over_the_program(capsys):
    path = SAMPLE / f"{ROUND_ROBIN_FILE}.csv"
    args = [str(path), "--value", "connection", "--session", "session", "--json"]
    assert main(["roundrobin", *args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["session"] for s in data["by_session"]] == [str(s) for s in ROUND_ROBIN_SESSIONS]
    mutual = [
        next(c for c in s["components"] if c["component"] == "relationship covariance")
        for s in data["by_session"]
    ]
    first, last = mutual[0]["standardized"], mutual[-1]["standardized"]
    assert first < 0.2 and last > 0.4
    assert mutual[-1]["p"] < 0.01


def test_the_template_lists_every_pair_and_accepts_only_ratings_1_to_5(tmp_path):
    path = write_roundrobin_template(tmp_path / "rr.xlsx", {"G1": ["A", "B", "C"]}, session=4)
    sheet = load_workbook(path)["Ratings"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ROUND_ROBIN_COLUMNS
    assert len(rows) == 1 + 6 and rows[1] == ("G1", 4, "A", "B", None)
    rule = sheet.data_validations.dataValidation[0]
    assert (rule.type, rule.formula1, rule.formula2) == ("whole", "1", "5")
