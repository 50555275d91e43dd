"""Users' own instruments, added once in Settings, are found by id and by their item columns
from the app and from the command line (measures/' search path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from measures import InstrumentError, detect_instrument, load_instrument
from services.catalog import add_user_instrument

ROOT = Path(__file__).resolve().parents[2]
OWN = """\
id: our-scale
name: Our scale
version: 1
citation: "Written by the program"
license: "Ours"
use: pre-post
response_scale: {min: 1, max: 4}
higher_is: better
items:
  - {id: ours_1}
  - {id: ours_2, reverse: true}
  - {id: ours_3}
scales:
  - {id: total, name: Total, items: [ours_1, ours_2, ours_3], max_missing: 1}
"""
ANSWERS = "member,timepoint,ours_1,ours_2,ours_3\nA1,pre,1,4,2\nA2,pre,3,2,3\n"


def run(arguments: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    return tmp_path


def test_an_instrument_added_in_settings_is_found_by_id_and_by_its_columns(data_folder):
    with pytest.raises(InstrumentError, match="our-scale"):
        load_instrument("our-scale")
    assert detect_instrument(["member", "ours_1", "ours_2"]) is None
    add_user_instrument(OWN, "our-scale.yaml")
    assert load_instrument("our-scale").name == "Our scale"
    assert detect_instrument(["member", "ours_1", "ours_2"]).id == "our-scale"
    # A built-in id is never shadowed.
    assert load_instrument("phq9").name.startswith("Patient Health Questionnaire")


def test_the_command_line_scores_a_users_instrument_by_id_and_detects_it(data_folder):
    add_user_instrument(OWN, "our-scale.yaml")
    answers = data_folder / "answers.csv"
    answers.write_text(ANSWERS, encoding="utf-8")
    env = {**os.environ, "MUTUALITY_DATA_DIR": str(data_folder)}
    out = data_folder / "scored.csv"
    scored = run(["score", str(answers), "--instrument", "our-scale", "--out", str(out)], env)
    assert scored.returncode == 0, scored.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    # ours_2 is reversed (1 + 4 - value): A1 = (1 + 1 + 2) / 3
    assert lines[0].startswith("member,timepoint,total")
    assert lines[1].startswith("A1,pre,1.33")
    # `import` without --instrument finds it from the item columns.
    database = f"sqlite:///{data_folder / 'imported.sqlite'}"
    imported = run(["import", str(answers), "--database", database], env)
    assert imported.returncode == 0, imported.stderr
    exported = data_folder / "export.csv"
    assert run(["export", "--out", str(exported), "--database", database], env).returncode == 0
    assert "our-scale" in exported.read_text(encoding="utf-8")
    listed = run(["instruments", "--json"], env)
    assert "our-scale" in {i["id"] for i in json.loads(listed.stdout)["instruments"]}
