"""The Over time chart of the demo program: a panel per group, members' lines for one group.

Issue 12, item 7: with all groups chosen the chart drew 8 groups' bands and lines over 100
members' lines in one plot, a tangle. Now each group has its own small panel on one shared
axis over the whole scale, and the caption says what the chart draws.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from sample_data.demo import load_demo
from store.db import connect, dispose
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ADMIN, PASSWORD = "admin-charts", "kettle lantern orchard"  # synthetic test account
DEMO_GROUPS = ["CW-A", "CW-B", "PR-A", "PR-B", "PR-C", "SR-A", "SR-B", "SR-C"]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panels")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        load_demo(url)
        accounts.add_user(connect(url), ADMIN, PASSWORD, "administrator", by="tests")
        yield url
    dispose(url)


def over_time(group: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), ADMIN, PASSWORD)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    at.session_state[keys.FILTER_INSTRUMENT] = "mutuality-checkin"
    if group:
        at.session_state[keys.FILTER_GROUP] = group
    at.run()
    at.switch_page("app_pages/over_time.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_all_groups_are_one_panel_each_on_the_whole_scale(demo_url):
    at = over_time()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    layout = figure["layout"]
    x_axes = sorted(k for k in layout if k.startswith("xaxis"))
    assert len(x_axes) == len(DEMO_GROUPS) == 8
    titles = [a["text"] for a in layout["annotations"]][: len(DEMO_GROUPS)]
    assert titles == DEMO_GROUPS
    names = {t.get("name") for t in figure["data"]}
    assert "individual members" not in names  # no members' lines with all groups
    # Every panel on one y-axis over the whole 1-5 scale.
    for axis in (k for k in layout if k.startswith("yaxis")):
        assert layout[axis]["range"] == pytest.approx([0.84, 5.16])
    # ... and linked: every y-axis matches one of them (zooming one panel zooms all).
    matches = [layout[k].get("matches") for k in layout if k.startswith("yaxis")]
    assert matches.count(None) == 1 and len(set(matches) - {None}) == 1
    captions = " ".join(c.value for c in at.caption)
    assert "one panel per group (8 groups)" in captions
    assert "Choose one group in the sidebar to see its members' own lines" in captions
    assert "The axis shows the whole scale (1 to 5)" in captions


def test_one_group_draws_its_members_lines_and_says_so(demo_url):
    at = over_time("PR-A")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t.get("name") for t in figure["data"]] == ["individual members", "PR-A 95% CI", "PR-A"]
    captions = " ".join(c.value for c in at.caption)
    assert "over each member's own line (faint)" in captions
    assert "panel" not in captions
    # The attendance heatmap names every member of the group on its rows.
    heatmap = json.loads(at.get("plotly_chart")[-1].proto.spec)
    members = sorted(heatmap["data"][0]["y"])
    assert sorted(heatmap["layout"]["yaxis"]["ticktext"]) == members and len(members) >= 12
