"""Readings are worded from counts, and a small count is hidden before the sentence exists.

services.readings words each view's one-line reading from its typed fields; with a
`Suppressor` (a user who may not see member codes) a count of 1 to 4 is decided on the
number. One wording for staff and evaluators.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from analysis.groups import group_sizes_note
from analysis.timepoints import default_pre_post, pre_post_rule
from privacy.suppression import Suppressor
from services import published
from services.overview import HomeView
from services.readings import (
    OverTimeSummary,
    attendance_reading,
    home_reading,
    over_time_reading,
    trend_reading,
)

SUMMARY = OverTimeSummary(
    scale_name="Mutuality",
    selection="all groups",
    n_sessions=4,
    n_members=10,
    first_session=1.0,
    first_mean=2.5,
    first_n=10,
    last_session=3.0,
    last_mean=3.25,
    last_n=9,
    later=((4.0, 2),),
)


def test_staff_and_evaluators_read_one_wording_with_the_small_count_hidden():
    staff = over_time_reading(SUMMARY)
    assert staff == (
        "Mutuality went from 2.50 at session 1 to 3.25 at session 3, the last session most "
        "members reached (all groups, 10 members). Later: session 4 (2 answered so far)."
    )
    suppressor = Suppressor()
    shown = over_time_reading(SUMMARY, suppressor)
    assert shown == staff.replace("(2 answered", "(fewer than 5 answered")
    assert suppressor.suppressed == 1


def test_a_first_or_last_session_of_few_answers_gives_no_mean():
    few = OverTimeSummary("Mutuality", "group S", 2, 3, 1.0, 2.0, 3, 2.0, 3.0, 3)
    assert "3 members" in over_time_reading(few)
    assert over_time_reading(few, Suppressor()) == (
        "Sessions: fewer than 5: not shown (fewer than 5 members)."
    )
    # One session: no first and last, and the count of members is hidden on its number.
    single = OverTimeSummary("Mutuality", "group S", 1, 3)
    assert over_time_reading(single) == "Mutuality: 1 sessions, 3 members."
    assert over_time_reading(single, Suppressor()) == (
        "Mutuality: 1 sessions, fewer than 5 members."
    )


def test_a_stricter_rule_hides_more():
    """An institution hiding 1 to 10 (min_cell_size 11) hides the 9 and 10 too."""
    assert over_time_reading(SUMMARY, Suppressor(11)).startswith("Sessions: fewer than 11")


def test_a_trend_of_few_members_is_not_reported():
    # The fields of an analysis.trend.TrendResult the reading is worded from.
    result = SimpleNamespace(
        slope=0.2, slope_ci=(0.1, 0.3), slope_p=0.01, n_members=3, n_groups=1, notes=[]
    )
    assert "3 members" in trend_reading("Mutuality", result)
    assert trend_reading("Mutuality", result, Suppressor()) == (
        "Trend: fewer than 5: not shown (fewer than 5 members)."
    )
    result.n_members = 12
    assert trend_reading("Mutuality", result, Suppressor()) == trend_reading("Mutuality", result)


def test_the_pre_post_rule_is_worded_again_from_its_counts():
    scores = pd.DataFrame(
        {"member": list("abc") + list("abcdefgh"), "timepoint": ["pre"] * 3 + ["post"] * 8}
    )
    choice = default_pre_post(scores)
    assert choice.rule == (
        "Change runs from the timepoint labelled pre (3 members) to the one labelled post "
        "(8 members)."
    )
    assert pre_post_rule(choice, Suppressor().members) == choice.rule.replace(
        "pre (3 members)", "pre (fewer than 5 members)"
    )
    assert published.pre_post(choice).rule == pre_post_rule(choice, Suppressor().members)


def test_the_group_sizes_note_loses_its_sizes_only_by_being_worded_without_them():
    assert "(3 to 8 members)" in group_sizes_note(3, 8)
    assert group_sizes_note().startswith("Group sizes differ: ICC(1)")


def test_home_counts_only_group_alerts_for_evaluators_and_hides_a_small_total():
    assert home_reading(1, 2, 11, 3) == (
        "1 program(s), 2 group(s), 11 members; 3 open disconnection alert(s)."
    )
    assert home_reading(1, 1, 3, 0, Suppressor()) == (
        "1 program(s), 1 group(s), fewer than 5 members; 0 open group alert(s); alerts about "
        "single members go to their facilitators."
    )


def test_a_group_alert_is_kept_on_its_count_of_members_not_on_its_words():
    empty = pd.DataFrame(columns=["name", "members"])
    alerts = pd.DataFrame(
        [
            # The words say 8 members, the count says 3: the count decides.
            {"level": "group", "group": "A", "members": 3, "what happened": "8 members"},
            {"level": "group", "group": "B", "members": 6, "what happened": ""},
            {"level": "group", "group": "C", "members": None, "what happened": "9 members"},
        ]
    )
    view = HomeView(empty, empty, empty, empty, alerts, "", n_members=0)
    assert published.home(view).alerts["group"].tolist() == ["B"]


def test_attendance_gives_no_overall_rate_when_a_session_has_few_marks():
    marks = pd.DataFrame(
        {"group": "A", "member": list("abc"), "session": 1, "present": [True, True, False]}
    )
    staff = attendance_reading(marks)
    assert "67% of the sessions" in staff
    said = attendance_reading(marks, Suppressor())
    assert "%" not in said and "fewer than 5 members' marks" in said


def _one_pair_only() -> pd.DataFrame:
    """WHO-5: one member answered pre and post, three only pre, two only post."""
    rows = []
    for member, timepoints in {
        "A1": ["pre", "post"],
        "A2": ["pre"],
        "A3": ["pre"],
        "A4": ["pre"],
        "A5": ["post"],
        "A6": ["post"],
    }.items():
        for timepoint in timepoints:
            rows.append(
                {"member": member, "timepoint": timepoint} | {f"who5_{i}": 3 for i in range(1, 6)}
            )
    return pd.DataFrame(rows)


def test_a_change_note_hides_its_small_counts_on_the_numbers(tmp_path):
    from openpyxl import load_workbook

    from analysis.change import paired_change
    from measures import load_instrument, score
    from reports.content import report_content
    from reports.excel import write_excel_report

    instrument = load_instrument("who5")
    wide = _one_pair_only()
    note = paired_change(score(wide, instrument), "total", "pre", "post").problems[0]
    # Staff read the counts; published, each count of 1-4 is worded as hidden.
    assert "only 1 member has both scores (2 members had no pre score and 3 members no post" in note
    published = Suppressor().words(note)
    assert "fewer than 5 members has both" in published
    assert not any(f"{n} member" in published for n in range(1, 5))
    # The evaluator's workbook: the same note, worded from the counts.
    content = report_content(wide, instrument, source="test")
    path = write_excel_report(content, tmp_path / "report.xlsx", Suppressor())
    text = " ".join(
        str(cell.value)
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    assert "has both scores" in text
    assert not any(f"{n} member" in text for n in range(1, 5))
