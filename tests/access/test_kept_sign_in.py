"""A sign-in kept across reloads (access.kept_sign_in, access.browser) on a real database:
the handoff works once and only while fresh, only hashes are stored, the cookie resumes the
sign-in, and sign-out, the idle timeout and deactivation end it. The clock is injected."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from access import accounts, browser, kept_sign_in
from access.policy import Policy
from store.schema import staff_sessions

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
POLICY = Policy(idle_minutes=30)
PASSWORD = "kettle lantern orchard"


def _signed_in(engine) -> tuple[dict, str]:
    """A facilitator signed in at one browser; its state and the cookie token it got."""
    accounts.add_user(engine, "fac1", PASSWORD, "facilitator", by="tests")
    user = accounts.sign_in(engine, "fac1", PASSWORD)
    state: dict = {}
    handoff = browser.remember_sign_in(state, "staff", user, T0, engine=engine)
    token = kept_sign_in.exchange(engine, handoff, T0 + dt.timedelta(seconds=5))
    assert token is not None
    return state, token


def _current(engine, state, token, minutes):
    return browser.current_user(
        state,
        "staff",
        "notice",
        engine=engine,
        now=T0 + dt.timedelta(minutes=minutes),
        policy=POLICY,
        cookie_token=token,
    )


def test_a_handoff_gives_one_cookie_only_and_only_while_fresh(engine):
    accounts.add_user(engine, "fac1", PASSWORD, "facilitator", by="tests")
    user = accounts.sign_in(engine, "fac1", PASSWORD)
    handoff = browser.remember_sign_in({}, "staff", user, T0, engine=engine)
    late = T0 + dt.timedelta(seconds=kept_sign_in.HANDOFF_SECONDS + 1)
    assert kept_sign_in.exchange(engine, handoff, late) is None
    fresh = browser.remember_sign_in({}, "staff", user, T0, engine=engine)
    token = kept_sign_in.exchange(engine, fresh, T0)
    assert token and kept_sign_in.exchange(engine, fresh, T0) is None
    with engine.connect() as connection:
        stored = connection.execute(sa.select(staff_sessions)).all()
    kept = [row for row in stored if row.token_hash is not None]
    assert [row.token_hash for row in kept] == [kept_sign_in.token_hash(token)]
    assert all(token not in (row.token_hash, row.handoff_hash) for row in stored)
    assert all(fresh != row.handoff_hash for row in stored)


def test_a_new_browser_session_with_the_cookie_resumes_the_sign_in(engine):
    _, token = _signed_in(engine)
    reloaded: dict = {}
    user = _current(engine, reloaded, token, minutes=10)
    assert user is not None and user.username == "fac1"
    assert _current(engine, {}, "a guessed token", minutes=10) is None


def test_sign_out_ends_the_kept_sign_in(engine):
    state, token = _signed_in(engine)
    browser.sign_out(state, "staff", engine)
    assert _current(engine, {}, token, minutes=1) is None


def test_an_idle_kept_sign_in_ends_but_activity_keeps_it(engine):
    state, token = _signed_in(engine)
    # Working in the first tab for 50 minutes (a click every 20) keeps the cookie alive.
    for minutes in (20, 40, 50):
        assert _current(engine, state, None, minutes) is not None
    assert _current(engine, {}, token, minutes=75) is not None
    # 31 minutes without a click anywhere: the cookie opens nothing.
    assert _current(engine, {}, token, minutes=75 + 31) is None
    with engine.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar() == 0
        )


def test_a_deactivated_account_cannot_resume(engine):
    _, token = _signed_in(engine)
    accounts.deactivate_user(engine, "fac1", by="tests")
    assert _current(engine, {}, token, minutes=1) is None


@pytest.mark.parametrize("handoff", ["__abc", "ab__cd", "abc_", "_" * 43, "x" * 43])
def test_the_handoff_components_key_is_one_streamlit_accepts(handoff):
    """A url-safe token may hold "__"; Streamlit's own id check refuses such a key."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    from ui.staff_gate import handoff_key

    key = handoff_key(handoff)
    _make_trigger_id(f"$$ID-element-{key}", "change")  # raises for a key holding "__"
    assert handoff[:4] not in key  # no part of the secret is in the page
