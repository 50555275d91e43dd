"""The 42 CFR Part 2 notice on exports, and formula injection in every export path."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from privacy.exports import NOTICE_SHEET, audit_csv, notice_path, write_export
from privacy.notice import PART2_NOTICE, notice_for, substance_use_programs

PROGRAMS = pd.DataFrame({"name": ["Recovery", "Community"], "substance_use": [True, False]})


def test_notice_is_required_only_for_substance_use_programs():
    assert notice_for(PROGRAMS, ["Recovery", "Community"]) == PART2_NOTICE
    assert notice_for(PROGRAMS, ["Community", None]) is None
    assert substance_use_programs(PROGRAMS, ["Recovery", "Recovery"]) == ["Recovery"]


def test_the_notice_is_the_regulations_statement():
    assert "protected by Federal confidentiality rules (42 CFR part 2)" in PART2_NOTICE
    assert "is NOT sufficient" in PART2_NOTICE and "42 CFR 2.31" in PART2_NOTICE


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
