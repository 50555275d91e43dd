"""The repair loop's status rules, on member histories worked out by hand.

Every history uses a reliable-change threshold of 1.0 scale point, so each expected status
can be checked with a pencil against the rules in ``analysis.repairs``' docstring.
"""

import math

import pandas as pd
import pytest

from analysis.alerts import disconnection_alerts
from analysis.repairs import follow_disconnections, summary

T = 1.0


def history(*rows):
    """(member, group, session, score) rows as a scores frame."""
    return pd.DataFrame(rows, columns=["member", "group", "session", "score"])


def alert(member, session, score, baseline, group="G", level="member", threshold=T):
    """A member alert as `analysis.alerts` writes it."""
    drop = baseline - score if not math.isnan(baseline) else math.nan
    return {
        "level": level,
        "group": group,
        "member": member if level == "member" else None,
        "session": session,
        "score": score,
        "baseline": baseline,
        "drop": drop,
        "reliable_change_threshold": threshold,
        "reliable_drop": not math.isnan(baseline),
        "below_threshold": math.isnan(baseline),
        "reason": "dropped",
    }


def one(records, **where):
    chosen = records
    for column, value in where.items():
        chosen = chosen[chosen[column] == value]
    assert len(chosen) == 1, records
    return chosen.iloc[0]


def steps(*rows):
    return pd.DataFrame(rows, columns=["group", "member", "session", "kind", "step", "actions"])


def test_back_within_the_threshold_at_the_second_check_in_is_reconnected_after_two():
    # Baseline 4.0; 4.0 - 2.5 = 1.5 > 1 (not back); 4.0 - 3.5 = 0.5 <= 1 (back).
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 2.5, 3.5], start=1)])
    records = follow_disconnections(
        scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T
    ).records
    record = one(records, kind="acute")
    assert record["status"] == "reconnected"
    assert record["outcome_session"] == 5
    assert record["sessions_to_reconnect"] == 2


def test_two_check_ins_after_and_none_back_is_still_disconnected():
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 2.5, 2.6], start=1)])
    record = one(
        follow_disconnections(scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T).records,
        kind="acute",
    )
    assert record["status"] == "still_disconnected"
    assert record["outcome_session"] == 5
    assert record["sessions_to_reconnect"] is None


def test_the_window_is_a_setting():
    # With a window of 1, session 4 (2.5, not back) already decides it.
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 2.5, 3.5], start=1)])
    record = one(
        follow_disconnections(
            scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T, window=1
        ).records,
        kind="acute",
    )
    assert record["status"] == "still_disconnected"
    assert record["outcome_session"] == 4


def test_an_alert_on_the_groups_last_session_stays_open_and_says_it_waits():
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2], start=1)])
    record = one(
        follow_disconnections(scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T).records,
        kind="acute",
    )
    assert record["status"] == "open"
    assert "No check-in since session 3" in record["note"]


def test_a_member_absent_from_two_later_sessions_is_not_seen_since():
    scores = history(
        *[("A", "G", s, v) for s, v in enumerate([4, 4, 2], start=1)],
        *[("B", "G", s, 4.0) for s in range(1, 6)],
    )
    record = one(
        follow_disconnections(scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T).records,
        member="A",
    )
    assert record["status"] == "not_seen"
    assert record["outcome_session"] == 5


def test_present_without_a_check_in_is_not_not_seen():
    scores = history(
        *[("A", "G", s, v) for s, v in enumerate([4, 4, 2], start=1)],
        *[("B", "G", s, 4.0) for s in range(1, 6)],
    )
    present = pd.DataFrame({"member": ["A"], "group": ["G"], "session": [4]})
    record = one(
        follow_disconnections(
            scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T, present=present
        ).records,
        member="A",
    )
    assert record["status"] == "open"


