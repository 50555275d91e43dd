"""Reliability checked against published R psych output and hand derivations.

Expected values sit beside the R call that printed them. Values are compared at the
precision R printed (two decimals: abs tolerance 0.005 plus rounding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.omega import omega_coefficients
from analysis.reliability import (
    ScaleReliability,
    feldt_interval,
    reliability_frames,
    reliability_table,
    scale_reliability,
)
from measures.library import parse_instrument
from measures.scoring import ScoringError

PRINTED = 0.005 + 1e-9  # two printed decimals


def close(value: float | None, printed: float, tolerance: float = PRINTED) -> bool:
    return value is not None and abs(value - printed) <= tolerance


@pytest.fixture
def reliability_bfi_agreeableness(reference_dir) -> pd.DataFrame:
    """psych's bfi A1-A5 with A1 reversed (7 - A1), as in VALIDATION.md."""
    bfi = pd.read_csv(reference_dir / "psych_bfi.csv")
    items = bfi[["A1", "A2", "A3", "A4", "A5"]].astype(float)
    items["A1"] = 7 - items["A1"]
    return items


AGREE_YAML = """
id: agree
name: Agreeableness (bfi A1-A5)
version: "1"
citation: "psych::bfi, items A1-A5"
license: "scoring only"
use: pre-post
response_scale: {min: 1, max: 6}
higher_is: better
items:
  - {id: a1, reverse: true}
  - {id: a2}
  - {id: a3}
  - {id: a4}
  - {id: a5}
scales:
  - {id: agreeableness, name: Agreeableness, items: [a1, a2, a3, a4, a5]}
"""


@pytest.fixture
def reliability_agree_instrument():
    return parse_instrument(AGREE_YAML, "agree.yaml")


@pytest.fixture
def reliability_bfi_wide(reference_dir) -> pd.DataFrame:
    """bfi agreeableness as a Mutuality wide table, answers as given (A1 not yet reversed)."""
    bfi = pd.read_csv(reference_dir / "psych_bfi.csv")
    wide = pd.DataFrame({"member": bfi["rownames"].astype(str), "timepoint": "pre"})
    for n in range(1, 6):
        wide[f"a{n}"] = bfi[f"A{n}"]
    return wide


# psych::alpha on bfi ----------------------------------------------------------------------


def test_bfi_agreeableness_matches_psych_alpha(reliability_bfi_agreeableness):
    # R: bfi$A1r <- 7 - bfi$A1; psych::alpha(bfi[, c("A1r","A2","A3","A4","A5")])
    r = scale_reliability(reliability_bfi_agreeableness, scale="agreeableness")
    assert close(r.alpha, 0.70)  # raw_alpha 0.70
    assert close(r.alpha_standardized, 0.71)  # std.alpha 0.71
    assert close(r.lambda6, 0.68)  # G6(smc) 0.68
    assert close(r.mean_inter_item_r, 0.33)  # average_r 0.33
    assert close(r.alpha_ci[0], 0.69)  # Feldt lower 0.69
    assert close(r.alpha_ci[1], 0.72)  # Feldt upper 0.72
    assert r.n == 2800 and r.k == 5


@pytest.mark.parametrize(
    ("item", "r_drop", "alpha_dropped"),
    [
        # psych::alpha(...)$item.stats$r.drop and $alpha.drop$raw_alpha
        ("A1", 0.31, 0.72),
        ("A2", 0.56, 0.62),
        ("A3", 0.59, 0.60),
        ("A4", 0.39, 0.69),
        ("A5", 0.49, 0.64),
    ],
)
def test_bfi_item_statistics_match_psych(
    reliability_bfi_agreeableness, item, r_drop, alpha_dropped
):
    r = scale_reliability(reliability_bfi_agreeableness)
    row = next(i for i in r.items if i.item == item)
    assert close(row.item_rest_r, r_drop)
    assert close(row.alpha_if_deleted, alpha_dropped)


