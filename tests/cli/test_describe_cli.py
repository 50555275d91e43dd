"""`member describe FILE`: members' about-me answers from a spreadsheet (the upload door)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cli import main
from services.descriptions import stored_groupings
from store import connect
from store.administrations import Administration, save_administrations
from store.roster import create_group, create_member, create_program
from tests.access.databases import sqlite_url


@pytest.fixture
def url(tmp_path):
    from store import db

    address = sqlite_url(tmp_path)
    engine = connect(address)
    create_program(engine, "Re-entry")
    create_group(engine, "Re-entry", "RE-1")
    for code in ("E1", "E2"):
        create_member(engine, code, group="RE-1", program="Re-entry")
    save_administrations(
        engine,
        [
            Administration(
                member=code,
                instrument="who5",
                instrument_version="1",
                timepoint="pre",
                answers={f"who5_{i}": 3 for i in range(1, 6)},
                group="RE-1",
                program="Re-entry",
                date=pd.Timestamp("2026-03-02").date(),
            )
            for code in ("E1", "E2")
        ],
    )
    yield address
    db.dispose(address)


def test_a_file_of_about_me_answers_is_stored_and_groups_the_answers(tmp_path, url, capsys):
    path = tmp_path / "enrolment.csv"
    path.write_text(
        "member,gender,gender_own_words,age_band,date\n"
        "E1,Mujer,,26-35,2026-03-01\n"
        "E2,prefer not to say,my own words,,2026-03-01\n",
        encoding="utf-8",
    )
    assert main(["member", "describe", str(path), "--database", url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "file": "enrolment.csv",
        "members": 2,
        "answers": 4,
        "questions": ["gender", "age_band"],
    }
    grouped = stored_groupings(connect(url), "who5", "gender").set_index("member")["grouping"]
    assert grouped.to_dict() == {"E1": "woman", "E2": "prefer not to say"}
    # The same file stored again adds nothing.
    assert main(["member", "describe", str(path), "--database", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answers"] == 0


def test_every_bad_cell_is_named_and_nothing_is_stored(tmp_path, url, capsys):
    path = tmp_path / "enrolment.csv"
    path.write_text(
        "member,gender,age_band\nE1,femme,18-25\nE9,man,\nE2,man,99+\n", encoding="utf-8"
    )
    assert main(["member", "describe", str(path), "--database", url]) == 2
    error = capsys.readouterr().err
    assert "enrolment.csv, row 2 (member E1), column gender: 'femme' is not one of" in error
    assert "enrolment.csv, row 4 (member E2), column age_band: '99+' is not one of" in error
    assert "Traceback" not in error
    assert set(stored_groupings(connect(url), "who5", "gender")["grouping"]) == {"(not given)"}
    path.write_text("member,gender,shoe_size\nE1,man,42\n", encoding="utf-8")
    assert main(["member", "describe", str(path), "--database", url]) == 2
    assert "columns 'shoe_size' are not about-me questions" in capsys.readouterr().err
    path.write_text("member,gender\nE9,man\n", encoding="utf-8")
    assert main(["member", "describe", str(path), "--database", url]) == 2
    assert "member(s) E9 are not on any roster" in capsys.readouterr().err


def test_a_bad_date_stores_nothing_even_after_good_rows(tmp_path, url, capsys):
    path = tmp_path / "enrolment.csv"
    path.write_text("member,gender,date\nE1,man,2026-03-01\nE2,woman,next tuesday\n")
    assert main(["member", "describe", str(path), "--database", url]) == 2
    assert "date 'next tuesday' is not a date" in capsys.readouterr().err
    assert set(stored_groupings(connect(url), "who5", "gender")["grouping"]) == {"(not given)"}
