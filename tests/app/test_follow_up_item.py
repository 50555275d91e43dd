"""The member's own voice after a disconnection: one follow-up question, for them alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from measures import load_instrument
from sample_data.demo import load_demo
from services.repairs import follow_up
from services.selection import data_version
from store.db import connect, dispose
from store.responses import load_responses
from store.roster import list_groups
from store.sessions import create_session, open_with_new_code
from tests.app.test_member_form import answer, begin, headings, submit
from ui import state as keys
from ui.room import new_join_code

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHECKIN = load_instrument("mutuality-checkin")
FOLLOW_UP = load_instrument("mutuality-followup")
QUESTION = "## Since last time, I felt that what I said mattered here."


@pytest.fixture
def next_session(tmp_path, monkeypatch):
    """The demo program with SR-A's session 13 open for phones."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    load_demo(url)
    engine = connect(url)
    program = list_groups(engine).set_index("name").loc["SR-A", "program"]
    session_id = create_session(engine, "SR-A", 13, dt.date(2026, 12, 3), program=program)
    code = open_with_new_code(engine, session_id, new_join_code).join_code
    yield url, code
    dispose(url)


def followed(url, member):
    records = follow_up(url, data_version(url)).records
    return records[records["member"] == member]


def phone(code: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["join"] = code
    return at.run()


def test_a_member_with_an_open_disconnection_is_asked_and_their_answer_is_kept_apart(
    next_session,
):
    url, code = next_session
    assert "open" in set(followed(url, "SR-A-05")["status"])  # the demo's open one
    at = phone(code)
    begin(at, "SR-A-05")
    for item in CHECKIN.item_ids:
        answer(at, item, 4)
    assert QUESTION in headings(at)  # the eleventh question, after the check-in
    answer(at, FOLLOW_UP.item_ids[0], 5)
    submit(at)
    assert "# Thank you!" in headings(at)
    engine = connect(url)
    checkin = load_responses(engine, instrument="mutuality-checkin")
    theirs = checkin[(checkin["member"] == "SR-A-05") & (checkin["session"] == 13)]
    assert set(theirs["item"]) == set(CHECKIN.item_ids)  # the follow-up is not a check-in item
    said = load_responses(engine, instrument="mutuality-followup")
    assert said[["member", "session", "item", "value"]].values.tolist() == [
        ["SR-A-05", 13, "mutualityfollowup_1", 5.0]
    ]
    record = followed(url, "SR-A-05")
    record = record[record["session"] == 11].iloc[0]
    assert record["member_said"] == 5.0


def test_a_member_without_one_is_not_asked_and_skipping_stores_nothing_extra(next_session):
    url, code = next_session
    at = phone(code)
    begin(at, "SR-A-08")
    assert at.session_state[keys.FORM_FOLLOW_UP] is False
    for item in CHECKIN.item_ids:
        answer(at, item, 3)
    assert QUESTION not in headings(at)
    submit(at)
    # SR-A-05 is asked, skips it: the check-in is stored, the follow-up is not.
    at = phone(code)
    begin(at, "SR-A-05")
    for item in CHECKIN.item_ids:
        answer(at, item, 3)
    at.button(key=f"{keys.W_SKIP}_{FOLLOW_UP.item_ids[0]}").click().run()
    submit(at)
    assert load_responses(connect(url), instrument="mutuality-followup").empty
