"""The Social Relations Model against TripleR's published output (../shared/VALIDATION.md).

Data: TripleR's own `likingLong` (54 perceivers rating each other at zero acquaintance) and
`multiGroup` (10 groups with missing ratings), copied into tests/reference/round_robin/.
Expected values are TripleR's printed output, at its printed precision, with the R call beside
each. TripleR's printed variance components of several groups with missing data are not
available to this project (R's TripleR cannot be installed here): for them only what TripleR
prints is checked (who is left out, group sizes, effects).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.srm import (
    COMPONENTS,
    RoundRobinError,
    round_robin_matrix,
    srm_group,
    srm_groups,
    srm_latent,
    usable_members,
)

ROUND_ROBIN = Path(__file__).resolve().parents[1] / "reference" / "round_robin"
LIKING = ROUND_ROBIN / "likingLong.tab"


@pytest.fixture(scope="module")
def liking() -> pd.DataFrame:
    return pd.read_csv(LIKING, sep=" ")


def printed(value: float, digits: int = 3) -> float:
    return round(value, digits)


# R: library(TripleR); data(likingLong)
#    RR(liking_a ~ perceiver.id * target.id, data = likingLong)
#    (TripleR 1.5, Lashley & Bond standard errors)
SINGLE = {
    "perceiver variance": (0.172, 0.194, 0.035, 4.914),
    "target variance": (0.105, 0.119, 0.022, 4.727),
    "relationship variance": (0.609, 0.687, 0.017, 36.827),
    "perceiver-target covariance": (0.014, 0.105, 0.020, 0.703),
    "relationship covariance": (0.080, 0.131, 0.017, 4.809),
}


def test_one_group_matches_triplers_printed_components(liking):
    result = srm_group(round_robin_matrix(liking, "liking_a", "perceiver.id", "target.id"))
    assert result.members == 54
    assert [c.component for c in result.components] == list(COMPONENTS)
    for name, (estimate, standardized, se, t) in SINGLE.items():
        c = result.component(name)
        assert printed(c.estimate) == estimate, name
        assert printed(c.standardized) == standardized, name
        assert printed(c.se) == se, name
        assert printed(c.t) == t, name
    # The perceiver-target covariance is tested two-sided: p = .485 in TripleR's output.
    assert printed(result.component("perceiver-target covariance").p) == 0.485
    # One group has no error variance: TripleR prints NA.
    assert result.component("error variance").estimate is None
    # R: attr(RR(...)$effects$liking_a.a, "reliability") .937; ".p" (target) .901
    assert printed(result.reliability["perceiver"]) == 0.937
    assert printed(result.reliability["target"]) == 0.901


# R: RR(liking_a / liking_b ~ perceiver.id * target.id, data = likingLong)  (TripleR 1.5)
LATENT = {
    "perceiver variance": (0.161, 0.164, 0.036),
    "target variance": (0.105, 0.107, 0.023),
    "relationship variance": (0.507, 0.518, 0.016),
    "perceiver-target covariance": (0.012, 0.094, 0.021),
    "relationship covariance": (0.079, 0.156, 0.016),
}


def test_two_indicators_separate_error_variance_as_triplers_latent_model(liking):
    first = round_robin_matrix(liking, "liking_a", "perceiver.id", "target.id")
    second = round_robin_matrix(liking, "liking_b", "perceiver.id", "target.id")
    result = srm_latent(first, second)
    for name, (estimate, standardized, se) in LATENT.items():
        c = result.component(name)
        assert (printed(c.estimate), printed(c.standardized), printed(c.se)) == (
            estimate,
            standardized,
            se,
        ), name
    error = result.component("error variance")
    assert (printed(error.estimate), printed(error.standardized)) == (0.206, 0.211)
    # R: reliabilities printed with the latent output: perceiver .865, target .893,
    #    relationship .852
    assert {k: printed(v) for k, v in result.reliability.items()} == {
        "perceiver": 0.865,
        "target": 0.893,
        "relationship": 0.852,
    }


def test_effects_sum_to_zero_and_rebuild_every_rating(liking):
    matrix = round_robin_matrix(liking, "liking_a", "perceiver.id", "target.id")
    result = srm_group(matrix)
    effects = result.effects.set_index("member")
    assert abs(effects["perceiver"].sum()) < 1e-9 and abs(effects["target"].sum()) < 1e-9
    grand = np.nanmean(np.where(np.eye(54, dtype=bool), np.nan, matrix.to_numpy(float)))
    pair = result.relationships.iloc[5]
    rebuilt = (
        grand
        + effects.loc[pair["perceiver"], "perceiver"]
        + effects.loc[pair["target"], "target"]
        + pair["relationship"]
    )
    assert rebuilt == pytest.approx(matrix.loc[pair["perceiver"], pair["target"]])
    assert len(result.relationships) == 54 * 53  # self ratings are no relationship


def test_fewer_than_4_members_or_a_missing_rating_is_refused_in_words():
    three = pd.DataFrame([[np.nan, 3, 4], [2, np.nan, 5], [3, 3, np.nan]], index=list("ABC"))
    three.columns = list("ABC")
    with pytest.raises(RoundRobinError, match="at least 4 members .* this group has 3"):
        srm_group(three)
    four = pd.DataFrame(np.full((4, 4), 3.0), index=list("ABCD"), columns=list("ABCD"))
    four.loc["B", "C"] = np.nan
    with pytest.raises(RoundRobinError, match=r"1 rating\(s\) are missing \(e.g. B of C\)"):
        srm_group(four)


MULTI = ROUND_ROBIN / "multiGroup.tab"
# R: data(multiGroup); RR.summary(ex ~ perceiver.id * target.id | group.id, data = multiGroup)
#    prints who is left out of each group for missing data, and each group's size:
LEFT_OUT = {
    "2": ["90202", "90204", "90208", "90217"],
    "5": ["90504", "90509", "90521"],
    "6": ["90606", "90608", "90614", "90616"],
    "8": ["90811"],
    "9": ["90918"],
    "12": ["91213"],
    "13": [],
    "14": ["91404", "91405", "91406", "91408", "91421", "91424"],
    "18": ["91807", "91808", "91810", "91821"],
    "20": ["92002", "92009", "92013", "92019"],
}
SIZES = {"2": 21, "5": 22, "6": 19, "8": 24, "9": 24, "12": 24, "13": 24, "14": 19, "18": 20}
SIZES["20"] = 20


@pytest.fixture(scope="module")
def multi_group():
    data = pd.read_csv(MULTI, sep=" ")
    kept, left_out = {}, {}
    for group, part in data.groupby("group.id"):
        matrix = round_robin_matrix(part, "ex", "perceiver.id", "target.id")
        kept[str(group)], left_out[str(group)] = usable_members(matrix)
    return kept, left_out


def test_members_with_too_little_data_are_left_out_as_tripler_leaves_them(multi_group):
    kept, left_out = multi_group
    assert {g: sorted(ids) for g, ids in left_out.items()} == LEFT_OUT
    assert {g: len(m) for g, m in kept.items()} == SIZES


def test_several_groups_keep_each_members_effects_as_tripler_prints_them(multi_group):
    kept, _ = multi_group
    result = srm_groups(kept)
    assert (result.groups, result.members) == (10, 217)
    # R: RR1 <- RR(ex ~ perceiver.id * target.id | group.id, multiGroup, na.rm = TRUE)
    #    head(merge(RR1$effects, multiNarc, by = "id"))   (TripleR's parCor example)
    printed_effects = {
        "90201": (-0.59649123, 0.6892231),
        "90205": (0.04511278, 0.5213033),
        "90207": (0.03007519, -1.7794486),
        "90209": (-0.16541353, 2.3107769),
        "90210": (-0.02756892, 1.0676692),
        "90212": (0.30075188, -0.3659148),
    }
    effects = result.effects.set_index("member")
    for member, (perceiver, target) in printed_effects.items():
        assert effects.loc[member, "perceiver"] == pytest.approx(perceiver, abs=5e-8)
        assert effects.loc[member, "target"] == pytest.approx(target, abs=5e-7)
        assert effects.loc[member, "group"] == "2"
    # The combined estimate is each group's weighted by its size − 1 (TripleR's RR.multi).
    weights = {g: r.members - 1 for g, r in result.by_group.items()}
    by_hand = sum(
        weights[g] * r.component("perceiver variance").estimate for g, r in result.by_group.items()
    ) / sum(weights.values())
    assert result.component("perceiver variance").estimate == pytest.approx(by_hand)


def test_a_missing_rating_is_imputed_for_effects_but_has_no_relationship_effect():
    rng = np.random.default_rng(7)
    members = [f"M{i}" for i in range(6)]
    matrix = pd.DataFrame(rng.integers(1, 6, (6, 6)).astype(float), index=members)
    matrix.columns = members
    matrix.loc["M1", "M4"] = np.nan
    with pytest.raises(RoundRobinError, match="missing"):
        srm_group(matrix)
    result = srm_group(matrix, missing=True)
    pairs = result.relationships.set_index(["perceiver", "target"])["relationship"]
    assert np.isnan(pairs.loc[("M1", "M4")]) and not np.isnan(pairs.loc[("M4", "M1")])
    assert abs(result.effects["perceiver"].sum()) < 1e-9


def test_identical_ratings_give_no_figure_rather_than_a_crash():
    same = pd.DataFrame(np.full((5, 5), 5.0), index=list("ABCDE"), columns=list("ABCDE"))
    result = srm_group(same)
    assert all(c.standardized is None for c in result.components)
    assert result.reliability == {"perceiver": None, "target": None, "relationship": None}
    assert srm_groups({"a": same, "b": same}).reliability["target"] is None
