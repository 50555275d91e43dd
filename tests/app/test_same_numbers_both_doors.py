"""One file, two doors: the pages' analyses of the stored file equal the CLI's JSON of the file.

The file is imported into a real SQLite database (`cli.py import`); the Reliability, Groups and
Over time pages' use cases (`services.analyses.reliability`, `groups`, `trend` on a Scope)
must give the numbers `cli.py reliability|groups|trend --json` gives for the same file, because
both compute through `reliability_of`, `groups_of` and `trend_of`.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

import cli
from services import analyses
from services.selection import Scope, data_version
from store.db import dispose

ITEMS = [f"phq9_{i}" for i in range(1, 10)]


@pytest.fixture
def stored_file(tmp_path):
    """A PHQ-9 file (3 groups x 6 members x 4 sessions) and the database it was imported into."""
    rng = np.random.default_rng(20240611)
    path = tmp_path / "phq9-sessions.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["member", "timepoint", "group", "program", "session", *ITEMS])
        for g, group in enumerate(("A", "B", "C")):
            for m in range(6):
                level = rng.normal(1.8 - 0.3 * g, 0.5)
                slope = rng.normal(-0.15, 0.05)
                for session in range(1, 5):
                    mean = level + slope * session
                    answers = np.clip(np.rint(mean + rng.normal(0, 0.6, 9)), 0, 3).astype(int)
                    writer.writerow(
                        [f"{group}{m:02d}", f"session-{session}", group, "Community", session]
                        + answers.tolist()
                    )
    url = f"sqlite:///{tmp_path / 'doors.sqlite'}"
    assert cli.main(["import", str(path), "--instrument", "phq9", "--database", url]) == 0
    yield path, url
    dispose(url)


def cli_json(capsys, *args) -> dict:
    capsys.readouterr()
    assert cli.main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_reliability_groups_and_trend_are_the_same_through_both_doors(stored_file, capsys):
    path, url = stored_file
    scope = Scope(url=url, version=data_version(url), instrument="phq9")

    page = analyses.reliability(scope, None, None).scales.set_index(["scale", "timepoint"])
    command = cli_json(capsys, "reliability", path, "--instrument", "phq9")
    assert len(command["scales"]) == len(page) == 4  # total at each of the 4 sessions
    for entry in command["scales"]:
        row = page.loc[(entry["scale"], entry["timepoint"])]
        assert row["n"] == entry["n"]
        assert row["alpha"] == pytest.approx(entry["alpha"], rel=1e-9)
        assert row["omega_total"] == pytest.approx(entry["omega_total"], rel=1e-9)

    structure = analyses.groups(scope, "total", "session-1").structure
    command = cli_json(
        capsys, "groups", path, "--instrument", "phq9", "--scale", "total", "--timepoint",
        "session-1",
    )  # fmt: skip
    assert (structure.n_members, structure.n_groups) == (command["n_members"], 3)
    for key in ("icc1_reml", "icc1_anova", "icc2", "design_effect"):
        assert getattr(structure, key) == pytest.approx(command[key], rel=1e-9), key
    assert structure.groups["mean"].tolist() == pytest.approx(
        [g["mean"] for g in command["groups"]], rel=1e-12
    )

    result = analyses.trend(scope, "total").result
    command = cli_json(capsys, "trend", path, "--instrument", "phq9", "--scale", "total")
    assert (result.n_members, result.n_observations) == (18, 72)
    assert (command["n_members"], command["n_observations"]) == (18, 72)
    for key in ("intercept", "slope", "slope_se", "slope_p", "sd_residual"):
        assert getattr(result, key) == pytest.approx(command[key], rel=1e-6), key
    assert [s["mean"] for s in command["sessions"]] == pytest.approx(
        result.sessions["mean"].tolist(), rel=1e-12
    )
