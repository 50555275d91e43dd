"""The one dictionary of column words (analysis/labels.py) covers the result tables' columns."""

from __future__ import annotations

import doctest

import pandas as pd

import analysis.labels
import analysis.timepoints
from analysis.labels import COLUMN_WORDS, column_word, machine_name, with_item_wording, worded
from analysis.reliability import reliability_frames, reliability_table
from measures import load_instrument


def test_the_examples_run():
    assert doctest.testmod(analysis.labels).failed == 0
    assert doctest.testmod(analysis.timepoints).failed == 0


def test_every_reliability_column_has_words_and_reads_back():
    instrument = load_instrument("mutuality-checkin")
    wide = pd.DataFrame(
        [
            {"member": f"M{m}", "timepoint": "pre"}
            | {item: (m + i) % 5 + 1 for i, item in enumerate(instrument.item_ids)}
            for m in range(8)
        ]
    )
    scales, items = reliability_frames(reliability_table(wide, instrument))
    for frame in (scales, with_item_wording(items, instrument)):
        for column in frame.columns:
            assert column in COLUMN_WORDS, column
        shown = worded(frame, instrument)
        assert [machine_name(c, instrument) for c in shown.columns] == list(frame.columns)
    assert (
        with_item_wording(items, instrument)["item_text"][0]
        == (instrument.item(items["item"][0]).text["en"])
    )


def test_scale_columns_of_scored_data_say_the_scales_name():
    instrument = load_instrument("phq9")
    name = instrument.scale("total").name
    assert column_word("total", instrument) == name
    assert column_word("total_answered", instrument) == f"{name}: items answered"
    assert machine_name(f"{name}: prorated", instrument) == "total_prorated"
    assert column_word("phq9_1", instrument) == "phq9_1"  # an item id stays an id
