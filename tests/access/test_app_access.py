"""Every page of the real app under every role, anonymous visitors included (AppTest).

A page a role may not open is not registered in the navigation at all, so it cannot be
reached (AppTest.switch_page refuses it, as the router refuses its URL). Pages a role may open
render without an exception. Signing in, first-run setup and the idle timeout are driven
through the real sign-in page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import idle
from access.accounts import StaffUser, add_user, create_first_administrator
from access.roles import PAGE_PERMISSIONS, may_see_page
from analysis.labels import column_word  # the page's worded headers
from sample_data.demo import load_demo
from store import audit
from store.db import connect, dispose
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
STAFF_PAGES = list(PAGE_PERMISSIONS)
ROLES = ["administrator", "facilitator", "evaluator"]
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """The demo program in a SQLite file of its own, with an administrator."""
    folder = tmp_path_factory.mktemp("access_demo")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        load_demo(url)
        create_first_administrator(connect(url), "admin", PASSWORD)
        yield url
    dispose(url)


def app(role: str | None = None, last_active: dt.datetime | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    if role is not None:
        now = dt.datetime.now(dt.UTC)
        user = StaffUser(f"test-{role}", role, None if role != "facilitator" else frozenset())
        session = idle.start(user, last_active or now)
        at.session_state[keys.STAFF_SESSION] = session
    return at


def _reachable(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(f"app_pages/{page}.py")
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("role", [None, *ROLES])
def test_navigation_offers_exactly_the_pages_the_role_may_open(demo_url, role):
    at = app(role).run()
    assert not at.exception, [e.value for e in at.exception]
    reachable = {page for page in STAFF_PAGES if _reachable(at, page)}
    expected = {page for page in STAFF_PAGES if may_see_page(role, page)}
    assert reachable == expected
    if role is None:
        assert reachable == set()
        assert [s.value for s in at.subheader] == ["Staff sign-in"]
    else:
        assert not _reachable(at, "sign_in")


ALLOWED = [(role, page) for role in ROLES for page in STAFF_PAGES if may_see_page(role, page)]


@pytest.mark.parametrize(("role", "page"), ALLOWED)
def test_every_allowed_page_renders(demo_url, role, page):
    at = app(role).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"
    assert [s.value for s in at.subheader] != ["Staff sign-in"]


def test_a_member_phone_never_reaches_staff_pages_even_when_signed_in_elsewhere(demo_url):
    at = app("administrator")
    at.query_params["join"] = "NOSUCH"
    at.run()
    assert not at.exception
    assert not any(_reachable(at, page) for page in STAFF_PAGES)


def test_signing_in_through_the_page_opens_home_and_is_audited(demo_url):
    at = app().run()
    at.text_input(key=keys.W_SIGN_IN_USER).input("admin")
    at.text_input(key=keys.W_SIGN_IN_PASSWORD).input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[keys.STAFF_SESSION].user.role == "administrator"
    assert _reachable(at, "audit_log")
    assert audit.load_audit(connect(demo_url), action=audit.SIGN_IN)["who"].iloc[0] == "admin"


def test_a_wrong_password_shows_one_message_and_stays_on_sign_in(demo_url):
    at = app().run()
    at.text_input(key=keys.W_SIGN_IN_USER).input("admin")
    at.text_input(key=keys.W_SIGN_IN_PASSWORD).input("not the password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong username or password."]
    assert at.session_state[keys.STAFF_SESSION] is None


def test_idle_session_is_signed_out_with_a_notice(demo_url):
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    at = app("administrator", last_active=stale).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Staff sign-in"]
    assert "signed out after 30 minutes" in at.info[0].value
    assert not _reachable(at, "home")


def test_audit_log_page_lists_entries_for_administrators(demo_url):
    add_user(connect(demo_url), "eva", "evaluator passphrase", "evaluator", by="admin")
    at = app("administrator").run()
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert audit.USER_ADDED in set(shown[column_word("action")])


def test_audit_log_page_filters_by_action(demo_url):
    add_user(connect(demo_url), "flo", "facilitator passphrase", "facilitator", by="admin")
    at = app("administrator").run()
    at.switch_page("app_pages/audit_log.py").run()
    assert len(set(at.dataframe[0].value[column_word("action")])) > 1  # unfiltered: several
    assert at.multiselect(key=keys.W_AUDIT_ACTIONS).options == list(audit.ACTIONS)
    at.multiselect(key=keys.W_AUDIT_ACTIONS).set_value([audit.USER_ADDED]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown[column_word("action")]) == {audit.USER_ADDED}
    assert len(shown) == len(audit.load_audit(connect(demo_url), action=audit.USER_ADDED))


def test_first_run_asks_for_an_administrator(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=240).run()
    assert [s.value for s in at.subheader] == ["Create the administrator"]
    at.text_input(key=keys.W_SETUP_USER).input("chief")
    at.text_input(key=keys.W_SETUP_PASSWORD).input("short")
    at.text_input(key=keys.W_SETUP_REPEAT).input("short")
    at.button[0].click().run()
    assert "use at least 12" in at.error[0].value
    at.text_input(key=keys.W_SETUP_PASSWORD).input(PASSWORD)
    at.text_input(key=keys.W_SETUP_REPEAT).input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[keys.STAFF_SESSION].user.username == "chief"
    assert _reachable(at, "settings")
    dispose(url)


def test_every_page_a_staff_member_opens_is_audited_once_per_sign_in(demo_url):
    def signed_in() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=240)
        user = StaffUser("viewing-evaluator", "evaluator", None)
        at.session_state[keys.STAFF_SESSION] = idle.start(user, dt.datetime.now(dt.UTC))
        return at.run()

    def pages_viewed() -> list[str]:
        views = audit.load_audit(connect(demo_url), action=audit.VIEW)
        return sorted(d["page"] for d in views.loc[views["who"] == "viewing-evaluator", "detail"])

    at = signed_in()  # Home
    at.switch_page("app_pages/groups.py").run()
    at.run()  # a rerun of the same page (any click) adds nothing
    at.switch_page("app_pages/change.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert pages_viewed() == ["change", "groups", "home"]
    signed_in()  # a new sign-in opening Home is a new access
    assert pages_viewed() == ["change", "groups", "home", "home"]
