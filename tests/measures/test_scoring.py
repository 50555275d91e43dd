"""Scoring against hand-worked examples: reverse keys, mean and sum, prorating at the
max_missing limit and scoring as missing beyond it, refused answers.

Every expected value is worked out by hand in the comment beside it, from the rules in
ARCHITECTURE.md: reverse keying is min + max - value; a prorated mean is the mean of the
answered items; a prorated sum is that mean times the scale's item count.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from measures import (
    ScoringError,
    keyed_items,
    load_instrument,
    parse_instrument,
    score,
    score_range,
)

CHECKIN = load_instrument("mutuality-checkin")


def wide(instrument, rows: dict[str, list]) -> pd.DataFrame:
    """One row per member at timepoint 'pre'; None is a skipped item."""
    records = []
    for member, values in rows.items():
        record = {"member": member, "timepoint": "pre"}
        record.update(dict(zip(instrument.item_ids, values, strict=True)))
        records.append(record)
    return pd.DataFrame(records)


def test_checkin_reverse_keys_and_means():
    frame = wide(CHECKIN, {"a": [4, 5, 3, 2, 4, 5, 3, 4, 2, 1]})
    result = score(frame, CHECKIN).iloc[0]
    # reverse keys on 1-5: item 9: 1 + 5 - 2 = 4; item 10: 1 + 5 - 1 = 5
    # total = (4+5+3+2+4+5+3+4+4+5) / 10 = 39 / 10 = 3.9
    assert result["total"] == pytest.approx(3.9)
    # connection = items 1, 2, 10 = (4 + 5 + 5) / 3 = 14 / 3
    assert result["connection"] == pytest.approx(14 / 3)
    # authenticity = items 3, 9 = (3 + 4) / 2 = 3.5
    assert result["authenticity"] == pytest.approx(3.5)
    # good_things = items 4-8 = (2 + 4 + 5 + 3 + 4) / 5 = 18 / 5 = 3.6
    assert result["good_things"] == pytest.approx(3.6)
    assert result["total_answered"] == 10 and not result["total_prorated"]


def test_keyed_items_reverse_only_the_reverse_items():
    frame = wide(CHECKIN, {"a": [1, 2, 3, 4, 5, 1, 2, 3, 5, 4]})
    keyed = keyed_items(frame, CHECKIN, CHECKIN.item_ids).iloc[0].tolist()
    # items 9 and 10: 6 - 5 = 1, 6 - 4 = 2; the others unchanged
    assert keyed == [1, 2, 3, 4, 5, 1, 2, 3, 1, 2]


def test_prorating_at_the_limit_and_missing_beyond_it():
    frame = wide(
        CHECKIN,
        {
            # b: items 1 and 2 skipped: 2 missing = total's max_missing (2)
            "b": [None, None, 5, 5, 5, 5, 5, 5, 1, 1],
            # c: items 1, 2, 3 skipped: 3 missing > 2
            "c": [None, None, None, 4, 4, 4, 4, 4, 2, 2],
        },
    )
    result = score(frame, CHECKIN).set_index("member")
    # b: keyed items 3..10 = 5,5,5,5,5,5, 6-1=5, 6-1=5 -> total = 40 / 8 = 5.0, prorated
    assert result.at["b", "total"] == pytest.approx(5.0)
    assert result.at["b", "total_answered"] == 8
    assert bool(result.at["b", "total_prorated"]) is True
    # b: connection (items 1, 2, 10) has 2 missing > max_missing 1 -> missing, not prorated
    assert math.isnan(result.at["b", "connection"])
    assert result.at["b", "connection_answered"] == 1
    assert bool(result.at["b", "connection_prorated"]) is False
    # b: authenticity (3, 9) complete: (5 + 5) / 2 = 5.0
    assert result.at["b", "authenticity"] == pytest.approx(5.0)
    # c: total has 3 missing > 2 -> missing
    assert math.isnan(result.at["c", "total"])
    assert result.at["c", "total_answered"] == 7
    assert bool(result.at["c", "total_prorated"]) is False
    # c: good_things complete: (4*5) / 5 = 4.0; authenticity: item 3 missing (1 allowed),
    # item 9 keyed 6 - 2 = 4 -> 4 / 1 = 4.0, prorated
    assert result.at["c", "good_things"] == pytest.approx(4.0)
    assert result.at["c", "authenticity"] == pytest.approx(4.0)
    assert bool(result.at["c", "authenticity_prorated"]) is True


def test_output_columns_follow_the_contract():
    frame = wide(CHECKIN, {"a": [3] * 10})
    frame.insert(2, "group", "g1")
    result = score(frame, CHECKIN)
    scales = ["total", "connection", "authenticity", "good_things"]
    extras = [f"{s}_{kind}" for s in scales for kind in ("answered", "prorated")]
    assert list(result.columns) == ["member", "timepoint", "group", *scales, *extras]


def test_sum_scale_prorates_as_mean_times_item_count():
    phq9 = load_instrument("phq9")
    frame = wide(
        phq9,
        {
            "full": [1, 2, 3, 0, 1, 2, 3, 0, 1],  # 1+2+3+0+1+2+3+0+1 = 13
            "one": [1, 2, 3, 0, 1, 2, 3, 0, None],  # 12 / 8 = 1.5; 1.5 * 9 = 13.5
            "two": [1, 2, 3, 0, 1, 2, 3, None, None],  # 2 missing > max_missing 1
        },
    )
    result = score(frame, phq9).set_index("member")
    assert result.at["full", "total"] == 13
    assert result.at["one", "total"] == pytest.approx(13.5)
    assert bool(result.at["one", "total_prorated"]) is True
    assert math.isnan(result.at["two", "total"])
    assert result["total_answered"].tolist() == [9, 8, 7]


def test_core10_reverse_keys_on_a_0_to_4_scale():
    core10 = load_instrument("core10")
    frame = wide(core10, {"a": [2, 4, 3, 1, 0, 0, 1, 2, 2, 1]})
    # items 2 and 3 reversed on 0-4: 0 + 4 - 4 = 0, 0 + 4 - 3 = 1
    # sum = 2 + 0 + 1 + 1 + 0 + 0 + 1 + 2 + 2 + 1 = 10
    assert score(frame, core10).at[0, "total"] == 10


def test_gcqs_subscale_means_with_a_skipped_item():
    gcqs = load_instrument("gcq-s")
    values = [6, 5, 1, None, 0, 2, 3, 4, 2, 1, 5, 0]
    result = score(wide(gcqs, {"a": values}), gcqs).iloc[0]
    # engaged = items 1, 2, 4, 8, 11 = 6, 5, (skipped), 4, 5 -> 20 / 4 = 5.0, prorated
    assert result["engaged"] == pytest.approx(5.0) and bool(result["engaged_prorated"])
    # avoiding = items 3, 5, 9 = 1, 0, 2 -> 3 / 3 = 1.0
    assert result["avoiding"] == pytest.approx(1.0)
    # conflict = items 6, 7, 10, 12 = 2, 3, 1, 0 -> 6 / 4 = 1.5
    assert result["conflict"] == pytest.approx(1.5)


def test_refused_answers_name_member_timepoint_item_and_value():
    frame = wide(
        CHECKIN,
        {
            "m07": [1, 2, 3, 4, 5, 9, 1, 1, 1, 1],  # 9 is above the 1-5 scale
            "m08": [1, 2.5, 3, 4, 5, 1, 1, 1, 1, 1],  # 2.5 is between two points
            "m09": [1, 2, 3, 4, 5, 1, 1, 1, 1, "often"],  # text
        },
    )
    frame = frame.astype(object)
    with pytest.raises(ScoringError) as caught:
        score(frame, CHECKIN)
    message = str(caught.value)
    assert "3 answer(s) are not on the mutuality-checkin response scale" in message
    assert "member m07, timepoint pre, item mutualitycheckin_6: value 9" in message
    assert "member m08, timepoint pre, item mutualitycheckin_2: value 2.5" in message
    assert (
        "member m09, timepoint pre, item mutualitycheckin_10: value 'often' is not a number"
        in message
    )
    assert len(caught.value.refused) == 3


def test_blank_is_a_skipped_item_not_a_refused_answer():
    frame = wide(CHECKIN, {"a": [np.nan, 2, 3, 4, 5, 1, 1, 1, 1, 1]})
    assert score(frame, CHECKIN).at[0, "total_answered"] == 9


CONTINUOUS = """\
id: distress-thermometer-test
name: Visual scale (test)
version: "1"
citation: test
license: test
use: per-session
response_scale: {min: 0, max: 10, step: 0.1}
higher_is: worse
items:
  - {id: vas_1}
  - {id: vas_2, reverse: true}
scales:
  - {id: total, name: Total, items: [vas_1, vas_2], method: sum, max_missing: 1}
"""


def test_decimals_are_accepted_on_a_continuous_scale():
    vas = parse_instrument(CONTINUOUS)
    frame = pd.DataFrame({"member": ["a"], "timepoint": ["1"], "vas_1": [2.5], "vas_2": [7.25]})
    # vas_2 reversed: 0 + 10 - 7.25 = 2.75; sum = 2.5 + 2.75 = 5.25
    assert score(frame, vas).at[0, "total"] == pytest.approx(5.25)
    outside = frame.assign(vas_1=[10.5])
    with pytest.raises(
        ScoringError, match=r"value 10\.5 is outside the response scale \(0 to 10\)"
    ):
        score(outside, vas)


def test_score_range_is_the_response_scale_for_means_and_times_items_for_sums():
    # PHQ-9: 9 items of 0-3 summed, so 0-27 (Kroenke, Spitzer & Williams, 2001).
    assert score_range(load_instrument("phq9"), "total") == (0.0, 27.0)
    assert score_range(load_instrument("mutuality-checkin"), "total") == (1.0, 5.0)
    assert score_range(parse_instrument(CONTINUOUS), "total") == (0.0, 20.0)
