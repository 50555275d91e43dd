"""`cli.py repairs --json`: the records and counts the contract promises."""

import json

import pytest

from cli import main
from sample_data.demo import load_demo

RECORD_KEYS = {
    "member",
    "group",
    "session",
    "kind",
    "drop",
    "status",
    "actions",
    "sessions_to_reconnect",
}
SUMMARY_KEYS = {
    "total",
    "reconnected",
    "still_disconnected",
    "left",
    "open",
    "median_sessions_to_reconnect",
}
STATUSES = {
    "open",
    "acknowledged",
    "attempted",
    "reconnected",
    "still_disconnected",
    "left",
    "not_seen",
}


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-repairs') / 'demo.sqlite'}"
    load_demo(url)
    return url


def run_json(capsys, *args):
    assert main(["repairs", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_every_record_and_a_summary_that_adds_up(url, capsys):
    payload = run_json(capsys, "--database", url)
    records = payload["disconnections"]
    assert records and all(set(r) >= RECORD_KEYS for r in records)
    assert {r["kind"] for r in records} <= {"acute", "chronic"}
    assert {r["status"] for r in records} <= STATUSES
    summary = payload["summary"]
    assert set(summary) >= SUMMARY_KEYS
    assert summary["total"] == len(records)
    for status in ("reconnected", "still_disconnected", "left"):
        assert summary[status] == sum(r["status"] == status for r in records)
    reconnected = sorted(
        r["sessions_to_reconnect"] for r in records if r["status"] == "reconnected"
    )
    assert all(isinstance(n, int) and n >= 1 for n in reconnected)


def test_one_group_and_deidentified_counts(url, capsys):
    everyone = run_json(capsys, "--database", url)["disconnections"]
    group = everyone[0]["group"]
    mine = run_json(capsys, "--database", url, "--group", group)["disconnections"]
    assert mine and {r["group"] for r in mine} == {group}
    counted = run_json(capsys, "--database", url, "--deidentify")
    assert counted["disconnections"] == []
    assert counted["summary"]["total"] == len(everyone)


def test_a_window_below_one_is_a_clear_error(url, capsys):
    assert main(["repairs", "--database", url, "--window", "0"]) == 2
    assert "--window 0 must be 1 or more" in capsys.readouterr().err


def test_records_of_a_substance_use_program_carry_the_part2_notice(url, capsys):
    with_recovery = run_json(capsys, "--database", url, "--group", "SR-A")
    assert with_recovery["part2_notice"].startswith("42 CFR Part 2 notice")
    prison = run_json(capsys, "--database", url, "--group", "PR-A")
    assert prison["part2_notice"] is None
