"""axe-core on the member form and every staff page, and the contrast of grey captions.

The member form: no serious or critical violation, laptop and phone widths, English and
Spanish, on the code screen, a question and the review. Staff pages: an administrator signs
in and opens each page from the sidebar at laptop width; no serious or critical violation in
Mutuality's own markup (Streamlit's own sidebar markup is listed in STREAMLIT_OWN).
Captions (st.caption, Streamlit's faded text colour) reach WCAG 2.2 AA contrast, 4.5:1.

axe-playwright-python bundles axe.min.js, so nothing is downloaded.
"""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from access import accounts
from sample_data.demo import load_demo
from store.db import connect, dispose
from store.sessions import open_with_new_code
from tests.e2e.conftest import LAPTOP, PHONE, serve_app
from tests.e2e.member_steps import TIMEOUT, wait_for_app
from ui.room import new_join_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERIOUS = {"serious", "critical"}
WORDS = {
    "en": {
        "title": "Today's check-in",
        "type": "Type your member code",
        "start": "Start",
        "question": "Question 1 of 10",
        "read": "Read it to me",
        "answer": "3 · Some",
        "skip": "Skip this question",
        "review": "Check your answers",
    },
    "es": {
        "title": "Encuesta de hoy",
        "type": "Escribe tu código de participante",
        "start": "Empezar",
        "question": "Pregunta 1 de 10",
        "read": "Léemelo",
        "answer": "3 · Algo",
        "skip": "Saltar esta pregunta",
        "review": "Revisa tus respuestas",
    },
}


#: An administrator for the staff pages (synthetic test account).
ADMIN = "admin1"
ADMIN_PASSWORD = "lantern orchard pebble"
#: Every staff page an administrator sees, by its sidebar title (app.py).
STAFF_PAGES = (
    "Home",
    "Run a session",
    "Disconnections",
    "Instruments",
    "Upload",
    "Reliability",
    "Change",
    "Mutuality over time",
    "Groups",
    "Context",
    "Reports",
    "Export",
    "Settings",
    "Audit log",
)
#: Streamlit's own page list in the sidebar (st.navigation's markup, not Mutuality's).
SIDEBAR_NAV = "[data-testid='stSidebarNav']"
#: What axe finds in it with Streamlit 1.67: the section headings ("Mutuality", "Evaluate",
#: "Settings") are drawn as children of the <ul> beside its <li> items, so the list is not a
#: valid list. Mutuality cannot change that markup; the test fails if anything else appears.
STREAMLIT_SIDEBAR_NAV = {"list", "listitem"}


def violations(page, context: dict | None = None) -> list[dict]:
    """axe-core's serious and critical violations on `page` (within `context`, axe's
    include/exclude), each with its nodes' targets."""
    results = Axe().run(page, context=context)
    return [v for v in results.response["violations"] if v["impact"] in SERIOUS]


def describe(violation: dict) -> str:
    """One line naming a violation and where it is (its first three nodes)."""
    targets = [n["target"] for n in violation["nodes"]][:3]
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def serious_violations(page) -> list[str]:
    """The serious and critical violations on `page`, one line each."""
    return [describe(v) for v in violations(page)]


def channel(value: float) -> float:
    """An sRGB channel (0–255) in linear light, as WCAG's relative luminance uses it."""
    value /= 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def parse_colour(css: str) -> tuple[float, float, float, float]:
    """A computed CSS colour ("rgb(…)" or "rgba(…)") as red, green, blue and alpha."""
    numbers = [float(part) for part in css[css.index("(") + 1 : -1].replace("/", ",").split(",")]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


#: An element's computed text colour and the product of its and its ancestors' opacities.
SEEN_COLOUR = """element => {
  let opacity = 1;
  for (let node = element; node; node = node.parentElement) {
    opacity *= parseFloat(getComputedStyle(node).opacity);
  }
  return [getComputedStyle(element).color, opacity];
}"""


