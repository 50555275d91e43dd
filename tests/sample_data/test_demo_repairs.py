"""The demo program has a true story for every view of the repair loop (issue 13, item 7)."""

import pandas as pd
import pytest

from sample_data.demo import DEMO_REPAIRS, SAMPLE_DATA, load_demo
from services.repairs import follow_up
from services.selection import data_version


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-repairs') / 'demo.sqlite'}"
    load_demo(url)
    return follow_up(url, data_version(url)).records


def test_every_synthetic_step_belongs_to_a_disconnection_the_data_shows(records):
    steps = pd.read_csv(SAMPLE_DATA / DEMO_REPAIRS, dtype=str, keep_default_na=False)
    columns = [records["group"], records["member"], records["session"].astype(int)]
    keys = set(zip(*columns, records["kind"], strict=True))
    for row in steps.itertuples(index=False):
        assert (row.group, row.member, int(row.session), row.kind) in keys, row


def test_the_demo_shows_each_outcome(records):
    acute = records[records["kind"] == "acute"]
    assert (acute["status"] == "reconnected").sum() >= 3
    assert (acute["status"] == "still_disconnected").sum() >= 1
    assert (records["kind"] == "chronic").any()
    assert (records["status"] == "left").sum() == 1
    # The member who left had a disconnection before that was not repaired (no attempt).
    left = records[records["status"] == "left"].iloc[0]
    assert "Referred on" not in left["actions"] and not left["actions"]
    # Home has something open to show, and a repair attempt is on record.
    assert records["status"].isin(["open", "acknowledged", "attempted"]).any()
    assert records["actions"].map(len).gt(0).sum() >= 4
