"""The member form fits a phone: every answer and Skip without scrolling, Send always in view.

Real server and headless Chromium at 390×844 (a common phone, English and Spanish) and at
laptop width (the phone page and the kiosk): on the first question every answer button and
"Skip this question" end inside the window with the page not scrolled; on the review, "Send my
answers" is inside the window at the top of the list and in its middle. The kiosk keeps its
large text at laptop width.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from store.db import connect
from store.sessions import open_with_new_code
from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.member_steps import (
    TIMEOUT,
    sign_in_and_open_run_session,
    start_with_code,
    wait_for_app,
)
from ui.room import new_join_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The words of the first question's screen and the review, per language.
WORDS = {
    "en": {
        "answers": ["1 · Not at all", "2 · A little", "3 · Some", "4 · A lot", "5 · Very much"],
        "skip": "Skip this question",
        "read": "Read it to me",
        "question": "Question {number} of {total}",
        "review": "Check your answers",
        "change": "Change answer 6",
        "send": "Send my answers",
    },
    "es": {
        "answers": ["1 · Nada", "2 · Un poco", "3 · Algo", "4 · Mucho", "5 · Muchísimo"],
        "skip": "Saltar esta pregunta",
        "read": "Léemelo",
        "question": "Pregunta {number} de {total}",
        "review": "Revisa tus respuestas",
        "change": "Cambiar la respuesta 6",
        "send": "Enviar mis respuestas",
    },
}

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


def check_question_and_review(page: Page, name: str, artifacts, language: str = "en") -> None:
    """From a member's first question: every answer and Skip inside the unscrolled window;
    then skip to the review, where Send is inside the window at the top and in the middle."""
    words = WORDS[language]
    expect(page.get_by_role("button", name=words["read"])).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    page.screenshot(path=artifacts / f"layout_{name}_question.png")
    first = places(page, [*words["answers"], words["skip"]])
    assert first["scrolled"] == 0
    assert outside(first) == {}

    for number in range(1, 11):
        question = words["question"].format(number=number, total=10)
        expect(page.get_by_text(question)).to_be_visible(timeout=TIMEOUT)
        wait_for_app(page)
        page.get_by_role("button", name=words["skip"]).click()
    expect(page.get_by_role("heading", name=words["review"])).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    page.locator("[data-testid='stMain']").evaluate("main => main.scrollTo(0, 0)")
    page.screenshot(path=artifacts / f"layout_{name}_review.png")
    at_start = places(page, [words["send"]])
    page.get_by_role("button", name=words["change"]).scroll_into_view_if_needed()
    middle = places(page, [words["send"]])
    page.screenshot(path=artifacts / f"layout_{name}_review_middle.png")
    assert outside(at_start) == {}
    assert outside(middle) == {}


@pytest.mark.parametrize(("size", "language"), [("phone", "en"), ("phone", "es"), ("laptop", "en")])
def test_every_answer_and_skip_fit_without_scrolling_and_send_stays_in_view(
    running_app, chromium, artifacts, size, language
):
    engine = connect(running_app.database.url)
    code = open_with_new_code(engine, running_app.database.session_id, new_join_code).join_code
    context = chromium.new_context(viewport=PHONE if size == "phone" else LAPTOP)
    page = context.new_page()
    page.goto(f"{running_app.url}/?join={code}")
    wait_for_app(page)
    if language == "es":
        page.get_by_text("Español", exact=True).click()
        wait_for_app(page)
        start_with_code(
            page,
            "M02",
            label="Escribe tu código de participante",
            start="Empezar",
            first="Pregunta 1 de 10",
        )
    else:
        start_with_code(page, "M02")
    check_question_and_review(page, f"{size}_{language}", artifacts, language)
    context.close()


def test_the_kiosk_fits_a_laptop_screen_with_large_answer_buttons(running_app, chromium, artifacts):
    context = chromium.new_context(viewport=LAPTOP)
    page = context.new_page()
    sign_in_and_open_run_session(page, running_app.url)
    page.get_by_label("Choose a PIN").fill("2468")
    page.get_by_role("button", name="Start kiosk mode").click()
    expect(page.get_by_label("Type your member code")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    start_with_code(page, "M01")
    expect(page.get_by_role("button", name="Read it to me")).to_be_visible(timeout=TIMEOUT)
    answer = page.get_by_role("button", name=WORDS["en"]["answers"][0], exact=True)
    size = answer.evaluate("button => parseFloat(getComputedStyle(button).fontSize)")
    height = answer.evaluate("button => button.getBoundingClientRect().height")
    check_question_and_review(page, "kiosk_laptop", artifacts)
    context.close()
    # Arm's-length reading on the kiosk: the theme's 19 px text and full-height buttons.
    assert size >= 19
    assert height >= 44
