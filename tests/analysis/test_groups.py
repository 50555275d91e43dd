"""ICC(1), ICC(2), design effect and group means against lme4, R's aov, pingouin and R&B."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.groups import GroupDataError, group_means, group_structure


@pytest.fixture
def dyestuff(reference_dir):
    d = pd.read_csv(reference_dir / "lme4_Dyestuff.csv")
    return pd.DataFrame({"member": d["rownames"], "group": d["Batch"], "total": d["Yield"]})


@pytest.fixture
def hsb82(reference_dir):
    d = pd.read_csv(reference_dir / "mlmRev_Hsb82.csv")
    return pd.DataFrame({"member": d["rownames"], "group": d["school"], "total": d["mAch"]})


def test_dyestuff_reml_matches_lme4(dyestuff):
    r = group_structure(dyestuff, "total")
    # lme4: summary(lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff))  (REML)
    #   Batch (Intercept) Variance 1764  Std.Dev. 42.00 ; Residual 2451  Std.Dev. 49.51
    #   (VALIDATION.md; reprinted identically by lme4 1.1-31 / R 4.2.2)
    assert math.sqrt(r.var_between) == pytest.approx(42.00, abs=0.005)
    assert math.sqrt(r.var_within) == pytest.approx(49.51, abs=0.005)
    # ICC = 1764 / (1764 + 2451) = 0.4185 (VALIDATION.md)
    assert r.icc1_reml == pytest.approx(0.4185, abs=0.00005)
    assert r.n_groups == 6 and r.n_members == 30


def test_dyestuff_anova_matches_aov(dyestuff):
    r = group_structure(dyestuff, "total")
    # summary(aov(Yield ~ Batch, data = Dyestuff))   (printed by R 4.2.2; no published
    # printout found, so also derived below from the published lme4 variances):
    #   Batch      Df 5  Sum Sq 56358  Mean Sq 11272  F 4.598  Pr(>F) 0.0044
    #   Residuals  Df 24 Sum Sq 58830  Mean Sq  2451
    # (balanced one-way: MSB = 5 * 1764 + 2451 and MSW = 2451 from the lme4 REML fit)
    assert r.ms_between == pytest.approx(11272, abs=0.5)
    assert r.ms_within == pytest.approx(2451, abs=0.5)
    assert r.f == pytest.approx(4.598, abs=0.0005)
    assert (r.df_between, r.df_within) == (5, 24)
    # multilevel::ICC1(aov(...)) = (MSB - MSW) / (MSB + (k - 1) MSW), k = 30 / 6 = 5:
    #   (11271.5 - 2451.25) / (11271.5 + 4 * 2451.25) = 8820.25 / 21076.5 = 0.4185
    #   (balanced groups: equals the REML ICC, VALIDATION.md)
    assert r.icc1_anova == pytest.approx(0.4185, abs=0.00005)
    # multilevel::ICC2(aov(...)) = (MSB - MSW) / MSB = 8820.25 / 11271.5 = 0.7825
    assert r.icc2 == pytest.approx(0.7825, abs=0.00005)
    # design effect 1 + (k - 1) ICC1 = 1 + 4 * 0.41850 = 2.674 (Kish 1965, by hand)
    assert r.design_effect == pytest.approx(2.674, abs=0.0005)


def test_dyestuff_group_mean_ci_matches_t_test(dyestuff):
    g = group_means(dyestuff, "total").set_index("group")
    # with(Dyestuff, t.test(Yield[Batch == "A"]))  Yields 1545 1440 1440 1520 1580:
    #   mean 1505, sd 63.048, t(.975, 4) = 2.776445, half-width 2.776445 * 63.048 / sqrt(5)
    #   = 78.284 -> 95 percent CI 1426.716 1583.284
    assert g.loc["A", "mean"] == 1505
    assert g.loc["A", "sd"] == pytest.approx(63.048, abs=0.0005)
    assert g.loc["A", "ci_low"] == pytest.approx(1426.716, abs=0.0005)
    assert g.loc["A", "ci_high"] == pytest.approx(1583.284, abs=0.0005)
    assert list(g.index) == list("ABCDEF") and set(g["n"]) == {5}


def test_pingouin_icc_dataset(reference_dir):
    d = pd.read_csv(reference_dir / "icc.csv")
    r = group_structure(d.rename(columns={"Wine": "group", "Scores": "total"}), "total")
    # pingouin.intraclass_corr(data, targets="Wine", raters="Judge", ratings="Scores")
    #   (pingouin's documented example): ICC(1,1) 0.728 ; ICC(1,k) 0.914 ; F 11.680, df 7, 24
    # Shrout & Fleiss ICC(1,1) is Bliese's ICC(1); ICC(1,k) is Bliese's ICC(2).
    assert r.icc1_anova == pytest.approx(0.728, abs=0.0005)
    assert r.icc2 == pytest.approx(0.914, abs=0.0005)
    assert r.f == pytest.approx(11.680, abs=0.0005)
    assert (r.df_between, r.df_within) == (7, 24)
    # balanced: REML equals ANOVA when the ANOVA estimate is positive
    assert r.icc1_reml == pytest.approx(0.728, abs=0.0005)


def test_hsb82_unbalanced_reml_matches_published(hsb82):
    r = group_structure(hsb82, "total")
    # mlmRev: summary(lmer(mAch ~ 1 + (1 | school), data = Hsb82))
    #   school (Intercept) Variance 8.614 ; Residual 39.148
    # Published: Albright, "Estimating HLM Models Using R: Part 1" (Methods Consultants,
    # methodsconsultants.com/tutorial/estimating-hlm-models-using-r-part-1/) prints
    # lmer(mathach ~ (1 | schid), data = hsb) -> schid 8.614, Residual 39.148, replicating
    # Raudenbush & Bryk (2002) ch. 4; lme4 1.1-31 on this file: 8.614025 / 39.148322.
    # Tolerance 0.001: the REML surface is flat near its optimum and optimisers stop at
    # 8.6147-8.6148 (statsmodels L-BFGS / BFGS); lme4 and HLM print 8.614.
    assert r.var_between == pytest.approx(8.614, abs=0.001)
    assert r.var_within == pytest.approx(39.148, abs=0.001)
    # 8.614 / (8.614 + 39.148) = 0.1804
    assert r.icc1_reml == pytest.approx(0.1804, abs=0.00005)
    assert r.n_groups == 160 and r.n_members == 7185


def test_hsb82_anova_icc_differs_from_reml(hsb82):
    r = group_structure(hsb82, "total")
    # Independent implementation: scipy.stats.f_oneway gives F = MSB / MSW; Bliese's
    # ICC(1) = (F - 1) / (F + k - 1) with k = N / J = 7185 / 160 = 44.90625
    # (multilevel::ICC1's GSIZE), ICC(2) = 1 - 1 / F.
    samples = [g["total"].to_numpy() for _, g in hsb82.groupby("group")]
    f = stats.f_oneway(*samples).statistic
    k = 7185 / 160
    assert r.f == pytest.approx(f, rel=1e-9)
    assert r.icc1_anova == pytest.approx((f - 1) / (f + k - 1), rel=1e-9)
    assert r.icc2 == pytest.approx(1 - 1 / f, rel=1e-9)
    # Unequal school sizes (14 to 67): the two ICC(1) estimators differ in the 2nd decimal.
    assert abs(r.icc1_reml - r.icc1_anova) > 0.005
    assert any("Group sizes differ" in n for n in r.notes)
    # design effect uses the REML ICC: 1 + (44.90625 - 1) * 0.18036 = 8.919
    assert r.design_effect == pytest.approx(1 + (k - 1) * r.icc1_reml)


def test_negative_anova_icc_is_not_truncated_and_reml_stops_at_zero():
    # A = [1, 5], B = [2, 5], C = [1, 4]; means 3, 3.5, 2.5; grand mean 3
    # SSB = 2 * (0 + 0.25 + 0.25) = 1        -> MSB = 1 / 2 = 0.5
    # SSW = (4 + 4) + (2.25 + 2.25) + (2.25 + 2.25) = 17 -> MSW = 17 / 3 = 5.6667
    # ICC1 = (0.5 - 5.6667) / (0.5 + (2 - 1) * 5.6667) = -5.1667 / 6.1667 = -0.8378
    # ICC2 = (0.5 - 5.6667) / 0.5 = -10.333
    scores = pd.DataFrame(
        {"member": list("abcdef"), "group": list("AABBCC"), "total": [1, 5, 2, 5, 1, 4]}
    )
    r = group_structure(scores, "total")
    assert r.icc1_anova == pytest.approx(-0.8378, abs=0.00005)
    assert r.icc2 == pytest.approx(-10.333, abs=0.0005)
    assert r.icc1_reml == 0.0
    assert r.design_effect == 1.0
    assert any("negative" in n for n in r.notes)
    assert any("boundary" in n for n in r.notes)


def test_single_group_gives_means_and_says_why_no_icc():
    scores = pd.DataFrame({"member": list("abcd"), "group": "G1", "total": [1.0, 2, 3, 4]})
    r = group_structure(scores, "total")
    assert math.isnan(r.icc1_reml) and math.isnan(r.icc1_anova) and math.isnan(r.icc2)
    assert math.isnan(r.design_effect)
    assert r.groups["mean"].tolist() == [2.5]
    assert any("Only one group" in n for n in r.notes)


def test_one_member_per_group():
    scores = pd.DataFrame({"member": list("abc"), "group": list("ABC"), "total": [1.0, 2, 3]})
    r = group_structure(scores, "total")
    assert math.isnan(r.icc1_reml) and math.isnan(r.icc1_anova)
    assert r.groups["n"].tolist() == [1, 1, 1]
    assert r.groups["sd"].isna().all()  # one member: no SD, no CI, not a made-up 0
    assert any("single scored member" in n for n in r.notes)


def test_zero_variance():
    scores = pd.DataFrame({"member": list("abcd"), "group": list("AABB"), "total": 3.0})
    r = group_structure(scores, "total")
    assert math.isnan(r.icc1_reml) and math.isnan(r.icc1_anova) and math.isnan(r.icc2)
    assert any("same" in n for n in r.notes)


def test_all_missing_scores():
    scores = pd.DataFrame({"member": list("abcd"), "group": list("AABB"), "total": np.nan})
    r = group_structure(scores, "total")
    assert r.n_members == 0 and r.groups.empty
    assert any("4 administration(s) have no total score" in n for n in r.notes)
    assert any("No total scores at all" in n for n in r.notes)


def test_missing_scores_are_counted_not_silently_dropped(dyestuff):
    dyestuff.loc[[0, 7], "total"] = np.nan
    r = group_structure(dyestuff, "total")
    assert r.n_observations == 28
    assert any("2 administration(s) have no total score" in n for n in r.notes)


def test_no_group_column_is_an_actionable_error():
    with pytest.raises(GroupDataError, match="Add a `group` column"):
        group_structure(pd.DataFrame({"member": ["a"], "total": [1.0]}), "total")
