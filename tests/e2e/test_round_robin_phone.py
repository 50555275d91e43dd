"""Members rate each other on a phone after the check-in, in a real Chromium (issue 15).

Real server, real SQLite file: the session's round robin is on, everyone is present, three
members have chosen their names (one declined to be rated). A member answers the check-in on
a phone, names themselves, rates one member by name and sends; the rating is stored.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from measures import load_instrument
from store.connections import session_ratings, set_display_name, set_round_robin
from store.db import connect
from store.sessions import open_with_new_code, record_attendance
from tests.app.session_seed import GROUP, MEMBERS, PROGRAM
from tests.e2e.conftest import PHONE
from tests.e2e.member_steps import TIMEOUT, answer_question, start_with_code, wait_for_app
from tests.e2e.test_accessibility import serious_violations
from ui.room import new_join_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LABELS = load_instrument("mutuality-checkin").response_scale.labels["en"]


def test_a_member_rates_others_by_name_on_a_phone(running_app, chromium, artifacts):
    url = running_app.database.url
    engine = connect(url)
    session_id = running_app.database.session_id
    record_attendance(engine, GROUP, 1, dict.fromkeys(MEMBERS, True), program=PROGRAM)
    for code, name in zip(MEMBERS[1:], ["Sam", "Bo", "Lu"], strict=True):
        set_display_name(engine, code, name, may_be_rated=name != "Lu")
    set_round_robin(engine, session_id, True)
    session = open_with_new_code(engine, session_id, new_join_code)
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{running_app.url}/?join={session.join_code}")
    wait_for_app(phone)
    start_with_code(phone, MEMBERS[0])
    for number in range(1, 11):
        answer_question(phone, number, f"4 · {LABELS[3]}")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Your name for the group")).to_be_visible(
        timeout=TIMEOUT
    )
    phone.get_by_label("Name others will see").fill("Ana")
    phone.get_by_label("Name others will see").press("Enter")
    wait_for_app(phone)
    phone.get_by_role("button", name="Save my name").click()
    title = "Today, how connected did you feel with each person?"
    expect(phone.get_by_role("heading", name=title)).to_be_visible(timeout=TIMEOUT)
    wait_for_app(phone)
    assert phone.get_by_text("Lu", exact=True).count() == 0  # declined to be rated
    assert phone.get_by_text(MEMBERS[1]).count() == 0  # names only, never codes
    phone.get_by_role("radiogroup", name="Sam").get_by_text(f"5 · {LABELS[4]}").click()
    wait_for_app(phone)
    phone.screenshot(path=artifacts / "round_robin_phone.png", full_page=True)
    assert serious_violations(phone) == []  # axe-core: none serious or critical
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Thank you!")).to_be_visible(timeout=TIMEOUT)
    ratings = session_ratings(engine)
    assert list(
        zip(ratings["perceiver"], ratings["target"], ratings["connection"], strict=True)
    ) == [(MEMBERS[0], MEMBERS[1], 5.0)]
