"""Item means per session and the theme profile on crafted answers, arithmetic beside each value."""

from __future__ import annotations

import doctest
import math

import pandas as pd
import pytest

import analysis.items
from analysis.items import ItemDataError, item_means_by_session, theme_profile

# Four administrations of a three-item check-in (keyed answers, 0-4):
#              q1   q2    q3
#   session 2: 4    3     1
#   session 1: 2    None  0
#   session 1: 3    1     2
#   session 2: 2    2     None
KEYED = pd.DataFrame(
    {"q1": [4.0, 2.0, 3.0, 2.0], "q2": [3.0, None, 1.0, 2.0], "q3": [1.0, 0.0, 2.0, None]},
    index=[10, 11, 12, 13],  # any index: sessions are matched by position
)
SESSIONS = [2, 1, 1, 2]


def test_item_means_by_session():
    means = item_means_by_session(KEYED, SESSIONS)
    assert list(means.columns) == ["session", "item", "mean"]
    # Item by item in the columns' order, sessions ascending within each item.
    assert means["item"].tolist() == ["q1", "q1", "q2", "q2", "q3", "q3"]
    assert means["session"].tolist() == [1, 2, 1, 2, 1, 2]
    assert means["mean"].tolist() == pytest.approx(
        [
            (2 + 3) / 2,  # q1 session 1: 2.5
            (4 + 2) / 2,  # q1 session 2: 3.0
            1 / 1,  # q2 session 1: one answer (the other is missing): 1.0
            (3 + 2) / 2,  # q2 session 2: 2.5
            (0 + 2) / 2,  # q3 session 1: 1.0
            1 / 1,  # q3 session 2: one answer: 1.0
        ]
    )


def test_an_item_nobody_answered_at_a_session_has_no_mean():
    keyed = KEYED.assign(q3=[None, 0.0, 2.0, None])  # nobody answered q3 at session 2
    means = item_means_by_session(keyed, SESSIONS).set_index(["item", "session"])["mean"]
    assert means[("q3", 1)] == pytest.approx(1.0)  # (0 + 2) / 2
    assert math.isnan(means[("q3", 2)])


def test_sessions_of_another_length_or_missing_are_refused():
    with pytest.raises(ItemDataError, match="3 session numbers for 4 administrations"):
        item_means_by_session(KEYED, [1, 1, 2])
    with pytest.raises(ItemDataError, match="no session number"):
        item_means_by_session(KEYED, [1, None, 2, 2])


def test_no_administrations():
    means = item_means_by_session(KEYED.iloc[0:0], [])
    assert means.empty and list(means.columns) == ["session", "item", "mean"]


def test_theme_profile_averages_the_item_means_of_each_theme():
    item_long = item_means_by_session(KEYED, SESSIONS)
    profile = theme_profile(item_long, {"q1": "zest", "q2": "zest", "q3": "clarity"})
    assert list(profile.columns) == ["session", "theme", "mean"]
    # Theme by theme (in the order of the items), sessions ascending.
    assert list(zip(profile["session"], profile["theme"], strict=True)) == [
        (1, "zest"),
        (2, "zest"),
        (1, "clarity"),
        (2, "clarity"),
    ]
    assert profile["mean"].tolist() == pytest.approx(
        [
            (2.5 + 1.0) / 2,  # zest session 1: mean of q1 2.5 and q2 1.0 = 1.75
            (3.0 + 2.5) / 2,  # zest session 2: mean of q1 3.0 and q2 2.5 = 2.75
            1.0,  # clarity session 1: q3 alone
            1.0,  # clarity session 2: q3 alone
        ]
    )


def test_each_item_weighs_the_same_in_its_theme():
    # At session 1, q1 has two answers and q2 one: the theme mean is still
    # (2.5 + 1.0) / 2 = 1.75, not the mean of the three answers (2 + 3 + 1) / 3 = 2.0.
    profile = theme_profile(item_means_by_session(KEYED, SESSIONS), {"q1": "zest", "q2": "zest"})
    assert profile.loc[profile["session"] == 1, "mean"].item() == pytest.approx(1.75)


def test_items_without_a_theme_are_left_out_and_no_themes_give_an_empty_profile():
    item_long = item_means_by_session(KEYED, SESSIONS)
    profile = theme_profile(item_long, {"q3": "clarity"})
    assert profile["theme"].unique().tolist() == ["clarity"]
    empty = theme_profile(item_long, {})
    assert empty.empty and list(empty.columns) == ["session", "theme", "mean"]


def test_docstring_examples_run():
    assert doctest.testmod(analysis.items).failed == 0
