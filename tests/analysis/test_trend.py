"""Session trend mixed model against lme4 (sleepstudy, dietox) and crafted data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.trend import TrendDataError, session_number, session_numbers, session_trend


@pytest.fixture
def sleepstudy(reference_dir):
    d = pd.read_csv(reference_dir / "lme4_sleepstudy.csv")
    return pd.DataFrame({"member": d["Subject"], "session": d["Days"], "total": d["Reaction"]})


@pytest.fixture
def dietox(reference_dir):
    d = pd.read_csv(reference_dir / "statsmodels_dietox.csv")  # R row names as first column
    return pd.DataFrame(
        {"member": d["Pig"], "session": d["Time"], "group": d["Litter"], "total": d["Weight"]}
    )


def test_sleepstudy_matches_lme4(sleepstudy):
    r = session_trend(sleepstudy, "total")
    # summary(lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy))   (REML)
    #   Fixed: (Intercept) 251.405 SE 6.825 ; Days 10.467 SE 1.546
    #   Random: Subject (Intercept) SD 24.741 ; Days SD 5.922 (Corr 0.07) ; Residual SD 25.592
    # Printed e.g. in yjunechoe/jlmerclusterperm README.md; same in lme4 1.1-31 / R 4.2.2.
    assert r.intercept == pytest.approx(251.405, abs=0.0005)
    assert r.intercept_se == pytest.approx(6.825, abs=0.0005)
    assert r.slope == pytest.approx(10.467, abs=0.0005)
    assert r.slope_se == pytest.approx(1.546, abs=0.0005)
    assert r.sd_intercept_member == pytest.approx(24.74, abs=0.005)
    assert r.sd_slope_member == pytest.approx(5.92, abs=0.005)
    assert r.corr_intercept_slope_member == pytest.approx(0.07, abs=0.005)
    assert r.sd_residual == pytest.approx(25.59, abs=0.005)
    assert (r.n_members, r.n_observations) == (18, 180)
    assert r.model == "random intercept and slope per member" and r.converged
    # Wald CI, as statsmodels' MixedLMResults.conf_int: 10.467 +/- 1.95996 * 1.5458
    assert r.slope_ci == pytest.approx((7.4376, 13.4970), abs=0.0005)


def test_sleepstudy_session_means_match_t_test(sleepstudy):
    s = session_trend(sleepstudy, "total").sessions.set_index("session")
    day0 = sleepstudy.loc[sleepstudy["session"] == 0, "total"]
    # with(sleepstudy, t.test(Reaction[Days == 0])) -- derived by hand from the textbook formula:
    # mean +/- qt(.975, 17) * sd / sqrt(18), qt(.975, 17) = 2.109816
    half = 2.109816 * day0.std(ddof=1) / math.sqrt(18)
    assert s.loc[0, "n"] == 18
    assert s.loc[0, "mean"] == pytest.approx(day0.mean())
    assert s.loc[0, "ci_low"] == pytest.approx(day0.mean() - half, abs=1e-4)
    assert s.loc[0, "ci_high"] == pytest.approx(day0.mean() + half, abs=1e-4)
    assert list(s.index) == list(range(10))


def test_dietox_matches_lme4(dietox):
    r = session_trend(dietox.drop(columns="group"), "total")
    # summary(lmer(Weight ~ Time + (1 + Time | Pig), data = dietox))
    # Published R values in statsmodels/statsmodels statsmodels/regression/tests/test_lme.py,
    # test_dietox_slopes: fixef 15.738650, 6.939014; sqrt(diag(vcov)) 0.5501253, 0.0798254;
    # VarCorr 19.4934552, 0.2938323, 0.4160620; sigma^2 6.03745. lme4 1.1-31 prints:
    #   Fixed: (Intercept) 15.73865 SE 0.55012 ; Time 6.93901 SE 0.07983
    #   Random: Pig (Intercept) SD 4.415 ; Time SD 0.645 (Corr 0.10) ; Residual SD 2.457
    # Tolerances: the REML surface is flat in the intercept variance (statsmodels reaches
    # 19.50 where lme4 prints 19.493), which moves the intercept SE in the 4th decimal.
    assert r.intercept == pytest.approx(15.73865, abs=0.00005)
    assert r.intercept_se == pytest.approx(0.55012, abs=0.0002)
    assert r.slope == pytest.approx(6.93901, abs=0.00005)
    assert r.slope_se == pytest.approx(0.0798254, abs=0.00005)
    assert r.sd_intercept_member == pytest.approx(4.415, abs=0.001)
    assert r.sd_slope_member == pytest.approx(0.645, abs=0.0005)
    assert r.corr_intercept_slope_member == pytest.approx(0.10, abs=0.005)
    assert r.sd_residual == pytest.approx(2.457, abs=0.0005)
    assert (r.n_members, r.n_observations) == (72, 861)


def test_two_or_more_groups_add_a_group_variance_and_group_slopes(dietox):
    r = session_trend(dietox, "total")
    assert r.n_groups == dietox["group"].nunique() == 21
    assert r.model == "random intercept and slope per member and per group"
    assert math.isfinite(r.sd_group) and r.sd_group > 0
    assert math.isnan(r.corr_intercept_slope_member)  # not estimated in the nested model
    # The fixed slope barely depends on the random structure: lme4's 6.939 (no group term)
    assert r.slope == pytest.approx(6.939, abs=0.0005)
    assert len(r.group_slopes) == 21
    assert set(r.group_slopes.columns) >= {"group", "slope", "slope_se", "ci_low", "ci_high", "p"}


def _crafted(slopes: dict[str, float]) -> pd.DataFrame:
    # Groups of three members, sessions 1-4. Each member's score is their own level plus
    # the group's slope times session plus a wobble (+0.2, -0.2, -0.2, +0.2).
    # The wobble is orthogonal to session (centred sessions -1.5, -0.5, 0.5, 1.5:
    # -0.3 + 0.1 - 0.1 + 0.3 = 0), so every member's own least-squares slope is exactly
    # their group's slope, and a GLS fixed slope over members who all share one slope is
    # exactly that slope.
    wobble = [0.2, -0.2, -0.2, 0.2]
    levels = {"A": [2.0, 2.5, 3.1], "B": [3.0, 3.6, 4.0]}
    rows = []
    for group, slope in slopes.items():
        for m, level in enumerate(levels[group]):
            for s in range(1, 5):
                score = level + slope * s + wobble[s - 1]
                rows.append(
                    {"member": f"{group}-{m}", "group": group, "session": s, "total": score}
                )
    return pd.DataFrame(rows)


def test_per_group_slopes_on_crafted_data():
    # Group A slope +1.0, group B -0.5 (by construction, see _crafted); balanced, so the
    # overall fixed slope is (3 * 1.0 + 3 * -0.5) / 6 = 0.25.
    r = session_trend(_crafted({"A": 1.0, "B": -0.5}), "total")
    assert r.slope == pytest.approx(0.25, abs=1e-6)
    slopes = r.group_slopes.set_index("group")
    assert slopes.loc["A", "slope"] == pytest.approx(1.0, abs=1e-6)
    assert slopes.loc["B", "slope"] == pytest.approx(-0.5, abs=1e-6)
    assert slopes["n_members"].tolist() == [3, 3]


def test_singular_random_slope_falls_back_and_says_so():
    # One group, every member's slope exactly 0.5: the member slope variance is 0 (lme4
    # would report a singular fit), so the random slope is dropped; the slope is 0.5 exactly.
    r = session_trend(_crafted({"A": 0.5}).drop(columns="group"), "total")
    assert r.model == "random intercept per member"
    assert math.isnan(r.sd_slope_member)
    assert any("singular" in n and "dropped" in n for n in r.notes)
    assert r.slope == pytest.approx(0.5, abs=1e-6)
    assert r.sd_residual > 0


def test_no_warnings_are_printed(recwarn):
    session_trend(_crafted({"A": 1.0, "B": -0.5}), "total")
    assert not [w for w in recwarn if "statsmodels" in str(w.filename)]


@pytest.mark.parametrize(
    ("label", "number"),
    [("session-3", 3.0), ("Session 12", 12.0), ("s4", 4.0), ("7", 7.0), (5, 5.0), ("2.0", 2.0)],
)
def test_session_numbers_from_labels(label, number):
    assert session_number(label) == number


def test_session_from_timepoint_when_no_session_column():
    scores = pd.DataFrame({"member": ["a", "a"], "timepoint": ["session-1", "session-2"]})
    assert session_numbers(scores).tolist() == [1.0, 2.0]


def test_pre_post_timepoints_are_refused_with_a_way_out():
    scores = pd.DataFrame({"member": ["a", "a"], "timepoint": ["pre", "post"], "total": [1, 2]})
    with pytest.raises(TrendDataError, match="add a `session` column"):
        session_trend(scores, "total")


def test_one_session_only():
    scores = pd.DataFrame({"member": list("abc"), "session": 1, "total": [1.0, 2, 3]})
    r = session_trend(scores, "total")
    assert math.isnan(r.slope) and r.model == "none"
    assert r.sessions["n"].tolist() == [3]
    assert any("at least two sessions" in n for n in r.notes)


def test_one_member_only():
    scores = pd.DataFrame({"member": "a", "session": [1, 2, 3], "total": [1.0, 2, 4]})
    r = session_trend(scores, "total")
    assert math.isnan(r.slope)
    assert any("only one member" in n for n in r.notes)


def test_zero_variance():
    scores = pd.DataFrame({"member": list("aabb"), "session": [1, 2, 1, 2], "total": 3.0})
    r = session_trend(scores, "total")
    assert math.isnan(r.slope)
    assert any("every score is the same" in n for n in r.notes)


def test_all_missing():
    scores = pd.DataFrame({"member": list("aabb"), "session": [1, 2, 1, 2], "total": np.nan})
    r = session_trend(scores, "total")
    assert r.n_observations == 0 and math.isnan(r.slope) and r.sessions.empty
    assert any("no total scores at all" in n for n in r.notes)


def test_two_sessions_per_member_use_random_intercept_only(sleepstudy):
    two = sleepstudy[sleepstudy["session"].isin([0, 9])]
    r = session_trend(two, "total")
    assert r.model == "random intercept per member"
    assert any("two or fewer sessions" in n for n in r.notes)
    # Balanced two-timepoint design: the fixed slope is the mean change / 9 days
    # (derived by hand: GLS with a random intercept equals OLS on complete balanced data).
    per_member = two.pivot(index="member", columns="session", values="total")
    assert r.slope == pytest.approx((per_member[9] - per_member[0]).mean() / 9, abs=1e-4)
