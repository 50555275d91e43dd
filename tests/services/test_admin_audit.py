"""Every administrative action leaves exactly one audit event, under its named action.

services.admin and services.transfer are what Settings, the sign-in page and the `user`,
`member`, `backup`, `restore` and `bundle` commands call, so one event per action here is
one event per action whichever door it came through (tests/app and tests/cli check the
doors pass who acted).
"""

from __future__ import annotations

import pytest

from services import admin, transfer
from store import audit
from store.administrations import save_administration
from store.db import connect, dispose
from store.roster import create_group, create_member, list_members
from tests.access.seed import checkin

ADMIN = "chief"
PASSWORD = "lantern orchard kettle"
OTHER_PASSWORD = "a brand new passphrase"


@pytest.fixture
def url(tmp_path):
    address = f"sqlite:///{tmp_path / 'admin.sqlite'}"
    engine = connect(address)
    create_group(engine, "Recovery", "G-1")
    create_member(engine, "M01", group="G-1", program="Recovery")
    save_administration(engine, checkin("M01", "G-1", "Recovery", "pre", None, (1, 2, 3)))
    admin.add_user(address, ADMIN, PASSWORD, "administrator", by="tests")
    yield address
    dispose(address)


def new_events(url: str, before: int) -> list[tuple[str, str]]:
    """(action, who) of the events written since the trail held `before` events."""
    trail = audit.load_audit(connect(url)).sort_values("id")
    who = trail["who"].astype(object).where(trail["who"].notna(), None)
    return list(zip(trail["action"][before:], who[before:], strict=True))


def trail_length(url: str) -> int:
    return len(audit.load_audit(connect(url)))


def test_each_staff_action_is_recorded_once_under_its_action(url):
    steps = [
        (
            lambda: admin.add_user(
                url, "deputy", OTHER_PASSWORD, "facilitator", by=ADMIN, group_names=["Recovery/G-1"]
            ),  # fmt: skip
            audit.USER_ADDED,
        ),
        (lambda: admin.reset_password(url, "deputy", PASSWORD, by=ADMIN), audit.PASSWORD_RESET),
        (lambda: admin.link_facilitator(url, "deputy", [], by=ADMIN), audit.USER_CHANGED),
        (lambda: admin.deactivate_user(url, "deputy", by=ADMIN), audit.USER_CHANGED),
        (lambda: admin.withdraw_member(url, "M01", by=ADMIN), audit.WITHDRAWAL),
    ]
    for act, action in steps:
        before = trail_length(url)
        act()
        assert new_events(url, before) == [(action, ADMIN)]
    assert "M01" not in list_members(connect(url))["code"].tolist()


def test_a_refused_staff_action_changes_nothing_and_records_nothing(url):
    before = trail_length(url)
    with pytest.raises(ValueError, match="at least 12"):
        admin.add_user(url, "shorty", "short", "evaluator", by=ADMIN)
    with pytest.raises(admin.StoreError, match="there is no member"):
        admin.withdraw_member(url, "nobody", by=ADMIN)
    assert new_events(url, before) == []


def test_signing_in_is_recorded_once(url):
    before = trail_length(url)
    assert admin.sign_in(url, ADMIN, PASSWORD).role == "administrator"
    with pytest.raises(admin.SignInError):
        admin.sign_in(url, ADMIN, "not the password at all")
    assert new_events(url, before) == [(audit.SIGN_IN, ADMIN), (audit.SIGN_IN_FAILED, None)]


def test_a_backup_file_and_a_restore_are_each_recorded_once(url, tmp_path):
    copy = tmp_path / "copy.sqlite"
    before = trail_length(url)
    assert "backed up" in admin.backup_to(copy, url, by="cli:someone")
    assert new_events(url, before) == [(audit.BACKUP, "cli:someone")]
    admin.withdraw_member(url, "M01", by=ADMIN)  # after the backup: undone by the restore
    assert "restored" in admin.restore_from(copy, url, by="cli:someone")
    # The restored database holds the backup's trail (which ends before its own BACKUP
    # line) and one line saying it was put back.
    assert new_events(url, before) == [(audit.RESTORE, "cli:someone")]
    assert "M01" in list_members(connect(url))["code"].tolist()


def test_the_apps_backup_is_recorded_when_downloaded_and_its_restore_once(url):
    before = trail_length(url)
    data = admin.backup_bytes(url)
    assert data[:16] == b"SQLite format 3\x00"
    assert new_events(url, before) == []  # prepared, not yet taken away
    admin.backup_downloaded(url, by=ADMIN)
    assert new_events(url, before) == [(audit.BACKUP, ADMIN)]
    admin.restore_bytes(data, url, by=ADMIN, file_name="from-laptop.sqlite")
    assert new_events(url, before) == [(audit.RESTORE, ADMIN)]  # the backup's trail, + 1
    restored = audit.load_audit(connect(url), action=audit.RESTORE).iloc[0]
    assert restored["detail"] == {"file": "from-laptop.sqlite"}


def test_a_bundle_out_and_in_are_each_recorded_once(url, tmp_path):
    bundle = tmp_path / "laptop.bundle"
    before = trail_length(url)
    written = transfer.export_bundle(bundle, url, by="cli:someone", passphrase=PASSWORD)
    assert written.counts["administrations"] == 1
    assert new_events(url, before) == [(audit.BUNDLE_EXPORT, "cli:someone")]

    central = f"sqlite:///{tmp_path / 'central.sqlite'}"
    try:
        before = trail_length(central)
        result = transfer.import_bundle(bundle, central, by="cli:other", passphrase=PASSWORD)
        assert result.committed and result.added["administrations"] == 1
        assert new_events(central, before) == [(audit.BUNDLE_IMPORT, "cli:other")]
        before = trail_length(central)
        again = transfer.import_bundle(bundle, central, by="cli:other", passphrase=PASSWORD)
        assert again.added_nothing
        assert new_events(central, before) == [(audit.BUNDLE_IMPORT, "cli:other")]
    finally:
        dispose(central)


def test_a_refused_bundle_is_recorded_once_and_stores_nothing(url, tmp_path):
    from privacy.bundle import BundleError

    bundle = tmp_path / "laptop.bundle"
    transfer.export_bundle(bundle, url, by="cli:someone", passphrase=PASSWORD)
    central = f"sqlite:///{tmp_path / 'central.sqlite'}"
    try:
        before = trail_length(central)
        with pytest.raises(BundleError):
            transfer.import_bundle(bundle, central, by="cli:other", passphrase=OTHER_PASSWORD)
        with pytest.raises(BundleError, match="passphrase file not found"):
            transfer.import_bundle(
                bundle, central, by="cli:other", passphrase_file=tmp_path / "missing.txt"
            )
        assert new_events(central, before) == [(audit.BUNDLE_REFUSED, "cli:other")] * 2
        assert list_members(connect(central)).empty
    finally:
        dispose(central)
