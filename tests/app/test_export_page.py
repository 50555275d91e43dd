"""The Export page in the real app (router included), against a small real SQLite database.

The database is tests/access/seed.py (a substance-use program "Recovery" and "Community")
plus one Community group named like a spreadsheet formula. What a user relies on: an
evaluator's file holds pseudonyms only and dates moved per member (or only the month), an
administrator alone may take member codes and real dates, a facilitator never reaches the
page, every download leaves an audit entry, the Part 2 notice travels inside the download,
and a formula-like group name arrives as text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from privacy.exports import NOTICE_SHEET
from privacy.notice import PART2_NOTICE
from services import exports
from store import audit
from store.administrations import save_administrations
from store.db import connect, dispose
from store.roster import create_group, create_member
from tests.access.seed import MEMBERS, checkin, seed
from tests.access.signed_in import staff_session
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "export.py")
#: The columns of `cli.py export` (the long spreadsheet format), in its order.
EXPORT_COLUMNS = [
    "member",
    "timepoint",
    "item",
    "value",
    "instrument",
    "group",
    "program",
    "session",
    "date",
    "mode",
]
HOSTILE_GROUP = "=cmd()"
HOSTILE_MEMBER = "C09"
CODES = {code for codes in MEMBERS.values() for code in codes} | {HOSTILE_MEMBER}
PRE, POST = "2025-03-04", "2025-05-13"  # the seeded answers' real dates
PSEUDONYM = re.compile(r"P-[0-9a-f]{12}")
ADMINISTRATIONS = 2 * len(CODES)  # pre and post of every member
ANSWERS = 3 * ADMINISTRATIONS  # three items each


@pytest.fixture
def url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'export.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    engine = connect(url)
    seed(engine)
    create_group(engine, "Community", HOSTILE_GROUP)
    create_member(engine, HOSTILE_MEMBER, group=HOSTILE_GROUP, program="Community")
    hostile = [
        checkin(HOSTILE_MEMBER, HOSTILE_GROUP, "Community", timepoint, day, values)
        for timepoint, day, values in (
            ("pre", dt.date(2025, 3, 4), (2, 2, 2)),
            ("post", dt.date(2025, 5, 13), (3, 3, 3)),
        )
    ]
    save_administrations(engine, hostile, source="tests")
    yield url
    dispose(url)


def export_page(role: str, username: str | None = None) -> AppTest:
    """The app signed in as `role`, on the Export page."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[keys.STAFF_SESSION] = staff_session(role, username=username)
    at.run()
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def prepare(at: AppTest, **choices) -> exports.ExportFile:
    """Make the page's choices (widget key -> value), press Prepare, return the file."""
    for key, value in choices.items():
        widget = at.radio(key=key) if key in RADIOS else at.selectbox(key=key)
        widget.set_value(value)
    at.run()
    at.button(key="prepare_export").click().run()
    assert not at.exception, [e.value for e in at.exception]
    prepared = at.session_state[keys.EXPORT_PREPARED]
    assert prepared is not None, [w.value for w in at.warning]
    return prepared


RADIOS = {keys.W_EXPORT_CONTENT, keys.W_EXPORT_DATE_HANDLING, keys.W_EXPORT_FILE_TYPE}


def workbook_frames(data: bytes) -> dict[str, pd.DataFrame]:
    workbook = load_workbook(io.BytesIO(data))
    frames = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.values)
        frames[sheet.title] = pd.DataFrame(rows[1:], columns=rows[0])
    return frames


def zip_files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def all_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False)


def codes_in(text: str) -> set[str]:
    return {c for c in CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}


