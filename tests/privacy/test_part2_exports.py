"""The 42 CFR Part 2 notice on exports, and formula injection in every export path."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from privacy.exports import NOTICE_SHEET, audit_csv, notice_path, write_export
from privacy.notice import PART2_NOTICE, PART2_STATEMENT, notice_for, substance_use_programs

PROGRAMS = pd.DataFrame({"name": ["Recovery", "Community"], "substance_use": [True, False]})


def test_notice_is_required_only_for_substance_use_programs():
    assert notice_for(PROGRAMS, ["Recovery", "Community"]) == PART2_NOTICE
    assert notice_for(PROGRAMS, ["Community", None]) is None
    assert substance_use_programs(PROGRAMS, ["Recovery", "Recovery"]) == ["Recovery"]


# 42 CFR 2.32(a)(1), Statement 1, as revised by 89 FR 12472 (16 February 2024), typed out
# here from the sources, not copied from privacy.notice:
# - up to "...at least one of the following applies:": the revised section as reproduced at
#   https://compliancecosmos.org/notice-and-copy-consent-accompany-disclosure
# - (i)-(iii) and the closing sentence: the 2024 notice as embedded in public code (an HL7
#   ZNT-segment parser test, org.techbd.ingest.ZNTParserTest, and a JavaScript constants file
#   with PART2_NOTICE_VERSION '2024'), which agree word for word.
# Not read: the eCFR / Federal Register text itself (see privacy.notice's docstring).
STATEMENT_1_2024 = [
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies:",
    "(i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise permitted "
    "by 42 CFR part 2.",
    "(ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or",
    "(iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E.",
    "A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or "
    "redisclose the record (see 42 CFR 2.31).",
]


def test_the_notice_is_statement_1_of_the_2024_regulation_word_for_word():
    # The regulation's paragraphs, joined by single spaces, after Mutuality's heading.
    assert " ".join(STATEMENT_1_2024) == PART2_STATEMENT
    assert "42 CFR Part 2 notice (42 CFR 2.32). " + " ".join(STATEMENT_1_2024) == PART2_NOTICE


def test_the_notice_is_not_the_superseded_wording():
    # The 2018/2020 Statement 1 and the old abbreviated notice (before 89 FR 12472).
    assert "The federal rules restrict any use of the information" not in PART2_NOTICE
    assert "prohibits unauthorized disclosure of these records" not in PART2_NOTICE


FRAME = pd.DataFrame(
    {
        "member": ['=HYPERLINK("http://x","y")', "R02"],
        "group": ["+cmd|' /C calc'!A0", "@SUM(1)"],
        "value": [-3, 4],
    }
)


def test_csv_export_carries_the_notice_beside_it_and_neutralises_formulas(tmp_path):
    out = tmp_path / "export.csv"
    written = write_export(FRAME, out, PART2_NOTICE)
    assert written == [out, notice_path(out)]
    assert notice_path(out).read_text(encoding="utf-8").strip() == PART2_NOTICE
    back = pd.read_csv(out)
    assert back["member"][0].startswith("'=")
    assert back["group"].tolist() == ["'+cmd|' /C calc'!A0", "'@SUM(1)"]
    assert back["value"].tolist() == [-3, 4]  # numbers are left alone


def test_xlsx_export_carries_the_notice_on_a_second_sheet(tmp_path):
    out = tmp_path / "export.xlsx"
    write_export(FRAME, out, PART2_NOTICE)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Responses", NOTICE_SHEET]
    assert workbook[NOTICE_SHEET]["A2"].value == PART2_NOTICE
    cells = [c.value for c in workbook["Responses"]["A"]][1:]
    assert all(not str(v).startswith("=") for v in cells)
    assert workbook["Responses"]["A2"].data_type == "s"


def test_no_notice_for_other_programs(tmp_path):
    write_export(FRAME, tmp_path / "plain.csv", None)
    assert not notice_path(tmp_path / "plain.csv").exists()
    write_export(FRAME, tmp_path / "plain.xlsx", None)
    assert load_workbook(tmp_path / "plain.xlsx").sheetnames == ["Responses"]


def test_unknown_export_type_is_refused(tmp_path):
    with pytest.raises(ValueError, match="choose a .csv or .xlsx"):
        write_export(FRAME, tmp_path / "export.json")


def test_audit_csv_neutralises_formulas_in_usernames_and_details():
    import io

    events = pd.DataFrame(
        {
            "id": [1],
            "at": [pd.Timestamp("2026-01-05 09:00", tz="UTC")],
            "who": ["=cmd()"],
            "action": ["export"],
            "detail": [{"file": "=evil.csv"}],
        }
    )
    back = pd.read_csv(io.BytesIO(audit_csv(events)))
    assert back["who"][0] == "'=cmd()"
    assert back["at"][0] == "2026-01-05T09:00:00+00:00"
    assert back["detail"][0] == '{"file": "=evil.csv"}'  # JSON text starts with {
