"""What a member does in the browser, step by step (shared by the end-to-end tests)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT = 20_000


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the script and replaced stale elements."""
    page.wait_for_selector("[data-testid='stApp']", timeout=TIMEOUT)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=TIMEOUT)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=TIMEOUT)


def sign_in_and_open_run_session(page: Page, base_url: str) -> None:
    """Sign the seeded facilitator in, then open "Run a session" from the sidebar.

    (A full page load starts a new Streamlit session, so the sidebar link is used.)
    """
    from tests.app.session_seed import FACILITATOR, FACILITATOR_PASSWORD

    page.goto(base_url)
    wait_for_app(page)
    page.get_by_label("Username").fill(FACILITATOR)
    page.get_by_label("Password", exact=True).fill(FACILITATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signing in checks an Argon2 hash and builds the staff navigation: on a busy machine
    # that can take a while, so wait for the signed-in sidebar before using its link.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=90_000)
    page.get_by_role("link", name="Run a session").click()
    expect(page.get_by_role("heading", name="Run a session")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)


def start_with_code(
    page: Page,
    code: str,
    *,
    label: str = "Type your member code",
    start: str = "Start",
    first: str = "Question 1 of 10",
) -> None:
    """Type a member code on the code screen and start (the words can be another language's)."""
    page.get_by_label(label).fill(code)
    page.get_by_label(label).press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name=start, exact=True).click()
    expect(page.get_by_text(first)).to_be_visible(timeout=TIMEOUT)


def answer_question(page: Page, number: int, label: str, total: int = 10) -> None:
    expect(page.get_by_text(f"Question {number} of {total}")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    page.get_by_role("button", name=label, exact=True).click()
    if number < total:
        expect(page.get_by_text(f"Question {number + 1} of {total}")).to_be_visible(timeout=TIMEOUT)
    else:
        expect(page.get_by_role("heading", name="Check your answers")).to_be_visible(
            timeout=TIMEOUT
        )
