"""bench/run.py at a tiny scale: the JSON it prints keeps its shape, so the benchmarks cannot rot.

No timing is asserted (timings belong in bench/RESULTS.md, not in tests).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "seconds", "baseline", "baseline_seconds", "ratio", "target", "met"}


def test_quick_run_prints_one_json_object_with_every_scenario(tmp_path):
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--json", "--members", "40"]
    command += ["--out", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    payload = json.loads(done.stdout)  # nothing but the JSON on stdout
    assert set(payload) == {"scenarios", "peak_memory_mb"}
    assert payload["peak_memory_mb"] > 0
    names = [s["name"] for s in payload["scenarios"]]
    for expected in ("import xlsx", "scoring and reliability", "reliable change", "trend"):
        assert any(n.startswith(expected) for n in names), names
    assert any(n.startswith("analysis pipeline") for n in names)
    if (ROOT / "app_pages" / "over_time.py").exists():
        assert any(n.startswith("page over_time") for n in names)
    for scenario in payload["scenarios"]:
        assert set(scenario) == KEYS
        assert scenario["seconds"] > 0 and scenario["baseline_seconds"] > 0
        ratio = scenario["baseline_seconds"] / scenario["seconds"]
        assert scenario["ratio"] == pytest.approx(ratio, rel=0.05, abs=0.01)
        assert scenario["baseline"]
        assert (scenario["met"] is None) == (scenario["target"] == "")
    # The generated inputs are cached where --out says.
    assert (tmp_path / "40" / "responses.xlsx").exists()
    assert (tmp_path / "40" / "mutuality.sqlite").exists()
