"""`user add`, `user reset-password`, `user list` and `member withdraw` from the command line."""

from __future__ import annotations

import pytest

from cli import main
from store import audit, connect
from store.accounts import get_staff
from tests.access.databases import sqlite_url


@pytest.fixture
def url(tmp_path):
    from store import db

    address = sqlite_url(tmp_path)
    yield address
    db.dispose(address)


def _password_file(tmp_path, text, name="password.txt"):
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def test_user_add_stores_an_argon2id_hash_and_is_audited(tmp_path, url, capsys):
    secret = _password_file(tmp_path, "a long first password")
    code = main(["user", "add", "Admin", "--role", "administrator", "--password-file", secret,
                 "--database", url])  # fmt: skip
    assert code == 0
    assert "added administrator admin" in capsys.readouterr().out
    stored = get_staff(connect(url), "admin")
    assert stored.password_hash.startswith("$argon2id$")
    event = audit.load_audit(connect(url), action=audit.USER_ADDED).iloc[0]
    assert event["who"].startswith("cli:")
    assert event["detail"] == {"username": "admin", "role": "administrator", "groups": []}


def test_reset_password_reads_the_file_and_is_audited(tmp_path, url, capsys):
    from access.passwords import verify_password

    main(["user", "add", "fac", "--role", "facilitator", "--database", url,
          "--password-file", _password_file(tmp_path, "a long first password")])  # fmt: skip
    new = _password_file(tmp_path, "the second long password", "new.txt")
    assert main(["user", "reset-password", "fac", "--password-file", new, "--database", url]) == 0
    assert verify_password(get_staff(connect(url), "fac").password_hash, "the second long password")
    assert audit.load_audit(connect(url), action=audit.PASSWORD_RESET)["detail"].tolist() == [
        {"username": "fac"}
    ]
    main(["user", "list", "--database", url])
    assert "facilitator" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["user", "reset-password", "ghost"], "there is no staff user 'ghost'"),
        (["user", "add", "x", "--role", "evaluator"], "use at least 12"),
        (["user", "add", "x", "--role", "facilitator", "--group", "Nowhere"], "no group"),
    ],
)
def test_bad_requests_exit_2_with_a_message(tmp_path, url, capsys, arguments, message):
    secret = _password_file(tmp_path, "short" if "evaluator" in arguments else "long enough pw!")
    code = main([*arguments, "--password-file", secret, "--database", url])
    assert code == 2
    assert message in capsys.readouterr().err


def test_a_password_is_never_taken_from_the_command_line():
    from cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["user", "add", "x", "--role", "evaluator", "--password", "p"])


def test_member_withdraw_needs_confirmation_and_leaves_a_data_free_audit_entry(url, capsys):
    from store.roster import list_members
    from tests.access.seed import seed

    seed(connect(url))
    assert main(["member", "withdraw", "R02", "--database", url]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert "R02" in list_members(connect(url))["code"].tolist()
    assert main(["member", "withdraw", "R02", "--yes", "--database", url]) == 0
    assert "a member was withdrawn from group R-1" in capsys.readouterr().out
    assert "R02" not in list_members(connect(url))["code"].tolist()
    event = audit.load_audit(connect(url), action=audit.WITHDRAWAL).iloc[0]
    assert event["who"].startswith("cli:") and "R02" not in str(event["detail"])
