"""Disconnection alerts on crafted check-ins, with the arithmetic beside each expectation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.alerts import disconnection_alerts, reliable_change_threshold

# Reliability 0.75 and SD 0.8 throughout:
#   SE of measurement = 0.8 * sqrt(1 - 0.75) = 0.8 * 0.5 = 0.4
#   S_diff = sqrt(2) * 0.4 = 0.565685 ; threshold = 1.96 * 0.565685 = 1.108743
RC = 1.108743


def _checkins(rows):
    return pd.DataFrame(rows, columns=["member", "group", "session", "total"])


def test_reliable_change_threshold_by_hand():
    # Jacobson & Truax (1991): 1.96 * sqrt(2) * SD * sqrt(1 - r)
    assert reliable_change_threshold(0.8, 0.75) == pytest.approx(RC, abs=1e-6)


def test_member_drop_from_running_baseline():
    data = _checkins(
        # 4.0, 3.8, 4.0, then 2.5
        #   session 3: baseline mean(4.0, 3.8) = 3.9, drop -0.1 -> no alert
        #   session 4: baseline mean(4.0, 3.8, 4.0) = 3.9333, drop 1.4333 > 1.1087 -> alert
        [("A-07", "G1", s, v) for s, v in zip([1, 2, 3, 4], [4.0, 3.8, 4.0, 2.5], strict=True)]
        # 3.0, 3.2, 2.4 -> session 3 baseline 3.1, drop 0.7 < 1.1087 -> no alert
        + [("A-02", "G1", s, v) for s, v in zip([1, 2, 3], [3.0, 3.2, 2.4], strict=True)]
        # 4.5 then 2.0: a drop of 2.5, but only one earlier session -> no baseline yet
        + [("A-05", "G1", s, v) for s, v in zip([1, 2], [4.5, 2.0], strict=True)]
    )
    result = disconnection_alerts(data, 0.75, scale="total", sd=0.8)
    members = result.alerts[result.alerts["level"] == "member"]
    assert members["member"].tolist() == ["A-07"]
    alert = members.iloc[0]
    assert alert["session"] == 4
    assert alert["baseline"] == pytest.approx(3.9333, abs=1e-4)
    assert alert["drop"] == pytest.approx(1.4333, abs=1e-4)
    assert alert["baseline_sessions"] == 3
    assert bool(alert["reliable_drop"]) and not bool(alert["below_threshold"])
    assert alert["reason"] == (
        "Score 2.5 at session 4 is 1.4 points below A-07's own average of the 3 earlier "
        "sessions (3.9); a change of more than 1.1 is unlikely to be chance."
    )
    assert result.reliable_change_threshold == pytest.approx(RC, abs=1e-6)


def test_facilitator_threshold_fires_without_a_baseline():
    data = _checkins([("B-01", "G1", 1, 2.0), ("B-01", "G1", 2, 3.0), ("B-02", "G1", 1, 2.6)])
    # threshold 2.5: B-01 at session 1 scores 2.0 < 2.5 -> alert; 3.0 and 2.6 are not below
    result = disconnection_alerts(data, 0.75, threshold=2.5, scale="total", sd=0.8)
    assert result.alerts[["member", "session"]].values.tolist() == [["B-01", 1]]
    row = result.alerts.iloc[0]
    assert bool(row["below_threshold"]) and not bool(row["reliable_drop"])
    assert math.isnan(row["baseline"])
    assert "below the facilitator's threshold of 2.5" in row["reason"]


def test_group_mean_drop_is_reliable_before_any_member_drop_is():
    # Four members, all 4.0 in sessions 1-3, all 3.3 in session 4.
    # Each member: baseline 4.0, drop 0.7 < 1.1087 -> no member alert.
    # Group mean: baseline mean(4.0, 4.0, 4.0) = 4.0, now 3.3, drop 0.7;
    #   threshold for a mean of 4 members = 1.108743 / sqrt(4) = 0.554372 -> group alert.
    rows = [(f"C-{m}", "G2", s, 4.0 if s < 4 else 3.3) for m in range(4) for s in range(1, 5)]
    result = disconnection_alerts(_checkins(rows), 0.75, scale="total", sd=0.8)
    assert result.alerts["level"].tolist() == ["group"]
    alert = result.alerts.iloc[0]
    assert (alert["group"], alert["session"]) == ("G2", 4)
    assert alert["drop"] == pytest.approx(0.7, abs=1e-9)
    assert alert["reliable_change_threshold"] == pytest.approx(0.554372, abs=1e-6)
    assert "4 members" in alert["reason"] and "3 earlier sessions" in alert["reason"]
    assert alert["reason"].endswith("unlikely to be chance.")  # the advice is the page's


def test_direction_when_higher_is_worse():
    # A distress scale: a rise is the worrying change. D-1: 10, 11, 10 then 13:
    # baseline 10.3333, rise 2.6667; SD 1.6, r .75 -> threshold 1.96*sqrt(2)*1.6*0.5 = 2.2175
    rows = [("D-1", "G1", s, v) for s, v in zip([1, 2, 3, 4], [10, 11, 10, 13], strict=True)]
    result = disconnection_alerts(
        _checkins(rows), 0.75, scale="total", sd=1.6, higher_is_better=False
    )
    alert = result.alerts[result.alerts["level"] == "member"].iloc[0]
    assert alert["drop"] == pytest.approx(2.6667, abs=1e-4)
    assert "above D-1's own average" in alert["reason"]
    # the same data with higher_is_better=True is an improvement: no alert
    better = disconnection_alerts(_checkins(rows), 0.75, scale="total", sd=1.6)
    assert better.alerts.empty


def test_default_sd_is_the_sd_of_all_checkins():
    rows = [("E-1", "G1", s, v) for s, v in zip([1, 2, 3, 4], [4.0, 4.0, 4.0, 2.0], strict=True)]
    # scores 4, 4, 4, 2: mean 3.5, SD = sqrt(((0.5^2) * 3 + 1.5^2) / 3) = sqrt(1) = 1.0
    # threshold = 1.96 * sqrt(2) * 1.0 * sqrt(1 - 0.75) = 1.385929; drop 2.0 -> alert
    result = disconnection_alerts(_checkins(rows), 0.75, scale="total")
    assert result.sd == pytest.approx(1.0)
    assert result.reliable_change_threshold == pytest.approx(1.385929, abs=1e-6)
    assert result.alerts["member"].tolist() == ["E-1"]


def test_zero_spread_means_no_reliable_threshold_but_facilitator_threshold_still_works():
    rows = [("F-1", "G1", s, 3.0) for s in range(1, 5)]
    result = disconnection_alerts(_checkins(rows), 0.8, threshold=3.5, scale="total")
    assert math.isnan(result.reliable_change_threshold)
    assert any("the SD is 0" in n for n in result.notes)
    assert result.alerts["below_threshold"].all() and len(result.alerts) == 4


def test_bad_reliability_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        disconnection_alerts(_checkins([("a", "G", 1, 1.0)]), 1.2, scale="total")


def test_missing_scores_are_reported_not_silently_dropped():
    rows = [("G-1", "G1", 1, 4.0), ("G-1", "G1", 2, None), ("G-1", "G1", 3, 4.0)]
    result = disconnection_alerts(_checkins(rows), 0.8, scale="total", sd=1.0)
    assert any("1 check-in(s) have no total score" in n for n in result.notes)
