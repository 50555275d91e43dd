"""Small-cell suppression of aggregate tables: counts of 1 to 4 never published."""

from __future__ import annotations

import pandas as pd
import pytest

from privacy.suppression import Suppressor

LABEL = "fewer than 5: not shown"


def test_rows_resting_on_few_people_are_hidden_with_their_statistics():
    table = pd.DataFrame(
        {
            "group": ["R-1", "R-2", "C-1", "C-2"],
            "n": [12, 4, 5, 0],
            "mean": [2.5, 3.1, 1.0, float("nan")],
            "sd": [0.8, 0.2, 0.1, float("nan")],
        }
    )
    suppressor = Suppressor()
    safe = suppressor.rows(table, "n", keep=["group"])
    assert safe["n"].tolist() == [12, LABEL, 5, 0]  # zero names nobody: shown
    assert safe.loc[1, "mean"] is None and safe.loc[1, "sd"] is None
    assert safe.loc[0, "mean"] == 2.5 and safe.loc[2, "sd"] == 0.1
    assert safe["group"].tolist() == table["group"].tolist()
    assert suppressor.suppressed == 1
    assert table.loc[1, "mean"] == 3.1  # the input is not changed


def test_a_table_without_its_count_column_is_refused():
    with pytest.raises(ValueError, match="no count column 'n'"):
        Suppressor().rows(pd.DataFrame({"mean": [1.0]}))


def test_one_hidden_group_never_stands_alone_in_a_block():
    # The groups of one timepoint add up to its members (published): hiding only the group
    # of 3 would give it away as 40 - 20 - 17.
    table = pd.DataFrame(
        {
            "timepoint": ["pre", "pre", "pre", "post", "post", "post"],
            "group": ["A", "B", "C", "A", "B", "C"],
            "n": [20, 17, 3, 20, 4, 2],
            "mean": [1.0, 2.0, 3.0, 1.5, 2.5, 3.5],
        }
    )
    suppressor = Suppressor()
    safe = suppressor.part_rows(table, "n", within=["timepoint"], keep=["group"])
    # B (17) is hidden only beside C (3): it is marked "not shown", never "fewer than 5".
    assert safe["n"].tolist() == [20, "not shown", LABEL, 20, LABEL, LABEL]
    assert safe["mean"].tolist() == [1.0, None, None, 1.5, None, None]
    assert safe["group"].tolist() == ["A", "B", "C", "A", "B", "C"]
    assert suppressor.suppressed == 4


def test_category_counts_of_a_method_get_complementary_suppression():
    table = pd.DataFrame(
        {
            "method": ["jt", "en"],
            "improved": [9, 10],
            "unchanged": [3, 6],
            "deteriorated": [0, 5],
        }
    )
    suppressor = Suppressor()
    safe = suppressor.part_columns(table, ["improved", "unchanged", "deteriorated"])
    # jt: 3 is small; 0 is the smallest other part but names nobody, and it is hidden too so
    # that 3 cannot be worked out as 12 - 9 - 0.
    assert safe.iloc[0].tolist() == ["jt", 9, LABEL, "not shown"]
    assert safe.iloc[1].tolist() == ["en", 10, 6, 5]
    assert suppressor.suppressed == 2


def test_a_larger_threshold_hides_more():
    table = pd.DataFrame({"session": [1, 2], "n": [7, 12], "mean": [2.0, 2.2]})
    safe = Suppressor(10).rows(table, keep=["session"])
    assert safe["n"].tolist() == ["fewer than 10: not shown", 12]


def test_a_plot_of_one_point_per_member_only_when_no_category_is_countable():
    suppressor = Suppressor()
    assert suppressor.allows_points([30, 51, 5])
    assert suppressor.allows_points([30, 51, 0])  # an empty category names nobody
    assert not suppressor.allows_points([30, 51, 4])  # 4 points could be counted
    assert not suppressor.allows_points([3, 0, 0])  # too few members in all
