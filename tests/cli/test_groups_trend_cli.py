"""`cli.py groups` and `cli.py trend`: contract JSON on published data, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

CONTINUOUS_INSTRUMENT = """id: {id}
name: {id}
version: "1"
citation: "reference data"
license: "scoring only"
use: per-session
response_scale: {{min: {lo}, max: {hi}, step: 0.0001}}
higher_is: better
items:
  - {{id: {id}, reverse: false}}
scales:
  - {{id: total, name: Total, items: [{id}], method: sum, max_missing: 0}}
"""


def instrument(tmp_path: Path, item: str, lo: float, hi: float) -> Path:
    path = tmp_path / f"{item}.yaml"
    path.write_text(CONTINUOUS_INSTRUMENT.format(id=item, lo=lo, hi=hi))
    return path


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


def run_json(*args) -> dict:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # one JSON object and nothing else on stdout


GROUPS_KEYS = {"scale", "timepoint", "n_members", "n_groups", "icc1_reml", "icc1_anova", "icc2"}
GROUPS_KEYS |= {"design_effect", "groups"}
TREND_KEYS = {"scale", "n_members", "n_groups", "n_observations", "intercept", "slope"}
TREND_KEYS |= {"slope_se", "slope_ci", "slope_p", "sd_intercept_member", "sd_slope_member"}
TREND_KEYS |= {"sd_residual", "sessions"}


@pytest.fixture
def hsb82_file(tmp_path, reference_dir):
    d = pd.read_csv(reference_dir / "mlmRev_Hsb82.csv")
    path = tmp_path / "hsb82.csv"
    pd.DataFrame(
        {"member": d["rownames"], "timepoint": "pre", "group": d["school"], "mach": d["mAch"]}
    ).to_csv(path, index=False)
    return path, instrument(tmp_path, "mach", -10, 40)


def test_groups_json_reproduces_raudenbush_bryk(hsb82_file):
    data, ins = hsb82_file
    r = run_json("groups", data, "--instrument", ins, "--scale", "total")
    assert set(r) >= GROUPS_KEYS
    # summary(lmer(mAch ~ 1 + (1 | school), data = mlmRev::Hsb82)):
    #   school variance 8.614, residual 39.148 -> ICC 8.614 / 47.762 = 0.1804
    #   (Raudenbush & Bryk 2002, Table 4.2)
    assert r["icc1_reml"] == pytest.approx(0.1804, abs=0.0001)
    assert (r["n_members"], r["n_groups"], r["timepoint"]) == (7185, 160, "pre")
    assert r["icc1_anova"] < r["icc1_reml"]  # unequal school sizes: the estimators differ
    first = r["groups"][0]
    assert set(first) >= {"group", "n", "mean", "sd", "ci"} and len(first["ci"]) == 2


def test_trend_json_reproduces_sleepstudy_from_session_labels(tmp_path, reference_dir):
    d = pd.read_csv(reference_dir / "lme4_sleepstudy.csv")
    path = tmp_path / "sleep.csv"
    # no session column: the session number comes from timepoints "session-0" ... "session-9"
    pd.DataFrame(
        {
            "member": d["Subject"],
            "timepoint": "session-" + d["Days"].astype(str),
            "reaction": d["Reaction"],
        }
    ).to_csv(path, index=False)
    r = run_json(
        "trend", path, "--instrument", instrument(tmp_path, "reaction", 0, 1000), "--scale", "total"
    )
    assert set(r) >= TREND_KEYS
    # summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)):
    #   251.405 (6.825), 10.467 (1.546); SDs 24.74, 5.92, residual 25.59
    assert r["intercept"] == pytest.approx(251.405, abs=0.0005)
    assert r["slope"] == pytest.approx(10.467, abs=0.0005)
    assert r["slope_se"] == pytest.approx(1.546, abs=0.0005)
    assert r["sd_intercept_member"] == pytest.approx(24.74, abs=0.005)
    assert r["sd_slope_member"] == pytest.approx(5.92, abs=0.005)
    assert r["sd_residual"] == pytest.approx(25.59, abs=0.005)
    assert [s["session"] for s in r["sessions"]] == list(range(10))
    assert r["sessions"][0]["n"] == 18 and len(r["sessions"][0]["ci"]) == 2


@pytest.fixture
def small(tmp_path):
    ins = instrument(tmp_path, "score", 0, 10)

    def write(rows, columns=("member", "timepoint", "group", "score")):
        path = tmp_path / "small.csv"
        pd.DataFrame(rows, columns=list(columns)).to_csv(path, index=False)
        return path

    return write, ins


def test_groups_single_group_prints_nulls_and_the_reason(small):
    write, ins = small
    data = write([("a", "pre", "G1", 1), ("b", "pre", "G1", 2), ("c", "pre", "G1", 4)])
    r = run_json("groups", data, "--instrument", ins, "--scale", "total")
    assert r["icc1_reml"] is None and r["icc1_anova"] is None and r["design_effect"] is None
    assert r["groups"][0]["mean"] == pytest.approx(7 / 3)
    assert any("Only one group" in n for n in r["notes"])


def test_groups_without_group_column_is_a_clear_error(small):
    write, ins = small
    data = write([("a", "pre", 1), ("b", "pre", 2)], columns=("member", "timepoint", "score"))
    done = run("groups", data, "--instrument", ins, "--scale", "total", "--json")
    assert done.returncode == 2
    assert "no `group` column" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_groups_unknown_timepoint_and_scale(small):
    write, ins = small
    data = write([("a", "pre", "G1", 1), ("b", "post", "G2", 2)])
    done = run("groups", data, "--instrument", ins, "--scale", "total", "--timepoint", "mid")
    assert done.returncode == 2 and "no timepoint 'mid'; the file has pre, post" in done.stderr
    done = run("groups", data, "--instrument", ins, "--scale", "nope")
    assert done.returncode == 2 and "its scales are total" in done.stderr


def test_trend_pre_post_file_says_how_to_add_sessions(small):
    write, ins = small
    data = write([("a", "pre", "G1", 1), ("a", "post", "G1", 2)])
    done = run("trend", data, "--instrument", ins, "--scale", "total")
    assert done.returncode == 2
    assert "add a `session` column" in done.stderr and "Traceback" not in done.stderr


def test_trend_one_session_gives_means_and_the_reason(small):
    write, ins = small
    data = write([("a", "session-1", "G1", 1), ("b", "session-1", "G1", 3)])
    r = run_json("trend", data, "--instrument", ins, "--scale", "total")
    assert r["slope"] is None and r["slope_ci"] == [None, None]
    # scores 1, 3: mean 2, sd sqrt(2); qt(.975, 1) = 12.7062 -> 2 +/- 12.7062 * sqrt(2) / sqrt(2)
    (session,) = r["sessions"]
    assert (session["session"], session["n"], session["mean"]) == (1, 2, 2.0)
    assert session["ci"] == pytest.approx([-10.7062, 14.7062], abs=1e-4)
    assert any("at least two sessions" in n for n in r["notes"])
