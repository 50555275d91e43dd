"""`python -m sample_data.demo`: the demo program is loaded into an empty database once."""

from __future__ import annotations

import pandas as pd
import pytest

from sample_data.demo import load_demo, main
from store import connect, load_responses
from store.bulk_load import count_rows
from store.roster import list_programs
from store.sessions import load_attendance

CHECKIN = [f"mutualitycheckin_{i}" for i in range(1, 11)]


def write_demo_files(folder, bad_value=False):
    """A two-group miniature of the demo files sample_data/ ships (same names and columns)."""
    folder.mkdir(exist_ok=True)
    roster = pd.DataFrame(
        {
            "program": ["Recovery", "Recovery", "Re-entry"],
            "substance_use": [1, 1, 0],
            "group": ["SR-A", "SR-A", "PR-A"],
            "member": ["SR-A-01", "SR-A-02", "PR-A-01"],
            "facilitator": ["F-01", "F-01", "F-02"],
        }
    )
    sessions = pd.DataFrame(
        {
            "program": ["Recovery", "Recovery", "Re-entry"],
            "group": ["SR-A", "SR-A", "PR-A"],
            "session": [1, 2, 1],
            "date": ["2026-01-05", "2026-01-12", "2026-01-06"],
            "facilitator": ["F-01", "F-01", "F-02"],
        }
    )
    attendance = pd.DataFrame(
        {
            "group": ["SR-A", "SR-A", "SR-A", "SR-A", "PR-A"],
            "session": [1, 1, 2, 2, 1],
            "date": ["2026-01-05", "2026-01-05", "2026-01-12", "2026-01-12", "2026-01-06"],
            "member": ["SR-A-01", "SR-A-02", "SR-A-01", "SR-A-02", "PR-A-01"],
            "present": [1, 1, 1, 0, 1],
        }
    )
    rows = []
    for member, group, program, session, date in [
        ("SR-A-01", "SR-A", "Recovery", 1, "2026-01-05"),
        ("SR-A-02", "SR-A", "Recovery", 1, "2026-01-05"),
        ("SR-A-01", "SR-A", "Recovery", 2, "2026-01-12"),
        ("PR-A-01", "PR-A", "Re-entry", 1, "2026-01-06"),
    ]:
        for i, item in enumerate(CHECKIN):
            value = "" if (i + session) % 7 == 0 else str((i + session) % 5 + 1)
            rows.append(
                [member, f"session-{session}", item, value, "mutuality-checkin", group]
                + [program, session, date, "self-completed"]
            )
    if bad_value:
        rows[-1][3] = "9"
    long = pd.DataFrame(
        rows,
        columns=["member", "timepoint", "item", "value", "instrument", "group", "program"]
        + ["session", "date", "mode"],
    )
    for name, frame in [
        ("demo_roster.csv", roster),
        ("demo_sessions.csv", sessions),
        ("demo_attendance.csv", attendance),
        ("demo_long.csv", long),
    ]:
        frame.to_csv(folder / name, index=False)
    return folder


def test_demo_loads_once_and_again_adds_nothing(database_url, tmp_path):
    folder = write_demo_files(tmp_path / "sample")
    added = load_demo(database_url, folder)
    assert added == {
        "programs": 2,
        "groups": 2,
        "members": 3,
        "sessions": 3,
        "attendance": 5,
        "administrations": 4,
        # Synthetic self-descriptions: four about-me questions for each of the 3 members.
        "about-me answers": 12,
    }
    engine = connect(database_url)
    before = count_rows(engine)
    assert load_demo(database_url, folder) is None
    assert count_rows(engine) == before
    programs = list_programs(engine).set_index("name")
    assert bool(programs.loc["Recovery", "substance_use"]) is True
    assert load_attendance(engine, group="SR-A").loc[("SR-A", "SR-A-02")].tolist() == [True, False]
    assert len(load_responses(engine)) == 40


def test_demo_main_says_what_it_did(database_url, tmp_path, capsys):
    folder = write_demo_files(tmp_path / "sample")
    assert main(database_url, folder) == 0
    assert "with the synthetic demo program" in capsys.readouterr().out
    assert main(database_url, folder) == 0
    assert "no demo program was added" in capsys.readouterr().out


def test_broken_demo_files_load_nothing(database_url, tmp_path):
    folder = write_demo_files(tmp_path / "sample", bad_value=True)
    with pytest.raises(ValueError, match="nothing was stored"):
        load_demo(database_url, folder)
    assert count_rows(connect(database_url))["programs"] == 0
    # Once the files are right, the next run loads the whole program.
    write_demo_files(folder)
    assert load_demo(database_url, folder)["administrations"] == 4
