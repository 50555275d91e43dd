"""bench/run.py at a tiny scale: the JSON it prints keeps its shape, so the benchmarks cannot rot.

No timing is asserted (timings belong in bench/RESULTS.md, not in tests).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "seconds", "baseline", "baseline_seconds", "ratio", "target", "met"}


@pytest.fixture
def schema():
    """A PostgreSQL schema of this test's own, dropped afterwards."""
    name = f"mutuality_bench_test_{uuid.uuid4().hex[:8]}"
    yield name
    # In a child process: inside pytest the name `bench` is this tests/bench package.
    code = f"from bench.run import drop_postgres_schema; drop_postgres_schema({name!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def test_quick_run_prints_one_json_object_with_every_scenario(tmp_path, schema):
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--json", "--members", "40"]
    command += ["--out", str(tmp_path), "--postgres-schema", schema]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    payload = json.loads(done.stdout)  # nothing but the JSON on stdout
    assert set(payload) == {"scenarios", "peak_memory_mb"}
    assert payload["peak_memory_mb"] > 0
    names = [s["name"] for s in payload["scenarios"]]
    for expected in ("import xlsx", "scoring and reliability", "reliable change", "trend"):
        assert any(n.startswith(expected) for n in names), names
    assert any(n.startswith("analysis pipeline") for n in names)
    aggregations = [n for n in names if "aggregation" in n]
    assert any("SQLite" in n for n in aggregations)
    if not any("PostgreSQL" in n for n in aggregations):
        unavailable("PostgreSQL was unreachable, so its aggregation scenario was left out")
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
