"""`import`, `export`, `backup` and `restore` on SQLite and PostgreSQL, through cli.main."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import cli
from store import connect
from store.bulk_load import count_rows
from tests.store import databases

# The storage suite's fixtures: every test here runs on SQLite and on PostgreSQL.
new_database = databases.new_database
database_url = databases.database_url

CHECKIN = [f"mutualitycheckin_{i}" for i in range(1, 11)]
CONNECTION = [f"relationalconnection_{i}" for i in range(1, 25)]
HEADER = ["member", "timepoint", "item", "value", "group", "program", "session", "date", "mode"]


def checkin_rows(members=("PR-A-01", "PR-A-02", "SR-B-01"), sessions=(1, 2)):
    rows = []
    for m, member in enumerate(members):
        group, program = ("A", "Prison re-entry") if member.startswith("PR") else ("B", "Recovery")
        for session in sessions:
            for i, item in enumerate(CHECKIN):
                value = "" if (m + i + session) % 11 == 0 else str((m + i * session) % 5 + 1)
                mode = "read aloud" if m == 1 else "self-completed"
                date = f"2026-02-{session * 7:02d}"
                rows.append(
                    [member, f"session-{session}", item, value, group, program, session, date, mode]
                )
    return rows


def connection_rows():
    rows = []
    for m, member in enumerate(("PR-A-01", "SR-B-01")):
        group, program = ("A", "Prison re-entry") if m == 0 else ("B", "Recovery")
        for timepoint, date in (("pre", "2026-01-30"), ("post", "2026-05-01")):
            for i, item in enumerate(CONNECTION):
                value = str((m * 3 + i) % 5 + 1) if i != 5 else ""
                rows.append([member, timepoint, item, value, group, program, "", date, ""])
    return rows


def write(path: Path, rows, header=HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args) -> int:
    return cli.main([str(a) for a in args])


def test_every_store_command_has_help():
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name in ("import", "export", "backup", "restore"):
        assert commands[name].description


def test_importing_the_same_file_twice_changes_nothing(database_url, tmp_path, capsys):
    source = write(tmp_path / "checkin.csv", checkin_rows())
    assert run("import", source, "--database", database_url) == 0
    assert "6 administration(s) stored, 0 already there" in capsys.readouterr().out
    before = count_rows(connect(database_url))
    assert run("import", source, "--database", database_url) == 0
    assert "0 administration(s) stored, 6 already there" in capsys.readouterr().out
    assert count_rows(connect(database_url)) == before
    assert before["administrations"] == 6 and before["item_responses"] == 60


def test_export_import_export_is_identical(new_database, tmp_path, capsys):
    first, second = new_database(), new_database()
    run("import", write(tmp_path / "c.csv", checkin_rows()), "--database", first)
    run("import", write(tmp_path / "r.csv", connection_rows()), "--database", first)
    assert run("export", "--out", tmp_path / "a.csv", "--database", first) == 0
    assert run("import", tmp_path / "a.csv", "--database", second) == 0
    assert run("export", "--out", tmp_path / "b.csv", "--database", second) == 0
    a = (tmp_path / "a.csv").read_text(encoding="utf-8")
    assert a == (tmp_path / "b.csv").read_text(encoding="utf-8")

    exported = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    assert exported.columns.tolist() == [
        "member",
        "timepoint",
        "item",
        "value",
        "instrument",
        "group",
        "program",
        "session",
        "date",
        "mode",
    ]
    assert len(exported) == 60 + 96  # every answer, skipped ones as blank values
    row = exported[(exported["member"] == "PR-A-02") & (exported["item"] == CHECKIN[0])].iloc[0]
    assert row.to_dict() | {"value": None} == {
        "member": "PR-A-02",
        "timepoint": "session-1",
        "item": CHECKIN[0],
        "value": None,
        "instrument": "mutuality-checkin",
        "group": "A",
        "program": "Prison re-entry",
        "session": "1",
        "date": "2026-02-07",
        "mode": "read aloud",
    }
    assert set(exported.loc[exported["instrument"] == "relational-connection", "mode"]) == {
        "imported"
    }
    assert (exported["value"] == "").sum() == sum(1 for r in checkin_rows() if r[3] == "") + 4

    # The same through an Excel workbook.
    third = new_database()
    assert run("export", "--out", tmp_path / "a.xlsx", "--database", first) == 0
    assert run("import", tmp_path / "a.xlsx", "--database", third) == 0
    assert run("export", "--out", tmp_path / "c.csv", "--database", third) == 0
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == a


def test_refused_file_stores_nothing_and_says_where(database_url, tmp_path, capsys):
    rows = checkin_rows()
    rows[13][3] = "7"  # row 15 of the file (header is row 1)
    assert run("import", write(tmp_path / "bad.csv", rows), "--database", database_url) == 2
    err = capsys.readouterr().err
    assert "row 15" in err and "7" in err
    assert count_rows(connect(database_url))["administrations"] == 0


def test_conflicting_answers_are_refused_unless_replaced(database_url, tmp_path, capsys):
    run("import", write(tmp_path / "c.csv", checkin_rows()), "--database", database_url)
    capsys.readouterr()
    changed = checkin_rows()
    changed[0][3] = "5" if changed[0][3] != "5" else "4"
    changed_file = write(tmp_path / "changed.csv", changed)
    assert run("import", changed_file, "--database", database_url) == 2
    err = capsys.readouterr().err
    assert "PR-A-01" in err
    # The library's message says what to do; the command line names its flag for it.
    assert "run import again with --replace" in err
    engine = connect(database_url)
    from store import load_responses

    assert load_responses(engine)["value"].iloc[0] != float(changed[0][3])
    assert run("import", changed_file, "--replace", "--database", database_url) == 0
    assert "0 administration(s) stored, 5 already there, 1 replaced" in capsys.readouterr().out
    assert load_responses(engine)["value"].iloc[0] == float(changed[0][3])


def test_export_refuses_other_file_types(database_url, tmp_path, capsys):
    assert run("export", "--out", tmp_path / "x.json", "--database", database_url) == 2
    assert "choose a .csv or .xlsx" in capsys.readouterr().err


def test_sqlite_backup_and_restore_round_trip(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    run("import", write(tmp_path / "c.csv", checkin_rows()), "--database", url)
    run("export", "--out", tmp_path / "at-backup.csv", "--database", url)
    assert run("backup", "--out", tmp_path / "backup.sqlite", "--database", url) == 0
    assert run("backup", "--out", tmp_path / "backup.sqlite", "--database", url) == 2
    assert "already exists" in capsys.readouterr().err

    # Later work, then the restore brings back the database as it was at the backup.
    run("import", write(tmp_path / "r.csv", connection_rows()), "--database", url)
    assert run("restore", tmp_path / "backup.sqlite", "--database", url) == 0
    assert "previous database is kept" in capsys.readouterr().out
    run("export", "--out", tmp_path / "after.csv", "--database", url)
    assert (tmp_path / "after.csv").read_text() == (tmp_path / "at-backup.csv").read_text()
    kept = list(tmp_path.glob("live.before-restore-*.sqlite"))
    assert len(kept) == 1  # the replaced database, with the later import, is not lost
    kept_url = f"sqlite:///{kept[0]}"
    assert count_rows(connect(kept_url))["administrations"] == 6 + 4

    (tmp_path / "notes.sqlite").write_text("not a database")
    assert run("restore", tmp_path / "notes.sqlite", "--database", url) == 2
    assert "not a Mutuality SQLite backup" in capsys.readouterr().err


@pytest.mark.parametrize("new_database", ["postgresql"], indirect=True)
def test_postgresql_backup_uses_pg_dump_and_restore_is_documented(new_database, tmp_path, capsys):
    import shutil

    if shutil.which("pg_dump") is None:
        from tests.conftest import unavailable

        unavailable("pg_dump is not installed")
    url = new_database()
    run("import", write(tmp_path / "c.csv", checkin_rows()), "--database", url)
    assert run("backup", "--out", tmp_path / "m.dump", "--database", url) == 0
    assert (tmp_path / "m.dump").read_bytes()[:5] == b"PGDMP"
    assert run("restore", tmp_path / "m.dump", "--database", url) == 2
    err = capsys.readouterr().err
    assert "pg_restore --clean --if-exists" in err and "m.dump" in err


def test_backup_and_restore_are_audited(tmp_path):
    """A backup is the whole database, unencrypted: the trail says who made it, and when."""
    from store import audit

    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    run("import", write(tmp_path / "c.csv", checkin_rows()), "--database", url)
    assert run("backup", "--out", tmp_path / "copy.sqlite", "--database", url) == 0
    made = audit.load_audit(connect(url), action=audit.BACKUP)
    assert made["who"].str.startswith("cli:").all()
    assert made["detail"].tolist() == [{"file": "copy.sqlite"}]
    assert run("restore", tmp_path / "copy.sqlite", "--database", url) == 0
    # The restored database has the backup's trail, and a line saying it was restored.
    restored = audit.load_audit(connect(url), action=audit.RESTORE)
    assert restored["detail"].tolist() == [{"file": "copy.sqlite"}]
