"""Reliable change and clinical significance against clinicalsignificance's published output.

Expected counts are the package's printed results (its testthat snapshots
tests/testthat/_snaps/cs_distribution.md and cs_combined.md in cran/clinicalsignificance,
every count below checked against them, and its vignettes).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.change import paired_scores
from analysis.reliable_change import (
    ReliableChangeError,
    clinical_cutoff,
    reliable_change,
    reliable_change_hlm,
    sample_reliability,
)


@pytest.fixture(scope="module")
def claus(reference_dir_module):
    return pd.read_csv(reference_dir_module / "clinicalsignificance" / "claus_2020.csv")


@pytest.fixture(scope="module")
def reference_dir_module():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "reference"


def claus_pairs(claus, outcome):
    scores = pd.DataFrame(
        {
            "member": claus["id"],
            "group": claus["treatment"],
            "timepoint": claus["time"],
            outcome: claus[outcome],
        }
    )
    pairs, _, _ = paired_scores(scores, outcome, 1, 4)
    return pairs


def counts(improved, unchanged, deteriorated):
    return {"improved": improved, "unchanged": unchanged, "deteriorated": deteriorated}


# cs_distribution(claus_2020, id, time, hamd, pre = 1, post = 4, reliability = 0.8,
#                 rci_method = M)  (NK with reliability_post = 0.5)
DISTRIBUTION_HAMD = {
    "jt": counts(29, 10, 1),
    "en": counts(32, 5, 3),
    "hll": counts(12, 16, 12),
    "gln": counts(29, 10, 1),
    "nk": counts(28, 11, 1),
    "ha": counts(32, 7, 1),
}

# cs_combined(claus_2020, id, time, hamd, pre = 1, post = 4, reliability = 0.8,
#             m_functional = 8, sd_functional = 8, cutoff_type = "c", rci_method = M)
#   recovered, improved, unchanged, deteriorated, harmed
COMBINED_HAMD = {
    "jt": (26, 3, 10, 1, 0),
    "en": (26, 6, 5, 3, 0),
    "hll": (12, 0, 16, 11, 1),
    "gln": (26, 3, 10, 1, 0),
    "nk": (26, 2, 11, 1, 0),
    "ha": (23, 9, 7, 1, 0),
}


@pytest.mark.parametrize("method", sorted(DISTRIBUTION_HAMD))
def test_claus_hamd_distribution_counts(claus, method):
    extra = {"reliability_post": 0.5} if method == "nk" else {}
    result = reliable_change(
        claus_pairs(claus, "hamd"), method=method, reliability=0.8, higher_is="worse", **extra
    )
    assert result.counts == DISTRIBUTION_HAMD[method]
    assert result.problem is None


@pytest.mark.parametrize("method", sorted(COMBINED_HAMD))
def test_claus_hamd_combined_counts_cutoff_c(claus, method):
    extra = {"reliability_post": 0.5} if method == "nk" else {}
    result = reliable_change(
        claus_pairs(claus, "hamd"),
        method=method,
        reliability=0.8,
        higher_is="worse",
        cutoff="c",
        functional_mean=8,
        functional_sd=8,
        **extra,
    )
    names = ("recovered", "improved", "unchanged", "deteriorated", "harmed")
    assert result.counts == dict(zip(names, COMBINED_HAMD[method], strict=True))


def test_claus_bdi_jacobson_truax_cutoff_a(claus):
    result = reliable_change(
        claus_pairs(claus, "bdi"), method="jt", reliability=0.801, higher_is="worse", cutoff="a"
    )
    # VALIDATION.md (clinicalsignificance, claus_2020 bdi, 1 -> 4, reliability 0.801):
    # M_pre 35.48, SD_pre 8.1586, S_diff 5.147, cutoff a = M_pre - 2 SD_pre = 19.16
    assert result.details["m_pre"] == pytest.approx(35.48, abs=0.005)
    assert result.details["sd_pre"] == pytest.approx(8.1586, abs=5e-5)
    assert result.details["s_diff"] == pytest.approx(5.147, abs=5e-4)
    assert result.cutoff.type == "a"
    assert result.cutoff.value == pytest.approx(19.16, abs=0.005)
    assert result.counts == {
        "recovered": 10,
        "improved": 8,
        "unchanged": 22,
        "deteriorated": 0,
        "harmed": 0,
    }
    # without a cutoff: improved 18, unchanged 22, deteriorated 0
    plain = reliable_change(
        claus_pairs(claus, "bdi"), method="jt", reliability=0.801, higher_is="worse"
    )
    assert plain.counts == counts(18, 22, 0)


def test_claus_bdi_cutoff_c_get_started_vignette(claus):
    # vignette "Get started": clinical_significance(claus_2020, id, time, bdi, pre = 1, post = 4,
    #   m_functional = 7.69, sd_functional = 7.52, reliability = 0.801, type = "c")
    # -> cutoff "c" with a value of 21.02; Recovered 10, Improved 8, Unchanged 22, 0, 0
    result = reliable_change(
        claus_pairs(claus, "bdi"),
        method="jt",
        reliability=0.801,
        higher_is="worse",
        cutoff="c",
        functional_mean=7.69,
        functional_sd=7.52,
    )
    assert result.cutoff.value == pytest.approx(21.02, abs=0.005)
    assert [result.counts[k] for k in ("recovered", "improved", "unchanged")] == [10, 8, 22]
    assert result.counts["deteriorated"] == result.counts["harmed"] == 0


def test_antidepressants_jacobson_truax(reference_dir_module):
    data = pd.read_csv(reference_dir_module / "clinicalsignificance" / "antidepressants.csv")
    scores = pd.DataFrame(
        {"member": data["patient"], "timepoint": data["measurement"], "mom_di": data["mom_di"]}
    )
    pairs, _, _ = paired_scores(scores, "mom_di", "Before", "After")
    result = reliable_change(pairs, method="jt", reliability=0.80, higher_is="worse")
    # vignette "Distribution-Based Approach": cs_distribution(antidepressants, patient,
    #   measurement, mom_di, pre = "Before", reliability = 0.80)
    # -> 555 of 555 included; Improved 274, Unchanged 237, Deteriorated 44
    assert len(pairs) == 555
    assert result.counts == counts(274, 237, 44)


def test_hlm_claus_hamd(claus):
    scores = pd.DataFrame({"member": claus["id"], "time": claus["time"], "score": claus["hamd"]})
    # cs_distribution(claus_2020, id, time, hamd, reliability = 0.8, rci_method = "HLM")
    # -> Improved 11, Unchanged 20, Deteriorated 9
    result = reliable_change_hlm(scores, higher_is="worse")
    assert result.counts == counts(11, 20, 9)
    assert len(result.members) == 40  # members with three or more scores
    # cs_combined(claus_2020, id, time, hamd, m_functional = 8, sd_functional = 8,
    #   cutoff_type = "c", rci_method = "HLM") -> 10, 1, 20, 9, 0
    combined = reliable_change_hlm(
        scores, higher_is="worse", cutoff="c", functional_mean=8, functional_sd=8
    )
    assert combined.counts == {
        "recovered": 10,
        "improved": 1,
        "unchanged": 20,
        "deteriorated": 9,
        "harmed": 0,
    }


def test_direction_higher_is_better_mirrors_lower_is_better(claus):
    # Reflecting the scale (63 - hamd) and declaring higher better is the same analysis, so the
    # published hamd counts (cs_distribution, JT, reliability 0.8: 29, 10, 1) must come out.
    pairs = claus_pairs(claus, "hamd")
    mirrored = pairs.assign(pre=63 - pairs["pre"], post=63 - pairs["post"])
    result = reliable_change(mirrored, method="jt", reliability=0.8, higher_is="better")
    assert result.counts == counts(29, 10, 1)
    combined = reliable_change(
        mirrored,
        method="jt",
        reliability=0.8,
        higher_is="better",
        cutoff="c",
        functional_mean=63 - 8,
        functional_sd=8,
    )
    assert combined.counts["recovered"] == 26


def test_counts_per_group_add_up_to_the_whole(claus):
    result = reliable_change(
        claus_pairs(claus, "hamd"), method="jt", reliability=0.8, higher_is="worse"
    )
    assert set(result.groups) == {"PA", "TAU"}
    for category, total in result.counts.items():
        assert sum(g[category] for g in result.groups.values()) == total


def test_cutoff_formulas_by_hand():
    # Jacobson & Truax (1991): a = M_c + 2 k SD_c, b = M_f - 2 k SD_c,
    # c = (SD_c M_f + SD_f M_c) / (SD_c + SD_f); k = -1 when lower is better
    a = clinical_cutoff("a", m_clinical=30, sd_clinical=5, higher_is="worse")
    b = clinical_cutoff(
        "b", m_clinical=30, sd_clinical=5, higher_is="worse", m_functional=10, sd_functional=4
    )
    c = clinical_cutoff(
        "c", m_clinical=30, sd_clinical=5, higher_is="worse", m_functional=10, sd_functional=4
    )
    assert (a.value, b.value) == (20, 20)
    assert c.value == pytest.approx((5 * 10 + 4 * 30) / 9)
    assert clinical_cutoff("12.5", m_clinical=30, sd_clinical=5, higher_is="worse").value == 12.5


def test_cutoff_b_without_functional_population_is_refused():
    with pytest.raises(ReliableChangeError, match="functional"):
        clinical_cutoff("b", m_clinical=30, sd_clinical=5, higher_is="worse")
    with pytest.raises(ReliableChangeError, match="a, b, c or a number"):
        clinical_cutoff("z", m_clinical=30, sd_clinical=5, higher_is="worse")


def test_missing_reliability_gives_no_categories_and_says_why(claus):
    result = reliable_change(
        claus_pairs(claus, "hamd"), method="jt", reliability=None, higher_is="worse"
    )
    assert result.counts is None
    assert result.members["category"].isna().all()
    assert "reliability" in result.problem


def test_bad_arguments_are_refused(claus):
    pairs = claus_pairs(claus, "hamd")
    with pytest.raises(ReliableChangeError, match="between 0 and 1"):
        reliable_change(pairs, method="jt", reliability=1.2, higher_is="worse")
    with pytest.raises(ReliableChangeError, match="one of jt"):
        reliable_change(pairs, method="xyz", reliability=0.8, higher_is="worse")
    with pytest.raises(ReliableChangeError, match="higher_is"):
        reliable_change(pairs, method="jt", reliability=0.8, higher_is="up")


def test_no_variance_at_pre_and_too_few_pairs():
    same_pre = pd.DataFrame({"member": list("abc"), "pre": [5.0] * 3, "post": [1.0, 4.0, 6.0]})
    result = reliable_change(same_pre, method="jt", reliability=0.8, higher_is="worse")
    assert result.counts is None and "same pre score" in result.problem
    single = pd.DataFrame({"member": ["a"], "pre": [5.0], "post": [1.0]})
    result = reliable_change(single, method="gln", reliability=0.8, higher_is="worse")
    assert result.counts is None and "at least 2" in result.problem


def test_hlm_needs_three_timepoints():
    two = pd.DataFrame(
        {"member": list("aabbcc"), "time": [1, 2] * 3, "score": [5.0, 4, 6, 3, 7, 7]}
    )
    result = reliable_change_hlm(two, higher_is="worse")
    assert result.counts is None and "three or more" in result.problem


def test_sample_reliability_is_cronbachs_alpha_by_hand():
    items = pd.DataFrame({"i1": [1, 2, 3, 4, 5], "i2": [2, 2, 3, 5, 4], "i3": [1, 3, 3, 4, 5]})
    # alpha = k/(k-1) * (1 - sum(item variances) / variance(total))
    k = 3
    item_var = items.var(ddof=1).sum()
    total_var = items.sum(axis=1).var(ddof=1)
    expected = k / (k - 1) * (1 - item_var / total_var)
    assert sample_reliability(items) == pytest.approx(expected)
    assert math.isnan(sample_reliability(items[["i1"]]))


def test_reliability_for_change_uses_the_pre_rows_or_every_row():
    """No published reliability: the sample's alpha at pre, or over every administration."""
    import numpy as np

    from analysis.reliable_change import reliability_for_change
    from measures import keyed_items, load_instrument

    instrument = load_instrument("relational-connection")  # no published reliability
    assert instrument.norms.get("total") is None or instrument.norms["total"].reliability is None
    rng = np.random.default_rng(5)
    rows = []
    for m in range(20):
        for timepoint, shift in (("pre", 0.0), ("post", 1.0)):
            level = 2 + (m % 5) * 0.5 + shift
            rows.append(
                {"member": f"M{m}", "timepoint": timepoint}
                | {
                    item: int(np.clip(round(level + rng.normal(0, 0.8)), 1, 5))
                    for item in instrument.item_ids
                }
            )
    wide = pd.DataFrame(rows)
    items = instrument.scale("total").items
    at_pre = sample_reliability(keyed_items(wide[wide["timepoint"] == "pre"], instrument, items))
    overall = sample_reliability(keyed_items(wide, instrument, items))
    assert at_pre != pytest.approx(overall)
    assert reliability_for_change(instrument, "total", wide, "pre") == (
        pytest.approx(at_pre),
        "sample_alpha_pre",
    )
    assert reliability_for_change(instrument, "total", wide) == (
        pytest.approx(overall),
        "sample_alpha",
    )
