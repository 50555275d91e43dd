"""Attendance rates and the attendance summary on crafted marks, arithmetic beside each value."""

from __future__ import annotations

import doctest
import math

import pandas as pd
import pytest

import analysis.attendance
from analysis.attendance import AttendanceDataError, attendance_rates, attendance_summary

# Two groups, three sessions (codes are synthetic):
#   A session 1: A1 present, A2 present, A3 absent, A4 present  -> 3 of 4
#   A session 2: A1 present, A2 absent,  A3 absent, A4 present  -> 2 of 4
#   B session 1: B1 present, B2 present                          -> 2 of 2
#   B session 2: B1 absent,  B2 present                          -> 1 of 2
#   B session 3: B1 present, B2 not recorded (missing)           -> 1 of 1
MARKS = pd.DataFrame(
    [
        ("A", "A1", 1, True),
        ("A", "A2", 1, True),
        ("A", "A3", 1, False),
        ("A", "A4", 1, True),
        ("A", "A1", 2, True),
        ("A", "A2", 2, False),
        ("A", "A3", 2, False),
        ("A", "A4", 2, True),
        ("B", "B1", 1, True),
        ("B", "B2", 1, True),
        ("B", "B1", 2, False),
        ("B", "B2", 2, True),
        ("B", "B1", 3, True),
        ("B", "B2", 3, None),
    ],
    columns=["group", "member", "session", "present"],
)


def test_rates_per_group_and_session():
    rates = attendance_rates(MARKS)
    assert list(rates.columns) == ["group", "session", "n", "present"]
    assert list(zip(rates["group"], rates["session"], strict=True)) == [
        ("A", 1),
        ("A", 2),
        ("B", 1),
        ("B", 2),
        ("B", 3),
    ]
    # The unrecorded mark of B2 at session 3 counts neither in n nor in the share.
    assert rates["n"].tolist() == [4, 4, 2, 2, 1]
    assert rates["present"].tolist() == pytest.approx(
        [
            3 / 4,  # 0.75
            2 / 4,  # 0.50
            2 / 2,  # 1.00
            1 / 2,  # 0.50
            1 / 1,  # 1.00
        ]
    )


def test_rates_pooled_over_groups_per_session():
    rates = attendance_rates(MARKS, by=("session",))
    assert rates["session"].tolist() == [1, 2, 3]
    assert rates["n"].tolist() == [6, 6, 1]  # 4 + 2, 4 + 2, 1
    assert rates["present"].tolist() == pytest.approx(
        [
            (3 + 2) / 6,  # 0.8333
            (2 + 1) / 6,  # 0.5
            1 / 1,  # 1.0
        ]
    )


def test_summary_overall_rate_and_emptiest_session():
    summary = attendance_summary(MARKS)
    # 13 recorded marks, 3 + 2 + 2 + 1 + 1 = 9 present: 9 / 13 = 0.6923
    assert summary.marks == 13
    assert summary.rate == pytest.approx(9 / 13)
    # Pooled per session: 5/6, 3/6, 1/1 -> session 2 is the emptiest, at 0.5
    assert summary.emptiest_session == 2
    assert summary.emptiest_rate == pytest.approx(0.5)


def test_emptiest_session_on_a_tie_is_the_earliest():
    marks = pd.DataFrame(
        # session 1: 1 of 2, session 2: 1 of 1, session 3: 1 of 2 -> 0.5, 1.0, 0.5
        {"session": [3, 3, 1, 1, 2], "present": [True, False, False, True, True]}
    )
    summary = attendance_summary(marks)
    assert (summary.emptiest_session, summary.emptiest_rate) == (1, 0.5)


def test_marks_as_ones_and_zeros_and_as_nullable_booleans_count_alike():
    as_numbers = MARKS.assign(present=MARKS["present"].map({True: 1, False: 0, None: None}))
    as_boolean = MARKS.assign(present=MARKS["present"].astype("boolean"))
    expected = attendance_rates(MARKS)
    pd.testing.assert_frame_equal(attendance_rates(as_numbers), expected)
    pd.testing.assert_frame_equal(attendance_rates(as_boolean), expected)


def test_no_recorded_marks():
    unrecorded = MARKS.assign(present=None)
    rates = attendance_rates(unrecorded)
    assert rates.empty
    assert list(rates.columns) == ["group", "session", "n", "present"]
    summary = attendance_summary(unrecorded)
    assert summary.marks == 0
    assert math.isnan(summary.rate) and math.isnan(summary.emptiest_rate)
    assert summary.emptiest_session is None


def test_a_mark_that_is_neither_present_nor_absent_is_named():
    marks = MARKS.assign(present=["yes"] + MARKS["present"].tolist()[1:])
    with pytest.raises(AttendanceDataError, match="present .* or absent .*, not 'yes'"):
        attendance_rates(marks)


def test_a_missing_column_is_named():
    with pytest.raises(AttendanceDataError, match="column\\(s\\) group"):
        attendance_rates(MARKS.drop(columns="group"))
    with pytest.raises(AttendanceDataError, match="column\\(s\\) present"):
        attendance_summary(MARKS.drop(columns="present"))


def test_docstring_examples_run():
    assert doctest.testmod(analysis.attendance).failed == 0
