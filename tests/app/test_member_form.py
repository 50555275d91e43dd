"""The member form in the real app (router included), against a real SQLite database.

Covers the kiosk (started from "Run a session" with a PIN) and the phone link (?join=CODE):
a form completed and stored, skip and review, Spanish, read aloud, a code already used, the
PIN needed to leave the kiosk, and a closed session's code refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from measures import load_instrument
from store.db import connect
from store.responses import load_responses
from store.sessions import close_session, count_answered, get_session, open_with_new_code
from tests.app.session_seed import GROUP, MEMBERS, PROGRAM, forget, seed_database, sign_in
from ui import state as keys
from ui.room import new_join_code

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHECKIN = load_instrument("mutuality-checkin")
ITEMS = CHECKIN.item_ids
PIN = "2468"


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    yield seeded
    forget(seeded.url)


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30)


def start_kiosk(at: AppTest) -> AppTest:
    """Start kiosk mode the way a facilitator does: Run a session -> Kiosk -> PIN."""
    sign_in(at.session_state, os.environ["DATABASE_URL"])
    at.run()
    at.switch_page("app_pages/run_session.py").run()
    at.radio(key=keys.W_COLLECT).set_value("Kiosk").run()
    at.text_input(key=keys.W_KIOSK_PIN).input(PIN)
    at.button(key="FormSubmitter:start_kiosk-Start kiosk mode").click().run()
    assert not at.exception
    assert at.session_state[keys.KIOSK_ACTIVE] is True
    return at


def begin(at: AppTest, code: str) -> None:
    run = at.session_state[keys.FORM_RUN]
    at.text_input(key=f"{keys.W_TYPE_CODE}_{run}").input(code)
    start = next(b for b in at.button if b.label in ("Start", "Empezar"))
    start.click().run()
    assert not at.exception


def answer(at: AppTest, item: str, value: int) -> None:
    at.button(key=f"{keys.W_ANSWER}_{item}_{value}").click().run()
    assert not at.exception


def headings(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def submit(at: AppTest) -> None:
    send = next(b for b in at.button if b.label in ("Send my answers", "Enviar mis respuestas"))
    send.click().run()
    assert not at.exception


def stored(url: str):
    return load_responses(connect(url), instrument="mutuality-checkin")


def test_kiosk_form_completed_is_stored_as_one_self_completed_administration(database):
    at = start_kiosk(app())
    assert "# Today's check-in" in headings(at)
    assert "Run a session" not in [t.value for t in at.title]
    begin(at, "M02")
    values = [4, 5, 3, 4, 2, 4, 5, 3, 2, 1]
    for number, (item, value) in enumerate(zip(ITEMS, values, strict=True), start=1):
        assert f"Question {number} of 10" in at.get("progress")[0].proto.text
        assert f"## {CHECKIN.item(item).text['en']}" in headings(at)
        answer(at, item, value)
    assert "# Check your answers" in headings(at)
    submit(at)
    assert "# Thank you!" in headings(at)

    long = stored(database.url)
    assert sorted(long["item"]) == sorted(ITEMS)
    assert set(long["member"]) == {"M02"}
    assert set(long["timepoint"]) == {"session-1"}
    assert set(long["mode"]) == {"self-completed"}
    assert set(long["group"]) == {GROUP} and set(long["program"]) == {PROGRAM}
    assert dict(zip(long["item"], long["value"], strict=True)) == dict(
        zip(ITEMS, map(float, values), strict=True)
    )

    # The kiosk starts again for the next person; M02 cannot answer twice.
    next(b for b in at.button if b.label == "Next person").click().run()
    assert "# Today's check-in" in headings(at)
    assert at.session_state[keys.FORM_ANSWERS] == {}
    begin(at, "M02")
    assert at.session_state[keys.FORM_NOTICE] == ("already_answered", {"code": "M02"})
    assert "# Today's check-in" in headings(at)


def test_skip_back_review_and_change_store_what_the_member_ended_with(database):
    at = start_kiosk(app())
    begin(at, "M01")
    answer(at, ITEMS[0], 5)
    at.button(key=f"{keys.W_SKIP}_{ITEMS[1]}").click().run()  # skip question 2
    answer(at, ITEMS[2], 2)
    at.button(key=f"{keys.W_BACK}_{ITEMS[3]}").click().run()  # back to question 3
    assert f"## {CHECKIN.item(ITEMS[2]).text['en']}" in headings(at)
    assert any(b.label == "**✓ 2 · A little (chosen)**" for b in at.button)
    answer(at, ITEMS[2], 3)  # changes question 3 from 2 to 3
    for item in ITEMS[3:]:
        at.button(key=f"{keys.W_SKIP}_{item}").click().run()
    assert "# Check your answers" in headings(at)
    review = "\n".join(headings(at))
    assert "**2. I was moved by what others shared.**  \n— Skipped" in review
    assert "**3. I could be myself here.**  \n3 · Some" in review

    at.button(key=f"{keys.W_CHANGE}_{ITEMS[1]}").click().run()  # change question 2
    assert f"## {CHECKIN.item(ITEMS[1]).text['en']}" in headings(at)
    answer(at, ITEMS[1], 4)
    assert "# Check your answers" in headings(at)  # straight back to the review
    submit(at)

    long = stored(database.url).set_index("item")
    assert long.loc[ITEMS[0], "value"] == 5
    assert long.loc[ITEMS[1], "value"] == 4
    assert long.loc[ITEMS[2], "value"] == 3
    # Skipped questions are kept as skipped (blank), not dropped.
    assert long.loc[ITEMS[3:], "value"].isna().all()
    assert len(long) == 10


def test_spanish_form_shows_spanish_words_and_labels(database):
    at = start_kiosk(app())
    at.radio(key=keys.W_LANGUAGE).set_value("es").run()
    assert "# Encuesta de hoy" in headings(at)
    begin(at, "M03")
    assert f"## {CHECKIN.item(ITEMS[0]).text['es']}" in headings(at)
    labels = [b.label for b in at.button]
    assert "**5 · Muchísimo**" in labels and "Saltar esta pregunta" in labels
    assert "Pregunta 1 de 10" in at.get("progress")[0].proto.text


def test_read_aloud_is_recorded_as_the_mode(database):
    at = start_kiosk(app())
    begin(at, "M04")
    # The button itself is browser JavaScript (tested in tests/e2e); its Python callback
    # sets this flag.
    at.session_state[keys.FORM_READ_ALOUD] = True
    for item in ITEMS:
        answer(at, item, 3)
    submit(at)
    assert set(stored(database.url)["mode"]) == {"read aloud"}


def test_a_code_that_already_answered_cannot_answer_again(database):
    at = start_kiosk(app())
    begin(at, "M01")
    for item in ITEMS:
        answer(at, item, 4)
    submit(at)
    next(b for b in at.button if b.label == "Next person").click().run()
    run = at.session_state[keys.FORM_RUN]
    at.text_input(key=f"{keys.W_TYPE_CODE}_{run}").input("M01")
    next(b for b in at.button if b.label == "Start").click().run()
    assert any("M01 has already answered" in w.value for w in at.warning)
    assert at.session_state[keys.FORM_PHASE] == "code"
    assert count_answered(connect(database.url), database.session_id, "mutuality-checkin") == 1


def test_an_unknown_typed_code_is_refused_with_what_to_do(database):
    at = start_kiosk(app())
    run = at.session_state[keys.FORM_RUN]
    at.text_input(key=f"{keys.W_TYPE_CODE}_{run}").input("ZZ99")
    next(b for b in at.button if b.label == "Start").click().run()
    assert any(
        "ZZ99 is not on this group's list. Check it with your facilitator" in w.value
        for w in at.warning
    )
    assert at.session_state[keys.FORM_PHASE] == "code"


def test_a_typed_code_matches_whatever_its_case_and_spaces(database):
    # Codes are stored as given (M03); members type them as they come: " m03 ".
    engine = connect(database.url)
    session = open_with_new_code(engine, database.session_id, new_join_code)
    at = phone(session.join_code)
    at.text_input(key=f"{keys.W_TYPE_CODE}_0").input(" m03 ")
    next(b for b in at.button if b.label == "Start").click().run()
    assert not at.warning, [w.value for w in at.warning]
    assert at.session_state[keys.FORM_MEMBER] == "M03"
    for item in ITEMS:
        answer(at, item, 3)
    submit(at)
    assert set(stored(database.url)["member"]) == {"M03"}


def test_leaving_the_kiosk_needs_the_pin(database):
    at = start_kiosk(app())
    # Nothing else is reachable: the kiosk's navigation registers the kiosk page alone.
    with pytest.raises(ValueError, match=r"Known pages: \['[^']*app_pages/kiosk.py'\]"):
        at.switch_page("app_pages/run_session.py")

    at.text_input(key=keys.W_KIOSK_LEAVE_PIN).input("1111")
    at.button(key="FormSubmitter:leave_kiosk-Leave kiosk mode").click().run()
    assert [e.value for e in at.error] == ["That PIN is not right."]
    assert at.session_state[keys.KIOSK_ACTIVE] is True
    assert at.session_state[keys.KIOSK_PIN_HASH] != PIN  # only a hash is kept
    assert PIN not in str(at.session_state[keys.KIOSK_PIN_HASH])

    at.text_input(key=keys.W_KIOSK_LEAVE_PIN).input(PIN)
    at.button(key="FormSubmitter:leave_kiosk-Leave kiosk mode").click().run()
    assert not at.exception
    assert at.session_state[keys.KIOSK_ACTIVE] is False
    assert at.session_state[keys.KIOSK_PIN_HASH] is None
    assert [t.value for t in at.title] == ["Run a session"]


def test_wrong_pins_lock_out_further_tries(database):
    at = start_kiosk(app())
    for _ in range(5):
        at.text_input(key=keys.W_KIOSK_LEAVE_PIN).input("0000")
        at.button(key="FormSubmitter:leave_kiosk-Leave kiosk mode").click().run()
    at.text_input(key=keys.W_KIOSK_LEAVE_PIN).input(PIN)  # right PIN, but locked out
    at.button(key="FormSubmitter:leave_kiosk-Leave kiosk mode").click().run()
    assert at.session_state[keys.KIOSK_ACTIVE] is True
    assert "Too many wrong PINs" in at.error[0].value


def test_a_pin_that_is_not_4_to_8_digits_does_not_start_the_kiosk(database):
    at = app()
    sign_in(at.session_state, database.url)
    at.run()
    at.switch_page("app_pages/run_session.py").run()
    at.radio(key=keys.W_COLLECT).set_value("Kiosk").run()
    at.text_input(key=keys.W_KIOSK_PIN).input("12a")
    at.button(key="FormSubmitter:start_kiosk-Start kiosk mode").click().run()
    assert at.session_state[keys.KIOSK_ACTIVE] is False
    assert "digits only" in at.error[0].value


def phone(code: str) -> AppTest:
    at = app()
    at.query_params["join"] = code
    return at.run()


def test_phone_link_shows_only_the_member_form_and_stores_answers(database):
    engine = connect(database.url)
    session = open_with_new_code(engine, database.session_id, new_join_code)
    at = phone(session.join_code)
    assert not at.exception
    assert "# Today's check-in" in headings(at)
    # A phone's navigation registers the member form alone: no staff page is reachable.
    with pytest.raises(ValueError, match=r"Known pages: \['[^']*app_pages/member_form.py'\]"):
        at.switch_page("app_pages/run_session.py")
    # The code screen lists no member's code: each member types their own.
    assert not at.selectbox
    shown = " ".join(
        str(e.value) for e in [*at.markdown, *at.caption, *at.text_input, *at.button]
    ) + " ".join(str(b.label) for b in at.button)
    assert not [code for code in MEMBERS if code in shown]

    begin(at, "M03")
    for item in ITEMS:
        answer(at, item, 2)
    submit(at)
    assert "# Thank you!" in headings(at)
    assert "### You can close this page now." in headings(at)
    assert count_answered(engine, database.session_id, "mutuality-checkin") == 1
    assert set(stored(database.url)["mode"]) == {"self-completed"}


def test_a_closed_sessions_code_is_refused(database):
    engine = connect(database.url)
    code = open_with_new_code(engine, database.session_id, new_join_code).join_code
    close_session(engine, database.session_id)
    assert not get_session(engine, database.session_id).is_open
    at = phone(code)
    assert not at.exception
    assert "This session is closed" in at.error[0].value
    assert not [b for b in at.button if b.label == "Start"]


def test_answers_are_not_stored_when_the_session_closes_while_a_member_answers(database):
    engine = connect(database.url)
    code = open_with_new_code(engine, database.session_id, new_join_code).join_code
    at = phone(code)
    begin(at, "M01")
    for item in ITEMS[:9]:
        answer(at, item, 4)
    close_session(engine, database.session_id)
    answer(at, ITEMS[9], 4)  # the next run finds the session closed
    assert "This session is closed" in at.error[0].value
    assert count_answered(engine, database.session_id, "mutuality-checkin") == 0


def test_an_unknown_code_is_refused_in_both_languages(database):
    at = phone("XXXXXX")
    assert "This session is closed or the session code is not right" in at.error[0].value
    at.radio(key=keys.W_LANGUAGE).set_value("es").run()
    assert "Esta sesión está cerrada" in at.error[0].value


def test_phones_are_told_to_wait_after_many_wrong_codes(database, monkeypatch):
    monkeypatch.setenv("MUTUALITY_JOIN_TRIES_ALL", "2")
    engine = connect(database.url)
    code = open_with_new_code(engine, database.session_id, new_join_code).join_code
    phone("AAAAAA")
    phone("BBBBBB")
    at = phone(code)  # even the right code waits until the guessing stops
    assert "Too many wrong codes were tried in the last few minutes. Wait 15" in at.error[0].value
    at.radio(key=keys.W_LANGUAGE).set_value("es").run()
    assert "Se probaron demasiados códigos incorrectos" in at.error[0].value


def test_the_kiosk_returns_to_its_own_language_for_the_next_person(database):
    at = start_kiosk(app())
    assert at.session_state[keys.KIOSK_LANGUAGE] == "en"
    # A member switches to Spanish and answers.
    at.radio(key=keys.W_LANGUAGE).set_value("es").run()
    assert "# Encuesta de hoy" in headings(at)
    begin(at, "M01")
    for item in ITEMS:
        answer(at, item, 3)
    submit(at)
    next(b for b in at.button if b.label in ("Next person", "Siguiente persona")).click().run()
    assert not at.exception
    # The next person finds the kiosk in its own language, English.
    assert "# Today's check-in" in headings(at)
    assert at.radio(key=keys.W_LANGUAGE).value == "en"
