"""The default pre/post rule: a small new session never becomes the program's "post"."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.timepoints import default_pre_post, ordered_timepoints, timepoint_counts


def administrations(members_per_timepoint: dict[object, int], column: str = "timepoint"):
    rows = [
        {"member": f"M{i:02d}", column: label, "total": 3.0}
        for label, n in members_per_timepoint.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def test_a_small_new_session_does_not_become_post():
    # The new user's program: 12 sessions most members attended, 5 answered a new session 13.
    counts = {f"session-{s}": 20 - s for s in range(1, 13)} | {"session-13": 5}
    choice = default_pre_post(administrations(counts))
    # Largest n is 19 (session-1); half is 9.5, so session-10 (10 members) is the last
    # timepoint most members reached; session-11 (9), 12 (8) and 13 (5) are not.
    assert (choice.pre, choice.post) == ("session-1", "session-10")
    assert "most members reached" in choice.rule
    assert "session-13 (5 members)" in choice.rule


def test_sessions_as_numbers_in_session_order():
    counts = {10: 8, 2: 8, 1: 8, 3: 2}
    choice = default_pre_post(administrations(counts, "session"), timepoint="session")
    assert (choice.pre, choice.post) == ("1", "10")
    assert choice.counts["timepoint"].tolist() == ["1", "2", "3", "10"]


def test_labelled_pre_and_post_win_whatever_their_size():
    choice = default_pre_post(administrations({"PRE": 10, "3": 10, "post": 4}))
    assert (choice.pre, choice.post) == ("PRE", "post")
    assert "labelled" in choice.rule


def test_a_small_first_session_is_not_pre():
    choice = default_pre_post(administrations({"1": 2, "2": 10, "3": 9}))
    assert (choice.pre, choice.post) == ("2", "3")
    assert "Earlier timepoints with fewer members are not the default: 1 (2 members)" in (
        choice.rule
    )


def test_only_one_well_attended_timepoint_falls_back_to_the_best_attended_later_one():
    choice = default_pre_post(administrations({"intake": 10, "exit": 3, "follow-up": 3}))
    # Unordered labels keep the file's order; exit and follow-up tie: the later one.
    assert (choice.pre, choice.post) == ("intake", "follow-up")


def test_single_timepoint_has_no_pre_post():
    choice = default_pre_post(administrations({"session-1": 6}))
    assert (choice.pre, choice.post) == (None, None)


def test_scale_counts_only_administrations_with_a_score():
    scores = administrations({"1": 6, "2": 6, "3": 6})
    scores.loc[scores["timepoint"] == "3", "total"] = float("nan")
    assert default_pre_post(scores, "total").post == "2"
    assert timepoint_counts(scores, "total")["n"].tolist() == [6, 6]


def test_bad_share_and_missing_columns_say_what_is_wrong():
    with pytest.raises(ValueError, match="min_share"):
        default_pre_post(administrations({"1": 2, "2": 2}), min_share=0)
    with pytest.raises(ValueError, match="'member' and 'timepoint'"):
        timepoint_counts(pd.DataFrame({"who": ["a"]}))


def test_ordered_timepoints():
    assert ordered_timepoints(["session-10", "post", "session-2", "PRE"]) == [
        "PRE",
        "session-2",
        "session-10",
        "post",
    ]
    assert ordered_timepoints(["intake", "exit", "follow-up"]) == ["intake", "exit", "follow-up"]


def test_program_words_order_timepoints_not_the_alphabet():
    # Issue 12, item 6: "Discharge" came first (alphabetical, or as first stored).
    assert ordered_timepoints(["Discharge", "Follow-up", "Intake"]) == [
        "Intake",
        "Discharge",
        "Follow-up",
    ]
    assert ordered_timepoints(
        ["12-month follow-up", "Post", "3-month follow-up", "Baseline", "session-2"]
    ) == ["Baseline", "session-2", "Post", "3-month follow-up", "12-month follow-up"]
    assert ordered_timepoints(["exit", "Pre-test", "Admission"]) == [
        "Admission",
        "Pre-test",
        "exit",
    ]
    # A label of no known place goes after the numbered sessions, before the end.
    assert ordered_timepoints(["discharge", "mid", "2", "intake", "1"]) == [
        "intake",
        "1",
        "2",
        "mid",
        "discharge",
    ]


def test_the_default_pre_and_post_follow_program_order():
    choice = default_pre_post(administrations({"Discharge": 8, "Intake": 10}))
    assert (choice.pre, choice.post) == ("Intake", "Discharge")
