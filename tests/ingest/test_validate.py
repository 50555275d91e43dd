"""The validation report: one crafted file per kind of problem, with row, column and value."""

from __future__ import annotations

import pandas as pd
import pytest
from ingest_files import CONTINUOUS, INSTRUMENT, WIDE_HEADER, write_csv, write_xlsx

from ingest import InputError, ValidationError, read_responses, validate_responses

LONG_HEADER = ["member", "timepoint", "item", "value"]


def report_for(tmp_path, rows, *, xlsx=False, stored=None, instrument=INSTRUMENT, **options):
    path = (write_xlsx if xlsx else write_csv)(tmp_path / ("f.xlsx" if xlsx else "f.csv"), rows)
    table = read_responses(path, instrument=instrument)
    return validate_responses(table, stored, **options)


def only(report, severity="error"):
    found = [p for p in report.problems if p.severity == severity]
    assert len(found) == 1, report
    return found[0]


def test_clean_file_has_no_problems(tmp_path):
    report = report_for(tmp_path, [WIDE_HEADER, ["m1", "pre", 0, 1, 2, 3]], xlsx=True)
    assert report.ok and report.problems == []
    assert report.administrations == 1 and report.answers == 4
    assert "no problems found" in str(report)


def test_unknown_item_in_a_long_file(tmp_path):
    rows = [LONG_HEADER, ["m1", "pre", "it_1", 1], ["m1", "pre", "it_9", 2]]
    problem = only(report_for(tmp_path, rows))
    assert (problem.row, problem.column, problem.value) == (3, "item", "it_9")
    assert "'it_9' is not an item of ingest-test" in problem.message
    assert "it_1, it_2, it_3, it_4" in problem.message


@pytest.mark.parametrize("xlsx", [False, True])
def test_value_outside_the_scale(tmp_path, xlsx):
    report = report_for(tmp_path, [WIDE_HEADER, ["m1", "pre", 0, 1, 7, 3]], xlsx=xlsx)
    problem = only(report)
    assert (problem.row, problem.column, problem.value, problem.letter) == (2, "it_3", 7.0, "E")
    assert "7 is outside the ingest-test response scale (0 to 3)" in problem.message
    assert "row 2, column E 'it_3': 7 is outside" in str(report)
    assert not report.ok


def test_value_between_two_points_and_negative(tmp_path):
    report = report_for(tmp_path, [WIDE_HEADER, ["m1", "pre", 1.5, -1, 2, 3]], xlsx=True)
    between, negative = sorted(report.errors, key=lambda p: p.column)
    assert (between.column, between.value) == ("it_1", 1.5)
    assert "1.5 is between two answers" in between.message
    assert (negative.column, negative.value) == ("it_2", -1.0)
    assert "outside" in negative.message


def test_continuous_scale_accepts_decimals(tmp_path):
    rows = [["member", "timepoint", "vas_1", "vas_2"], ["m1", "s1", 7.25, 10.5]]
    problem = only(report_for(tmp_path, rows, instrument=CONTINUOUS))
    assert (problem.column, problem.value) == ("vas_2", 10.5)


def test_text_where_a_number_belongs(tmp_path):
    report = report_for(tmp_path, [WIDE_HEADER, ["m1", "pre", "two", "2,5", 1, 1]])
    text, comma = sorted(report.errors, key=lambda p: p.column)
    assert (text.row, text.column, text.value) == (2, "it_1", "two")
    assert "text where a number belongs" in text.message
    assert "leave the cell blank" in text.message
    assert (comma.column, comma.value) == ("it_2", "2,5")
    assert "decimal separator (2.5, not 2,5)" in comma.message


def test_date_and_boolean_cells_where_a_number_belongs(tmp_path):
    rows = [WIDE_HEADER, ["m1", "pre", pd.Timestamp("2024-01-02").to_pydatetime(), True, 1, 1]]
    report = report_for(tmp_path, rows, xlsx=True)
    date_problem, bool_problem = sorted(report.errors, key=lambda p: p.column)
    assert "format it as a number" in date_problem.message
    assert bool_problem.value is True and "TRUE/FALSE" in bool_problem.message


