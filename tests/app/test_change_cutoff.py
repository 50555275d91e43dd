"""The Change page starts from the published cutoff, and a cutoff it cannot use blanks nothing.

Issue 11: on PHQ-9 pre/post the page said "none recovered" while the reports, which take the
instrument's published cutoff, said how many recovered; and choosing cutoff c blanked the
page with a message about a command-line flag. A real SQLite database holds a synthetic
PHQ-9 file stored by the upload use case (services.uploads).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services import uploads
from services.labels import machine_name
from store.db import dispose
from tests.access.signed_in import staff_session
from tests.services.change_files import phq9_file
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def phq9_url(tmp_path_factory):
    """A database holding one PHQ-9 file of 32 members at pre and post."""
    folder = tmp_path_factory.mktemp("change_cutoff")
    url = f"sqlite:///{folder / 'phq9.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        data = phq9_file().to_csv(index=False).encode()
        check = uploads.check_upload(data, "phq9.csv", url, None, "phq9")
        assert check.ok, str(check.report)
        assert uploads.store_upload(check, url, "tests").committed
        yield url
    dispose(url)


def change_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state[keys.STAFF_SESSION] = staff_session("administrator")
    at.session_state[keys.FILTER_INSTRUMENT] = "phq9"
    at.run()
    at.switch_page("app_pages/change.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def summary(at: AppTest) -> dict[str, str]:
    """The change table (statistic: value)."""
    # The page says "Value"; read back to the machine name (services.labels).
    table = at.table[0].value.rename(columns=machine_name)
    return dict(zip(table.index, table["value"], strict=True))


def test_phq9_starts_from_the_published_cutoff_and_counts_the_recovered(phq9_url):
    at = change_page()
    cutoff = at.selectbox(key=keys.W_CUTOFF)
    assert cutoff.value == "published"
    assert cutoff.options[0] == "Published cutoff (10)"
    values = summary(at)
    assert int(values["members recovered"]) > 0
    assert {"members improved", "members unchanged", "members harmed"} <= set(values)
    captions = [c.value for c in at.caption]
    assert "Clinical cutoff used: published cutoff, 10." in captions
    assert any(
        c.startswith("Reliability used for reliable change: 0.89, published (") for c in captions
    )


def test_cutoff_c_without_a_functional_population_says_why_and_still_shows_the_change(phq9_url):
    at = change_page()
    improved_with_cutoff = summary(at)
    at.selectbox(key=keys.W_CUTOFF).set_value("c").run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any(
        "cutoff c needs the functional population's mean and SD" in w
        and "the norms of Patient Health Questionnaire-9 (PHQ-9) have none for PHQ-9 total" in w
        for w in warnings
    ), warnings
    assert not any("--" in w for w in warnings)  # no command-line flag on the page
    values = summary(at)
    assert "members recovered" not in values and "members harmed" not in values
    assert (
        values["members with both timepoints"]
        == improved_with_cutoff["members with both timepoints"]
    )
    # Without a cutoff the recovered count among the improved: same members, same test.
    assert int(values["members improved"]) == int(improved_with_cutoff["members improved"]) + int(
        improved_with_cutoff["members recovered"]
    )
    assert "Clinical cutoff used: no cutoff (recovered and harmed are not counted)." in [
        c.value for c in at.caption
    ]
    assert len(at.get("plotly_chart")) >= 1  # the Jacobson plot is still drawn
