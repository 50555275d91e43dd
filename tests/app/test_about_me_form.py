"""The about-me form on a member's phone, in the real app against a real SQLite database.

An administrator has chosen two questions for the program. A member answering in Spanish is
asked them once, before the check-in: a category with their own words, and a skipped
question. Their answers, and the language of their check-in, are stored; the next session
does not ask again; the member can answer again or remove every answer, and nothing on
the screens shows what was answered before.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from services import about_me
from store.db import connect
from store.schema import administrations, self_descriptions
from store.sessions import create_session, open_with_new_code
from tests.app.session_seed import GROUP, PROGRAM, forget, seed_database
from tests.app.test_member_form import APP, ITEMS, answer, begin, headings, submit
from ui import state as keys
from ui.room import new_join_code

QUESTIONS = ["gender", "preferred_language"]


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    about_me.set_asked(seeded.url, None, PROGRAM, QUESTIONS)
    yield seeded
    forget(seeded.url)


def phone(code: str, language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["join"] = code
    at.session_state[keys.FORM_LANGUAGE] = language
    return at.run()


def click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label.strip("*") == label).click().run()
    assert not at.exception, [e.value for e in at.exception]


def rows(url: str) -> pd.DataFrame:
    with connect(url).connect() as c:
        return pd.DataFrame(c.execute(sa.select(self_descriptions)).mappings().all())


def test_a_member_answers_about_me_once_in_spanish_then_the_check_in(database):
    engine = connect(database.url)
    session = open_with_new_code(engine, database.session_id, new_join_code)
    at = phone(session.join_code, "es")
    begin(at, "M01")
    assert "# Sobre mí" in headings(at)
    assert "## ¿Cómo describes tu género?" in headings(at)
    assert "Sobre mí: pregunta 1 de 2" in at.get("progress")[0].proto.text
    click(at, "mujer")
    assert any(b.label == "**✓ mujer (elegida)**" for b in at.button)
    at.text_input(key=f"w_about_words_gender_{at.session_state[keys.FORM_RUN]}").input("latina")
    click(at, "Siguiente")
    assert "## ¿Qué idioma prefieres usar?" in headings(at)
    click(at, "Saltar esta pregunta")
    # The check-in follows in the same language.
    assert "## Hoy sentí que las personas del grupo me entendían." in headings(at)
    for item in ITEMS:
        answer(at, item, 3)
    submit(at)
    assert "# ¡Gracias!" in headings(at)

    stored = rows(database.url).set_index("question")
    assert stored.loc["gender", "choice"] == "woman"
    assert stored.loc["gender", "own_words"] == "latina"
    assert pd.isna(stored.loc["preferred_language", "choice"])
    assert pd.isna(stored.loc["preferred_language", "own_words"])
    with engine.connect() as c:
        assert c.execute(sa.select(administrations.c.language)).scalars().all() == ["es"]

    # The next session does not ask again: the check-in starts at once.
    second = create_session(engine, GROUP, 2, None, program=PROGRAM)
    again = phone(open_with_new_code(engine, second, new_join_code).join_code)
    begin(again, "M01")
    assert "## Today I felt that people in the group understood me." in headings(again)
    assert len(rows(database.url)) == 2


def test_a_member_can_answer_again_or_remove_every_answer(database):
    engine = connect(database.url)
    about_me.save_answers(database.url, "M02", {"gender": ("man", "my words")})
    session = open_with_new_code(engine, database.session_id, new_join_code)
    at = phone(session.join_code)
    run = at.session_state[keys.FORM_RUN]
    at.text_input(key=f"{keys.W_TYPE_CODE}_{run}").input("M02")
    click(at, "About me: answer again or remove my answers")
    shown = " ".join([*headings(at), *(str(b.label) for b in at.button)])
    # Nothing shows what was answered before (on a kiosk the next person could read it).
    assert "man" not in shown.replace("Remove", "") and "my words" not in shown
    click(at, "Remove all my about-me answers")
    assert "This cannot be undone" in at.warning[0].value
    click(at, "Yes, remove them")
    assert rows(database.url).empty
    assert any("Your about-me answers are removed." in w.value for w in at.warning)

    # Answering again adds answers that count from today; the check-in follows.
    at.text_input(key=f"{keys.W_TYPE_CODE}_{at.session_state[keys.FORM_RUN]}").input("M02")
    click(at, "About me: answer again or remove my answers")
    click(at, "Answer the about-me questions again")
    click(at, "non-binary")
    click(at, "Next")
    click(at, "I prefer not to say")
    click(at, "Next")
    assert "## Today I felt that people in the group understood me." in headings(at)
    assert sorted(rows(database.url)["choice"]) == ["non_binary", "prefer-not-to-say"]


def test_run_a_session_offers_about_me_paper_forms_for_members_not_asked(database):
    import os

    from tests.app.session_seed import MEMBERS, sign_in

    about_me.save_answers(database.url, "M01", {"gender": ("man", None)})
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in(at.session_state, os.environ["DATABASE_URL"])
    at.run()
    at.switch_page("app_pages/run_session.py").run()
    at.radio(key=keys.W_COLLECT).set_value("Paper").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "About me on paper" in [e.label for e in at.expander]
    grid = next(e for e in at.dataframe if "gender: own words" in e.value.columns)
    # M01 was asked gender but not preferred_language: still offered, with the others.
    assert grid.value["member"].tolist() == list(MEMBERS)


def test_own_words_survive_going_back_and_answers_count_from_the_session_day(database):
    engine = connect(database.url)
    session = open_with_new_code(engine, database.session_id, new_join_code)
    at = phone(session.join_code)
    begin(at, "M04")
    run = at.session_state[keys.FORM_RUN]
    click(at, "woman")
    at.text_input(key=f"w_about_words_gender_{run}").input("in my words")
    click(at, "Next")
    click(at, "Back")
    assert at.text_input(key=f"w_about_words_gender_{run}").value == "in my words"
    click(at, "Next")
    click(at, "Skip this question")
    stored = rows(database.url).set_index("question")
    assert stored.loc["gender", "own_words"] == "in my words"
    # The seeded session is dated 2025-03-04 (tests/app/session_seed.py): the answers count
    # from that day, so the check-in that follows is grouped by them.
    assert str(stored.loc["gender", "given_on"])[:10] == "2025-03-04"
