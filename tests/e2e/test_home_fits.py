"""Home at a 1366 x 768 laptop: the Recent sessions table shows its "answers stored" column
whole (issue 12, item 6: the column was cut off at the table's right edge).

Streamlit draws a table on a canvas; a column that does not fit makes the table's scroller
wider than its box (scrollWidth > clientWidth), which is what a person sees as a cut-off
column. The demo program's sessions fill the table.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from access import accounts
from sample_data.demo import load_demo
from store.db import connect, dispose
from tests.e2e.conftest import serve_app
from tests.e2e.member_steps import TIMEOUT, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SMALL_LAPTOP = {"width": 1366, "height": 768}
ADMIN, ADMIN_PASSWORD = "admin1", "kettle lantern orchard"  # synthetic test account


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The demo program served as `make run` serves it."""
    folder = tmp_path_factory.mktemp("home-fits")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    load_demo(url)
    accounts.add_user(connect(url), ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
    dispose(url)
    environment = {**os.environ, "DATABASE_URL": url, "MUTUALITY_DATA_DIR": str(folder)}
    with serve_app(environment, folder / "streamlit.log") as address:
        yield address


def test_recent_sessions_show_answers_stored_whole_at_1366(chromium, demo_app, artifacts):
    page = chromium.new_page(viewport=SMALL_LAPTOP)
    try:
        page.goto(demo_app)
        page.get_by_label("Username", exact=True).fill(ADMIN)
        page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Recent sessions")).to_be_visible(
            timeout=TIMEOUT * 6
        )
        wait_for_app(page)
        recent = page.locator(
            "[data-testid='stColumn']:has(h3:has-text('Recent sessions')) "
            "[data-testid='stDataFrame']"
        )
        expect(recent).to_have_count(1, timeout=TIMEOUT)
        # The header names the column (glide-data-grid's table inside its canvas mirrors it).
        header = recent.locator("th", has_text=re.compile(r"^Answers stored$"))
        expect(header).to_have_count(1, timeout=TIMEOUT)
        scroller = recent.locator(".dvn-scroller").first
        expect(scroller).to_be_visible(timeout=TIMEOUT)
        # Wait for the grid to have laid out its columns, then compare.
        page.wait_for_function(
            "el => el.clientWidth > 0 && el.scrollWidth > 0", arg=scroller.element_handle()
        )
        widths = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
        page.screenshot(path=str(artifacts / "home-1366.png"))
        assert widths[0] <= widths[1], (
            f"the Recent sessions table is {widths[0]} px wide in a {widths[1]} px box: "
            "its last column (answers stored) is cut off"
        )
    finally:
        page.close()