def test_an_evaluators_download_holds_pseudonyms_and_dates_shifted_per_member(url):
    at = export_page("evaluator")
    # No choice of an identified export for an evaluator: only dates and file type.
    assert not [r for r in at.radio if r.key == keys.W_EXPORT_CONTENT]
    prepared = prepare(at)  # the defaults: xlsx, dates shifted per member
    assert prepared.file_name.endswith("-deidentified-" + dt.date.today().isoformat() + ".xlsx")
    sheets = workbook_frames(prepared.data)
    responses = sheets["Responses"]
    assert list(responses.columns) == EXPORT_COLUMNS
    assert len(responses) == ANSWERS
    assert responses["member"].map(lambda m: bool(PSEUDONYM.fullmatch(m))).all()
    assert responses["member"].nunique() == len(CODES)
    assert not codes_in(all_text(responses)), codes_in(all_text(responses))
    # Each member's dates moved by their own non-zero number of days; intervals stay true.
    dates = responses.drop_duplicates(["member", "timepoint"]).pivot(
        index="member", columns="timepoint", values="date"
    )
    assert not (dates["pre"] == PRE).any() and not (dates["post"] == POST).any()
    gaps = pd.to_datetime(dates["post"]) - pd.to_datetime(dates["pre"])
    assert (gaps == pd.Timedelta(days=70)).all()
    # Recovery is a substance-use program: the notice is the second sheet.
    assert sheets[NOTICE_SHEET]["notice"][0] == PART2_NOTICE
    assert any("42 CFR Part 2" in w.value for w in at.warning)
    # The page shows what it will hand over, pseudonyms and all (the table's own csv download
    # is off app-wide: tests/app/test_pages_screenshots.py checks it in a browser).
    shown = at.dataframe[0].value
    assert shown["member"].map(lambda m: bool(PSEUDONYM.fullmatch(m))).all()
    said = f"{ANSWERS} answer(s) from {ADMINISTRATIONS} questionnaire(s) of all groups, de-id"
    assert any(i.value.startswith(said) for i in at.info), [i.value for i in at.info]


def test_dates_coarsened_to_the_month_in_a_csv_zipped_with_its_notice(url):
    at = export_page("evaluator")
    prepared = prepare(
        at, **{keys.W_EXPORT_DATE_HANDLING: exports.MONTH, keys.W_EXPORT_FILE_TYPE: "csv"}
    )
    assert prepared.file_name.endswith(".zip") and prepared.mime == "application/zip"
    files = zip_files(prepared.data)
    stem = prepared.file_name.removesuffix(".zip")
    assert sorted(files) == [f"{stem}.csv", f"{stem}.csv.part2-notice.txt"]
    assert files[f"{stem}.csv.part2-notice.txt"].strip() == PART2_NOTICE
    responses = pd.read_csv(io.StringIO(files[f"{stem}.csv"]), dtype=str)
    assert list(responses.columns) == EXPORT_COLUMNS
    assert set(responses["date"]) == {"2025-03", "2025-05"}
    assert not codes_in(files[f"{stem}.csv"])


def test_a_csv_without_substance_use_answers_is_a_plain_csv(url):
    at = export_page("evaluator")
    prepared = prepare(at, **{keys.W_EXPORT_PROGRAM: "Community", keys.W_EXPORT_FILE_TYPE: "csv"})
    assert prepared.file_name.endswith(".csv") and prepared.notice is None
    responses = pd.read_csv(io.BytesIO(prepared.data), dtype=str)
    assert set(responses["program"]) == {"Community"}
    assert not any("42 CFR Part 2" in w.value for w in at.warning)


def test_a_formula_like_group_name_arrives_as_text(url):
    at = export_page("evaluator")
    prepared = prepare(at, **{keys.W_EXPORT_FILE_TYPE: "csv", keys.W_EXPORT_PROGRAM: "Community"})
    responses = pd.read_csv(io.BytesIO(prepared.data), dtype=str)
    assert "'" + HOSTILE_GROUP in set(responses["group"])
    assert not responses.map(lambda v: str(v).startswith(("=", "+", "@"))).any().any()
    # Nor does the name reach the file name as it is.
    at = export_page("evaluator")
    prepared = prepare(
        at, **{keys.W_EXPORT_PROGRAM: "Community", keys.W_EXPORT_GROUP: HOSTILE_GROUP}
    )
    assert prepared.file_name.startswith("mutuality-export-cmd-deidentified-")
    sheet = load_workbook(io.BytesIO(prepared.data))["Responses"]
    groups = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert groups == {"'" + HOSTILE_GROUP}


