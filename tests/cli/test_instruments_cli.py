"""`python cli.py instruments [--json]` lists the whole built-in library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENTS = ROOT / "measures" / "instruments"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_instruments_json_lists_every_instrument_file():
    done = run("instruments", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)  # stdout is one JSON object and nothing else
    listed = {entry["id"]: entry for entry in payload["instruments"]}
    assert set(listed) == {path.stem for path in INSTRUMENTS.glob("*.yaml")}
    checkin = listed["mutuality-checkin"]
    assert checkin["items"] == 10 and checkin["use"] == "per-session"
    assert checkin["languages"] == ["en", "es"] and checkin["normed"] is False
    assert checkin["scales"] == ["total", "connection", "authenticity", "good_things"]
    assert listed["phq9"]["languages"] == []  # scoring-only: no wording shipped
    assert listed["gcq-s"]["scales"] == ["engaged", "avoiding", "conflict"]


def test_instruments_plain_text_has_one_line_per_instrument():
    done = run("instruments")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == len(list(INSTRUMENTS.glob("*.yaml")))
    assert any(line.startswith("relational-connection") and "24 items" in line for line in lines)
