"""`bundle export/import`, `export --deidentify` and the audit trail of CLI data access."""

from __future__ import annotations

import pandas as pd
import pytest

from cli import main
from privacy.notice import PART2_NOTICE
from store import audit, connect
from store.bulk_load import count_rows
from store.responses import load_responses
from tests.access.databases import postgres, sqlite_url  # noqa: F401 - fixture
from tests.access.seed import seed

PASSPHRASE = "river stone lantern maple"


@pytest.fixture
def laptop(tmp_path):
    from store import db

    folder = tmp_path / "laptop"
    folder.mkdir()
    url = sqlite_url(folder)
    seed(connect(url))
    yield url
    db.dispose(url)


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return str(path)


def _central(kind, tmp_path, postgres):  # noqa: F811 - fixture passed in
    if kind == "sqlite":
        folder = tmp_path / "central"
        folder.mkdir()
        return sqlite_url(folder)
    return postgres.new_url()


def _sorted(frame):
    return frame.sort_values(["member", "instrument", "timepoint", "item"]).reset_index(drop=True)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_bundle_round_trip_into_an_empty_database(
    kind,
    laptop,
    passphrase_file,
    tmp_path,
    postgres,  # noqa: F811
    capsys,
):
    central = _central(kind, tmp_path, postgres)
    bundle = tmp_path / "laptop.bundle"
    assert main(["bundle", "export", "--out", str(bundle), "--passphrase-file", passphrase_file,
                 "--database", laptop]) == 0  # fmt: skip
    exported = capsys.readouterr()
    assert PART2_NOTICE in exported.err  # the seeded data includes a substance-use program
    assert b"R01" not in bundle.read_bytes()
    arguments = ["bundle", "import", str(bundle), "--passphrase-file", passphrase_file,
                 "--database", central]  # fmt: skip
    assert main(arguments) == 0
    assert "verified and imported" in capsys.readouterr().out
    assert count_rows(connect(central)) == count_rows(connect(laptop))
    assert _sorted(load_responses(connect(central))).equals(
        _sorted(load_responses(connect(laptop)))
    )
    # Same bundle again: nothing new.
    assert main(arguments) == 0
    assert "nothing new" in capsys.readouterr().out
    assert count_rows(connect(central)) == count_rows(connect(laptop))
    actions = audit.load_audit(connect(central))["action"].tolist()
    assert actions.count(audit.BUNDLE_IMPORT) == 2
    assert audit.load_audit(connect(laptop), action=audit.BUNDLE_EXPORT)["who"][0].startswith(
        "cli:"
    )


@pytest.mark.parametrize("problem", ["tampered", "wrong passphrase"])
def test_a_tampered_bundle_or_wrong_passphrase_imports_nothing(
    problem, laptop, passphrase_file, tmp_path, capsys
):
    central = _central("sqlite", tmp_path, None)
    bundle = tmp_path / "laptop.bundle"
    main(["bundle", "export", "--out", str(bundle), "--passphrase-file", passphrase_file,
          "--database", laptop])  # fmt: skip
    if problem == "tampered":
        data = bytearray(bundle.read_bytes())
        data[-100] ^= 0xFF
        bundle.write_bytes(bytes(data))
    else:
        (tmp_path / "passphrase.txt").write_text("river stone lantern mapel\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["bundle", "import", str(bundle), "--passphrase-file", passphrase_file,
                 "--database", central])  # fmt: skip
    assert code == 2
    assert (
        "wrong passphrase or the file was changed; nothing was imported" in capsys.readouterr().err
    )
    assert not any(count_rows(connect(central)).values())
    refused = audit.load_audit(connect(central), action=audit.BUNDLE_REFUSED)
    assert refused["detail"][0]["file"] == "laptop.bundle"


def test_deidentified_export_has_pseudonyms_shifted_dates_and_the_notice(laptop, tmp_path, capsys):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for out in (first, second):
        assert main(["export", "--out", str(out), "--deidentify", "--database", laptop]) == 0
    a, b = pd.read_csv(first), pd.read_csv(second)
    codes = set(load_responses(connect(laptop))["member"])
    assert not codes & set(a["member"]) and not codes & set(b["member"])
    assert a["member"].nunique() == len(codes)
    assert not set(a["member"]) & set(b["member"])  # different across exports
    # Every member answered pre on 2025-03-04 and post on 2025-05-13: each one's dates move by
    # the same whole number of days, never zero (the 70-day gap between them is kept).
    pre_post = a.pivot_table(index="member", columns="timepoint", values="date", aggfunc="first")
    pre, post = pd.to_datetime(pre_post["pre"]), pd.to_datetime(pre_post["post"])
    assert ((post - pre).dt.days == 70).all()
    assert (pre != pd.Timestamp("2025-03-04")).all()
    assert (tmp_path / "first.csv.part2-notice.txt").read_text().strip() == PART2_NOTICE
    assert main(["export", "--out", str(tmp_path / "m.xlsx"), "--deidentify", "--coarsen-dates",
                 "--database", laptop]) == 0  # fmt: skip
    months = pd.read_excel(tmp_path / "m.xlsx", sheet_name="Responses", engine="openpyxl")["date"]
    assert set(months) == {"2025-03", "2025-05"}
    events = audit.load_audit(connect(laptop), action=audit.EXPORT)
    assert [e["deidentified"] for e in events["detail"]] == [True, True, True]
    assert events["detail"][0]["dates"] == "month"


def test_coarsen_dates_alone_is_refused(laptop, tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "x.csv"), "--coarsen-dates",
                 "--database", laptop]) == 2  # fmt: skip
    assert "--coarsen-dates goes with --deidentify" in capsys.readouterr().err


def test_identified_export_of_other_programs_has_no_notice_and_import_is_audited(tmp_path, capsys):
    from store import db

    url = sqlite_url(tmp_path)
    source = tmp_path / "phq9.csv"
    source.write_text(
        "member,timepoint,group,program," + ",".join(f"phq9_{i}" for i in range(1, 10)) + "\n"
        "=cmd|' /C calc'!A0,pre,G,Community,1,2,0,1,2,3,0,1,2\n",
        encoding="utf-8",
    )
    assert main(["import", str(source), "--instrument", "phq9", "--database", url]) == 0
    out = tmp_path / "all.csv"
    assert main(["export", "--out", str(out), "--database", url]) == 0
    assert not (tmp_path / "all.csv.part2-notice.txt").exists()
    exported = pd.read_csv(out)
    assert exported["member"][0] == "'=cmd|' /C calc'!A0"  # formula neutralised
    events = audit.load_audit(connect(url))
    assert {audit.IMPORT, audit.EXPORT} <= set(events["action"])
    imported = events[events["action"] == audit.IMPORT]["detail"].iloc[0]
    assert imported == {"file": "phq9.csv", "stored": 1, "unchanged": 0, "replaced": 0}
    db.dispose(url)
