"""A facilitator runs a session with phones; two members answer on phone-sized browsers.

Real server, real SQLite file, real headless Chromium. Screenshots of every screen go to
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analysis.trend import session_means
from ingest import long_to_wide
from measures import load_instrument, score
from store.db import connect
from store.responses import load_responses
from tests.app.session_seed import GROUP, PROGRAM
from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.member_steps import (
    TIMEOUT,
    answer_question,
    sign_in_and_open_run_session,
    start_with_code,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHECKIN = load_instrument("mutuality-checkin")
LABELS = CHECKIN.response_scale.labels["en"]


def label(value: int) -> str:
    return f"{value} · {LABELS[value - 1]}"


def test_two_members_answer_on_their_phones_and_the_facilitator_sees_it(
    running_app, chromium, artifacts
):
    facilitator = chromium.new_context(viewport=LAPTOP).new_page()
    sign_in_and_open_run_session(facilitator, running_app.url)
    facilitator.screenshot(path=artifacts / "run_session_attendance.png", full_page=True)

    facilitator.get_by_text("Phones", exact=True).click()
    facilitator.get_by_role("button", name="Open for phones").click()
    link = facilitator.locator("[data-testid='stCode'] code").first
    expect(link).to_contain_text("?join=", timeout=TIMEOUT)
    join = re.search(r"\?join=([A-Z0-9]{6})", link.inner_text()).group(1)
    expect(facilitator.get_by_role("heading", name=join)).to_be_visible()
    expect(facilitator.get_by_text("0 of 4")).to_be_visible()
    facilitator.screenshot(path=artifacts / "run_session_phones.png", full_page=True)

    # Members use the link with this test server's port (the page shows the LAN address).
    member_link = f"{running_app.url}/?join={join}"
    plans = {
        "M01": ([4, 4, 5, 3, 4, 4, 5, 4, 2, 1], False),
        "M03": ([3, 2, 4, 3, 3, 4, 3, 5, 3, 2], True),
    }
    for number, (code, (values, read_aloud)) in enumerate(plans.items()):
        phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        phone.goto(member_link)
        wait_for_app(phone)
        expect(phone.get_by_role("heading", name="Today's check-in")).to_be_visible()
        if number == 0:
            phone.screenshot(path=artifacts / "member_phone_code.png", full_page=True)
        start_with_code(phone, code)
        if read_aloud:
            phone.get_by_role("button", name="Read it to me").click()
            wait_for_app(phone)
        if number == 0:
            phone.screenshot(path=artifacts / "member_phone_question.png", full_page=True)
        for question, value in enumerate(values, start=1):
            answer_question(phone, question, label(value))
        if number == 0:
            phone.screenshot(path=artifacts / "member_phone_review.png", full_page=True)
        phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_role("heading", name="Thank you!")).to_be_visible(timeout=TIMEOUT)
        if number == 0:
            phone.screenshot(path=artifacts / "member_phone_thanks.png", full_page=True)
        phone.context.close()

    # The facilitator's live count reaches two without touching the page.
    expect(facilitator.get_by_text("2 of 4")).to_be_visible(timeout=TIMEOUT)
    expect(facilitator.get_by_text("Answered: M01, M03")).to_be_visible()
    facilitator.screenshot(path=artifacts / "run_session_two_answered.png", full_page=True)

    engine = connect(running_app.database.url)
    long = load_responses(engine, instrument="mutuality-checkin")
    modes = long.groupby("member")["mode"].first().to_dict()
    assert modes == {"M01": "self-completed", "M03": "read aloud"}

    # The group's session means (what the "Mutuality over time" chart plots) include the new
    # session. Total = mean of the ten items after reverse keying items 9 and 10 (6 - value):
    # M01: (4+4+5+3+4+4+5+4+(6-2)+(6-1)) / 10 = 42 / 10 = 4.2
    # M03: (3+2+4+3+3+4+3+5+(6-3)+(6-2)) / 10 = 34 / 10 = 3.4
    # session mean = (4.2 + 3.4) / 2 = 3.8
    answers = load_responses(engine, instrument=CHECKIN.id, group=GROUP, program=PROGRAM)
    means = session_means(score(long_to_wide(answers, CHECKIN), CHECKIN), "total")
    session_one = means[means["session"] == 1].iloc[0]
    assert session_one["n"] == 2
    assert session_one["mean"] == pytest.approx(3.8)

    # Ending the session (confirmed) closes the link and says so.
    facilitator.get_by_role("button", name="End session").click()
    facilitator.get_by_role("button", name="Yes, end the session").click()
    expect(facilitator.get_by_text("Session 1 has ended")).to_be_visible(timeout=TIMEOUT)
    expect(facilitator.get_by_role("button", name="Open for phones")).to_be_visible(timeout=TIMEOUT)
    late = chromium.new_context(viewport=PHONE).new_page()
    late.goto(member_link)
    wait_for_app(late)
    expect(late.get_by_text("This session is closed")).to_be_visible()
    late.screenshot(path=artifacts / "member_phone_closed.png", full_page=True)
    late.context.close()

    # The facilitator shows the group its chart: the new session is on it, marked as a
    # session few members answered ("n=2").
    facilitator.get_by_role("link", name="Mutuality over time").click()
    chart = facilitator.locator(".js-plotly-plot").first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    expect(chart).to_contain_text("n=2", timeout=TIMEOUT)
    facilitator.screenshot(path=artifacts / "over_time_after_phone_session.png", full_page=True)
    facilitator.context.close()
