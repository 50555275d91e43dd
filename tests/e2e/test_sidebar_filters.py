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


def shown(page, label: str) -> str:
    """The value a sidebar selectbox shows (its visible text, as a person reads it)."""
    box = selector(page, label)
    return box.inner_text() + " " + box.locator("input").input_value()


def selector(page, label: str):
    """The sidebar selectbox whose label is `label`."""
    return page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has=page.locator("label", has_text=re.compile(f"^{label}$"))
    )


def test_scale_follows_the_chosen_questionnaire(chromium, running_app):
    page = chromium.new_page(viewport=LAPTOP)
    sign_in_and_open_run_session(page, running_app.url)
    page.get_by_role("link", name="Reliability").click()
    expect(page.get_by_role("heading", name="Reliability")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    choose(page, "Questionnaire", "Relational connection")
    assert "Relational connection" in shown(page, "Questionnaire")
    assert "Relational connection total" in shown(page, "Scale")
    choose(page, "Questionnaire", "Patient Health Questionnaire-9 (PHQ-9)")
    expect(selector(page, "Scale").locator("input")).to_have_value(
        re.compile("PHQ-9 total"), timeout=TIMEOUT
    )
    assert "Relational connection" not in shown(page, "Scale")
    page.close()
