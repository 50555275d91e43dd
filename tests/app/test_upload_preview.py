"""Upload: a column mixing numbers and text previews and reports without a conversion error."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.session_seed import forget, seed_database, sign_in
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ITEMS = [f"phq9_{i}" for i in range(1, 10)]


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    yield seeded
    forget(seeded.url)


def mixed_workbook() -> bytes:
    """PHQ-9 answers where the first item's column holds numbers and the text 'abc'."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["member", "timepoint", *ITEMS])
    sheet.append(["M01", "pre", *[1] * 9])
    sheet.append(["M02", "pre", 7, *[1] * 8])
    sheet.append(["M03", "pre", "abc", *[1] * 8])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_mixed_column_previews_as_typed_and_logs_no_arrow_error(database):
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("streamlit.dataframe_util")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        sign_in(at.session_state, os.environ["DATABASE_URL"])
        at.run()
        at.switch_page("app_pages/upload.py").run()
        data = mixed_workbook()
        at.file_uploader(key=keys.W_UPLOAD_FILE).set_value(("answers.xlsx", data, "xlsx"))
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    preview = at.dataframe[0].value
    assert preview["phq9_1"].tolist() == ["1", "7", "abc"]
    report = at.table[-1].value  # the validation report, in words
    assert report["Value"].tolist() == ["7", "abc"]
    assert not [r for r in records if r.exc_info or "Arrow" in r.getMessage()], [
        r.getMessage() for r in records
    ]