@pytest.mark.parametrize(
    ("item", "n", "mean", "sd"),
    [
        # psych::alpha(...)$item.stats columns n, mean, sd (printed: n, 1 decimal for mean/sd)
        ("A1", 2784, 4.6, 1.4),
        ("A2", 2773, 4.8, 1.2),
        ("A3", 2774, 4.6, 1.3),
        ("A4", 2781, 4.7, 1.5),
        ("A5", 2784, 4.6, 1.3),
    ],
)
def test_bfi_item_descriptives_match_psych(reliability_bfi_agreeableness, item, n, mean, sd):
    r = scale_reliability(reliability_bfi_agreeableness)
    row = next(i for i in r.items if i.item == item)
    assert row.n == n
    assert close(row.mean, mean, 0.05 + 1e-9)
    assert close(row.sd, sd, 0.05 + 1e-9)


def test_bfi_through_instrument_reverse_keys_a1(reliability_bfi_wide, reliability_agree_instrument):
    # Same psych::alpha call; here Mutuality reverse-keys a1 itself (1 + 6 - A1 = 7 - A1).
    [r] = reliability_table(reliability_bfi_wide, reliability_agree_instrument)
    assert (r.scale, r.timepoint) == ("agreeableness", "pre")
    assert close(r.alpha, 0.70) and close(r.alpha_standardized, 0.71)
    assert r.omega_hierarchical is None  # no subscales
    assert r.omega_total is not None and r.omega_model == "one factor (minres)"
    assert not any("reverse-key" in f for f in r.flags)


# pingouin's published examples (its cronbach_alpha docstring) -----------------------------


def test_pairwise_alpha_matches_psych_on_pingouin_missing_data(reference_dir):
    data = pd.read_csv(reference_dir / "cronbach_wide_missing.csv")
    r = scale_reliability(data, missing="pairwise")
    # pingouin docs: "In R: psych:alpha(data, use='pairwise')" -> 0.732660835214447,
    # Feldt CI [0.435, 0.909] (12 respondents, 11 items)
    assert r.alpha == pytest.approx(0.732660835214447, abs=1e-9)
    assert r.alpha_ci == pytest.approx((0.435, 0.909), abs=0.0005 + 1e-9)
    assert r.n == 12


def test_listwise_alpha_matches_psych_complete_obs(reference_dir):
    data = pd.read_csv(reference_dir / "cronbach_wide_missing.csv")
    r = scale_reliability(data, missing="listwise")
    # pingouin docs: "In R: psych:alpha(data, use='complete.obs')" -> 0.8016949152542373
    assert r.alpha == pytest.approx(0.8016949152542373, abs=1e-9)
    # Only the 9 complete rows count. (pingouin and psych keep n = 12 rows in Feldt's
    # formula even after listwise deletion; Mutuality uses the respondents actually used.)
    assert r.n == 9
    # Feldt by hand: 1 - (1 - a) * F(.975; 8, 80) and 1 - (1 - a) * F(.025; 8, 80)
    a = 0.8016949152542373
    from scipy.stats import f

    assert r.alpha_ci == pytest.approx(
        (1 - (1 - a) * f.ppf(0.975, 8, 80), 1 - (1 - a) * f.ppf(0.025, 8, 80)), abs=1e-9
    )
    assert r.alpha != scale_reliability(data, missing="pairwise").alpha


def test_likert_long_example_matches_pingouin(reference_dir):
    long = pd.read_csv(reference_dir / "cronbach_alpha.csv")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    r = scale_reliability(wide)
    # pingouin docs (independent implementation): pg.cronbach_alpha(data, items="Items",
    # scores="Scores", subject="Subj") -> (0.5917188485995826, [0.195, 0.84])
    assert r.alpha == pytest.approx(0.5917188485995826, abs=1e-9)
    assert r.alpha_ci == pytest.approx((0.195, 0.84), abs=0.0005 + 1e-9)
    assert any("alpha is 0.59, below 0.70" in flag for flag in r.flags)
    assert any("only 15 respondent(s)" in flag for flag in r.flags)


def test_feldt_interval_by_hand():
    # Feldt et al. (1987): lower = 1 - (1 - .80) * F(.975; 49, 49*9)
    from scipy.stats import f

    lower, upper = feldt_interval(0.80, 50, 10)
    assert lower == pytest.approx(1 - 0.2 * f.ppf(0.975, 49, 441))
    assert upper == pytest.approx(1 - 0.2 * f.ppf(0.025, 49, 441))
    assert lower < 0.80 < upper


# Omega -------------------------------------------------------------------------------------

