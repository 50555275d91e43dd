"""One file, one HLM result: the CLI, the app's Change page and the report agree.

The HLM reliable-change input used to be built three ways (numeric timepoints only on the
command line, session numbers as a fallback in the app, the session column first in the
report), so one file gave three answers. All three now call
``analysis.reliable_change.hlm_input``.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

import cli
from analysis.reliable_change import hlm_input
from ingest import read_responses
from ingest.administrations import administrations_from_table
from measures import load_instrument, score
from reports.content import report_content
from services import analyses, selection
from store import save_administrations
from store.db import connect, dispose

CHECKIN = load_instrument("mutuality-checkin")
SCALE = CHECKIN.scales[0].id
#: Labels as facilitators write them: a pre questionnaire, numbered sessions, a post one.
TIMEPOINTS = ("pre", "session-2", "session-3", "session-4", "post")


def checkin_csv() -> bytes:
    """Twelve synthetic members, five administrations each, slopes that differ (seeded)."""
    rng = np.random.default_rng(11)
    rows = []
    for m in range(12):
        slope = (m % 4 - 1.5) * 0.35
        for step, timepoint in enumerate(TIMEPOINTS):
            level = 3 + slope * (step - 2)
            answers = {
                item: int(np.clip(round(level + rng.normal(0, 0.6)), 1, 5))
                for item in CHECKIN.item_ids
            }
            rows.append(
                {"member": f"CG-{m + 1:02d}", "timepoint": timepoint, "group": "CG"} | answers
            )
    return pd.DataFrame(rows).to_csv(index=False).encode()


def test_hlm_input_places_pre_first_and_post_last():
    table = read_responses(io.BytesIO(checkin_csv()), instrument=CHECKIN, filename="c.csv")
    frame = hlm_input(score(table.wide(), CHECKIN), SCALE)
    by_label = dict(zip(table.wide()["timepoint"], frame["time"], strict=True))
    # pre one session before session-2, post one after session-4
    assert by_label == {"pre": 1.0, "session-2": 2.0, "session-3": 3.0, "session-4": 4.0,
                        "post": 5.0}  # fmt: skip


def test_cli_app_and_report_give_the_same_hlm_result(tmp_path, capsys):
    data = checkin_csv()
    path = tmp_path / "checkin.csv"
    path.write_bytes(data)
    table = read_responses(io.BytesIO(data), instrument=CHECKIN, filename="checkin.csv")

    code = cli.main(["change", str(path), "--instrument", "mutuality-checkin", "--scale", SCALE,
                     "--pre", "pre", "--post", "post", "--method", "hlm", "--json"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    on_cli = json.loads(out.out)["methods"]["hlm"]

    url = f"sqlite:///{tmp_path / 'paths.sqlite'}"
    engine = connect(url)
    save_administrations(
        engine,
        administrations_from_table(table.long, CHECKIN, source="checkin.csv"),
        source="checkin.csv",
    )
    try:
        scope = selection.Scope(url, selection.data_version(url), "mutuality-checkin")
        in_app = analyses.change(scope, SCALE, "pre", "post", method="hlm").result
    finally:
        dispose(url)

    section = next(s for s in report_content(table.wide(), CHECKIN).change if s.scale == SCALE)
    in_report = section.methods["hlm"]

    assert on_cli["problem"] is None and in_app.problem is None and in_report.problem is None
    assert sum(on_cli["counts"].values()) == 12
    assert in_app.counts == on_cli["counts"]
    assert in_report.counts == on_cli["counts"]
    assert in_app.details["fixed_slope"] == pytest.approx(on_cli["details"]["fixed_slope"])
    assert in_report.details["fixed_slope"] == pytest.approx(on_cli["details"]["fixed_slope"])
    assert on_cli["details"]["n_observations"] == 60
