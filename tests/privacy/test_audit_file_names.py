"""A file named after a member leaves no member code in the audit trail (issue 7).

Exports, imports and bundles are audited with the file's name, and a user may name a file
after a member ("R01-answers.csv"). `store.audit.record_in` replaces every member code known
to the database in those names with "[member]". Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cli import main
from store import audit, connect
from store.administrations import save_administrations
from store.withdrawal import withdraw_member
from tests.access.seed import checkin, seed


def _trail_text(engine) -> str:
    """Every `who` and `detail` of the audit trail, as one text."""
    events = audit.load_audit(engine)
    return "\n".join(
        f"{who} {detail}" for who, detail in zip(events["who"], events["detail"], strict=True)
    )


def test_member_codes_in_an_exported_file_name_become_a_placeholder(engine):
    seed(engine)
    names = {
        "R01-answers.csv": "[member]-answers.csv",  # a code as a whole token
        "r02_and_R03 (copy).xlsx": "[member]_and_[member] (copy).xlsx",  # any case, any number
        "R012-notes.csv": "R012-notes.csv",  # not a member: R01 inside a longer token stays
        "group R-1 week 2.xlsx": "group R-1 week 2.xlsx",  # group names are not member codes
    }
    for name in names:
        audit.record(engine, "eva", audit.EXPORT, {"file": name, "page": "app", "rows": 3})
    events = audit.load_audit(engine, action=audit.EXPORT)
    assert sorted(d["file"] for d in events["detail"]) == sorted(names.values())
    # Only the file name changes: the other keys and who are as given.
    assert {d["page"] for d in events["detail"]} == {"app"}
    assert set(events["who"]) == {"eva"}


def test_an_upload_named_after_the_member_it_creates_is_audited_without_the_code(engine):
    # The member is new: it is created in the same transaction that writes the event.
    seed(engine)
    new = replace(
        checkin("N07", "C-1", "Community", "pre", dt.date(2025, 6, 3), (2, 2, 2)),
        entered_by="upload N07-intake.xlsx",  # as the Upload page names its imports
    )
    result = save_administrations(engine, [new], source="N07-intake.xlsx")
    assert result.committed and len(result.stored) == 1
    event = audit.load_audit(engine, action=audit.SAVE_ADMINISTRATIONS).iloc[0]
    assert event["who"] == "upload [member]-intake.xlsx"
    assert event["detail"] == {
        "source": "[member]-intake.xlsx",
        "stored": 1,
        "unchanged": 0,
        "replaced": 0,
    }


def test_a_bundle_exported_under_a_members_name_is_audited_without_the_code(
    database_url, tmp_path, capsys
):
    engine = connect(database_url)
    seed(engine)
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text("river stone lantern maple\n", encoding="utf-8")
    out = tmp_path / "C02 laptop.bundle"
    arguments = ["bundle", "export", "--out", str(out), "--passphrase-file", str(passphrase),
                 "--database", database_url]  # fmt: skip
    assert main(arguments) == 0
    capsys.readouterr()
    event = audit.load_audit(engine, action=audit.BUNDLE_EXPORT).iloc[0]
    assert event["detail"]["file"] == "[member] laptop.bundle"


def test_after_a_withdrawal_no_file_name_in_the_trail_holds_the_code(engine):
    seed(engine)
    audit.record(engine, "eva", audit.EXPORT, {"file": "R01-answers.csv"})
    audit.record(
        engine,
        "cli:alex",
        audit.BUNDLE_REFUSED,
        {"file": "R01.bundle", "reason": "R01.bundle: not a Mutuality transfer bundle"},
    )
    withdraw_member(engine, "R01", who="admin")
    text = _trail_text(engine)
    assert "r01" not in text.lower()
    assert "[member]-answers.csv" in text
    assert "'reason': '[member].bundle: not a Mutuality transfer bundle'" in text


def test_longer_codes_go_first_and_only_whole_tokens_are_replaced():
    scrub = audit.without_member_codes
    for codes in (["R01", "R01-2"], ["R01-2", "R01"]):
        assert scrub("R01-2 and R01.csv", codes) == "[member] and [member].csv"
    assert scrub("XR01.csv R01x.csv R01.csv", ["R01"]) == "XR01.csv R01x.csv [member].csv"
    assert scrub("R.1.csv RX1.csv", ["R.1"]) == "[member].csv RX1.csv"  # a code, not a pattern
    assert scrub("answers.csv", []) == "answers.csv"