#: psych's Thurstone correlation matrix (9 ability tests, n = 213), data(Thurstone) (psych
#: man/bifactor.Rd); every entry checked against print(round(Thurstone, 3)) in psych 2.2.9.
THURSTONE = np.array(
    [
        [1, 0.828, 0.776, 0.439, 0.432, 0.447, 0.447, 0.541, 0.380],
        [0.828, 1, 0.779, 0.493, 0.464, 0.489, 0.432, 0.537, 0.358],
        [0.776, 0.779, 1, 0.460, 0.425, 0.443, 0.401, 0.534, 0.359],
        [0.439, 0.493, 0.460, 1, 0.674, 0.590, 0.381, 0.350, 0.424],
        [0.432, 0.464, 0.425, 0.674, 1, 0.541, 0.402, 0.367, 0.446],
        [0.447, 0.489, 0.443, 0.590, 0.541, 1, 0.288, 0.320, 0.325],
        [0.447, 0.432, 0.401, 0.381, 0.402, 0.288, 1, 0.555, 0.598],
        [0.541, 0.537, 0.534, 0.350, 0.367, 0.320, 0.555, 1, 0.452],
        [0.380, 0.358, 0.359, 0.424, 0.446, 0.325, 0.598, 0.452, 1],
    ]
)


def test_thurstone_omega_matches_psych():
    # R: om <- psych::omega(Thurstone); om   -- the call of psych's "How To find omega"
    #    vignette (cran/psych inst/doc/omega.Rnw; personality-project.org/r/psych/HowTo/omega.pdf).
    #    Printed by psych 2.2.9 (Debian r-cran-psych, GPArotation 2022.10-2):
    #    Alpha 0.89, G.6 0.91, Omega Hierarchical 0.74, Omega Total 0.93
    result = omega_coefficients(THURSTONE, 3)
    assert result.converged
    assert close(result.omega_hierarchical, 0.74)
    assert close(result.omega_total, 0.93)
    # "Schmid Leiman Factor loadings greater than 0.2", g column, same printout:
    # Sentences .71 Vocabulary .73 Sent.Completion .68 First.Letters .65
    # Four.Letter.Words .62 Suffixes .56 Letter.Series .59 Pedigrees .58 Letter.Group .54
    expected_g = [0.71, 0.73, 0.68, 0.65, 0.62, 0.56, 0.59, 0.58, 0.54]
    assert np.allclose(result.general_loadings, expected_g, atol=PRINTED)
    # h2 column of the same printout: .82 .84 .74 .73 .63 .50 .73 .51 .52
    expected_h2 = [0.82, 0.84, 0.74, 0.73, 0.63, 0.50, 0.73, 0.51, 0.52]
    assert np.allclose(1 - result.uniquenesses, expected_h2, atol=PRINTED)


def _hierarchical_population() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """psych::sim.hierarchical() defaults: gload = (.9, .8, .7), group loadings
    (.8, .7, .6), (.7, .6, .5), (.6, .5, .4); population R = F Phi F' with unit diagonal."""
    gload = np.array([0.9, 0.8, 0.7])
    fload = np.zeros((9, 3))
    for factor, loadings in enumerate([(0.8, 0.7, 0.6), (0.7, 0.6, 0.5), (0.6, 0.5, 0.4)]):
        fload[3 * factor : 3 * factor + 3, factor] = loadings
    phi = np.outer(gload, gload)
    np.fill_diagonal(phi, 1)
    corr = fload @ phi @ fload.T
    np.fill_diagonal(corr, 1)
    return corr, fload, gload


def test_omega_hierarchical_recovers_population_value_derived_by_hand():
    corr, fload, gload = _hierarchical_population()
    # By hand (Schmid & Leiman 1957; McDonald 1999): item i on group factor f has
    # general loading lambda_i * g_f, communality h2_i = lambda_i^2, so
    # omega_h = (sum_i lambda_i g_f)^2 / sum(R) and omega_t = 1 - sum(1 - h2_i) / sum(R).
    lam = fload.sum(axis=1)
    g_of_item = np.repeat(gload, 3)
    general = lam * g_of_item  # .72 .63 .54 .56 .48 .40 .42 .35 .28
    total = corr.sum()
    omega_h = general.sum() ** 2 / total
    omega_t = 1 - (1 - lam**2).sum() / total
    result = omega_coefficients(corr, 3)
    assert result.omega_hierarchical == pytest.approx(omega_h, abs=1e-3)
    assert result.omega_total == pytest.approx(omega_t, abs=1e-3)
    assert result.general_loadings == pytest.approx(general, abs=1e-3)