def test_recorded_steps_move_an_undecided_record_and_list_what_was_tried():
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 2.5], start=1)])
    recorded = steps(
        ("G", "A", 3, "acute", "acknowledged", []),
        ("G", "A", 3, "acute", "attempted", ["Checked in one-to-one"]),
        ("G", "A", 3, "acute", "attempted", ["Named it in the group", "Checked in one-to-one"]),
    )
    record = one(
        follow_disconnections(
            scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T, steps=recorded
        ).records,
        kind="acute",
    )
    assert record["status"] == "attempted"
    assert record["actions"] == ["Checked in one-to-one", "Named it in the group"]
    assert record["steps"] == 3


def test_the_data_decides_over_a_recorded_step():
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 3.2], start=1)])
    recorded = steps(("G", "A", 3, "acute", "left", []))
    record = one(
        follow_disconnections(
            scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T, steps=recorded
        ).records,
        kind="acute",
    )
    assert record["status"] == "reconnected"  # 4.0 - 3.2 = 0.8 <= 1: the member came back


def test_left_recorded_and_no_later_check_in_reads_left():
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2], start=1)])
    recorded = steps(("G", "A", 3, "acute", "left", []))
    record = one(
        follow_disconnections(
            scores, pd.DataFrame([alert("A", 3, 2.0, 4.0)]), threshold=T, steps=recorded
        ).records,
        kind="acute",
    )
    assert record["status"] == "left"


def test_a_second_alert_while_the_first_is_followed_joins_it():
    # Alerts at 3 and 4 (4 is within the first's window): one record, decided at 5.
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 1.8, 3.4], start=1)])
    alerts = pd.DataFrame([alert("A", 3, 2.0, 4.0), alert("A", 4, 1.8, 3.33)])
    records = follow_disconnections(scores, alerts, threshold=T).records
    acute = records[records["kind"] == "acute"]
    assert len(acute) == 1
    assert acute.iloc[0]["status"] == "reconnected"  # 4.0 - 3.4 = 0.6
    assert acute.iloc[0]["sessions_to_reconnect"] == 2


def test_higher_is_worse_scales_reconnect_downwards():
    # A distress scale: baseline 2.0, alert at 4.0; 2.8 is within 1 of 2.0.
    scores = history(*[("A", "G", s, v) for s, v in enumerate([2, 2, 4, 2.8], start=1)])
    alerts = pd.DataFrame([{**alert("A", 3, 4.0, 2.0), "drop": 2.0}])
    record = one(
        follow_disconnections(scores, alerts, threshold=T, higher_is_better=False).records,
        kind="acute",
    )
    assert record["status"] == "reconnected"


def test_a_threshold_alert_without_baseline_reconnects_above_the_threshold():
    scores = history(("A", "G", 1, 1.5), ("A", "G", 2, 2.6))
    alerts = pd.DataFrame([alert("A", 1, 1.5, math.nan)])
    record = one(
        follow_disconnections(scores, alerts, threshold=T, facilitator_threshold=2.5).records,
        kind="acute",
    )
    assert record["status"] == "reconnected"


def test_no_baseline_and_no_threshold_says_the_scores_cannot_tell():
    scores = history(("A", "G", 1, 1.5), ("A", "G", 2, 2.6))
    record = one(
        follow_disconnections(
            scores, pd.DataFrame([alert("A", 1, 1.5, math.nan)]), threshold=T
        ).records,
        kind="acute",
    )
    assert record["status"] == "open"
    assert "cannot be read from the scores" in record["note"]


def test_low_and_flat_for_three_sessions_is_a_chronic_disconnection_that_can_heal():
    # B and C at 4.0; A at 2.0, 2.1, 2.0: the group mean is 3.33-3.37, its lower band
    # 2.33-2.37, so A is at or below it three times, within 0.1 of itself: chronic at 3.
    # At session 4 A answers 3.0; mean (4 + 4 + 3) / 3 = 3.67, band 2.67 < 3.0: back.
    rows = [("A", "G", s, v) for s, v in enumerate([2.0, 2.1, 2.0, 3.0], start=1)]
    rows += [(m, "G", s, 4.0) for m in "BC" for s in range(1, 5)]
    record = one(follow_disconnections(history(*rows), pd.DataFrame(), threshold=T).records)
    assert (record["kind"], record["member"], record["session"]) == ("chronic", "A", 3)
    assert record["status"] == "reconnected"
    assert record["sessions_to_reconnect"] == 1


