"""Pre/post change against published R output (t.test, wilcox.test) and Lakens (2013)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from analysis.change import (
    ChangeInputError,
    d_z_confidence_interval,
    normalise_timepoint,
    paired_change,
    paired_scores,
)

MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def long_scores(pre, post, labels=("pre", "post"), scale="total"):
    members = [f"M{i:02d}" for i in range(len(pre))]
    return pd.DataFrame(
        {
            "member": members + members,
            "timepoint": [labels[0]] * len(pre) + [labels[1]] * len(post),
            scale: list(pre) + list(post),
        }
    )


@pytest.fixture
def movie():
    # Lakens (2013) rates movie_2 then movie_1; change = movie_1 - movie_2 (post - pre).
    return paired_change(long_scores(MOVIE_2, MOVIE_1), "total", "pre", "post")


def test_lakens_movie_example_t_test_and_d_z(movie):
    # Lakens (2013), Front Psychol 4:863, movie example: t(9) = 4.74, p = .001, d_z = 1.50
    assert movie.n_pairs == 10
    assert movie.df == 9
    assert movie.t == pytest.approx(4.74, abs=0.005)
    assert movie.p == pytest.approx(0.001, abs=0.0005)
    assert movie.d_z == pytest.approx(1.50, abs=0.005)
    # effectsize::cohens_d(movie_1, movie_2, paired = TRUE) (effectsize 0.8.3, R 4.2.2):
    #   Cohen's d 1.50, 95% CI [0.56, 2.40]  (noncentral t; repeated_measures_d is newer
    #   than 0.8.3, and no printed output of it for this example was found)
    assert movie.d_z_ci == pytest.approx((0.56, 2.40), abs=0.005)


def test_lakens_movie_d_av_g_av_d_rm_by_hand(movie):
    # Lakens' supplementary spreadsheet was not reachable and no printed R output of
    # Lakens' d_av ((SD1 + SD2) / 2) was found, so derived step by step from Lakens (2013):
    # SD(movie_1) = sqrt(6.1 / 9) = 0.8233, SD(movie_2) = sqrt(8.1 / 9) = 0.9487
    # formula 10: d_av = 1.0 / ((0.8233 + 0.9487) / 2) = 1.0 / 0.8860 = 1.1287
    # formula 4:  g_av = d_av * (1 - 3 / (4 * (10 + 10) - 9)) = 1.1287 * 0.95775 = 1.0810
    # r = 5.1 / sqrt(6.1 * 8.1) = 0.72554; formula 9: d_rm = 1.5 * sqrt(2 * (1 - r)) = 1.1113
    assert movie.sd_post == pytest.approx(math.sqrt(6.1 / 9), abs=1e-9)
    assert movie.sd_pre == pytest.approx(math.sqrt(8.1 / 9), abs=1e-9)
    assert movie.d_av == pytest.approx(1.0 / ((math.sqrt(6.1 / 9) + math.sqrt(8.1 / 9)) / 2))
    assert movie.d_av == pytest.approx(1.1287, abs=5e-5)
    assert movie.g_av == pytest.approx(1.0810, abs=5e-5)
    assert movie.r_pre_post == pytest.approx(5.1 / math.sqrt(6.1 * 8.1))
    assert movie.d_rm == pytest.approx(1.1113, abs=5e-5)


def test_lakens_movie_wilcoxon_by_hand(movie):
    # wilcox.test(movie_1, movie_2, paired = TRUE) uses the normal approximation here (zeros and
    # ties); R 4.2.2 prints V = 36, p-value = 0.01028. By hand: 8 non-zero differences, all
    # positive, ranks 3.5 x6 and 7.5 x2, V = 36;
    # E(V) = 8*9/4 = 18; Var(V) = 8*9*17/24 - (6^3-6 + 2^3-2)/48 = 51 - 4.5 = 46.5;
    # z = (36 - 18 - 0.5) / sqrt(46.5) = 2.5663; p = 2 * (1 - pnorm(2.5663)) = 0.01028
    expected = 2 * stats.norm.sf((36 - 18 - 0.5) / math.sqrt(46.5))
    assert expected == pytest.approx(0.01028, abs=5e-6)
    assert movie.wilcoxon_p == pytest.approx(expected, rel=1e-9)


def test_sleep_paired_t_and_wilcoxon_match_r(reference_dir):
    sleep = pd.read_csv(reference_dir / "datasets_sleep.csv")
    scores = pd.DataFrame({"member": sleep["ID"], "timepoint": sleep["group"], "x": sleep["extra"]})
    result = paired_change(scores, "x", 1, 2)
    # t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p-value = 0.002833
    # (R's difference is group 1 - group 2; Mutuality's change is post - pre = group 2 - group 1)
    assert result.t == pytest.approx(4.0621, abs=5e-5)
    assert result.df == 9
    assert result.p == pytest.approx(0.002833, abs=5e-7)
    # mean of the differences: -1.58 in R's direction
    assert result.mean_change == pytest.approx(1.58, abs=5e-3)
    # wilcox.test(extra ~ group, data = sleep, paired = TRUE): V = 0, p-value = 0.009091
    assert result.wilcoxon_p == pytest.approx(0.009091, abs=5e-7)


def test_d_z_interval_inverts_the_noncentral_t():
    # Definition (Steiger & Fouladi 1997): the limits are the noncentrality parameters for which
    # the observed t is the 97.5th and 2.5th percentile, divided by sqrt(n).
    t, n = 4.743416, 10
    lower, upper = d_z_confidence_interval(t, n)
    assert stats.nct.cdf(t, n - 1, lower * math.sqrt(n)) == pytest.approx(0.975, abs=1e-9)
    assert stats.nct.cdf(t, n - 1, upper * math.sqrt(n)) == pytest.approx(0.025, abs=1e-9)
    assert lower < 1.5 < upper
    # a negative t gives the mirrored interval (and does not fail in scipy's far tails)
    assert d_z_confidence_interval(-t, n) == pytest.approx((-upper, -lower))
    lo40, hi40 = d_z_confidence_interval(-5.5954, 40)
    assert stats.nct.cdf(-5.5954, 39, hi40 * math.sqrt(40)) == pytest.approx(0.025, abs=1e-9)
    assert lo40 < -5.5954 / math.sqrt(40) < hi40


def test_claus_2020_bdi_pairs_and_descriptives(reference_dir):
    claus = pd.read_csv(reference_dir / "clinicalsignificance" / "claus_2020.csv")
    scores = pd.DataFrame({"member": claus["id"], "timepoint": claus["time"], "bdi": claus["bdi"]})
    result = paired_change(scores, "bdi", "1", "4.0")
    # clinicalsignificance summary(cs_combined(claus_2020, id, time, bdi, pre = 1, post = 4,
    #   reliability = 0.801)): 43 participants, 40 (93%) included; M_pre 35.48, SD_pre 8.16
    assert result.n_pairs == 40
    assert result.n_missing_pre + result.n_missing_post == 3
    assert result.mean_pre == pytest.approx(35.48, abs=0.005)
    # VALIDATION.md: SD_pre 8.1586
    assert result.sd_pre == pytest.approx(8.1586, abs=5e-5)
    assert result.pre == "1" and result.post == "4"


def test_timepoints_written_as_numbers_or_text_are_the_same():
    assert normalise_timepoint(1.0) == "1"
    assert normalise_timepoint("4.0") == "4"
    assert normalise_timepoint(" pre ") == "pre"
    assert normalise_timepoint(2.5) == "2.5"
    assert normalise_timepoint(float("nan")) is None
    scores = long_scores([10, 12, 14], [8, 9, 15], labels=(1.0, "2"))
    assert paired_change(scores, "total", "1", 2).n_pairs == 3


def test_lost_members_are_counted_not_silently_dropped():
    scores = long_scores([10, 12, 14, None, 11], [8, None, 15, 9, 10])
    pairs, missing_pre, missing_post = paired_scores(scores, "total", "pre", "post")
    assert list(pairs["member"]) == ["M00", "M02", "M04"]
    assert (missing_pre, missing_post) == (1, 1)
    assert list(pairs["change"]) == [-2, 1, -1]


def test_wide_layout_is_accepted():
    wide = pd.DataFrame({"member": ["a", "b", "c"], "pre": [1, 2, 4], "post": [2, 2, 7]})
    result = paired_change(wide, "total", "pre", "post")
    assert result.n_pairs == 3
    assert result.mean_change == pytest.approx(4 / 3)


def test_too_few_pairs_says_why_and_reports_no_numbers():
    result = paired_change(long_scores([10, None], [None, 12]), "total", "pre", "post")
    assert result.n_pairs == 0
    assert math.isnan(result.t) and math.isnan(result.d_z)
    assert "no member has both" in result.problems[0]
    one = paired_change(long_scores([10], [12]), "total", "pre", "post")
    assert one.n_pairs == 1 and math.isnan(one.p)
    assert "at least 2 pairs" in one.problems[0]


def test_zero_variance_of_change_gives_no_t_and_a_reason():
    result = paired_change(long_scores([10, 12, 14], [12, 14, 16]), "total", "pre", "post")
    assert result.mean_change == 2
    assert math.isnan(result.t) and math.isnan(result.p) and math.isnan(result.d_z)
    assert math.isnan(result.d_z_ci[0])
    assert result.d_av == pytest.approx(1.0)  # 2 / ((2 + 2) / 2): still defined
    assert any("no variance" in p for p in result.problems)


def test_all_missing_scores():
    result = paired_change(long_scores([None, None], [None, None]), "total", "pre", "post")
    assert result.n_pairs == 0 and math.isnan(result.mean_pre)
    assert result.problems


def test_duplicate_administrations_are_refused_with_the_member_named():
    scores = pd.concat([long_scores([10, 12], [8, 9]), long_scores([11], [7])])
    with pytest.raises(ChangeInputError, match="member M00 at timepoint"):
        paired_change(scores, "total", "pre", "post")


def test_unknown_timepoint_and_same_timepoint_are_refused():
    scores = long_scores([10, 12], [8, 9])
    with pytest.raises(ChangeInputError, match="timepoint 'after' .*its timepoints are post, pre"):
        paired_change(scores, "total", "pre", "after")
    with pytest.raises(ChangeInputError, match="same timepoint"):
        paired_change(scores, "total", "pre", "pre")
    with pytest.raises(ChangeInputError, match="no scale 'other'"):
        paired_change(scores, "other", "pre", "post")
