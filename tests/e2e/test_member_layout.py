"""The member form fits a phone: every answer and Skip without scrolling, Send always in view.

Real server and headless Chromium at 390×844 (a common phone) and at laptop width (the kiosk):
on the first question every answer button and "Skip this question" end inside the window with
the page not scrolled; on the review, "Send my answers" is inside the window at the top of the
list and after scrolling to its end.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from store.db import connect
from store.sessions import open_with_new_code
from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.member_steps import TIMEOUT, skip_to_review, start_with_code, wait_for_app
from ui.room import new_join_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWERS = ["1 · Not at all", "2 · A little", "3 · Some", "4 · A lot", "5 · Very much"]

#: Where each named button ends, how far the page is scrolled and the window's height.
PLACES = """names => {
  const scroller = document.querySelector('[data-testid="stMain"]');
  const buttons = [...document.querySelectorAll('button')];
  const bottoms = {};
  for (const name of names) {
    const button = buttons.find(b => b.innerText.includes(name));
    const box = button ? button.getBoundingClientRect() : null;
    bottoms[name] = box ? [Math.round(box.top), Math.round(box.bottom)] : null;
  }
  return {bottoms, height: window.innerHeight,
          scrolled: window.scrollY + (scroller ? scroller.scrollTop : 0)};
}"""


def places(page: Page, names: list[str]) -> dict:
    """Where the named buttons are (top, bottom), the window height and the scroll offset."""
    return page.evaluate(PLACES, names)


def outside(place: dict) -> dict:
    """The named buttons that are missing or not wholly inside the window."""
    return {
        name: box
        for name, box in place["bottoms"].items()
        if box is None or box[0] < 0 or box[1] > place["height"]
    }


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_every_answer_and_skip_fit_without_scrolling_and_send_stays_in_view(
    running_app, chromium, artifacts, size
):
    engine = connect(running_app.database.url)
    code = open_with_new_code(engine, running_app.database.session_id, new_join_code).join_code
    context = chromium.new_context(viewport=PHONE if size == "phone" else LAPTOP)
    page = context.new_page()
    page.goto(f"{running_app.url}/?join={code}")
    wait_for_app(page)
    start_with_code(page, "M02")
    expect(page.get_by_role("button", name="Read it to me")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    page.screenshot(path=artifacts / f"layout_{size}_question.png")
    first = places(page, [*ANSWERS, "Skip this question"])
    assert first["scrolled"] == 0
    assert outside(first) == {}

    skip_to_review(page)
    page.screenshot(path=artifacts / f"layout_{size}_review.png")
    top = places(page, ["Send my answers"])
    page.locator("[data-testid='stMain']").evaluate("main => main.scrollTo(0, 0)")
    page.mouse.wheel(0, -5000)
    at_start = places(page, ["Send my answers"])
    page.get_by_role("button", name="Change answer 6").scroll_into_view_if_needed()
    middle = places(page, ["Send my answers"])
    context.close()
    assert outside(top) == {}
    assert outside(at_start) == {}
    assert outside(middle) == {}
