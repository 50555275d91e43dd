"""Screenshots of every staff page in a real headless Chromium, against the demo program.

`streamlit run serve.py` serves a SQLite database loaded with the demo program; each page is
opened at laptop width, then shown at phone width, and both are saved under tests/artifacts/
(ignored by git) for a person to look at. The test fails when a page shows an exception or
never finishes running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from access import accounts
from sample_data.demo import load_demo
from store.db import connect, dispose
from tests.e2e.conftest import LAPTOP, PHONE, serve_app
from tests.e2e.member_steps import wait_for_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
#: Each page's link in the sidebar and a text the page must show.
PAGES = {
    "home": ("Home", "Open disconnections"),
    "upload": ("Upload", "Upload answers"),
    "reliability": ("Reliability", "Cronbach's alpha"),
    "change": ("Change", "reliably improved"),
    "over_time": ("Mutuality over time", "Check-in total went from"),
    "groups": ("Groups", "of the differences between members lie between groups"),
    "context": ("Context", "Do the items measure the same in each grouping?"),
    "reports": ("Reports", "Prepare the report"),
    "export": ("Export", "Prepare the export"),
    "settings": ("Settings", "Backup and restore"),
    "run_session": ("Run a session", "Attendance"),
    "repairs": ("Disconnections", "Follow one member"),
    "instruments": ("Instruments", "Instrument library"),
    "audit_log": ("Audit log", "Audit log"),
}
ADMIN, ADMIN_PASSWORD = "admin1", "kettle lantern orchard"  # synthetic test account


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    load_demo(url)
    accounts.add_user(connect(url), ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
    dispose(url)
    environment = {**os.environ, "DATABASE_URL": url, "MUTUALITY_DATA_DIR": str(folder)}
    with serve_app(environment, folder / "streamlit.log") as address:
        yield address


def settle(page, expected: str) -> None:
    """Wait until the page shows `expected`, Streamlit has finished and charts have drawn."""
    page.get_by_text(expected).first.wait_for(timeout=240_000)
    wait_for_app(page)
    # Elements whose code is still loading show grey placeholders (Streamlit's skeletons).
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=120_000,
    )
    # Plotly draws after Streamlit has finished: wait until every chart has its plot.
    page.wait_for_function(
        """() => {
            const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
            const drawn = document.querySelectorAll(
                '[data-testid="stPlotlyChart"] .js-plotly-plot .plot-container');
            return drawn.length >= charts.length;
        }""",
        timeout=120_000,
    )


def open_signed_in(page, address: str, link: str, expected: str) -> None:
    """Sign in as the administrator and open the page behind the sidebar `link`."""
    page.goto(address)
    page.get_by_label("Username", exact=True).fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A busy machine (two shared cores) can take a while to sign in and draw the sidebar.
    page.get_by_role("button", name="Sign out").wait_for(timeout=120_000)
    wait_for_app(page)  # Home has finished its first run
    # A full page load would start a new, signed-out session: use the sidebar link.
    try:
        page.get_by_role("link", name=link, exact=True).click(timeout=120_000)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"no-link-{link}.png"))
        links = [a.inner_text() for a in page.get_by_role("link").all()]
        raise AssertionError(f"no sidebar link {link!r}; links: {links}") from None
    settle(page, expected)


# The browser comes first: without one the test skips before the demo app is built.
@pytest.mark.parametrize("name", list(PAGES))
def test_page_screenshot(chromium, demo_app, name):
    link, expected = PAGES[name]
    # Streamlit scrolls inside its main block, so a tall window shows the whole page.
    context = chromium.new_context(viewport={**LAPTOP, "height": 2400})
    page = context.new_page()
    try:
        open_signed_in(page, demo_app, link, expected)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert expected in page.inner_text("body")
        # The same page on a phone (the sidebar folds away; the page reflows).
        page.set_viewport_size({**PHONE, "height": 2400})
        settle(page, expected)
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-phone.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


def test_tables_offer_no_download_that_bypasses_the_audit(chromium, demo_app):
    """A table's own toolbar has no "Download as CSV": only audited download buttons."""
    context = chromium.new_context(viewport={**LAPTOP, "height": 2400})
    page = context.new_page()
    try:
        open_signed_in(page, demo_app, *PAGES["reliability"])
        table = page.locator('[data-testid="stDataFrame"]').first
        table.hover()
        page.locator('[data-testid="stElementToolbar"]').first.wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Download as CSV").count() == 0
        # The audited way is there.
        page.get_by_role("button", name="Download the table (CSV)").first.wait_for(timeout=60_000)
    finally:
        context.close()


def test_settings_stays_on_the_tab_in_use_after_adding_a_user(chromium, demo_app):
    """After "Add the user" the administrator still sees Staff users, with its message."""
    context = chromium.new_context(viewport={**LAPTOP, "height": 2400})
    page = context.new_page()
    try:
        open_signed_in(page, demo_app, *PAGES["settings"])
        page.get_by_role("tab", name="Staff users").click()
        wait_for_app(page)
        page.get_by_label("Username", exact=True).first.fill("tab-admin")
        page.get_by_label("Password (at least 12 characters)").first.fill("orchard kettle lantern")
        page.get_by_label("Password again").first.fill("orchard kettle lantern")
        page.get_by_role("button", name="Add the user").click()
        page.get_by_text("Added tab-admin (administrator).").wait_for(timeout=60_000)
        wait_for_app(page)
        selected = page.locator('[role="tab"][aria-selected="true"]').inner_text()
        assert selected == "Staff users"
    finally:
        context.close()
