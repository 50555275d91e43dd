"""The repair loop as a new facilitator meets it: Home, a repair attempt, the next session.

From the demo program: SR-A-05's disconnection at session 11 is open. The facilitator sees it
on Home, follows it to the Disconnections page, records what they tried; the member answers
the next session on their phone; the record turns to reconnected by itself.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from measures import load_instrument
from sample_data.demo import load_demo
from store.db import connect, dispose
from store.roster import list_groups
from store.sessions import create_session, open_with_new_code
from tests.app.test_member_form import answer, begin, submit
from ui import state as keys
from ui.room import new_join_code

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHECKIN = load_instrument("mutuality-checkin")
FACILITATOR, PASSWORD = "facilitator-sr-a", "window river kettle"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    load_demo(url)
    groups = list_groups(connect(url)).set_index("name")
    accounts.add_user(
        connect(url),
        FACILITATOR,
        PASSWORD,
        "facilitator",
        by="tests",
        group_ids=[int(groups.loc["SR-A", "id"])],
    )
    yield url, groups.loc["SR-A", "program"]
    dispose(url)


def signed_in() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), FACILITATOR, PASSWORD)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    return at.run()


def status_of(at: AppTest, member: str) -> list[str]:
    at.toggle(key=keys.W_REPAIR_OPEN_ONLY).set_value(False).run()
    table = at.dataframe[0].value
    return table.loc[
        (table["Member"] == member) & (table["Began at session"] == 11), "Status"
    ].tolist()


def test_from_home_to_a_repair_attempt_to_reconnected_by_itself(demo):
    url, program = demo
    at = signed_in()
    follow = [b for b in at.button if b.label == "Follow SR-A-05"]
    assert len(follow) == 1, [b.label for b in at.button]
    assert any("since session 11" in m.value and "Open" in m.value for m in at.markdown)
    follow[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Disconnections and repair"
    assert at.selectbox(key=keys.W_REPAIR_MEMBER).value is not None
    assert (
        at.selectbox(key=keys.W_REPAIR_MEMBER).format_func(
            at.selectbox(key=keys.W_REPAIR_MEMBER).value
        )
        == "SR-A-05 (group SR-A)"
    )
    # The latest record comes first: session 11's form.
    at.radio[0].set_value("attempted")
    at.multiselect[0].set_value(["Checked in one-to-one"])
    at.text_area[0].input("Called her; she said the last session felt rushed.")
    at.button[0].click().run()
    assert status_of(at, "SR-A-05") == ["Repair attempted"]

    # The next session: the member answers on her phone, and her check-in comes back.
    session_id = create_session(connect(url), "SR-A", 13, dt.date(2026, 12, 3), program=program)
    code = open_with_new_code(connect(url), session_id, new_join_code).join_code
    phone = AppTest.from_file(APP, default_timeout=60)
    phone.query_params["join"] = code
    phone.run()
    begin(phone, "SR-A-05")
    for item in CHECKIN.item_ids:
        answer(phone, item, 4 if item not in ("mutualitycheckin_9", "mutualitycheckin_10") else 2)
    answer(phone, "mutualityfollowup_1", 4)
    submit(phone)

    at = signed_in()
    at.switch_page("app_pages/repairs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert status_of(at, "SR-A-05") == ["Reconnected"]
    table = at.dataframe[0].value
    row = table[(table["Member"] == "SR-A-05") & (table["Began at session"] == 11)].iloc[0]
    # Session 12 was not back yet (1 of 2 answered); session 13 is the second check-in.
    assert row["Decided at session"] == "13" and row["Sessions to reconnect"] == "2"
    assert row["The member said it mattered (1-5)"] == "4"