def test_one_factor_omega_total_derived_by_hand():
    # Population one-factor model, loadings .8 .7 .6 .5: R = l l' + diag(1 - l^2).
    # omega_t = (sum R - sum u2) / sum R = (sum l)^2 / ((sum l)^2 + sum(1 - l^2))
    #         = 2.6^2 / (6.76 + (0.36 + 0.51 + 0.64 + 0.75)) = 6.76 / 9.02 = 0.7494...
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1)
    result = omega_coefficients(corr, 1)
    assert result.omega_total == pytest.approx(6.76 / 9.02, abs=1e-4)
    assert np.abs(result.general_loadings) == pytest.approx(loadings, abs=1e-4)


HIERARCHICAL_YAML = """
id: layers
name: Three-part scale
version: "1"
citation: "synthetic"
license: "scoring only"
use: pre-post
response_scale: {{min: 0, max: 100, step: 0.001}}
higher_is: better
items:
{items}
scales:
  - {{id: total, name: Total, items: [{all}]}}
  - {{id: part_a, name: A, items: [i1, i2, i3]}}
  - {{id: part_b, name: B, items: [i4, i5, i6]}}
  - {{id: part_c, name: C, items: [i7, i8, i9]}}
"""


def test_scale_of_three_subscales_gets_omega_hierarchical():
    corr, fload, gload = _hierarchical_population()
    names = [f"i{n}" for n in range(1, 10)]
    instrument = parse_instrument(
        HIERARCHICAL_YAML.format(
            items="\n".join(f"  - {{id: {n}}}" for n in names), all=", ".join(names)
        )
    )
    rng = np.random.default_rng(20240501)
    answers = rng.multivariate_normal(np.zeros(9), corr, size=20000) * 10 + 50
    wide = pd.DataFrame(np.clip(answers, 0, 100).round(3), columns=names)
    wide.insert(0, "member", [f"M{n}" for n in range(len(wide))])
    wide.insert(1, "timepoint", "pre")
    results = {r.scale: r for r in reliability_table(wide, instrument)}
    total = results["total"]
    assert total.omega_model.startswith("Schmid-Leiman bifactor, 3 group factors")
    lam = fload.sum(axis=1)
    population_omega_h = (lam * np.repeat(gload, 3)).sum() ** 2 / corr.sum()
    assert total.omega_hierarchical == pytest.approx(population_omega_h, abs=0.02)
    for part in ("part_a", "part_b", "part_c"):
        assert results[part].omega_hierarchical is None
        assert results[part].omega_total is not None


# Flags and bad input -----------------------------------------------------------------------


def test_negative_item_rest_r_is_flagged_as_likely_reverse_key_mistake(reference_dir):
    bfi = pd.read_csv(reference_dir / "psych_bfi.csv")
    # A1 ("Am indifferent to the feelings of others") left unreversed.
    r = scale_reliability(bfi[["A1", "A2", "A3", "A4", "A5"]], scale="agreeableness")
    a1 = next(i for i in r.items if i.item == "A1")
    assert a1.item_rest_r < 0
    assert any("A1" in f and "likely a reverse-key mistake" in f for f in r.flags)


def test_single_item_scale_says_why_nothing_is_computed():
    r = scale_reliability(pd.DataFrame({"q1": [1, 2, 3, 4]}), scale="mood")
    assert r.alpha is None and r.alpha_ci is None and r.omega_total is None
    assert r.lambda6 is None and r.mean_inter_item_r is None
    assert any("single item" in note for note in r.notes)
    assert r.items[0].mean == pytest.approx(2.5)


def test_zero_variance_item_is_left_out_with_a_note():
    data = pd.DataFrame(
        {"q1": [1, 2, 3, 4, 5, 2], "q2": [2, 2, 3, 5, 4, 1], "q3": [1, 3, 3, 4, 5, 2],
         "q4": [3, 3, 3, 3, 3, 3]}
    )  # fmt: skip
    r = scale_reliability(data)
    with_constant_dropped = scale_reliability(data[["q1", "q2", "q3"]])
    assert r.alpha == pytest.approx(with_constant_dropped.alpha)
    assert any("q4" in note and "no variance" in note for note in r.notes)
    q4 = next(i for i in r.items if i.item == "q4")
    assert q4.sd == 0 and q4.item_rest_r is None


