"""The Change page says what "improved" means under the HLM method, and only there.

Under HLM a member's own slope over the sessions is judged against the average member's
slope (analysis.reliable_change.reliable_change_hlm), so a member who improves as fast as
everyone else is "unchanged": a reader who takes "improved" in its Jacobson-Truax sense would
misread the counts. The demo program's check-in has numbered sessions, so HLM is computed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sample_data.demo import load_demo
from store.db import dispose
from tests.access.signed_in import staff_session
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HLM_WORDS = 'With HLM, "improved" means improving reliably faster than the average member'


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """The demo program in a SQLite file of its own."""
    folder = tmp_path_factory.mktemp("hlm_caption")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        load_demo(url)
        yield url
    dispose(url)


def change_page(method: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state[keys.STAFF_SESSION] = staff_session("administrator")
    at.session_state[keys.FILTER_INSTRUMENT] = "mutuality-checkin"
    at.session_state[keys.W_METHOD] = method
    at.run()
    at.switch_page("app_pages/change.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_hlm_says_improved_means_faster_than_the_average_member(demo_url):
    at = change_page("hlm")
    # HLM was computed on the check-in's sessions: its counts are in the reading.
    assert any("(HLM)" in info.value for info in at.info), [i.value for i in at.info]
    captions = [c.value for c in at.caption if c.value.startswith(HLM_WORDS)]
    assert len(captions) == 1
    assert "own slope over the sessions is reliably steeper" in captions[0]
    assert "average member's slope" in captions[0]


def test_other_methods_do_not_show_the_hlm_caption(demo_url):
    at = change_page("jt")
    assert not [c for c in at.caption if c.value.startswith(HLM_WORDS)]
