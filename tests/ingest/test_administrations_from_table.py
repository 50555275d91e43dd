"""From a long answer table to administrations (`administrations_from_table`, in ingest).

It works column by column (issue 8: a state-wide program of three million answers); these tests
pin what a user relies on: administrations in file order, answers in questionnaire order, and
every problem of a bad file listed, none dropped.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ingest.administrations import ImportRefusedError, administrations_from_table

COLUMNS = ["member", "timepoint", "item", "value", "instrument", "group", "session", "date"]


def test_administrations_in_file_order_with_answers_in_questionnaire_order():
    frame = pd.DataFrame(
        [
            ("B2", "3", "mutualitycheckin_2", 4, "mutuality-checkin", "G1", 3, "2026-01-19"),
            ("B2", "3", "mutualitycheckin_1", None, "mutuality-checkin", "G1", 3, "2026-01-19"),
            ("A1", "pre", "gad7_1", 2, " GAD7 ", "G1", None, None),
            ("B2", "3", "mutualitycheckin_10", 5, "mutuality-checkin", "G1", None, None),
        ],
        columns=COLUMNS,
    )
    result = administrations_from_table(frame, entered_by="file.xlsx")
    assert [(a.member, a.instrument, a.timepoint) for a in result] == [
        ("B2", "mutuality-checkin", "3"),
        ("A1", "gad7", "pre"),
    ]
    checkin = result[0]
    # Questionnaire order; the blank answer kept as a skipped item (None).
    assert list(checkin.answers.items()) == [
        ("mutualitycheckin_1", None),
        ("mutualitycheckin_2", 4.0),
        ("mutualitycheckin_10", 5.0),
    ]
    # A context cell left blank on one row takes the administration's other rows' value.
    assert (checkin.group, checkin.session, checkin.date) == ("G1", 3, dt.date(2026, 1, 19))
    assert (result[1].session, result[1].date, result[1].mode) == (None, None, "imported")
    assert checkin.entered_by == "file.xlsx"


def test_every_problem_of_a_bad_file_is_listed_in_file_order():
    frame = pd.DataFrame(
        [
            ("A1", "pre", "mutualitycheckin_1", 3, "mutuality-checkin", "G1", 1, "2026-01-05"),
            ("A1", "pre", "mutualitycheckin_2", None, "mutuality-checkin", "G2", 1, "2026-01-05"),
            ("A2", "pre", "mutualitycheckin_1", 2, "mutuality-checkin", "G1", "1.5", None),
            ("A3", "pre", "mutualitycheckin_1", 2, "mutuality-checkin", "G1", 2, "not a date"),
            ("A3", "pre", "mutualitycheckin_1", 4, "mutuality-checkin", "G1", 2, "not a date"),
            ("A4", "pre", "nosuch_1", 2, "mutuality-checkin", "G1", 2, None),
            (None, "pre", "mutualitycheckin_1", 2, "mutuality-checkin", "G1", 2, None),
            ("A5", "pre", "mutualitycheckin_1", 9, "mutuality-checkin", "G1", 2, None),
            ("A6", "pre", "x", 1, "nosuch", None, None, None),
            ("A7", "pre", "x", 1, None, None, None, None),
        ],
        columns=COLUMNS,
    )
    with pytest.raises(ImportRefusedError) as refused:
        administrations_from_table(frame, source="answers.csv")
    problems = refused.value.problems
    assert problems[0].startswith("row 10: member A6, timepoint pre: 'nosuch' is neither")
    assert problems[1:] == [
        "row 11: member A7, timepoint pre: no instrument named; add an instrument column or "
        "choose the instrument",
        "row 8: member nan, timepoint pre: the member cell is empty",
        "row 7: member A4, timepoint pre: item 'nosuch_1' is not an item of mutuality-checkin "
        "(mutualitycheckin_1 ... mutualitycheckin_10)",
        "row 6: member A3, timepoint pre: item mutualitycheckin_1 is answered more than once "
        "for this administration; keep one row",
        "mutuality-checkin: member A5, timepoint pre, item mutualitycheckin_1: value 9 is not "
        "one of the answers 1, 2, ... 5",
        "row 2: member A1, timepoint pre: rows of this administration give different group "
        "values (G1, G2); use one",
        "row 4: member A2, timepoint pre: session '1.5' is not a whole session number",
        "row 5: member A3, timepoint pre: date 'not a date' is not a date (YYYY-MM-DD)",
    ]
    assert "answers.csv: 9 problem(s); nothing was stored" in str(refused.value)
