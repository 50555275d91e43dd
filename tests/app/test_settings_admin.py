"""Settings' administrator screens against a real SQLite database (AppTest).

Staff users: add one with a role and groups, reset a password, deactivate; withdrawing a
member with a confirm step. Each action goes through access.accounts / store.withdrawal and
leaves its audit event, naming the administrator who did it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from access.accounts import SignInError
from store import audit
from store.accounts import get_staff, linked_group_ids
from store.db import connect
from store.responses import load_responses
from store.roster import list_groups, list_members
from tests.app.session_seed import (
    FACILITATOR,
    FACILITATOR_PASSWORD,
    GROUP,
    PROGRAM,
    forget,
    seed_database,
)
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ADMIN, ADMIN_PASSWORD = "chief", "lantern orchard kettle"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def url(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    accounts.add_user(connect(seeded.url), ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
    yield seeded.url
    forget(seeded.url)


def settings(url: str, username: str = ADMIN, password: str = ADMIN_PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    user = accounts.sign_in(connect(url), username, password)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    at.run()
    at.switch_page("app_pages/settings.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def last_event(url: str, action: str):
    return audit.load_audit(connect(url), action=action).iloc[0]


def test_an_administrator_adds_a_facilitator_linked_to_a_group(url):
    at = settings(url)
    group_id = int(list_groups(connect(url)).set_index("name").loc[GROUP, "id"])
    at.text_input(key=keys.W_STAFF_NEW_USER).input("newfacilitator")
    at.selectbox(key=keys.W_STAFF_NEW_ROLE).set_value("facilitator")
    at.multiselect(key=keys.W_STAFF_NEW_GROUPS).select(group_id)
    at.text_input(key=keys.W_STAFF_NEW_PASSWORD).input(NEW_PASSWORD)
    at.text_input(key=keys.W_STAFF_NEW_REPEAT).input(NEW_PASSWORD)
    press(at, "Add the user")
    assert "Added newfacilitator (facilitator)." in [s.value for s in at.success]
    engine = connect(url)
    assert get_staff(engine, "newfacilitator").role == "facilitator"
    assert linked_group_ids(engine, "newfacilitator") == {group_id}
    event = last_event(url, audit.USER_ADDED)
    assert event["who"] == ADMIN
    assert event["detail"] == {
        "username": "newfacilitator",
        "role": "facilitator",
        "groups": [group_id],
    }
    assert accounts.sign_in(engine, "newfacilitator", NEW_PASSWORD).group_ids == {group_id}


def test_a_refused_new_user_is_explained_and_not_added(url):
    at = settings(url)
    at.text_input(key=keys.W_STAFF_NEW_USER).input("shorty")
    at.selectbox(key=keys.W_STAFF_NEW_ROLE).set_value("evaluator")
    at.text_input(key=keys.W_STAFF_NEW_PASSWORD).input("short")
    at.text_input(key=keys.W_STAFF_NEW_REPEAT).input("short")
    press(at, "Add the user")
    assert "use at least 12" in at.error[0].value
    assert get_staff(connect(url), "shorty") is None


def test_an_administrator_resets_a_password(url):
    at = settings(url)
    at.selectbox(key=keys.W_STAFF_RESET_USER).set_value(FACILITATOR)
    at.text_input(key=keys.W_STAFF_RESET_PASSWORD).input(NEW_PASSWORD)
    at.text_input(key=keys.W_STAFF_RESET_REPEAT).input(NEW_PASSWORD)
    press(at, "Reset the password")
    assert f"New password set for {FACILITATOR}." in [s.value for s in at.success]
    engine = connect(url)
    with pytest.raises(SignInError):
        accounts.sign_in(engine, FACILITATOR, FACILITATOR_PASSWORD)
    assert accounts.sign_in(engine, FACILITATOR, NEW_PASSWORD).role == "facilitator"
    event = last_event(url, audit.PASSWORD_RESET)
    assert (event["who"], event["detail"]) == (ADMIN, {"username": FACILITATOR})


def test_a_deactivated_user_cannot_sign_in_and_is_signed_out(url):
    engine = connect(url)
    # The facilitator is signed in at another browser when the administrator acts.
    elsewhere = AppTest.from_file(APP, default_timeout=60)
    user = accounts.sign_in(engine, FACILITATOR, FACILITATOR_PASSWORD)
    browser.remember_sign_in(elsewhere.session_state, keys.STAFF_SESSION, user)
    elsewhere.run()
    assert elsewhere.session_state[keys.STAFF_SESSION] is not None

    at = settings(url)
    at.selectbox(key=keys.W_STAFF_DEACTIVATE_USER).set_value(FACILITATOR)
    press(at, "Deactivate")
    assert f"{FACILITATOR} can no longer sign in." in [s.value for s in at.success]
    assert not get_staff(engine, FACILITATOR).active
    with pytest.raises(SignInError):
        accounts.sign_in(engine, FACILITATOR, FACILITATOR_PASSWORD)
    event = last_event(url, audit.USER_CHANGED)
    assert (event["who"], event["detail"]) == (ADMIN, {"username": FACILITATOR, "active": False})

    elsewhere.run()
    assert elsewhere.session_state[keys.STAFF_SESSION] is None
    assert [s.value for s in elsewhere.subheader] == ["Staff sign-in"]


def test_an_administrator_cannot_deactivate_themselves(url):
    at = settings(url)
    at.selectbox(key=keys.W_STAFF_DEACTIVATE_USER).set_value(ADMIN)
    press(at, "Deactivate")
    assert "cannot deactivate your own account" in at.error[0].value
    assert get_staff(connect(url), ADMIN).active


def test_withdrawing_a_member_asks_first_then_deletes_and_is_audited(url):
    engine = connect(url)
    from store.administrations import save_administration
    from tests.access.seed import checkin

    save_administration(engine, checkin("M01", GROUP, PROGRAM, "pre", None, (1, 2, 3)))
    at = settings(url)
    at.selectbox(key=keys.W_WITHDRAW_MEMBER).set_value("M01").run()
    press(at, "Withdraw this member…")
    assert "member **M01**" in at.warning[0].value
    assert "M01" in list_members(engine)["code"].tolist()  # nothing deleted yet
    press(at, "Cancel")
    assert "M01" in list_members(engine)["code"].tolist()
    assert audit.load_audit(engine, action=audit.WITHDRAWAL).empty

    at.selectbox(key=keys.W_WITHDRAW_MEMBER).set_value("M01").run()
    press(at, "Withdraw this member…")
    press(at, "Yes, withdraw and delete")
    assert "M01" not in list_members(engine)["code"].tolist()
    assert "M01" not in load_responses(engine)["member"].tolist()
    assert any("Member M01 withdrawn" in s.value for s in at.success)
    event = last_event(url, audit.WITHDRAWAL)
    assert event["who"] == ADMIN
    assert event["detail"]["administrations"] == 1 and "M01" not in str(event["detail"])


def test_the_last_active_administrator_cannot_be_deactivated(url):
    engine = connect(url)
    with pytest.raises(ValueError, match="last active administrator"):
        accounts.deactivate_user(engine, ADMIN, by="someone-else")
    accounts.add_user(engine, "deputy", NEW_PASSWORD, "administrator", by=ADMIN)
    accounts.deactivate_user(engine, ADMIN, by="deputy")
    assert not get_staff(engine, ADMIN).active


def test_a_backup_download_is_audited(url):
    """The backup holds every code and answer, unencrypted: its download leaves a trace."""
    at = settings(url)
    press(at, "Prepare a backup")
    backup = at.session_state[keys.BACKUP_PREPARED]
    assert backup[:16] == b"SQLite format 3\x00"
    assert not len(audit.load_audit(connect(url), action=audit.BACKUP))  # prepared: no copy yet
    at.download_button(key="download_backup").click().run()
    assert not at.exception, [e.value for e in at.exception]
    events = audit.load_audit(connect(url), action=audit.BACKUP)
    assert events["who"].tolist() == [ADMIN]
    assert events["detail"].tolist() == [{"file": "mutuality-backup.sqlite", "page": "app"}]
    assert at.session_state[keys.BACKUP_PREPARED] is None  # the next download is a new backup