def contrast(foreground: str, background: str, opacity: float = 1.0) -> float:
    """WCAG contrast ratio of a text colour (blended over its background at `opacity` times
    its own alpha) to the background."""
    *back, _ = parse_colour(background)
    *front, alpha = parse_colour(foreground)
    alpha *= opacity
    shown = tuple(alpha * f + (1 - alpha) * b for f, b in zip(front, back, strict=True))
    lighter, darker = sorted((luminance(shown), luminance(tuple(back))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_arithmetic_matches_wcag():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    # The grey of issue 12 (#828180 on white) fails AA; half-transparent black is #808080.
    assert contrast("rgb(130, 129, 128)", "rgb(255, 255, 255)") == pytest.approx(3.88, abs=0.01)
    assert contrast("rgba(0, 0, 0, 0.5)", "rgb(255, 255, 255)") == pytest.approx(
        contrast("rgb(128, 128, 128)", "rgb(255, 255, 255)"), abs=0.05
    )
    # Streamlit's old caption: #2f2d2b at 60 % opacity is #828180.
    assert contrast("rgb(47, 45, 43)", "rgb(255, 255, 255)", 0.6) == pytest.approx(3.88, abs=0.02)


def test_captions_meet_aa_contrast(running_app, chromium):
    page = chromium.new_context(viewport=LAPTOP).new_page()
    page.goto(running_app.url)
    wait_for_app(page)
    caption = page.locator("[data-testid='stCaptionContainer']").first
    expect(caption).to_contain_text("Members do not sign in", timeout=TIMEOUT)
    # Streamlit fades a caption with `opacity` on its container, not in its colour: the
    # colour a person sees is the text colour at the product of the opacities above it.
    colour, opacity = caption.locator("p").first.evaluate(SEEN_COLOUR)
    background = page.locator("[data-testid='stApp']").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    page.context.close()
    assert contrast(colour, background, opacity) >= 4.5, (colour, opacity, background)


def open_staff_page(page, title: str) -> None:
    """Open a staff page from the sidebar and wait until it has been drawn."""
    page.get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)
    expect(page.locator("[data-testid='stSidebarNav'] a[aria-current='page']")).to_contain_text(
        title, timeout=TIMEOUT
    )
    wait_for_app(page)


@pytest.fixture
def demo_app(tmp_path):
    """The app on a database holding the synthetic demo program and an administrator, so
    the staff pages show their tables and charts; yields its URL."""
    url = f"sqlite:///{tmp_path / 'mutuality-demo.sqlite'}"
    load_demo(url)
    accounts.add_user(connect(url), ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
    try:
        with serve_app({**os.environ, "DATABASE_URL": url}, tmp_path / "streamlit.log") as app:
            yield app
    finally:
        dispose(url)


def test_staff_pages_have_no_serious_accessibility_violation(demo_app, chromium, artifacts):
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(demo_app)
    wait_for_app(page)
    problems = {"Sign in": serious_violations(page)}
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Audit log")).to_be_visible(timeout=TIMEOUT)
    streamlit_own = {}
    for title in STAFF_PAGES:
        open_staff_page(page, title)
        problems[title] = [describe(v) for v in violations(page, {"exclude": [[SIDEBAR_NAV]]})]
        streamlit_own[title] = {v["id"] for v in violations(page, {"include": [[SIDEBAR_NAV]]})}
        page.screenshot(path=artifacts / f"a11y_staff_{title.lower().replace(' ', '_')}.png")
    context.close()
    assert problems == {title: [] for title in ("Sign in", *STAFF_PAGES)}
    assert all(found <= STREAMLIT_SIDEBAR_NAV for found in streamlit_own.values()), streamlit_own


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_member_form_has_no_serious_accessibility_violation(
    running_app, chromium, artifacts, language, size
):
    engine = connect(running_app.database.url)
    code = open_with_new_code(engine, running_app.database.session_id, new_join_code).join_code
    context = chromium.new_context(viewport=LAPTOP if size == "laptop" else PHONE)
    page = context.new_page()
    page.goto(f"{running_app.url}/?join={code}")
    wait_for_app(page)
    words = WORDS[language]
    if language == "es":
        page.get_by_text("Español", exact=True).click()
        wait_for_app(page)
    expect(page.get_by_role("heading", name=words["title"])).to_be_visible(timeout=TIMEOUT)
    problems = {"code screen": serious_violations(page)}
    page.screenshot(path=artifacts / f"a11y_{size}_{language}_code.png", full_page=True)

    page.get_by_label(words["type"]).fill("M02")
    page.get_by_label(words["type"]).press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name=words["start"], exact=True).click()
    expect(page.get_by_text(words["question"])).to_be_visible(timeout=TIMEOUT)
    # The read-aloud button gets its label from the component's script just after it is
    # drawn: check the page once it has it, not in the instant between.
    expect(page.get_by_role("button", name=words["read"])).to_be_visible(timeout=TIMEOUT)
    problems["question"] = serious_violations(page)
    page.screenshot(path=artifacts / f"a11y_{size}_{language}_question.png", full_page=True)

    page.get_by_role("button", name=words["answer"], exact=True).click()
    for number in range(2, 11):
        question = words["question"].replace("1", str(number), 1)
        expect(page.get_by_text(question)).to_be_visible(timeout=TIMEOUT)
        wait_for_app(page)
        page.get_by_role("button", name=words["skip"]).click()
    expect(page.get_by_role("heading", name=words["review"])).to_be_visible(timeout=TIMEOUT)
    problems["review"] = serious_violations(page)
    page.screenshot(path=artifacts / f"a11y_{size}_{language}_review.png", full_page=True)
    context.close()
    assert problems == {"code screen": [], "question": [], "review": []}
