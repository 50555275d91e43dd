"""A facilitator sees and changes only their own groups, even where names repeat.

A real database (SQLite, and PostgreSQL where the test server runs): programs "Program X"
and "Program Y" each have a group named "A", and Program X has a group "B". The
facilitator is linked to group A of Program X only. Group names are unique only within a
program, so everything here is told apart by group, not by name: attendance, the home
page's sessions, the filters' date range, and the upload's validation and storing.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access.accounts import StaffUser
from services import analyses, overview, selection, uploads
from store.administrations import Administration, save_administrations
from store.bulk_load import count_rows
from store.db import connect, dispose
from store.roster import create_group, create_member, create_program, list_members
from store.sessions import create_session, record_attendance
from tests.access.signed_in import staff_session
from ui import state as keys

X, Y = "Program X", "Program Y"
MEMBERS = {(X, "A"): ["A01", "A02"], (Y, "A"): ["Y01", "Y02"], (X, "B"): ["B01"]}
#: Session number -> date, per group: Program Y's group A has an old session 3, outside the
#: facilitator's date range.
SESSIONS = {
    (X, "A"): {1: dt.date(2025, 5, 20), 2: dt.date(2025, 6, 10)},
    (Y, "A"): {1: dt.date(2025, 5, 25), 2: dt.date(2025, 6, 15), 3: dt.date(2024, 1, 10)},
    (X, "B"): {1: dt.date(2025, 5, 21)},
}
#: Each member's stored WHO-5 "pre" answers (the same value for every item).
STORED = {"A01": 3, "A02": 3, "Y01": 4, "Y02": 4, "B01": 4}
TODAY = dt.date(2025, 6, 1)
ADMIN = StaffUser("own-admin", "administrator", None)
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def who5_pre(member: str, program: str, group: str) -> Administration:
    return Administration(
        member=member,
        instrument="who5",
        instrument_version="1",
        timepoint="pre",
        answers={f"who5_{i}": STORED[member] for i in range(1, 6)},
        group=group,
        program=program,
        session=1,
        date=SESSIONS[(program, group)][1],
        mode="self-completed",
        entered_by="tests",
    )


def seed(url: str) -> int:
    """Fill the database; returns the id of group A of Program X."""
    engine = connect(url)
    create_program(engine, X)
    create_program(engine, Y)
    ids = {}
    batch = []
    for (program, group), codes in MEMBERS.items():
        ids[(program, group)] = create_group(engine, program, group)
        for code in codes:
            create_member(engine, code, group=group, program=program)
        for number, day in SESSIONS[(program, group)].items():
            create_session(engine, group, number, day, program=program)
            record_attendance(engine, group, number, {c: True for c in codes}, program)
        batch += [who5_pre(code, program, group) for code in codes]
    save_administrations(engine, batch, source="seed")
    return ids[(X, "A")]


@pytest.fixture
def seeded(database_url):
    """(url, the facilitator of group A of Program X) on a fresh database."""
    group_id = seed(database_url)
    return database_url, StaffUser("own-facilitator", "facilitator", frozenset({group_id}))


def csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def answers(member: str, value: int, timepoint: str = "pre", **where) -> dict:
    return {"member": member, "timepoint": timepoint, **where} | {
        f"who5_{i}": value for i in range(1, 6)
    }


def messages(check: uploads.UploadCheck) -> list[str]:
    return [p.message for p in check.report.problems]


# Reading: attendance, home, filters ----------------------------------------------------------


def test_attendance_of_a_same_named_group_in_another_program_is_not_shown(seeded):
    url, facilitator = seeded
    everyone = analyses.attendance(url, None, None, ADMIN)
    assert {"Y01", "Y02", "B01"} <= set(everyone["member"])  # the marks exist
    mine = analyses.attendance(url, None, None, facilitator)
    assert set(mine["member"]) == {"A01", "A02"}
    assert set(mine["session"]) == {1, 2}  # not Program Y's session 3
    # Asking for group "A" by name gives nothing of Program Y's group A either.
    assert set(analyses.attendance(url, None, "A", facilitator)["member"]) == {"A01", "A02"}


def test_home_shows_only_the_facilitators_groups_sessions(seeded):
    url, facilitator = seeded
    version = selection.data_version(url)
    everyone = overview.home(url, version, TODAY, ADMIN)
    assert [Y, "A"] in everyone.recent[["program", "group"]].values.tolist()
    assert [Y, "A"] in everyone.upcoming[["program", "group"]].values.tolist()
    view = overview.home(url, version, TODAY, facilitator)
    shown = ["program", "group", "number"]
    assert view.recent[shown].values.tolist() == [[X, "A", 1]]
    assert view.upcoming[shown].values.tolist() == [[X, "A", 2]]


def test_the_filters_date_range_is_the_facilitators_groups_sessions(seeded):
    url, facilitator = seeded
    version = selection.data_version(url)
    everyone = selection.filter_choices(url, version, ADMIN)
    assert (everyone.first_date, everyone.last_date) == (
        dt.date(2024, 1, 10),
        dt.date(2025, 6, 15),
    )
    mine = selection.filter_choices(url, version, facilitator)
    assert (mine.first_date, mine.last_date) == (dt.date(2025, 5, 20), dt.date(2025, 6, 10))
    assert mine.programs == [X]
    assert mine.groups[["program", "name"]].values.tolist() == [[X, "A"]]


# Upload -------------------------------------------------------------------------------------


def test_a_member_of_another_group_is_refused_without_showing_their_answers(seeded):
    url, facilitator = seeded
    data = csv([answers("A01", 3, group="A", program=X), answers("B01", 2, group="A", program=X)])
    before = count_rows(connect(url))

    check = uploads.check_upload(data, "answers.csv", url, None, "who5", user=facilitator)
    assert not check.ok
    refused = check.report.to_frame()
    refused = refused[refused["column"] == "member"]
    assert refused[["row", "value"]].values.tolist() == [[3, "B01"]]
    assert "not a member of your groups" in refused["message"].iloc[0]
    assert "ask an administrator" in refused["message"].iloc[0]
    text = str(check.report)
    # Nothing of B01's group or stored answers (4 for every item).
    assert "already stored" not in text and " as 4" not in text
    assert "B (" not in text and "group B" not in text
    with pytest.raises(ValueError, match="nothing was stored"):
        uploads.store_upload(check, url, "upload by own-facilitator", user=facilitator)
    assert count_rows(connect(url)) == before

    # The same file from an administrator validates as before: B01's stored answers differ.
    as_admin = uploads.check_upload(data, "answers.csv", url, None, "who5", user=ADMIN)
    assert not as_admin.ok
    assert any("B01" in m and "already stored as 4" in m for m in messages(as_admin))
    assert not any("your groups" in m for m in messages(as_admin))


def test_a_group_that_is_not_the_facilitators_is_refused(seeded):
    url, facilitator = seeded
    data = csv(
        [
            answers("N01", 2, group="A", program=Y),  # the other program's group A
            answers("N02", 2, group="B", program=X),  # another group of their program
            answers("N03", 2, group="C", program=X),  # a new group
        ]
    )
    check = uploads.check_upload(data, "answers.csv", url, None, "who5", user=facilitator)
    problems = check.report.to_frame()
    refused = problems[problems["message"].str.contains("is not one of your groups")]
    assert refused[["row", "column", "value"]].values.tolist() == [
        [2, "group", "A"],
        [3, "group", "B"],
        [4, "group", "C"],
    ]
    assert all("A (Program X)" in m for m in refused["message"])  # what their groups are
    with pytest.raises(ValueError):
        uploads.store_upload(check, url, user=facilitator)
    assert set(list_members(connect(url))["code"]) == set(STORED)


def test_a_row_without_program_or_group_must_still_be_the_facilitators(seeded):
    url, facilitator = seeded
    data = csv(
        [
            answers("N01", 2, group="A"),  # group A of which program?
            answers("N02", 2),  # a new member in no group
            answers("A02", 3, timepoint="post"),  # their own member: fine without a group
        ]
    )
    check = uploads.check_upload(data, "answers.csv", url, None, "who5", user=facilitator)
    by_row = check.report.to_frame().set_index("row")
    assert "more than one program has a group A" in by_row.loc[2, "message"]
    assert by_row.loc[2, "column"] == "group"
    assert "add a group column with one of your groups" in by_row.loc[3, "message"]
    assert by_row.loc[3, ["column", "value"]].tolist() == ["member", "N02"]
    assert 4 not in by_row.index


def test_a_facilitators_own_answers_are_still_compared_with_stored_ones(seeded):
    url, facilitator = seeded
    data = csv([answers("A01", 2, group="A", program=X)])
    check = uploads.check_upload(data, "answers.csv", url, None, "who5", user=facilitator)
    assert not check.ok
    assert any("A01" in m and "already stored as 3" in m for m in messages(check))


def test_a_facilitators_clean_file_is_stored_in_their_group(seeded):
    url, facilitator = seeded
    data = csv([answers("N09", 2, group="A", program=X), answers("A02", 5, timepoint="post")])
    check = uploads.check_upload(data, "answers.csv", url, None, "who5", user=facilitator)
    assert check.ok, str(check.report)
    result = uploads.store_upload(check, url, "upload by own-facilitator", user=facilitator)
    assert result.committed and len(result.stored) == 2
    members = list_members(connect(url)).set_index("code")
    assert members.loc["N09", ["program", "group"]].tolist() == [X, "A"]


def test_storing_checks_the_groups_again(seeded):
    url, facilitator = seeded
    # Checked by an administrator (fine for them), stored by the facilitator: refused.
    data = csv([answers("Y01", 1, timepoint="post", group="A", program=Y)])
    check = uploads.check_upload(data, "answers.csv", url, None, "who5", user=ADMIN)
    assert check.ok
    before = count_rows(connect(url))
    with pytest.raises(ValueError, match="row 2, column A 'member'"):
        uploads.store_upload(check, url, user=facilitator)
    assert count_rows(connect(url)) == before


# The Upload page ------------------------------------------------------------------------------


@pytest.fixture
def page_database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'mutuality.sqlite'}"
    group_id = seed(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    yield url, group_id
    dispose(url)


def upload_page(session, data: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[keys.STAFF_SESSION] = session
    at.run()
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key=keys.W_UPLOAD_FILE).set_value(("answers.csv", data, "csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_upload_page_refuses_another_groups_member_without_their_answers(page_database):
    url, group_id = page_database
    data = csv([answers("B01", 2, group="A", program=X)])
    at = upload_page(staff_session("facilitator", group_ids={group_id}), data)
    report = at.table[-1].value  # the validation report, in words
    assert report[["Row", "Column", "Value"]].values.tolist() == [["2", "member (A)", "B01"]]
    assert "not a member of your groups" in report["Problem"].iloc[0]
    assert "ask an administrator" in report["What to do"].iloc[0]
    assert not report["Problem"].str.contains("already stored").any()
    assert at.button(key="store_upload").disabled
    assert count_rows(connect(url))["administrations"] == len(STORED)

    as_admin = upload_page(staff_session("administrator"), data)
    report = as_admin.table[-1].value
    assert report["Problem"].str.contains("already stored as 4").all()