def test_low_but_not_flat_is_not_chronic():
    # A at 1.0, 2.3, 1.0: low each time, but 2.3 - 1.0 = 1.3 > 1 is a reliable rise.
    rows = [("A", "G", s, v) for s, v in enumerate([1.0, 2.3, 1.0], start=1)]
    rows += [(m, "G", s, 4.5) for m in "BC" for s in range(1, 4)]
    records = follow_disconnections(history(*rows), pd.DataFrame(), threshold=T).records
    assert records.empty


def test_two_unrepaired_disconnections_in_a_row_are_chronic():
    scores = history(
        *[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 2.5, 2.6, 2.6, 1.2, 1.4, 1.3], 1)]
    )
    alerts = pd.DataFrame([alert("A", 3, 2.0, 4.0), alert("A", 7, 1.2, 2.95)])
    records = follow_disconnections(scores, alerts, threshold=T).records
    acute = records[records["kind"] == "acute"]
    assert acute["status"].tolist() == ["still_disconnected", "still_disconnected"]
    chronic = one(records, kind="chronic")
    assert chronic["session"] == 9  # the second was decided at session 9
    assert "two disconnections in a row" in chronic["reason"]


def test_a_group_alert_is_followed_on_the_group_mean():
    # Mean 4.0, 4.0, then 2.5 (alert, threshold 0.7); session 4 mean 3.5: 0.5 <= 0.7.
    rows = [(m, "G", s, v) for m in "AB" for s, v in enumerate([4, 4, 2.5, 3.5], start=1)]
    alerts = pd.DataFrame([alert(None, 3, 2.5, 4.0, level="group", threshold=0.7)])
    records = follow_disconnections(history(*rows), alerts, threshold=T).records
    record = one(records, level="group")
    assert record["status"] == "reconnected"
    assert record["member"] is None


def test_with_the_alerts_module_a_drop_is_followed_end_to_end():
    # SD 1.0 and reliability 0.87: threshold 1.96 * sqrt(2) * sqrt(0.13) = 0.999.
    scores = history(*[("A", "G", s, v) for s, v in enumerate([4, 4, 2, 3.2], start=1)])
    found = disconnection_alerts(scores, 0.87, scale="score", sd=1.0)
    assert found.reliable_change_threshold == pytest.approx(0.9994, abs=1e-4)
    follow = follow_disconnections(scores, found.alerts, threshold=found.reliable_change_threshold)
    record = one(follow.records, kind="acute")
    assert record["session"] == 3 and record["status"] == "reconnected"
    assert "within the reliable-change threshold" in follow.rules[0]


def test_summary_counts_outcomes_and_the_median_sessions_to_reconnect():
    frame = pd.DataFrame(
        {
            "status": ["reconnected", "reconnected", "still_disconnected", "left", "attempted"],
            "sessions_to_reconnect": [1, 2, None, None, None],
        }
    )
    assert summary(frame) == {
        "total": 5,
        "reconnected": 2,
        "still_disconnected": 1,
        "left": 1,
        "not_seen": 0,
        "open": 1,
        "acknowledged": 0,
        "attempted": 1,
        "median_sessions_to_reconnect": 1.5,
    }


def test_window_below_one_is_refused_in_words():
    with pytest.raises(ValueError, match="must be 1 or more"):
        follow_disconnections(history(("A", "G", 1, 3.0)), pd.DataFrame(), threshold=T, window=0)