def test_every_download_is_audited_and_the_next_export_has_new_pseudonyms(url):
    at = export_page("evaluator", username="eva")
    first = prepare(at)
    at.download_button(key="download_export").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[keys.EXPORT_PREPARED] is None  # used once: prepare again
    assert any(first.file_name in s.value for s in at.success)
    second = prepare(at, **{keys.W_EXPORT_DATE_HANDLING: exports.MONTH})
    at.download_button(key="download_export").click().run()
    events = audit.load_audit(connect(url), action=audit.EXPORT)
    assert list(events["who"]) == ["eva", "eva"]
    newest, oldest = events["detail"]
    assert oldest == {
        "file": first.file_name,
        "page": "export",
        "deidentified": True,
        "dates": "shifted",
        "rows": ANSWERS,
        "administrations": ADMINISTRATIONS,
        "part2_notice": True,
    }
    assert (newest["dates"], newest["file"], newest["rows"]) == ("month", second.file_name, ANSWERS)
    # A fresh key per export: the same members under other pseudonyms.
    pseudonyms = [set(workbook_frames(f.data)["Responses"]["member"]) for f in (first, second)]
    assert len(pseudonyms[0]) == len(pseudonyms[1]) == len(CODES)
    assert not pseudonyms[0] & pseudonyms[1]
    # Preparing alone is no download: nothing more is recorded.
    prepare(at)
    assert len(audit.load_audit(connect(url), action=audit.EXPORT)) == 2


def test_an_administrator_may_choose_member_codes_and_real_dates(url):
    at = export_page("administrator", username="chief")
    content = at.radio(key=keys.W_EXPORT_CONTENT)
    assert content.value == "deidentified"  # de-identified unless asked
    prepared = prepare(at, **{keys.W_EXPORT_CONTENT: "identified"})
    assert not [r for r in at.radio if r.key == keys.W_EXPORT_DATE_HANDLING]
    responses = workbook_frames(prepared.data)["Responses"]
    assert set(responses["member"]) == CODES
    assert set(responses["date"]) == {PRE, POST}
    at.download_button(key="download_export").click().run()
    detail = audit.load_audit(connect(url), action=audit.EXPORT)["detail"][0]
    assert (detail["deidentified"], detail["dates"]) == (False, "exact")
    assert detail["file"].startswith("mutuality-export-all-identified-")


def test_an_administrators_default_export_is_deidentified(url):
    prepared = prepare(export_page("administrator"))
    responses = workbook_frames(prepared.data)["Responses"]
    assert not codes_in(all_text(responses))
    assert responses["member"].map(lambda m: bool(PSEUDONYM.fullmatch(m))).all()


def test_a_facilitator_cannot_reach_the_export_page(url):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[keys.STAFF_SESSION] = staff_session("facilitator", group_ids={1})
    at.run()
    assert not at.exception
    with pytest.raises(ValueError):
        at.switch_page("app_pages/export.py")
    # Run on its own, without the router, the page still refuses.
    page = AppTest.from_file(PAGE, default_timeout=120)
    page.session_state[keys.STAFF_SESSION] = staff_session("facilitator", group_ids={1})
    page.run()
    assert not page.exception
    assert [e.value for e in page.error] == [
        "Only evaluators and administrators can export answers."
    ]
    assert not page.button and not page.get("download_button")


def test_an_empty_selection_says_so_and_prepares_nothing(url):
    at = export_page("evaluator")
    at.date_input(key=keys.W_EXPORT_DATES).set_value((dt.date(2024, 1, 1), dt.date(2024, 1, 31)))
    at.run()
    at.button(key="prepare_export").click().run()
    assert not at.exception
    assert at.session_state[keys.EXPORT_PREPARED] is None
    assert "There are no stored answers of all groups between 2024-01-01 and 2024-01-31" in (
        at.warning[0].value
    )
