"""Transfer bundles: round trip into an empty database, idempotence, conflicts, tampering."""

from __future__ import annotations

import datetime as dt

import pytest

from privacy.bundle import MIN_SCRYPT_N, BundleError, open_bundle, seal
from store import audit, connect
from store.administrations import save_administration
from store.bulk_load import count_rows
from store.responses import load_responses
from store.sessions import load_attendance
from store.transfer import dump_database, load_dump
from tests.access.databases import sqlite_url
from tests.access.seed import checkin, seed

PASSPHRASE = "river stone lantern maple"
FAST = {"scrypt_n": MIN_SCRYPT_N}  # the format's cheapest allowed cost, to keep tests quick


@pytest.fixture
def laptop(tmp_path):
    """The facilitator's laptop: a SQLite database with the seeded program."""
    folder = tmp_path / "laptop"
    folder.mkdir()
    engine = connect(sqlite_url(folder))
    seed(engine)
    return engine


def _sorted(frame):
    return frame.sort_values(["member", "instrument", "timepoint", "item"]).reset_index(drop=True)


def test_round_trip_into_an_empty_database(laptop, engine):
    data = seal({"tables": dump_database(laptop)}, PASSPHRASE, **FAST)
    assert b"R01" not in data and b"Recovery" not in data  # nothing readable in the file
    result = load_dump(engine, open_bundle(data, PASSPHRASE).payload["tables"], who="admin")
    assert result.committed and not result.conflicts
    assert count_rows(engine) == count_rows(laptop)
    assert _sorted(load_responses(engine)).equals(_sorted(load_responses(laptop)))
    assert load_attendance(engine).equals(load_attendance(laptop))
    from store.roster import list_programs

    programs = list_programs(engine)
    flags = dict(zip(programs["name"], programs["substance_use"], strict=True))
    assert flags == {"Community": False, "Recovery": True}
    event = audit.load_audit(engine, action=audit.BUNDLE_IMPORT)
    assert event["who"].tolist() == ["admin"]
    assert "R01" not in str(event["detail"].tolist())


def test_the_same_bundle_twice_stores_nothing_new(laptop, engine):
    tables = dump_database(laptop)
    load_dump(engine, tables)
    before = count_rows(engine)
    again = load_dump(engine, tables)
    assert again.committed and again.added_nothing
    assert count_rows(engine) == before


def test_conflicts_are_listed_and_nothing_is_written(laptop, engine):
    tables = dump_database(laptop)
    # The central instance already holds R01's pre check-in with other answers.
    save_administration(
        engine, checkin("R01", "R-1", "Recovery", "pre", dt.date(2025, 3, 4), (5, 5, 5), 1)
    )
    before = count_rows(engine)
    result = load_dump(engine, tables)
    assert not result.committed
    assert any("member R01, checkin at pre: conflict" in c for c in result.conflicts)
    assert count_rows(engine) == before  # not one row of the bundle went in


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


@pytest.mark.parametrize("where", ["ciphertext", "tag", "header", "truncated"])
def test_a_changed_bundle_is_refused(laptop, where):
    data = seal({"tables": dump_database(laptop)}, PASSPHRASE, **FAST)
    header_end = data.index(b"}") + 1
    changed = {
        "ciphertext": _flip(data, header_end + 10),
        "tag": _flip(data, len(data) - 1),
        # One letter of the nonce, inside the (authenticated, unencrypted) header.
        "header": _flip(data, data.index(b'"nonce": "') + 12),
        "truncated": data[: len(data) - 40],
    }[where]
    with pytest.raises(BundleError, match="wrong passphrase or the file was changed"):
        open_bundle(changed, PASSPHRASE)


def test_a_wrong_passphrase_is_refused_and_says_why(laptop):
    data = seal({"tables": dump_database(laptop)}, PASSPHRASE, **FAST)
    with pytest.raises(BundleError) as refused:
        open_bundle(data, "river stone lantern maples")
    assert "wrong passphrase or the file was changed; nothing was imported" in str(refused.value)


def test_other_files_and_weak_passphrases_are_refused(tmp_path):
    with pytest.raises(BundleError, match="not a Mutuality transfer bundle"):
        open_bundle(b"member,timepoint\nR01,pre\n", PASSPHRASE)
    with pytest.raises(BundleError, match="use at least 12"):
        seal({}, "short")


@pytest.mark.parametrize("cost", [b'"n": 65536', b'"n": 1073741824'])
def test_a_forged_key_cost_in_the_header_is_refused(cost):
    data = seal({"tables": {}}, PASSPHRASE, **FAST)
    # A plausible cost (same header length) fails authentication; an enormous one is
    # refused before any key is derived (no gigabytes spent on a forged file).
    with pytest.raises(BundleError, match="wrong passphrase or the file was changed"):
        open_bundle(data.replace(b'"n": 16384', cost), PASSPHRASE)


def test_repair_notes_travel_encrypted_and_once(laptop, engine):
    from store.repairs import load_steps, record_step
    from store.roster import list_groups

    groups = list_groups(laptop).set_index("name")
    record_step(
        laptop,
        group_id=int(groups.loc["R-1", "id"]),
        member="R01",
        session=2,
        kind="acute",
        step="attempted",
        actions=["Checked in one-to-one"],
        note="Said the joke in group hurt; we talked after.",
        who="facilitator1",
    )
    data = seal({"tables": dump_database(laptop)}, PASSPHRASE, **FAST)
    assert b"joke" not in data and b"one-to-one" not in data
    tables = open_bundle(data, PASSPHRASE).payload["tables"]
    assert load_dump(engine, tables, who="admin").committed
    assert load_dump(engine, tables, who="admin").committed  # twice: still one step
    steps = load_steps(engine, with_notes=True)
    assert steps[["group", "member", "session", "kind", "step"]].values.tolist() == [
        ["R-1", "R01", 2, "acute", "attempted"]
    ]
    assert steps["note"].tolist() == ["Said the joke in group hurt; we talked after."]
    assert steps["actions"].tolist() == [["Checked in one-to-one"]]
