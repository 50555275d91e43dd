"""A session only a few members have answered so far does not speak for the whole group.

The new user's walk-through: after two members answered a new session, the Change page
defaulted to it as "after", and the over-time chart's band of that session stretched the
axis far beyond the 1-5 scale. A real SQLite database holds three sessions ten members
answered and a fourth two have answered so far.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from ingest import read_responses
from ingest.administrations import administrations_from_table
from measures import load_instrument
from services import analyses, selection
from store import save_administrations
from store.db import connect, dispose
from store.sessions import record_attendance
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ADMIN, PASSWORD = "admin-small", "orchard kettle lantern"
CHECKIN = load_instrument("mutuality-checkin")


def checkin_answers() -> bytes:
    """Sessions 1-3: ten members each; session 4: two so far (synthetic, seeded)."""
    rng = np.random.default_rng(3)
    rows = []
    for session in range(1, 5):
        for m in range(10 if session < 4 else 2):
            level = 2.5 + 0.25 * session + (m % 3) * 0.3
            answers = {
                item: int(np.clip(round(level + rng.normal(0, 0.7)), 1, 5))
                for item in CHECKIN.item_ids
            }
            rows.append(
                {"member": f"PR-A-{m + 1:02d}", "timepoint": f"session-{session}",
                 "group": "PR-A", "program": "Prison re-entry", "session": session} | answers
            )  # fmt: skip
    return pd.DataFrame(rows).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-sessions")
    url = f"sqlite:///{folder / 'small.sqlite'}"
    engine = connect(url)
    table = read_responses(io.BytesIO(checkin_answers()), instrument=CHECKIN, filename="a.csv")
    batch = administrations_from_table(table.long, table.instrument, source="a.csv")
    save_administrations(engine, batch, source="a.csv")
    accounts.add_user(engine, ADMIN, PASSWORD, "administrator", by="tests")
    # Attendance: PR-A at sessions 1 and 2, a second group PR-B at session 1 only.
    for session in (1, 2):
        record_attendance(engine, "PR-A", session, {"PR-A-01": True, "PR-A-02": False},
                          program="Prison re-entry")  # fmt: skip
    record_attendance(engine, "PR-B", 1, {"PR-B-01": True}, program="Prison re-entry")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        yield url
    dispose(url)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), ADMIN, PASSWORD)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    at.session_state[keys.FILTER_INSTRUMENT] = "mutuality-checkin"
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def scope(url: str) -> selection.Scope:
    return selection.Scope(url, selection.data_version(url), "mutuality-checkin")


def test_change_defaults_to_the_last_session_most_members_reached(url):
    at = open_page("change")
    assert at.selectbox(key=keys.W_PRE).value == "session-1"
    assert at.selectbox(key=keys.W_POST).value == "session-3"
    reading = next(i.value for i in at.info if "members with both" in i.value)
    assert "from session-1 to session-3 (10 members with both" in reading
    captions = " ".join(c.value for c in at.caption)
    assert "most members reached" in captions and "session-4 (2 members)" in captions
    # The Jacobson plot's axes stay on the 1-5 scale plus a small margin.
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    low, high = figure["layout"]["xaxis"]["range"]
    assert 0.7 <= low < 1 and 5 < high <= 5.3


def test_over_time_reading_and_profile_stop_at_the_last_session_most_reached(url):
    view = analyses.over_time(scope(url), "total")
    assert "at session 3, the last session most members reached" in view.reading
    assert "session 4 (2 answered so far)" in view.reading
    assert view.profile["session"].max() == 3
    assert view.overall["session"].max() == 4  # the chart still shows session 4


def test_over_time_chart_stays_on_the_scale_and_marks_the_small_session(url):
    at = open_page("over_time")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    low, high = figure["layout"]["yaxis"]["range"]
    assert 0.8 <= low < 1 and 5 < high <= 5.2
    line = next(t for t in figure["data"] if t.get("name") == "PR-A")
    assert line["text"][-1] == "n=2" and line["marker"]["symbol"][-1].endswith("-open")
    captions = " ".join(c.value for c in at.caption)
    assert "fewer than 5 answers has an open marker" in captions


def test_all_groups_attendance_shows_blank_for_a_session_a_group_did_not_have(url):
    at = open_page("over_time")
    table = at.dataframe[-1].value
    assert list(table.columns) == ["session 1", "session 2"]
    assert table.loc["PR-A"].tolist() == ["50%", "50%"]
    assert table.loc["PR-B"].tolist() == ["100%", ""]  # blank, not None
