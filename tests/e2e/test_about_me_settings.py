"""An administrator sets up the about-me form in a real Chromium: Settings → Programs.

They choose the program's questions and upload enrolment data with members' about-me
answers; the database then holds both. Real server, real SQLite file.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from access import accounts
from services import about_me
from services.descriptions import stored_groupings
from store.administrations import Administration, save_administrations
from store.db import connect
from tests.app.session_seed import GROUP, PROGRAM
from tests.e2e.conftest import LAPTOP
from tests.e2e.member_steps import TIMEOUT, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ADMIN, PASSWORD = "admin-about", "brass kettle meadow"  # synthetic test account


def test_an_administrator_chooses_questions_and_uploads_answers(
    running_app, chromium, tmp_path, artifacts
):
    url = running_app.database.url
    engine = connect(url)
    accounts.add_user(engine, ADMIN, PASSWORD, "administrator", by="tests")
    save_administrations(
        engine,
        [
            Administration(
                member="M01",
                instrument="who5",
                instrument_version="1",
                timepoint="pre",
                answers={f"who5_{i}": 3 for i in range(1, 6)},
                group=GROUP,
                program=PROGRAM,
            )
        ],
    )
    page = chromium.new_page(viewport={**LAPTOP, "height": 1600})
    page.goto(running_app.url)
    wait_for_app(page)
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=90_000)
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="About me")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)

    chooser = page.get_by_label("Questions this program asks")
    chooser.click()
    page.get_by_role("option", name="How do you describe your gender?").click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save the about-me questions").click()
    expect(page.get_by_text(f"{PROGRAM} asks 1 about-me question(s).")).to_be_visible(
        timeout=TIMEOUT
    )
    assert about_me.asked(url, PROGRAM) == ["gender"]

    wait_for_app(page)
    path = tmp_path / "enrolment.csv"
    path.write_text("member,gender,date\nM01,non-binary,2026-01-05\n", encoding="utf-8")
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="About-me file")
    uploader.locator("input[type='file']").set_input_files(str(path))
    store = page.get_by_role("button", name="Store the about-me answers")
    expect(store).to_be_visible(timeout=TIMEOUT)
    store.click()
    expect(
        page.get_by_text("Stored the about-me answers of 1 member(s) from enrolment.csv.")
    ).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=str(artifacts / "about-me-settings.png"), full_page=True)
    grouped = stored_groupings(engine, "who5", "gender")
    assert grouped["grouping"].tolist() == ["non-binary"]
