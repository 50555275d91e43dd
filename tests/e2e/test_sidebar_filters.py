"""The sidebar's selectors in a real browser: every one shows a value of the chosen
questionnaire (issue 12, item 4: Scale kept showing "Relational connection total" after
PHQ-9 was chosen)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP
from tests.e2e.member_steps import TIMEOUT, sign_in_and_open_run_session, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def choose(page, label: str, option: str) -> None:
    """Open the sidebar selectbox called `label` and pick `option`."""
    box = page.locator("[data-testid='stSidebar']").get_by_label(label)
    box.click()
    box.fill(option)
    box.press("Enter")
    wait_for_app(page)


def selector(page, label: str):
    """The sidebar selectbox whose label is `label`."""
    return page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has=page.locator("label", has_text=re.compile(f"^{label}$"))
    )


def shows(page, label: str, value: str) -> None:
    """Wait until the sidebar has one `label` selectbox and it shows `value`.

    While Streamlit reruns, the old and the new widget can both be on the page for a moment.
    """
    box = selector(page, label)
    expect(box).to_have_count(1, timeout=TIMEOUT)
    expect(box.locator("input")).to_have_value(re.compile(re.escape(value)), timeout=TIMEOUT)


def test_scale_follows_the_chosen_questionnaire(chromium, running_app):
    page = chromium.new_page(viewport=LAPTOP)
    sign_in_and_open_run_session(page, running_app.url)
    page.get_by_role("link", name="Reliability").click()
    expect(page.get_by_role("heading", name="Reliability")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    choose(page, "Questionnaire", "Relational connection")
    shows(page, "Questionnaire", "Relational connection")
    shows(page, "Scale", "Relational connection total")
    choose(page, "Questionnaire", "Patient Health Questionnaire-9 (PHQ-9)")
    shows(page, "Questionnaire", "PHQ-9")
    shows(page, "Scale", "PHQ-9 total")
    # Once settled, it stays on PHQ-9's scale (the old label does not come back).
    wait_for_app(page)
    shows(page, "Scale", "PHQ-9 total")
    page.close()
