"""A staff sign-in survives a reload and a second tab, in a real browser, and ends at
sign-out (issue 12, item 8). The cookie is HttpOnly and SameSite=Strict; the database
keeps only its hash."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from store.db import connect
from store.schema import staff_sessions
from tests.e2e.conftest import LAPTOP
from tests.e2e.member_steps import TIMEOUT, sign_in_and_open_run_session, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def signed_in(page) -> None:
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=TIMEOUT)


def test_a_reload_and_a_second_tab_stay_signed_in_until_sign_out(chromium, running_app):
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()
    sign_in_and_open_run_session(page, running_app.url)
    # The cookie arrives with the server's answer to the signed-in page (a resource entry is
    # recorded once that answer has been received).
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.includes('/_mutuality/keep-sign-in'))",
        timeout=TIMEOUT,
    )
    cookie = {c["name"]: c for c in context.cookies()}["mutuality_staff"]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    # Page scripts cannot read it.
    assert "mutuality_staff" not in page.evaluate("document.cookie")
    with connect(running_app.database.url).connect() as connection:
        hashes = connection.execute(sa.select(staff_sessions.c.token_hash)).scalars().all()
    assert hashlib.sha256(cookie["value"].encode()).hexdigest() in hashes
    assert cookie["value"] not in hashes

    page.reload()
    wait_for_app(page)
    signed_in(page)
    expect(page.get_by_role("heading", name="Run a session")).to_be_visible(timeout=TIMEOUT)

    second = context.new_page()
    second.goto(running_app.url)
    wait_for_app(second)
    signed_in(second)
    second.close()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Sign out").count() == 0
    context.close()


def test_leaving_a_reloaded_kiosk_returns_to_run_a_session(chromium, running_app):
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()
    sign_in_and_open_run_session(page, running_app.url)
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.includes('/_mutuality/keep-sign-in'))",
        timeout=TIMEOUT,
    )
    page.get_by_label("Choose a PIN").fill("2468")
    page.get_by_role("button", name="Start kiosk mode").click()
    expect(page.get_by_role("heading", name="Today's check-in")).to_be_visible(timeout=TIMEOUT)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Today's check-in")).to_be_visible(timeout=TIMEOUT)
    # A member who edits the locked kiosk's address is not signed in by its cookie.
    edited = context.new_page()
    edited.goto(running_app.url)
    wait_for_app(edited)
    expect(edited.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT)
    assert edited.get_by_role("button", name="Sign out").count() == 0
    edited.close()
    page.get_by_text("For the facilitator").click()
    page.get_by_label("Facilitator PIN").fill("2468")
    page.get_by_role("button", name="Leave kiosk mode").click()
    expect(page.get_by_role("heading", name="Run a session")).to_be_visible(timeout=TIMEOUT)
    signed_in(page)
    context.close()
