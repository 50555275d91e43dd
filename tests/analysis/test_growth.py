"""analysis.growth.fit_growth against an independent implementation: statsmodels MixedLM.

statsmodels evaluates the REML likelihood group by group from the full data; fit_growth uses
per-member sums and the Woodbury identity. The same REML optimum must come out of both. (The
lme4 values for sleepstudy and dietox are checked through analysis.trend in test_trend.py.)
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from analysis.growth import fit_growth


@pytest.fixture(scope="module")
def growth_data() -> pd.DataFrame:
    """8 groups x 10 members x up to 8 occasions, with group, member intercept and slope."""
    rng = np.random.default_rng(1)
    rows = []
    for g in range(8):
        group_effect = rng.normal(0, 0.5)
        for i in range(10):
            u0, u1 = rng.normal(0, 0.7), rng.normal(0, 0.15)
            for t in range(1, 9):
                if rng.random() < 0.8:
                    y = 2 + group_effect + u0 + (0.2 + u1) * t + rng.normal(0, 0.6)
                    rows.append((f"g{g}", f"g{g}m{i}", t, y))
    return pd.DataFrame(rows, columns=["group", "member", "time", "y"])


def _statsmodels(formula, data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.mixedlm(formula, data, **kwargs).fit(reml=True, method=["lbfgs"])


def test_correlated_member_intercept_and_slope_match_statsmodels(growth_data):
    d = growth_data
    # statsmodels: mixedlm("y ~ time", d, groups=member, re_formula="~time")
    reference = _statsmodels("y ~ time", d, groups=d["member"], re_formula="~time")
    fit = fit_growth(d["member"], d["time"], d["y"])
    assert fit.converged
    np.testing.assert_allclose(fit.fixed.to_numpy(), reference.fe_params.to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(fit.fixed_se.to_numpy(), reference.bse_fe.to_numpy(), rtol=1e-3)
    np.testing.assert_allclose(fit.member_cov, np.asarray(reference.cov_re), rtol=1e-3, atol=1e-5)
    assert fit.residual_var == pytest.approx(reference.scale, rel=1e-4)
    assert -fit.reml_criterion / 2 == pytest.approx(reference.llf, abs=1e-4)


def test_member_effects_match_statsmodels_random_effects(growth_data):
    d = growth_data
    reference = _statsmodels("y ~ time", d, groups=d["member"], re_formula="~time")
    effects = fit_growth(d["member"], d["time"], d["y"]).member_effects()
    for member in ("g0m0", "g3m4", "g7m9"):
        expected = reference.random_effects[member].to_numpy()
        got = effects.loc[member, ["intercept", "slope"]].to_numpy(float)
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-5)
        variances = np.diag(reference.random_effects_cov[member].to_numpy())
        got_var = effects.loc[member, ["var_intercept", "var_slope"]].to_numpy(float)
        np.testing.assert_allclose(got_var, variances, rtol=1e-3)


def test_members_nested_in_groups_match_statsmodels_variance_components(growth_data):
    d = growth_data
    vc = {"member": "0 + C(member)", "slope": "0 + C(member):time"}
    reference = _statsmodels("y ~ time", d, groups=d["group"], re_formula="1", vc_formula=vc)
    fit = fit_growth(
        d["member"], d["time"], d["y"], d["group"], correlated=False, group_intercept=True
    )
    np.testing.assert_allclose(fit.fixed.to_numpy(), reference.fe_params.to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(fit.fixed_se.to_numpy(), reference.bse_fe.to_numpy(), rtol=1e-3)
    assert fit.group_var == pytest.approx(float(reference.cov_re.iloc[0, 0]), rel=1e-3)
    np.testing.assert_allclose(np.diag(fit.member_cov), reference.vcomp, rtol=1e-3)
    assert fit.member_cov[0, 1] == 0


def test_per_group_slopes_reach_a_reml_optimum_at_least_as_high_as_statsmodels(growth_data):
    d = growth_data
    reference = _statsmodels(
        "y ~ 0 + C(group) + C(group):time", d, groups=d["member"], re_formula="~time"
    )
    fit = fit_growth(d["member"], d["time"], d["y"], d["group"], fixed_per_group=True)
    assert fit.converged
    # statsmodels stops short here (converged=False); the exact optimum is at least as good.
    assert -fit.reml_criterion / 2 >= reference.llf - 1e-6
    slopes = reference.fe_params.filter(like=":time").to_numpy()
    np.testing.assert_allclose(fit.fixed.filter(like=":time").to_numpy(), slopes, atol=0.01)


def test_group_intercept_without_group_column_is_refused(growth_data):
    d = growth_data
    with pytest.raises(ValueError, match="group"):
        fit_growth(d["member"], d["time"], d["y"], group_intercept=True)