def test_member_or_timepoint_missing(tmp_path):
    rows = [WIDE_HEADER, [None, "pre", 1, 1, 1, 1], ["m2", "NA", 1, 1, 1, 1]]
    report = report_for(tmp_path, rows, xlsx=True)
    member, timepoint = sorted(report.errors, key=lambda p: p.row)
    assert (member.row, member.column, member.value) == (2, "member", None)
    assert "member's code is missing" in member.message
    assert (timepoint.row, timepoint.column) == (3, "timepoint")
    assert "timepoint is missing" in timepoint.message


def test_same_administration_twice_with_different_answers(tmp_path):
    rows = [WIDE_HEADER, ["m1", "pre", 1, 1, 1, 1], ["m2", "pre", 0, 0, 0, 0]]
    rows.append(["m1", "pre", 1, 2, 1, 1])
    problem = only(report_for(tmp_path, rows))
    assert (problem.row, problem.column, problem.value) == (4, "it_2", 2.0)
    assert "answered 1 on row 2 but 2 here" in problem.message
    long_rows = [LONG_HEADER, ["m1", "pre", "it_1", 1], ["m1", "pre", "it_1", 3]]
    problem = only(report_for(tmp_path, long_rows))
    assert (problem.row, problem.column, problem.value) == (3, "value", 3.0)


def test_identical_repeat_is_a_warning_counted_once(tmp_path):
    rows = [WIDE_HEADER, ["m1", "pre", 1, 1, 1, 1], ["m1", "pre", 1, 1, 1, 1]]
    report = report_for(tmp_path, rows)
    assert report.ok
    warning = only(report, "warning")
    assert warning.row == 3 and "repeats row 2 with the same answers" in warning.message
    assert report.administrations == 1


def test_metadata_differs_within_one_administration(tmp_path):
    rows = [
        ["member", "timepoint", "group", "item", "value"],
        ["m1", "pre", "A", "it_1", 1],
        ["m1", "pre", "B", "it_2", 1],
    ]
    problem = only(report_for(tmp_path, rows))
    assert (problem.row, problem.column, problem.value) == (3, "group", "B")
    assert "group 'A' on row 2 but 'B' here" in problem.message


def test_conflict_with_stored_answers(tmp_path):
    stored = pd.DataFrame(
        {
            "member": ["m1", "m1", "m1", "m1", "m2"],
            "timepoint": ["pre"] * 5,
            "item": ["it_1", "it_2", "it_3", "it_4", "it_1"],
            "value": [1.0, 1.0, 1.0, 1.0, 3.0],
            "instrument": ["ingest-test"] * 5,
        }
    )
    rows = [WIDE_HEADER, ["m1", "pre", 1, 1, 1, 1], ["m2", "pre", 2, None, None, None]]
    report = report_for(tmp_path, rows, stored=stored)
    problem = only(report)  # m1 is identical to what is stored: no problem
    assert (problem.row, problem.column, problem.value) == (3, "it_1", 2.0)
    assert "it_1 is already stored as 3; this file says 2" in problem.message
    # The library says what to do, not which flag: `cli.py import` adds "--replace"
    # (tests/cli/test_store_cli.py), the Upload page its own words.
    assert "replace the stored administration" in problem.message
    assert "--" not in problem.message and problem.kind == "differs from stored"
    replacing = report_for(tmp_path, rows, stored=stored, replace=True)
    assert replacing.ok and "will be replaced" in only(replacing, "warning").message
    other = stored.assign(instrument="someone-else")
    assert report_for(tmp_path, rows, stored=other).ok


