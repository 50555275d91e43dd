"""The Upload page's validation report, in words (issue 12, item 3).

Before, it was a narrow grid that clipped "what to do" (the message), showed "None" for a
problem of the whole file or row, kept the order problems were found in, and told web users
what to do on the command line. Now: a wrapped table with worded columns, sorted by row and
column, "whole file" and "whole row" for problems of those, advice about the page's column
selectors, and the same table as a CSV download.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from services.upload_report import REPORT_COLUMNS
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


def answers(member, timepoint="pre", date="04/03/2025", **items) -> dict:
    return {"member": member, "timepoint": timepoint, "date": date, "notes": "ok"} | {
        i: items.get(i, 1) for i in ITEMS
    }


def problem_file() -> bytes:
    rows = [
        answers("M01"),
        answers("M02", phq9_9=7, phq9_2="abc"),  # row 3: two cells, found in item order
        answers("M01"),  # row 4: repeats row 2
        answers("M03", timepoint=None),  # row 5: no timepoint
        answers("M04", phq9_1=5),  # row 6
    ]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def report_after_upload(url: str, downloads: dict | None = None) -> pd.DataFrame:
    at = AppTest.from_file(APP, default_timeout=120)
    sign_in(at.session_state, url)
    at.run()
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key=keys.W_UPLOAD_FILE).set_value(("answers.csv", problem_file(), "csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.dataframe[1:]  # the report is not a clipping grid any more
    return at.table[-1].value


def test_the_report_is_worded_sorted_and_never_says_none(database):
    report = report_after_upload(database)
    assert list(report.columns) == list(REPORT_COLUMNS)
    cells = report.to_numpy().ravel().tolist()
    assert all(isinstance(cell, str) for cell in cells)
    assert not {"None", "nan", "<NA>"} & set(cells)
    places = report[["Row", "Column"]].values.tolist()
    assert places == [
        ["whole file", "date (C)"],  # how 04/03/2025 was read
        ["1", "notes (D)"],  # a column that is not imported
        ["3", "phq9_2 (F)"],
        ["3", "phq9_9 (M)"],
        ["4", "whole row"],  # repeats row 2
        ["5", "timepoint (B)"],
        ["6", "phq9_1 (E)"],
    ]
    by_place = report.set_index(["Row", "Column"])
    assert by_place.loc[("3", "phq9_9 (M)"), "Value"] == "7"
    assert by_place.loc[("3", "phq9_9 (M)"), "Error or warning"] == "Error"
    assert by_place.loc[("4", "whole row"), "Error or warning"] == "Warning"
    assert "0 to 3" in by_place.loc[("6", "phq9_1 (E)"), "Problem"]
    assert by_place.loc[("6", "phq9_1 (E)"), "What to do"].startswith("correct it, or leave")


def test_what_to_do_speaks_of_the_page_not_the_command_line(database):
    report = report_after_upload(database)
    advice = report["What to do"].str.cat(sep="\n")
    assert "--mapping" not in advice and "mapping" not in advice.lower()
    assert "import the file again" not in advice
    unused = report.set_index("Column").loc["notes (D)", "What to do"]
    assert "choose which in its selector under 2. Columns" in unused


def test_the_report_downloads_as_the_same_table(database, downloads):
    report = report_after_upload(database)
    saved = pd.read_csv(io.BytesIO(downloads["validation-report.csv"]), dtype=str)
    assert saved.fillna("").values.tolist() == report.values.tolist()
    assert list(saved.columns) == list(REPORT_COLUMNS)


def test_a_file_without_member_or_timepoint_is_told_about_the_selectors(database):
    rows = [{"ID": "M01", "when": "pre"} | {i: 1 for i in ITEMS}]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    at = AppTest.from_file(APP, default_timeout=120)
    sign_in(at.session_state, database)
    at.run()
    at.switch_page("app_pages/upload.py").run()
    data = buffer.getvalue().encode()
    at.file_uploader(key=keys.W_UPLOAD_FILE).set_value(("their.csv", data, "csv"))
    at.run()
    message = at.error[0].value
    assert "no column named member or timepoint" in message
    assert "Say which column holds each under 2. Columns above" in message
    assert "give a mapping" not in message  # the command line's way, not the page's
