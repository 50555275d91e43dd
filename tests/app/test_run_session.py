"""The "Run a session" page against a real SQLite database: choosing and creating sessions,
attendance, members added on the spot, opening and ending a session for phones, the live
count, and paper forms (a refused value stores nothing).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from measures import load_instrument
from services.sessions import build_administration
from store import audit
from store.administrations import save_administration
from store.db import connect
from store.responses import load_responses
from store.roster import list_members
from store.sessions import (
    find_open_session,
    get_session,
    group_sessions,
    load_attendance,
    record_attendance,
)
from tests.app.session_seed import (
    FACILITATOR,
    GROUP,
    MEMBERS,
    PROGRAM,
    forget,
    seed_database,
    sign_in,
)
from ui import state as keys
from ui.room import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHECKIN = load_instrument("mutuality-checkin")
ITEMS = CHECKIN.item_ids


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    yield seeded
    forget(seeded.url)


def run_session_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in(at.session_state, os.environ["DATABASE_URL"])
    at.run()
    at.switch_page("app_pages/run_session.py").run()
    assert not at.exception
    return at


def end_session(at: AppTest) -> None:
    """Press End session, then confirm it."""
    next(b for b in at.button if b.label == "End session").click().run()
    next(b for b in at.button if b.label == "Yes, end the session").click().run()


def test_a_session_with_answers_never_ended_is_not_called_ended(database):
    """Attendance recorded at the kiosk: the session took place but nobody ended it."""
    record_attendance(connect(database.url), GROUP, 1, {"M01": True}, program=PROGRAM)
    at = run_session_page()
    group_id = at.session_state[keys.RUN_GROUP_ID]
    label = at.selectbox(key=f"{keys.W_SESSION}_{group_id}").options[0]
    assert label == "Session 1 · 2025-03-04 · took place"


def test_a_laptop_only_server_shows_no_qr_code_and_says_how_to_start_room_mode(database):
    from streamlit import config

    at = run_session_page()

    before = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    try:
        at.radio(key=keys.W_COLLECT).set_value("Phones").run()
        assert not at.exception
        assert len(at.image) == 0
        assert not [b for b in at.button if b.label == "Open for phones"]
        warning = " ".join(w.value for w in at.warning)
        assert "make run-room" in warning and "this laptop only" in warning
    finally:
        config.set_option("server.address", before)


def test_page_shows_the_group_session_roster_and_the_three_ways_to_answer(database):
    at = run_session_page()
    assert [t.value for t in at.title] == ["Run a session"]
    assert at.selectbox(key=keys.W_GROUP).value is not None
    assert "Recovery program · Tuesday circle" in at.selectbox(key=keys.W_GROUP).options
    group_id = at.session_state[keys.RUN_GROUP_ID]
    assert at.selectbox(key=f"{keys.W_SESSION}_{group_id}").options == [
        "Session 1 · 2025-03-04 · not started",
        "New session…",
    ]
    assert [c.label for c in at.checkbox] == list(MEMBERS)
    assert at.radio(key=keys.W_COLLECT).options == ["Kiosk", "Phones", "Paper"]
    assert at.metric[0].value == "0 of 4"


def test_attendance_is_saved_and_shown_again(database):
    at = run_session_page()
    for code in ("M01", "M03"):
        at.checkbox(key=f"{keys.W_ATTENDANCE}_{database.session_id}_{code}").check()
    at.button(key=f"FormSubmitter:attendance_{database.session_id}-Save attendance").click().run()
    assert "Attendance saved: 2 present, 2 absent." in at.success[0].value
    table = load_attendance(connect(database.url), group=GROUP)
    assert table[1].to_dict() == {
        (GROUP, "M01"): True,
        (GROUP, "M02"): False,
        (GROUP, "M03"): True,
        (GROUP, "M04"): False,
    }
    # The live count now expects the two present members.
    assert at.metric[0].value == "0 of 2"
    fresh = run_session_page()
    ticked = [c.label for c in fresh.checkbox if c.value]
    assert ticked == ["M01", "M03"]


def test_a_member_code_added_on_the_spot_joins_the_group_and_is_present(database):
    at = run_session_page()
    at.text_input(key=keys.W_NEW_MEMBER).input("M21")
    at.button(key=f"FormSubmitter:new_member_{database.session_id}-Add and mark present").click()
    at.run()
    assert not at.exception
    members = list_members(connect(database.url), group=GROUP)
    assert "M21" in set(members["code"])
    assert "M21" in [c.label for c in at.checkbox if c.value]


def test_a_facilitator_sees_only_their_group_and_another_groups_code_is_refused(database):
    engine = connect(database.url)
    from store.roster import create_member

    create_member(engine, "X9", group="Thursday circle", program=PROGRAM)
    at = run_session_page()
    # The facilitator is linked to Tuesday circle only, so Thursday circle is not offered.
    assert at.selectbox(key=keys.W_GROUP).options == [f"{PROGRAM} · {GROUP}"]
    at.text_input(key=keys.W_NEW_MEMBER).input("X9")
    at.button(key=f"FormSubmitter:new_member_{database.session_id}-Add and mark present").click()
    at.run()
    assert "member X9 belongs to group 'Thursday circle" in at.error[0].value
    assert "X9" not in set(list_members(engine, group=GROUP)["code"])


def test_the_next_session_is_created_with_its_date(database):
    at = run_session_page()
    group_id = at.session_state[keys.RUN_GROUP_ID]
    at.selectbox(key=f"{keys.W_SESSION}_{group_id}").set_value(-1).run()  # New session…
    import datetime as dt

    at.date_input(key=keys.W_NEW_SESSION_DATE).set_value(dt.date(2025, 3, 11)).run()
    next(b for b in at.button if b.label == "Create session 2").click().run()
    assert not at.exception
    sessions = group_sessions(connect(database.url), group_id)
    assert [(s.number, s.date) for s in sessions] == [
        (1, dt.date(2025, 3, 4)),
        (2, dt.date(2025, 3, 11)),
    ]
    assert at.selectbox(key=f"{keys.W_SESSION}_{group_id}").value == sessions[1].id
    assert at.header[1].value == "Check-in for session 2"


def test_phones_open_with_a_short_code_and_end_session_closes_the_link(database):
    at = run_session_page()
    at.radio(key=keys.W_COLLECT).set_value("Phones").run()
    next(b for b in at.button if b.label == "Open for phones").click().run()
    assert not at.exception
    engine = connect(database.url)
    session = get_session(engine, database.session_id)
    code = session.join_code
    assert session.is_open
    assert len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)
    assert f"# {code}" in [m.value for m in at.markdown]
    assert at.code[0].value.endswith(f"/?join={code}")
    assert len(at.image) == 1  # the QR code
    assert find_open_session(engine, code) is not None

    next(b for b in at.button if b.label == "End session").click().run()
    # Nothing ends before the facilitator confirms.
    assert get_session(engine, database.session_id).is_open
    assert any("End session 1?" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Keep it open").click().run()
    assert get_session(engine, database.session_id).is_open
    end_session(at)
    assert [s.value for s in at.success] == [
        "Session 1 has ended: its code no longer works. Answers sent before it ended are kept."
    ]
    assert not get_session(engine, database.session_id).is_open
    assert find_open_session(engine, code) is None
    assert next(b for b in at.button if b.label == "Open for phones")


def test_the_session_label_follows_opening_and_ending_without_a_state_warning(database):
    from streamlit.elements.lib import policies

    warnings = []
    handler = logging.Handler()
    handler.emit = lambda record: warnings.append(record.getMessage())
    logger = logging.getLogger(policies.__name__)
    logger.addHandler(handler)
    try:
        policies._shown_default_value_warning = False  # Streamlit warns once per process
        at = run_session_page()
        group_id = at.session_state[keys.RUN_GROUP_ID]
        session_box = f"{keys.W_SESSION}_{group_id}"
        # A new session (set through session state by its button) must not warn either.
        at.selectbox(key=session_box).set_value(-1).run()
        next(b for b in at.button if b.label == "Create session 2").click().run()
        at.selectbox(key=session_box).set_value(database.session_id).run()
        at.radio(key=keys.W_COLLECT).set_value("Phones").run()

        def shown() -> str | None:
            # The browser keeps displaying the label it last received as the value; only a
            # value sent with this run (set_value) replaces it with the current label.
            box = at.selectbox(key=session_box)
            return box.proto.raw_value if box.proto.set_value else None

        assert shown() == "Session 1 · 2025-03-04 · not started"
        next(b for b in at.button if b.label == "Open for phones").click().run()
        assert shown() == "Session 1 · 2025-03-04 · open for phones"
        # Attendance, then ending the session: it has been held, so it reads "ended".
        record_attendance(connect(database.url), GROUP, 1, {"M01": True}, program=PROGRAM)
        end_session(at)
        assert shown() == "Session 1 · 2025-03-04 · ended"
        assert at.selectbox(key=session_box).options[1].endswith("· not started")
    finally:
        logger.removeHandler(handler)
    assert not [w for w in warnings if "default value" in w], warnings


def test_a_session_ended_with_nothing_recorded_does_not_read_not_started(database):
    at = run_session_page()
    group_id = at.session_state[keys.RUN_GROUP_ID]
    at.radio(key=keys.W_COLLECT).set_value("Phones").run()
    next(b for b in at.button if b.label == "Open for phones").click().run()
    end_session(at)
    assert not at.exception
    assert at.selectbox(key=f"{keys.W_SESSION}_{group_id}").options[0] == (
        "Session 1 · 2025-03-04 · ended, nothing recorded"
    )
    # The label comes from the database, so a fresh page shows it too.
    fresh = run_session_page().selectbox(key=f"{keys.W_SESSION}_{group_id}")
    assert fresh.options[0].endswith("· ended, nothing recorded")


def test_live_count_shows_who_has_answered(database):
    engine = connect(database.url)
    session = get_session(engine, database.session_id)
    save_administration(
        engine,
        build_administration(
            member="M02",
            instrument=CHECKIN,
            session=session,
            answers=dict.fromkeys(ITEMS, 3.0),
            mode="self-completed",
        ),
    )
    at = run_session_page()
    assert at.metric[0].value == "1 of 4"
    captions = [c.value for c in at.caption]
    assert "Answered: M02" in captions and "Not yet: M01, M03, M04" in captions


def paper_page(database) -> tuple[AppTest, str]:
    at = run_session_page()
    at.radio(key=keys.W_COLLECT).set_value("Paper").run()
    return at, f"{keys.W_PAPER_GRID}_{database.session_id}_0"


def test_paper_grid_with_a_refused_value_stores_nothing(database):
    at, grid = paper_page(database)
    good = {item: "4" for item in ITEMS}
    at.session_state[grid] = {
        "edited_rows": {0: good, 1: {**good, ITEMS[2]: "7"}, 2: {**good, ITEMS[4]: "x"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == "Save paper forms").click().run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("Nothing was saved.")
    assert "member M02, question 3: '7' is not one of the answers 1, 2, ... 5" in message
    assert "member M03, question 5: 'x' is not a number" in message
    assert load_responses(connect(database.url)).empty


def test_paper_grid_stores_staff_entered_forms_and_skips_blank_rows(database):
    at, grid = paper_page(database)
    at.session_state[grid] = {
        "edited_rows": {
            0: {item: str(n % 5 + 1) for n, item in enumerate(ITEMS)},
            2: {ITEMS[0]: "2", ITEMS[1]: " 3 "},  # the rest skipped
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == "Save paper forms").click().run()
    assert not at.exception
    assert not at.error, at.error[0].value if at.error else ""
    assert "Stored 2 paper form(s) as staff-entered" in at.success[0].value
    long = load_responses(connect(database.url))
    assert set(long["member"]) == {"M01", "M03"}  # M02 and M04 left blank: no form
    assert set(long["mode"]) == {"staff-entered"}
    assert set(long["timepoint"]) == {"session-1"}
    m03 = long[long["member"] == "M03"].set_index("item")["value"]
    assert m03[ITEMS[0]] == 2 and m03[ITEMS[1]] == 3 and m03[ITEMS[2:]].isna().all()
    # Members who have answered leave the grid.
    assert at.data_editor[0].value["member"].tolist() == ["M02", "M04"]
    # Each form names the staff member who typed it in, and so does the audit trail.
    engine = connect(database.url)
    with engine.connect() as connection:
        typists = connection.execute(sa.text("SELECT DISTINCT entered_by FROM administrations"))
        assert typists.scalars().all() == [FACILITATOR]
    saved = audit.load_audit(engine, action="save administrations").iloc[0]
    assert saved["who"] == FACILITATOR and saved["detail"]["source"] == "paper forms"


def test_saving_the_last_outstanding_forms_confirms_them_and_the_grid_starts_blank(database):
    at, grid = paper_page(database)
    editor = at.data_editor[0].value
    # Blank cells are empty text (shown blank), never None (shown as "None").
    assert (editor.drop(columns="member") == "").all().all()
    at.session_state[grid] = {
        "edited_rows": {row: {item: "3" for item in ITEMS} for row in range(len(MEMBERS))},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == "Save paper forms").click().run()
    assert not at.exception
    assert "Stored 4 paper form(s) as staff-entered" in at.success[0].value
    assert "Everyone present has answered" in at.info[0].value
    at.run()  # the confirmation is shown once
    assert not at.success


def test_an_expired_phone_code_is_not_shown_and_a_new_one_is_offered(database):
    import datetime as dt

    import sqlalchemy as sa

    from access.join_codes import check_join_code, session_code_expired
    from store.schema import sessions

    at = run_session_page()
    at.radio(key=keys.W_COLLECT).set_value("Phones").run()
    next(b for b in at.button if b.label == "Open for phones").click().run()
    engine = connect(database.url)
    old = get_session(engine, database.session_id).join_code
    # The code was issued 13 hours ago (lifetime 12 hours, MUTUALITY_JOIN_CODE_HOURS).
    with engine.begin() as connection:
        connection.execute(
            sa.update(sessions)
            .where(sessions.c.id == database.session_id)
            .values(opened_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=13))
        )
    assert session_code_expired(engine, old)
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown] + [c.value for c in at.code]
    assert not any(old in text for text in shown if f"{old} has expired" not in text)
    assert len(at.image) == 0  # no QR code of a dead link
    assert f"The session code {old} has expired" in at.warning[0].value

    next(b for b in at.button if b.label == "Give a new code").click().run()
    assert not at.exception
    new = get_session(engine, database.session_id).join_code
    assert new != old and not session_code_expired(engine, new)
    assert f"# {new}" in [m.value for m in at.markdown]
    assert len(at.image) == 1
    assert check_join_code(engine, new, "phone-1").session.id == database.session_id
    assert check_join_code(engine, old, "phone-1").session is None
