"""The demo's self-descriptions: believable proportions, and the planted language difference."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sample_data.context import CONTEXT_FILE, PLANTED_ITEM

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "sample_data" / f"{CONTEXT_FILE}.csv"


def test_every_member_has_a_description_and_some_prefer_not_to_say():
    frame = pd.read_csv(FILE)
    members = frame.drop_duplicates("member")
    assert members[["race_ethnicity", "gender", "age_band", "language"]].notna().all().all()
    assert (members["race_ethnicity"] == "prefer not to say").sum() >= 1
    assert (members["gender"] == "prefer not to say").sum() >= 1
    share = (members["language"] == "Spanish").mean()
    assert 0.08 < share < 0.30
    # Each member answers in one language at every check-in.
    assert frame.groupby("member")["language"].nunique().max() == 1


def test_dif_by_language_finds_the_planted_item_and_only_it():
    done = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "dif",
            str(FILE),
            "--instrument",
            "mutuality-checkin",
            "--by",
            "language",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    flagged = [i for i in data["items"] if i["flagged"]]
    assert [i["item"] for i in flagged] == [PLANTED_ITEM]
    assert flagged[0]["higher"] == "Spanish"
    assert any("first answer set" in note for note in data["notes"])
