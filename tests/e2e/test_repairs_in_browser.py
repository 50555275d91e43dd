"""The repair loop in a real Chromium: Home's open disconnection, followed and repaired."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from access import accounts
from sample_data.demo import load_demo
from store.db import connect, dispose
from tests.e2e.conftest import LAPTOP, serve_app
from tests.e2e.member_steps import TIMEOUT, wait_for_app

ADMIN, ADMIN_PASSWORD = "admin1", "orchard pebble lantern"  # synthetic test account
NOTE = '=HYPERLINK("http://example.org") she said the last session felt rushed'


@pytest.fixture
def demo_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    load_demo(url)
    accounts.add_user(connect(url), ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
    try:
        with serve_app({**os.environ, "DATABASE_URL": url}, tmp_path / "streamlit.log") as app:
            yield app
    finally:
        dispose(url)


def test_a_facilitator_follows_an_open_disconnection_and_records_a_repair(
    chromium, demo_app, artifacts
):
    page = chromium.new_context(viewport=LAPTOP).new_page()
    page.goto(demo_app)
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    follow = page.get_by_role("button", name="Follow SR-A-05")
    expect(follow).to_be_visible(timeout=TIMEOUT)
    follow.click()
    expect(page.get_by_role("heading", name="Disconnections and repair")).to_be_visible(
        timeout=TIMEOUT
    )
    wait_for_app(page)
    # The latest record's form (session 11) is the first on the page.
    form = page.locator("[data-testid='stForm']").first
    form.get_by_text("I tried a repair").click()
    form.get_by_label("A few words").fill(NOTE)
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: repair attempted for session 11.")).to_be_visible(
        timeout=TIMEOUT
    )
    # The note is shown as written, not as a link or a formula.
    expect(page.get_by_text(NOTE, exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("a[href='http://example.org']")).to_have_count(0)
    page.screenshot(path=artifacts / "repairs_after_attempt.png", full_page=True)
    page.context.close()
