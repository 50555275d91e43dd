"""A member answers the about-me questions on a phone, in Spanish, in a real Chromium.

Real server, real SQLite file: the program asks two about-me questions; the member picks the
Spanish form, types their code, chooses a category and writes their own words for the first,
skips the second, and the check-in starts in Spanish. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from services import about_me
from store.db import connect
from store.schema import self_descriptions
from store.sessions import open_with_new_code
from tests.app.session_seed import PROGRAM
from tests.e2e.conftest import PHONE
from tests.e2e.member_steps import TIMEOUT, wait_for_app
from tests.e2e.test_accessibility import serious_violations
from ui.room import new_join_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_member_answers_about_me_in_spanish_on_a_phone(running_app, chromium, artifacts):
    url = running_app.database.url
    about_me.set_asked(url, None, PROGRAM, ["gender", "preferred_language"])
    session = open_with_new_code(connect(url), running_app.database.session_id, new_join_code)
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{running_app.url}/?join={session.join_code}")
    wait_for_app(phone)
    phone.get_by_text("Español", exact=True).click()
    expect(phone.get_by_role("heading", name="Encuesta de hoy")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(phone)
    phone.get_by_label("Escribe tu código de participante").fill("M02")
    phone.get_by_label("Escribe tu código de participante").press("Enter")
    wait_for_app(phone)
    phone.get_by_role("button", name="Empezar", exact=True).click()
    expect(phone.get_by_text("Sobre mí: pregunta 1 de 2")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("heading", name="¿Cómo describes tu género?")).to_be_visible()
    phone.get_by_role("button", name="mujer", exact=True).click()
    expect(phone.get_by_role("button", name="✓ mujer (elegida)")).to_be_visible(timeout=TIMEOUT)
    words = phone.get_by_label("Con mis propias palabras (puedes dejarlo vacío)")
    words.fill("mujer latina")
    words.press("Enter")
    wait_for_app(phone)
    phone.screenshot(path=artifacts / "about_me_phone.png", full_page=True)
    assert serious_violations(phone) == []  # axe-core: none serious or critical
    phone.get_by_role("button", name="Siguiente", exact=True).click()
    expect(phone.get_by_text("Sobre mí: pregunta 2 de 2")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(phone)
    phone.get_by_role("button", name="Saltar esta pregunta").click()
    # The check-in follows, in Spanish; the answers were stored before it began.
    expect(phone.get_by_text("Pregunta 1 de 10")).to_be_visible(timeout=TIMEOUT)
    with connect(url).connect() as c:
        rows = pd.DataFrame(c.execute(sa.select(self_descriptions)).mappings().all())
    stored = rows.set_index("question")
    assert stored.loc["gender", "choice"] == "woman"
    assert stored.loc["gender", "own_words"] == "mujer latina"
    assert pd.isna(stored.loc["preferred_language", "choice"])
