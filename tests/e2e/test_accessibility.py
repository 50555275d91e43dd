"""axe-core on the member form: no serious or critical violation, laptop and phone widths,
English and Spanish, on the code screen, a question and the review.

axe-playwright-python bundles axe.min.js, so nothing is downloaded.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from store.db import connect
from store.sessions import open_with_new_code
from tests.e2e.conftest import LAPTOP, PHONE
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


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


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
