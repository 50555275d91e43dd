"""An evaluator uploads spreadsheets into their programs, and the page shows no member code.

Issue 12, item 1: evaluators had no Upload page. Now they have one, limited to the programs
they may see (a new program is an administrator's to add). What they see stays
de-identified: counts instead of the file's rows, "(code hidden)" in the report, answers
differing from stored ones as a count, and a success message of counts only. Afterwards
their analysis pages show pseudonyms and hide small cells, as before.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access.accounts import StaffUser
from access.scope import responses_for
from services import analyses, selection, uploads
from store.bulk_load import count_rows
from store.db import connect
from store.roster import list_members
from tests.access.signed_in import staff_session
from tests.app.session_seed import GROUP, MEMBERS, PROGRAM, forget, seed_database
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ITEMS = [f"phq9_{i}" for i in range(1, 10)]
EVALUATOR = StaffUser("test-evaluator", "evaluator", None)
NOT_SHOWN = "fewer than 5: not shown"


@pytest.fixture
def database(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    yield seeded.url
    forget(seeded.url)


def csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def phq9(member: str, value=1, timepoint: str = "pre", **where) -> dict:
    return {"member": member, "timepoint": timepoint, **where} | {i: value for i in ITEMS}


def store_as_administrator(url: str, rows: list[dict]) -> None:
    check = uploads.check_upload(csv(rows), "seed.csv", url, None, "phq9")
    assert check.ok, str(check.report)
    assert uploads.store_upload(check, url, "tests").committed


def evaluator_upload(data: bytes, name: str = "answers.csv") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[keys.STAFF_SESSION] = staff_session("evaluator")
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.file_uploader(key=keys.W_UPLOAD_FILE).set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Every word the page shows: messages, captions, metrics, tables and labels."""
    parts = [
        e.value
        for kind in ("title", "subheader", "caption", "markdown", "success", "error", "info")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [table.value.to_csv() for table in at.table]
    parts += [box.label for box in at.selectbox]
    return "\n".join(str(p) for p in parts)


def test_an_evaluator_has_the_upload_page(database):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[keys.STAFF_SESSION] = staff_session("evaluator")
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Upload answers"]


def test_an_evaluators_report_hides_codes_and_counts_differing_answers(database):
    store_as_administrator(database, [phq9("M01", 1)])
    before = count_rows(connect(database))
    data = csv(
        [
            phq9("M01", 2),  # differs from the stored 1s
            phq9("M02", 1) | {"phq9_1": 7},  # outside the 0-3 scale
            phq9("M03", 1) | {"member": None},  # no code
            phq9("M04", 1),
        ]
    )
    at = evaluator_upload(data, "M01-answers.csv")
    text = page_text(at)
    for code in MEMBERS:
        assert code not in text, code
    assert "M01-answers" not in text
    assert not at.dataframe  # no preview of the file's rows
    counts = {m.label: m.value for m in at.metric}
    assert counts == {
        "Rows": "4",
        "Members": "3",
        "Timepoints": "1",
        "Items": "9",
        "Answers": "36",
    }
    report = at.table[-1].value
    assert "(code hidden)" in report["Problem"].str.cat()  # M02's 7 names its member so
    assert report.iloc[0]["Row"] == "whole file"
    assert report.iloc[0]["Problem"].startswith("9 answer(s) of this file differ")
    assert "is already stored as" not in text  # no stored value, member or item of it
    rows = report["Row"].tolist()
    assert rows == ["whole file", "3", "4"]  # M02's 7 (row 3), M03's missing code (row 4)
    assert at.button(key="store_upload").disabled
    assert count_rows(connect(database)) == before


def test_an_evaluators_upload_stores_and_says_counts_only(database):
    at = evaluator_upload(csv([phq9(code, 1 + i % 3) for i, code in enumerate(MEMBERS)]))
    assert "4 questionnaire(s) of Patient Health Questionnaire-9" in at.success[0].value
    at.button(key="store_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    message = at.success[0].value
    assert message.startswith("4 questionnaire(s) stored, 0 were already there.")
    assert "answers.csv" not in message
    assert count_rows(connect(database))["administrations"] == 4

    # What they see afterwards stays de-identified, and small cells hidden.
    seen = responses_for(connect(database), EVALUATOR)
    assert len(seen) == 36 and not set(seen["member"]) & set(MEMBERS)
    scope = selection.Scope(database, selection.data_version(database), "phq9", user=EVALUATOR)
    groups = analyses.groups(scope, "total", "pre").structure.groups
    assert groups["n"].tolist() == [NOT_SHOWN]  # 4 members: fewer than 5


def test_an_evaluator_uploads_only_into_their_programs(database):
    data = csv(
        [
            phq9("N01", 1, group="New circle", program="Another program"),  # no such program
            phq9("N02", 1),  # a new member in no group
            phq9("N03", 1, group="Thursday circle", program=PROGRAM),  # new group: fine
            phq9("M01", 1, group=GROUP, program=PROGRAM),  # fine
        ]
    )
    at = evaluator_upload(data)
    report = at.table[-1].value.set_index("Row")
    assert "program Another program is not one of your programs" in report.loc["2", "Problem"]
    assert "administrator" in report.loc["2", "What to do"]
    assert report.loc["3", "Value"] == "(code hidden)"
    assert "member (code hidden) is new and the row names no group" in report.loc["3", "Problem"]
    assert {"4", "5"}.isdisjoint(report.index)
    assert "N02" not in page_text(at)
    assert at.button(key="store_upload").disabled
    assert set(list_members(connect(database))["code"]) == set(MEMBERS)


def test_storing_refuses_an_evaluators_rows_again_without_naming_the_member(database):
    # Checked by an administrator (fine for them), stored as an evaluator: refused.
    data = csv([phq9("N02", 1)])
    check = uploads.check_upload(data, "N02.csv", database, None, "phq9")
    assert check.ok
    with pytest.raises(ValueError) as refused:
        uploads.store_upload(check, database, user=EVALUATOR)
    assert "N02" not in str(refused.value)
    assert "outside your programs" in str(refused.value)
    assert "(code hidden)" in str(refused.value)
    assert count_rows(connect(database))["administrations"] == 0


def test_a_store_refusal_is_told_to_an_evaluator_without_the_code(database):
    # M01 is stored in Tuesday circle; the file moves them to a new group of the program.
    data = csv([phq9("M01", 1, group="Thursday circle", program=PROGRAM)])
    check = uploads.check_upload(data, "answers.csv", database, None, "phq9", user=EVALUATOR)
    assert check.ok, str(check.report)
    with pytest.raises(ValueError) as refused:
        uploads.store_upload(check, database, user=EVALUATOR)
    assert "M01" not in str(refused.value) and "Nothing was stored" in str(refused.value)
    with pytest.raises(ValueError, match="member M01 belongs to group"):
        uploads.store_upload(check, database)  # the command line is told which member
    assert count_rows(connect(database))["administrations"] == 0
