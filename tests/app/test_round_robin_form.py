"""Members rate their connection with each other after the check-in, on phones (issue 15).

A real SQLite database and the real app: the facilitator switches the session's round robin
on; a member answers the check-in in Spanish, chooses the name the others will see, rates two
members present by their chosen names (never their codes) and skips one; the ratings are
stored, and the facilitator's Run a session shows the session's connections.
"""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from store.connections import session_ratings, set_display_name
from store.db import connect
from store.sessions import open_with_new_code, record_attendance
from tests.app.session_seed import GROUP, MEMBERS, PROGRAM, forget, seed_database, sign_in
from tests.app.test_member_form import APP, ITEMS, answer, begin, headings, submit
from ui import state as keys
from ui.room import new_join_code


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    engine = connect(seeded.url)
    record_attendance(engine, GROUP, 1, {code: True for code in MEMBERS}, program=PROGRAM)
    for code, name in zip(MEMBERS[1:], ["Sam", "Bo", "Lu"], strict=False):
        set_display_name(engine, code, name, may_be_rated=name != "Lu")
    yield seeded
    forget(seeded.url)


def facilitator() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in(at.session_state, os.environ["DATABASE_URL"])
    at.run()
    at.switch_page("app_pages/run_session.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_member_rates_the_others_by_their_chosen_names(database):
    staff = facilitator()
    staff.toggle(key=f"w_round_robin_{database.session_id}").set_value(True).run()
    assert "Connections today" in [e.label for e in staff.expander]

    engine = connect(database.url)
    session = open_with_new_code(engine, database.session_id, new_join_code)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["join"] = session.join_code
    at.session_state[keys.FORM_LANGUAGE] = "es"
    at.run()
    begin(at, MEMBERS[0])
    for item in ITEMS:
        answer(at, item, 4)
    submit(at)
    assert "# Tu nombre para el grupo" in headings(at)
    at.text_input(key=f"w_rr_name_{at.session_state[keys.FORM_RUN]}").input("Ana")
    next(b for b in at.button if b.label == "Guardar mi nombre").click().run()
    assert "# Hoy, ¿qué tan conectado o conectada te sentiste con cada persona?" in headings(at)
    shown = [r.label for r in at.radio if r.key and r.key.startswith("w_rr_")]
    # By chosen names only, never codes; Lu declined to be rated.
    assert shown == ["**Bo**", "**Sam**"]
    assert not [code for code in MEMBERS if any(code in label for label in shown)]
    at.radio(key=f"w_rr_0_{at.session_state[keys.FORM_RUN]}").set_value(5).run()
    next(b for b in at.button if b.label == "Enviar").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "# ¡Gracias!" in headings(at)
    ratings = session_ratings(engine)
    # Bo is MEMBERS[2]; Sam, skipped, has no rating.
    assert list(
        zip(ratings["perceiver"], ratings["target"], ratings["connection"], strict=True)
    ) == [(MEMBERS[0], MEMBERS[2], 5.0)]
    staff = facilitator()
    assert any("1 member(s) have rated" in i.value for i in staff.info)


def test_run_a_session_offers_a_paper_round_robin_of_the_members_present(database):
    staff = facilitator()
    staff.radio(key=keys.W_COLLECT).set_value("Paper").run()
    assert not staff.exception, [e.value for e in staff.exception]
    assert "Round robin on paper" in [e.label for e in staff.expander]
    grid = next(d.value for d in staff.dataframe if "rater" in d.value.columns)
    assert list(grid["rater"]) == list(MEMBERS)