def test_a_member_who_stays_low_has_one_chronic_record_not_one_every_three_sessions():
    # A at 2.0 for seven sessions, B and C at 4.0: chronic at 3, not back at 4 and 5.
    rows = [("A", "G", s, 2.0) for s in range(1, 8)]
    rows += [(m, "G", s, 4.0) for m in "BC" for s in range(1, 8)]
    records = follow_disconnections(history(*rows), pd.DataFrame(), threshold=T).records
    record = one(records, kind="chronic")
    assert (record["session"], record["status"], record["outcome_session"]) == (
        3,
        "still_disconnected",
        5,
    )


def test_an_undecided_chronic_record_reads_open():
    rows = [("A", "G", s, 2.0) for s in range(1, 4)]
    rows += [(m, "G", s, 4.0) for m in "BC" for s in range(1, 4)]
    record = one(follow_disconnections(history(*rows), pd.DataFrame(), threshold=T).records)
    assert record["status"] == "open"


def test_by_group_counts_reconnected_among_the_decided_and_the_unrepaired():
    from analysis.repairs import by_group

    frame = pd.DataFrame(
        {
            "group": ["G"] * 5 + ["H"],
            "member": ["A", "A", "B", "C", "D", "E"],
            "status": [
                "reconnected",
                "still_disconnected",
                "not_seen",
                "reconnected",
                "attempted",
                "left",
            ],
            "sessions_to_reconnect": [1, None, None, 3, None, None],
        }
    )
    table = by_group(frame).set_index("group")
    # G: 4 decided (2 reconnected, 1 still, 1 not seen), 1 still followed; median of 1 and 3.
    assert table.loc["G", "members"] == 4
    assert table.loc["G", "share_reconnected"] == 0.5
    assert table.loc["G", "median_sessions_to_reconnect"] == 2.0
    assert table.loc["G", "unrepaired"] == 2
    assert table.loc["G", "open"] == 1
    assert table.loc["H", "share_reconnected"] == 0.0 and table.loc["H", "unrepaired"] == 1


def test_repair_comparison_splits_members_by_how_their_disconnections_ended():
    from analysis.repair_effect import repair_class, repair_comparison

    records = pd.DataFrame(
        {
            "member": ["A", "B", "C", "D", "E", "F", "F", "G"],
            "status": [
                "reconnected",
                "reconnected",
                "reconnected",
                "reconnected",
                "reconnected",
                "reconnected",
                "still_disconnected",  # F: one not back is enough to count as not reconnected
                "open",  # G: still followed, left out of both
            ],
        }
    )
    classes = repair_class(records)
    assert classes["F"] == "not reconnected" and "G" not in classes
    # Changes of A-E: 1, 2, 0.5, 1.5, 1: mean 1.2, variance 1.30 / 4 = 0.325. The t interval
    # worked by hand with R's qt(.975, 4) = 2.776445105 (as t.test does):
    # 1.2 -/+ 2.776445105 * sqrt(0.325 / 5) = 0.4921426, 1.9078574.
    members = pd.DataFrame(
        {
            "member": list("ABCDEFGH"),
            "pre": [2.0, 2.0, 3.0, 2.5, 3.0, 3.0, 2.0, 2.0],
            "post": [3.0, 4.0, 3.5, 4.0, 4.0, math.nan, 2.5, 3.0],
            "category": [
                "improved",
                "recovered",
                "unchanged",
                "improved",
                "improved",
                None,
                "unchanged",
                "improved",
            ],
        }
    )
    table = repair_comparison(members, classes)
    reconnected = table.loc["reconnected"]
    assert reconnected["pairs"] == 5 and reconnected["mean_change"] == pytest.approx(1.2)
    assert reconnected["ci_low"] == pytest.approx(0.4921426, abs=1e-6)
    assert reconnected["ci_high"] == pytest.approx(1.9078574, abs=1e-6)
    assert (reconnected["improved"], reconnected["unchanged"]) == (4, 1)
    not_back = table.loc["not reconnected"]
    assert (not_back["members"], not_back["pairs"], not_back["dropout"]) == (1, 0, 1.0)
    assert math.isnan(not_back["ci_low"])
    others = table.loc["no disconnection"]  # G (still followed) and H
    assert (others["members"], others["pairs"]) == (2, 2)
