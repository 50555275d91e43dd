"""The Upload page remembers how a file's columns were mapped (issue 12, item 2).

Before, a corrected file uploaded again came with every selector back at its default. Now
the mapping is remembered per user, questionnaire and set of column names (when the file
is stored, or by "Remember this mapping"), pre-fills the selectors of the next file with
those columns, and downloads as the YAML file `cli.py import --mapping FILE` reads.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ingest import read_mapping
from store.bulk_load import count_rows
from store.db import connect
from tests.access.signed_in import staff_session
from tests.app.session_seed import forget, seed_database, sign_in
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ITEMS = [f"phq9_{i}" for i in range(1, 10)]


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    yield seeded.url
    forget(seeded.url)


def their_file(codes, value=1, order=("ID", "when")) -> bytes:
    """PHQ-9 answers whose member and timepoint columns have names of their own."""
    rows = []
    for code in codes:
        named = {"ID": code, "when": "pre"}
        rows.append({column: named[column] for column in order} | {i: value for i in ITEMS})
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def open_upload(url: str, session=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if session is None:
        sign_in(at.session_state, url)  # the seeded facilitator of the group
    else:
        at.session_state[keys.STAFF_SESSION] = session
    at.run()
    at.switch_page("app_pages/upload.py").run()
    return at


def give(at: AppTest, data: bytes, name: str = "answers.csv") -> AppTest:
    at.file_uploader(key=keys.W_UPLOAD_FILE).set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def selectors(at: AppTest) -> dict[str, str]:
    """Column -> its selector's choice (the first two columns only hold the names)."""
    return {
        at.selectbox(key=f"{keys.W_UPLOAD_MAP}_{position}").label: at.selectbox(
            key=f"{keys.W_UPLOAD_MAP}_{position}"
        ).value
        for position in range(2)
    }


def test_a_stored_files_mapping_fills_in_the_corrected_file(database):
    at = give(open_upload(database), their_file(["M01", "M02"], value=7))
    assert selectors(at) == {"id": "", "when": ""}  # nothing remembered yet
    assert not [i for i in at.info if "you mapped" in i.value]
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_0").select("member")
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_1").select("timepoint").run()
    assert at.button(key="store_upload").disabled  # 7 is outside the scale
    # The corrected file, its columns in another order: nothing remembered until stored.
    at = give(open_upload(database), their_file(["M01", "M02"], order=("when", "ID")))
    assert selectors(at) == {"when": "", "id": ""}
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_0").select("timepoint")
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_1").select("member").run()
    at.button(key="store_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "remembered for the next file with these columns" in at.success[0].value
    assert count_rows(connect(database))["administrations"] == 2

    # Next month's file, same columns: filled in, and the page says so.
    at = give(open_upload(database), their_file(["M03"]), "next-month.csv")
    assert selectors(at) == {"id": "member", "when": "timepoint"}
    assert at.selectbox(key=keys.W_UPLOAD_INSTRUMENT).value == "phq9"
    assert any("as you mapped the same columns for Patient" in i.value for i in at.info)
    assert "1 questionnaire(s) of Patient Health Questionnaire-9" in at.success[0].value


def test_remember_this_mapping_keeps_it_for_this_user_only(database):
    at = give(open_upload(database), their_file(["M01"], value=7))
    at.selectbox(key=keys.W_UPLOAD_INSTRUMENT).select("phq9")
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_0").select("member")
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_1").select("timepoint").run()
    at.button(key="remember_mapping").click().run()
    assert any("Remembered" in s.value for s in at.success)

    again = give(open_upload(database), their_file(["M01"]))
    assert selectors(again) == {"id": "member", "when": "timepoint"}
    someone_else = give(
        open_upload(database, staff_session("administrator", "another-admin")),
        their_file(["M01"]),
    )
    assert selectors(someone_else) == {"id": "", "when": ""}


def test_the_mapping_downloads_as_the_clis_mapping_file(database, downloads, tmp_path):
    at = give(open_upload(database), their_file(["M01"]))
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_0").select("member")
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_1").select("timepoint").run()
    button = at.download_button(key="download_mapping")
    assert button.label == "Download the mapping file (YAML)"
    path = tmp_path / "phq9-mapping.yaml"
    path.write_bytes(downloads["phq9-mapping.yaml"])
    assert read_mapping(path) == {"id": "member", "when": "timepoint"} | {i: i for i in ITEMS}
