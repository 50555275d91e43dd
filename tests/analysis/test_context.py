"""Outcomes by grouping (analysis/context.py) against R: clustered means, Welch, paired, slopes.

Expected values from R 4.2.2 with sandwich 3.0 and lmtest (Debian's r-cran-sandwich,
r-cran-lmtest) on the 33 rows of DATA (11 members, 3 sessions each), written beside each value.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.context import clustered_mean, mean_difference, paired_change, session_slopes

# fmt: off
DATA = [
    ("m00", "A", 1, 3.2), ("m00", "A", 2, 4.24), ("m00", "A", 3, 4.1),
    ("m01", "A", 1, 2.9), ("m01", "A", 2, 2.51), ("m01", "A", 3, 3.2),
    ("m02", "A", 1, 3.8), ("m02", "A", 2, 3.02), ("m02", "A", 3, 3.0),
    ("m03", "A", 1, 2.84), ("m03", "A", 2, 2.87), ("m03", "A", 3, 3.22),
    ("m04", "A", 1, 3.27), ("m04", "A", 2, 3.78), ("m04", "A", 3, 3.58),
    ("m05", "A", 1, 3.62), ("m05", "A", 2, 3.47), ("m05", "A", 3, 3.31),
    ("m06", "B", 1, 3.54), ("m06", "B", 2, 4.01), ("m06", "B", 3, 3.4),
    ("m07", "B", 1, 3.65), ("m07", "B", 2, 3.14), ("m07", "B", 3, 3.37),
    ("m08", "B", 1, 3.98), ("m08", "B", 2, 3.88), ("m08", "B", 3, 4.1),
    ("m09", "B", 1, 2.63), ("m09", "B", 2, 2.08), ("m09", "B", 3, 1.92),
    ("m10", "B", 1, 3.77), ("m10", "B", 2, 3.48), ("m10", "B", 3, 3.34),
]
# fmt: on


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(DATA, columns=["member", "grouping", "session", "score"])


def test_clustered_mean_matches_sandwich_vcovcl(frame):
    # m <- lm(score ~ 1, A); v <- vcovCL(m, cluster = ~member, type = "HC0")
    # coef 3.329444, sqrt(v) 0.1495312, coefci(m, vcov. = v, df = 5): 2.945062 3.713827
    a = frame[frame["grouping"] == "A"]
    got = clustered_mean(a["score"], a["member"])
    assert (got.n, got.members, got.df) == (18, 6, 5)
    assert got.mean == pytest.approx(3.329444, abs=1e-6)
    assert got.se == pytest.approx(0.1495312, abs=1e-7)
    assert (got.ci_low, got.ci_high) == pytest.approx((2.945062, 3.713827), abs=1e-6)
    # B: 3.352667, se 0.3023784, CI 2.51313 4.192204 (df = 4)
    b = frame[frame["grouping"] == "B"]
    got = clustered_mean(b["score"], b["member"])
    assert (got.ci_low, got.ci_high) == pytest.approx((2.51313, 4.192204), abs=1e-6)


def test_one_answer_per_member_gives_t_test_and_welch(frame):
    first = frame[frame["session"] == 1]
    a, b = first[first["grouping"] == "A"], first[first["grouping"] == "B"]
    mean_a = clustered_mean(a["score"], a["member"])
    # t.test(a)$conf.int: 2.870655 3.672678
    assert (mean_a.ci_low, mean_a.ci_high) == pytest.approx((2.870655, 3.672678), abs=1e-6)
    diff = mean_difference("B", clustered_mean(b["score"], b["member"]), "A", mean_a)
    # mean(b) - mean(a) 0.2423333; t.test(b, a)$conf.int (Welch): -0.4158798 0.9005465
    assert diff.difference == pytest.approx(0.2423333, abs=1e-7)
    assert (diff.ci_low, diff.ci_high) == pytest.approx((-0.4158798, 0.9005465), abs=1e-6)


def test_paired_change_is_a_paired_t_test(frame):
    a = frame[frame["grouping"] == "A"]
    pre = a[a["session"] == 1].set_index("member")["score"]
    post = a[a["session"] == 3].set_index("member")["score"]
    got = paired_change(pre, post)
    # t.test(post, pre, paired = TRUE): mean 0.13, conf.int -0.4953087 0.7553087
    assert got.n == 6 and got.mean_change == pytest.approx(0.13, abs=1e-9)
    assert (got.ci_low, got.ci_high) == pytest.approx((-0.4953087, 0.7553087), abs=1e-6)


def test_session_slopes_match_clustered_lm_in_r(frame):
    slopes, differences = session_slopes(frame, reference="A")
    # s <- lm(score ~ session, A); coefci(s, vcov. = vcovCL(s, ~member, type = "HC1"), df = 5)
    # A: 0.065 (-0.2572767, 0.3872767); B (df = 4): -0.144 (-0.3443145, 0.05631446)
    assert slopes["A"].slope == pytest.approx(0.065, abs=1e-9)
    assert (slopes["A"].ci_low, slopes["A"].ci_high) == pytest.approx(
        (-0.2572767, 0.3872767), abs=1e-6
    )
    assert (slopes["B"].ci_low, slopes["B"].ci_high) == pytest.approx(
        (-0.3443145, 0.05631446), abs=1e-6
    )
    # i <- lm(score ~ session * grouping); coefci(i, vcov. = vcovCL(i, ~member, type = "HC1"),
    # df = 10)["session:groupingB", ]: -0.209 (-0.5213916, 0.1033916)
    b = differences["B"]
    assert b.slope == pytest.approx(-0.209, abs=1e-9)
    assert (b.ci_low, b.ci_high) == pytest.approx((-0.5213916, 0.1033916), abs=1e-6)


def test_one_member_has_a_mean_but_no_interval():
    got = clustered_mean(pd.Series([3.0, 3.5]), pd.Series(["m1", "m1"]))
    assert got.mean == 3.25 and got.ci_low is None and got.se is None
