"""Staff accounts: Argon2id hashes, first-run administrator, sign-in, lockout, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from access import accounts
from access.passwords import PasswordError, check_new_password, hash_password, verify_password
from access.policy import Policy
from store import accounts as store_accounts
from store import audit

PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def test_password_hashes_are_argon2id_salted_and_verify():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$")
    assert first != second  # random salt
    assert verify_password(first, PASSWORD)
    assert not verify_password(first, PASSWORD + "!")
    assert not verify_password(None, PASSWORD)


@pytest.mark.parametrize(
    ("password", "username", "expected"),
    [
        ("short", None, "at least 12"),
        ("aaaaaaaaaaaaaaaa", None, "one character repeated"),
        ("facilitator.one", "facilitator.one", "not be the username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, username, expected):
    with pytest.raises(PasswordError, match=expected):
        check_new_password(password, username)


def test_fresh_database_has_no_staff_and_asks_for_an_administrator(engine):
    assert accounts.needs_first_administrator(engine)
    with pytest.raises(accounts.SignInError):
        accounts.sign_in(engine, "admin", "admin", now=T0)


def test_first_administrator_is_created_once_and_stored_hashed(engine):
    user = accounts.create_first_administrator(engine, "Admin", PASSWORD)
    assert (user.username, user.role, user.group_ids) == ("admin", "administrator", None)
    stored = store_accounts.get_staff(engine, "admin")
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert not accounts.needs_first_administrator(engine)
    with pytest.raises(ValueError, match="already exists"):
        accounts.create_first_administrator(engine, "other", PASSWORD)
    assert audit.load_audit(engine, action=audit.FIRST_ADMINISTRATOR)["who"].tolist() == ["admin"]


def test_sign_in_success_and_failure_are_audited(engine):
    accounts.create_first_administrator(engine, "admin", PASSWORD)
    user = accounts.sign_in(engine, "ADMIN ", PASSWORD, now=T0)
    assert user.role == "administrator"
    with pytest.raises(accounts.SignInError, match="Wrong username or password"):
        accounts.sign_in(engine, "admin", "wrong password!!", now=T0)
    with pytest.raises(accounts.SignInError, match="Wrong username or password"):
        accounts.sign_in(engine, "nobody", PASSWORD, now=T0)
    events = audit.load_audit(engine)
    signed_in = events[events["action"] == audit.SIGN_IN]
    failed = events[events["action"] == audit.SIGN_IN_FAILED]
    assert signed_in["who"].tolist() == ["admin"]
    assert [d["reason"] for d in failed["detail"]] == ["unknown user", "wrong password"]
    # The password typed is never written anywhere in the trail.
    assert PASSWORD not in events.to_string() and "wrong password!!" not in events.to_string()


def test_lockout_after_five_failures_refuses_even_the_right_password(engine):
    policy = Policy(max_sign_in_failures=5, lockout_minutes=15)
    accounts.create_first_administrator(engine, "admin", PASSWORD)
    for attempt in range(4):
        with pytest.raises(accounts.SignInError) as refused:
            accounts.sign_in(engine, "admin", f"guess number {attempt}", now=T0, policy=policy)
        assert "locked" not in str(refused.value)
    with pytest.raises(accounts.SignInError, match="now locked for 15 minutes"):
        accounts.sign_in(engine, "admin", "guess number 5", now=T0, policy=policy)
    later = T0 + dt.timedelta(minutes=14)
    with pytest.raises(accounts.SignInError, match="locked .* Try again in 1 minute"):
        accounts.sign_in(engine, "admin", PASSWORD, now=later, policy=policy)
    after = T0 + dt.timedelta(minutes=15, seconds=1)
    assert accounts.sign_in(engine, "admin", PASSWORD, now=after, policy=policy).username == "admin"
    assert store_accounts.get_staff(engine, "admin").failed_logins == 0


def test_password_reset_lifts_a_lockout_and_is_audited(engine):
    policy = Policy(max_sign_in_failures=2, lockout_minutes=15)
    accounts.create_first_administrator(engine, "admin", PASSWORD)
    accounts.add_user(engine, "fac", "another long password", "facilitator", by="admin")
    for _ in range(2):
        with pytest.raises(accounts.SignInError):
            accounts.sign_in(engine, "fac", "not the password", now=T0, policy=policy)
    accounts.reset_password(engine, "fac", "a brand new passphrase", by="admin")
    user = accounts.sign_in(engine, "fac", "a brand new passphrase", now=T0, policy=policy)
    assert user.role == "facilitator"
    reset = audit.load_audit(engine, action=audit.PASSWORD_RESET)
    assert reset["who"].tolist() == ["admin"]
    assert reset["detail"].tolist() == [{"username": "fac"}]


def test_disabled_account_cannot_sign_in(engine):
    accounts.create_first_administrator(engine, "admin", PASSWORD)
    accounts.add_user(engine, "eva", "evaluator passphrase", "evaluator", by="admin")
    store_accounts.set_active(engine, "eva", False)
    with pytest.raises(accounts.SignInError, match="Wrong username or password"):
        accounts.sign_in(engine, "eva", "evaluator passphrase", now=T0)


def test_facilitator_is_linked_to_their_groups_only(engine):
    from store.roster import create_group

    mine = create_group(engine, "Recovery", "R-1")
    create_group(engine, "Recovery", "R-2")
    accounts.create_first_administrator(engine, "admin", PASSWORD)
    user = accounts.add_user(
        engine, "fac", "facilitator passphrase", "facilitator", by="admin", group_ids=[mine]
    )
    assert user.group_ids == frozenset({mine})
    signed_in = accounts.sign_in(engine, "fac", "facilitator passphrase", now=T0)
    assert signed_in.group_ids == frozenset({mine})
    with pytest.raises(ValueError, match="only facilitators are linked"):
        accounts.add_user(
            engine, "eva", "evaluator passphrase", "evaluator", by="admin", group_ids=[mine]
        )
    added = audit.load_audit(engine, action=audit.USER_ADDED)["detail"].tolist()
    assert added == [{"username": "fac", "role": "facilitator", "groups": [mine]}]
