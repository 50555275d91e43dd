"""The pieces behind the member form: strings in both languages, session codes, the kiosk
PIN and lock, and the router's choice of pages."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from ui import access, kiosk_lock
from ui import state as keys
from ui.room import JOIN_CODE_ALPHABET, join_url, new_join_code, normalise_join_code, qr_png
from ui.strings import STRINGS, text

ROOT = Path(__file__).resolve().parents[2]


def test_no_pages_folder_next_to_app_py():
    # Streamlit runs files in a `pages` folder directly by URL, bypassing the router (see
    # app.py): a phone could open a staff page. Pages live in app_pages/.
    assert not list((ROOT / "pages").glob("*.py"))


def test_every_member_facing_string_exists_in_english_and_spanish_with_the_same_blanks():
    assert set(STRINGS["en"]) == set(STRINGS["es"])
    for key, english in STRINGS["en"].items():
        spanish = STRINGS["es"][key]
        assert spanish.strip(), key
        fields = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        assert fields == {n for _, n, _, _ in string.Formatter().parse(spanish) if n}, key
    assert text("question_of", "es", number=2, total=10) == "Pregunta 2 de 10"
    assert text("start", "xx") == "Start"  # an unknown language falls back to English


def test_session_codes_are_short_unambiguous_and_random():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(f"[{JOIN_CODE_ALPHABET}]{{6}}", code)
    assert not set("01OIL25SZ8BUV") & set(JOIN_CODE_ALPHABET)
    assert normalise_join_code(" k7m-q3x ") == "K7MQ3X"
    assert join_url("K7MQ3X", "192.168.1.20", 8501) == "http://192.168.1.20:8501/?join=K7MQ3X"
    assert qr_png("http://192.168.1.20:8501/?join=K7MQ3X").startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("pin", "message"),
    [("", "Choose a PIN"), ("12a4", "digits only"), ("123", "3 digits"), ("123456789", "9")],
)
def test_unusable_pins_are_refused_with_what_to_do(pin, message):
    with pytest.raises(kiosk_lock.PinError, match=message):
        kiosk_lock.hash_pin(pin)


def test_only_a_hash_of_the_pin_is_kept_and_it_checks_the_pin():
    pin_hash = kiosk_lock.hash_pin("80412")
    assert "80412" not in pin_hash and pin_hash.startswith("$argon2")
    assert kiosk_lock.pin_matches(pin_hash, "80412")
    assert not kiosk_lock.pin_matches(pin_hash, "80413")
    assert not kiosk_lock.pin_matches(None, "80412")


def test_a_reloaded_kiosk_page_stays_locked_until_the_pin_is_given():
    pin_hash = kiosk_lock.hash_pin("2468")
    token = kiosk_lock.lock(pin_hash, session_id=7)
    fresh: dict = {}
    keys.init_state(fresh)  # a browser reload: empty session state, token still in the URL
    assert access.resolve_mode({kiosk_lock.KIOSK_PARAMETER: token}, fresh) == access.KIOSK
    assert fresh[keys.KIOSK_SESSION_ID] == 7 and fresh[keys.KIOSK_PIN_HASH] == pin_hash
    # The kiosk wins over a session link typed into its address bar.
    assert access.resolve_mode({"join": "ABCDEF"}, fresh) == access.KIOSK
    assert access.try_leave_kiosk(fresh, "2468", now=1000.0) == (True, None)
    assert kiosk_lock.find(token) is None
    again: dict = {}
    keys.init_state(again)
    assert access.resolve_mode({kiosk_lock.KIOSK_PARAMETER: token}, again) == access.STAFF


def test_router_modes():
    state: dict = {}
    keys.init_state(state)
    assert access.resolve_mode({}, state) == access.STAFF
    assert access.resolve_mode({"join": "K7MQ3X"}, state) == access.MEMBER
    assert access.resolve_mode({kiosk_lock.KIOSK_PARAMETER: "unknown"}, state) == access.STAFF


def test_lockout_after_five_wrong_pins_lasts_a_minute():
    state: dict = {}
    keys.init_state(state)
    state[keys.KIOSK_ACTIVE] = True
    state[keys.KIOSK_PIN_HASH] = kiosk_lock.hash_pin("2468")
    for second in range(5):
        assert access.try_leave_kiosk(state, "0000", now=100.0 + second) == (False, "pin_wrong")
    assert access.try_leave_kiosk(state, "2468", now=110.0) == (False, "pin_locked")
    assert access.lockout_remaining(state, now=110.0) == 54
    assert access.try_leave_kiosk(state, "2468", now=165.0) == (True, None)


def test_a_double_tap_answers_one_question_not_two():
    from ui.member_form import _answer, _skip

    state: dict = {}
    keys.init_state(state)
    state[keys.FORM_PHASE] = "question"
    _answer(state, 0, "mutualitycheckin_1", 3.0, False)
    _answer(state, 0, "mutualitycheckin_1", 3.0, False)  # the same button, tapped again
    _skip(state, 0, "mutualitycheckin_1", False)  # a stale skip of question 1
    assert state[keys.FORM_STEP] == 1
    assert state[keys.FORM_ANSWERS] == {"mutualitycheckin_1": 3.0}