def test_all_missing_timepoint_gives_nulls_and_a_reason():
    data = pd.DataFrame({"q1": [np.nan] * 3, "q2": [np.nan] * 3, "q3": [np.nan] * 3})
    r = scale_reliability(data, scale="total", timepoint="post")
    assert r.n == 0 and r.alpha is None and r.alpha_ci is None
    assert any("no answers" in note for note in r.notes)


def test_one_respondent_is_too_few():
    r = scale_reliability(pd.DataFrame({"q1": [1.0], "q2": [2.0], "q3": [3.0]}))
    assert r.alpha is None
    assert any("only one respondent" in note for note in r.notes)


def test_listwise_with_no_complete_respondent():
    data = pd.DataFrame({"q1": [1, np.nan, 3], "q2": [np.nan, 2, 4], "q3": [1, 2, np.nan]})
    r = scale_reliability(data, missing="listwise")
    assert r.n == 0 and r.alpha is None
    assert any("answered every item" in note for note in r.notes)


def test_item_pair_never_answered_together_is_not_guessed():
    gap = [np.nan] * 3
    data = pd.DataFrame(
        {"q1": [1, 2, 3, 4, *gap], "q2": [np.nan, *gap, 1, 3, 2], "q3": [1, 3, 2, 4, 1, 3, 2]}
    )
    r = scale_reliability(data)
    assert r.alpha is None
    assert any("never answered by the same" in note for note in r.notes)


def test_two_items_alpha_but_no_alpha_if_deleted_or_omega():
    data = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 1, 4, 3, 5]})
    r = scale_reliability(data)
    # By hand: var 2.5 each, cov 2.0; alpha = 2 * (1 - 5 / 9) = 0.888...
    assert r.alpha == pytest.approx(2 * (1 - 5 / 9))
    assert all(i.alpha_if_deleted is None for i in r.items)
    assert r.omega_total is None and any("three or more items" in n for n in r.notes)


def test_unknown_timepoint_and_scale_are_refused_with_the_valid_ones(
    reliability_bfi_wide, reliability_agree_instrument
):
    with pytest.raises(ValueError, match="timepoints in the data are pre"):
        reliability_table(reliability_bfi_wide, reliability_agree_instrument, timepoint="post")
    with pytest.raises(ValueError, match="its scales are agreeableness"):
        reliability_table(reliability_bfi_wide, reliability_agree_instrument, scale="zest")


def test_out_of_range_answer_is_refused_not_dropped(
    reliability_bfi_wide, reliability_agree_instrument
):
    wide = reliability_bfi_wide.head(40).copy()
    wide.loc[3, "a2"] = 9
    with pytest.raises(ScoringError, match="a2: value 9"):
        reliability_table(wide, reliability_agree_instrument)


def test_one_result_per_scale_and_timepoint_and_tidy_frames(
    reliability_bfi_wide, reliability_agree_instrument
):
    wide = pd.concat(
        [reliability_bfi_wide.head(100), reliability_bfi_wide.tail(100).assign(timepoint="post")]
    )
    results = reliability_table(wide, reliability_agree_instrument)
    assert [(r.scale, r.timepoint, r.n) for r in results] == [
        ("agreeableness", "pre", 100),
        ("agreeableness", "post", 100),
    ]
    only_post = reliability_table(wide, reliability_agree_instrument, timepoint="post")
    assert [r.timepoint for r in only_post] == ["post"]
    scales, items = reliability_frames(results)
    assert list(scales["timepoint"]) == ["pre", "post"]
    assert len(items) == 10 and {"item_rest_r", "alpha_if_deleted"} <= set(items.columns)


def test_bootstrap_interval_brackets_alpha(reliability_bfi_agreeableness):
    sample = reliability_bfi_agreeableness.head(300)
    r = scale_reliability(sample, bootstrap=200, seed=1)
    low, high = r.alpha_ci_bootstrap
    assert low < r.alpha < high
    assert isinstance(r, ScaleReliability) and r.to_dict()["alpha_ci_bootstrap"] == [low, high]
