"""The Social Relations Model against TripleR's published output (../shared/VALIDATION.md).

Data: TripleR's own `likingLong` (54 perceivers rating each other at zero acquaintance,
`tests/reference` via ../shared/datasets/reference/round_robin/likingLong.tab). Expected values
are TripleR 1.5's printed output, at its printed precision (3 decimals), with the R call
beside each.
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
    srm_latent,
)

LIKING = (
    Path(__file__).resolve().parents[3] / "shared/datasets/reference/round_robin/likingLong.tab"
)


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