def test_a_bad_value_that_also_differs_from_the_stored_answer_is_one_problem(tmp_path):
    # The new user's upload: 7 and "abc" over stored answers were each listed twice (out of
    # range or text, and again as differing from the stored 1). One problem per cell.
    stored = pd.DataFrame(
        {
            "member": [m for m in ("m1", "m2", "m3") for _ in range(4)],
            "timepoint": ["pre"] * 12,
            "item": ["it_1", "it_2", "it_3", "it_4"] * 3,
            "value": [1.0] * 12,
            "instrument": ["ingest-test"] * 12,
        }
    )
    rows = [WIDE_HEADER, ["m1", "pre", 7, 1, 1, 1], ["m2", "pre", "abc", 1, 1, 1],
            ["m3", "pre", 2, 1, 1, 1]]  # fmt: skip
    report = report_for(tmp_path, rows, stored=stored)
    cells = [(p.row, p.column) for p in report.problems if p.severity == "error"]
    assert cells == [(2, "it_1"), (3, "it_1"), (4, "it_1")]
    messages = [p.message for p in report.problems]
    assert "outside" in messages[0] and "text where a number belongs" in messages[1]
    assert "already stored as 1; this file says 2" in messages[2]


def test_columns_that_are_not_imported(tmp_path):
    rows = [WIDE_HEADER + ["notes", "it_5"], ["m1", "pre", 1, 1, 1, 1, "fine", 2]]
    report = report_for(tmp_path, rows)
    error = only(report)
    assert (error.row, error.column, error.letter) == (1, "it_5", "H")
    assert "looks like an item but ingest-test has no such item" in error.message
    warning = only(report, "warning")
    assert warning.column == "notes" and "not imported" in warning.message


def test_bad_date_session_and_mode(tmp_path):
    rows = [
        ["member", "timepoint", "session", "date", "mode", "it_1"],
        ["m1", "s1", "first", "31/02/2024", "telepathy", 1],
        ["m2", "s1", 2, "2024-03-01", "Read-aloud", 1],
    ]
    report = report_for(tmp_path, rows)
    by_column = {p.column: p for p in report.errors}
    assert set(by_column) == {"session", "date", "mode"}
    assert by_column["session"].row == 2 and "not a session number" in by_column["session"].message
    assert by_column["date"].value == "31/02/2024"
    assert "YYYY-MM-DD" in by_column["date"].message
    assert "self-completed, read aloud, staff-entered, imported" in by_column["mode"].message


def test_instruments_mixed_in_a_long_file(tmp_path):
    rows = [
        ["member", "timepoint", "instrument", "item", "value"],
        ["m1", "pre", "ingest-test", "it_1", 1],
        ["m1", "pre", "other", "x_1", 1],
    ]
    problem = only(report_for(tmp_path, rows))
    assert (problem.row, problem.column, problem.value) == (3, "instrument", "other")
    assert "a file of its own" in problem.message


def test_row_without_answers_is_a_warning(tmp_path):
    rows = [WIDE_HEADER, ["m1", "pre", 1, 1, 1, 1], ["m2", "pre", None, "NA", "", "-"]]
    report = report_for(tmp_path, rows, xlsx=True)
    assert report.ok
    assert "m2, timepoint pre has no answers" in only(report, "warning").message


def test_report_frame_text_and_error(tmp_path):
    rows = [WIDE_HEADER, ["m1", "pre", 9, "x", 1, 1], [None, "pre", 1, 1, 1, 1]]
    report = report_for(tmp_path, rows, xlsx=True)
    frame = report.to_frame()
    assert list(frame.columns) == ["row", "column", "letter", "value", "severity", "message"]
    assert sorted(frame["row"].tolist()) == [2, 2, 3]
    text = str(report)
    assert text.splitlines()[0].endswith("Nothing was imported; correct these and try again.")
    assert "f.xlsx: " in text and "3 error(s)" in text and "Nothing was imported" in text
    with pytest.raises(ValidationError) as caught:
        report.raise_for_errors()
    assert isinstance(caught.value, InputError) and caught.value.report is report


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    rows = [WIDE_HEADER] + [[f"m{i}", "pre", 5, 5, 5, 5] for i in range(30)]
    report = report_for(tmp_path, rows)
    assert len(report.errors) == 120
    assert {p.row for p in report.errors} == set(range(2, 32))
