"""Ordinal logistic regression DIF checked against lordif's own statistics, computed in R.

Reference values: R 4.2.2 with rms 6.5.0, running lordif 0.3's per-item functions (R/collapse.R
and R/runolr.R, the code `lordif()` calls for each item) on the psych package's bfi data, with
the scale's total score as the matching variable (`theta`). The R session, per case:

    bfi <- read.csv("psych_bfi.csv"); total <- rowSums(d[items])
    y <- collapse(d[[item]], group, minCell = 5)
    md1 <- lrm(y ~ total); md2 <- lrm(y ~ total + gr); md3 <- lrm(y ~ total * gr)
    chi2_uniform = md1$deviance[2] - md2$deviance[2]      (lordif's chi12 is its p-value)
    chi2_nonuniform = md2$deviance[2] - md3$deviance[2]   (chi23)
    chi2_overall = md1$deviance[2] - md3$deviance[2]      (chi13)
    delta_r2 = pseudo13.McFadden, delta_r2_nagelkerke = pseudo13.Nagelkerke, beta_change = beta12

Cases:  A  N1-N5 by gender, every complete row (n = 2694)
        B  A1-A5 by gender, the first 80 complete rows (sparse categories are merged)
        C  E1-E5 by age band (under 25 / 25-39 / 40 and over; three groupings, df = 2)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.dif import ALPHA, collapse_categories, item_dif

# case, item, chi2_uniform, chi2_nonuniform, chi2_overall, p_overall, delta_r2 (McFadden),
# delta_r2 (Nagelkerke), beta_change, categories after collapse - all from R (see above)
R_LORDIF = [
    ("A", "N1", 20.744067, 0.105204, 20.849270, 0.000030, 0.002246, 0.002901, 0.012901, 6),
    ("A", "N2", 0.075071, 0.173915, 0.248986, 0.882944, 0.000026, 0.000036, 0.000533, 6),
    ("A", "N3", 7.434244, 0.045371, 7.479616, 0.023759, 0.000794, 0.001011, 0.002520, 6),
    ("A", "N4", 41.281818, 4.767285, 46.049103, 0.000000, 0.004891, 0.008478, 0.023398, 6),
    ("A", "N5", 94.490771, 0.054810, 94.545582, 0.000000, 0.010134, 0.019130, 0.003697, 6),
    ("B", "A1", 1.081303, 7.830019, 8.911321, 0.011613, 0.050725, 0.114224, 0.153841, 3),
    ("B", "A2", 0.992978, 1.175147, 2.168125, 0.338219, 0.010128, 0.021126, 0.033505, 4),
    ("B", "A3", 2.437508, 0.028615, 2.466123, 0.291399, 0.014062, 0.019885, 0.031710, 3),
    ("B", "A4", 0.062239, 0.000467, 0.062706, 0.969133, 0.000268, 0.000430, 0.006360, 5),
    ("B", "A5", 0.009967, 3.538870, 3.548837, 0.169582, 0.014774, 0.025850, 0.002924, 5),
    ("C", "E1", 7.054905, 0.259010, 7.313915, 0.120200, 0.000776, 0.002442, 0.002448, 6),
    ("C", "E2", 26.654790, 0.488423, 27.143212, 0.000019, 0.002874, 0.009733, 0.005200, 6),
    ("C", "E3", 7.607094, 2.974547, 10.581641, 0.031691, 0.001180, 0.003046, 0.000421, 6),
    ("C", "E4", 1.328665, 0.738149, 2.066814, 0.723471, 0.000237, 0.000705, 0.000387, 6),
    ("C", "E5", 65.471279, 1.780463, 67.251742, 0.000000, 0.007813, 0.020559, 0.018048, 6),
]
# lordif's flag (criterion "Chisqr", alpha = 0.01: chi12, chi13 or chi23 <= 0.01), from the
# p-values R printed: A N3 p_uniform = 0.006399; B A1 p_nonuniform = 0.005139.
R_FLAGGED = {"A": {"N1", "N3", "N4", "N5"}, "B": {"A1"}, "C": {"E2", "E5"}}
# Sign of lrm(y ~ total + gr)'s gr=2 coefficient in R: N1 -0.363, N3 +0.214, N5 +0.751.
R_HIGHER = {"N1": "1", "N3": "2", "N5": "2"}


def _case(bfi: pd.DataFrame, case: str):
    if case == "A":
        items = ["N1", "N2", "N3", "N4", "N5"]
        rows = bfi.dropna(subset=[*items, "gender"])
        return rows[items], rows["gender"].astype(int).astype(str)
    if case == "B":
        items = ["A1", "A2", "A3", "A4", "A5"]
        rows = bfi.dropna(subset=[*items, "gender"]).head(80)
        return rows[items], rows["gender"].astype(int).astype(str)
    items = ["E1", "E2", "E3", "E4", "E5"]
    rows = bfi.dropna(subset=[*items, "age"])
    band = rows["age"].map(lambda a: "under 25" if a < 25 else "25-39" if a < 40 else "40 and over")
    return rows[items], band


@pytest.fixture(scope="module")
def results():
    bfi = pd.read_csv(Path(__file__).parents[1] / "reference" / "psych_bfi.csv")
    return {case: item_dif(*_case(bfi, case)) for case in ("A", "B", "C")}


@pytest.mark.parametrize(
    (
        "case",
        "item",
        "uniform",
        "nonuniform",
        "overall",
        "p_overall",
        "mcfadden",
        "nagelkerke",
        "beta",
        "categories",
    ),
    R_LORDIF,
)
def test_item_statistics_match_lordif_in_r(
    results,
    case,
    item,
    uniform,
    nonuniform,
    overall,
    p_overall,
    mcfadden,
    nagelkerke,
    beta,
    categories,
):
    got = next(i for i in results[case].items if i.item == item)
    assert got.categories == categories
    assert got.chi2_uniform == pytest.approx(uniform, abs=2e-5)
    assert got.chi2_nonuniform == pytest.approx(nonuniform, abs=2e-5)
    assert got.chi2_overall == pytest.approx(overall, abs=2e-5)
    assert got.p_overall == pytest.approx(p_overall, abs=2e-6)
    assert got.delta_r2 == pytest.approx(mcfadden, abs=2e-6)
    assert got.delta_r2_nagelkerke == pytest.approx(nagelkerke, abs=2e-6)
    assert got.beta_change == pytest.approx(beta, abs=2e-6)
    assert got.flagged == (item in R_FLAGGED[case])


def test_degrees_of_freedom_follow_the_number_of_groupings(results):
    two, three = results["A"].items[0], results["C"].items[0]
    assert (two.df_uniform, two.df_nonuniform, two.df_overall) == (1, 1, 2)
    assert (three.df_uniform, three.df_nonuniform, three.df_overall) == (2, 2, 4)


def test_the_reading_names_which_grouping_answers_higher(results):
    for item, higher in R_HIGHER.items():
        got = next(i for i in results["A"].items if i.item == item)
        assert got.higher == higher
        lower = "2" if higher == "1" else "1"
        assert got.reading == (
            f"{item} is answered higher by members who describe themselves as {higher} than "
            f"by members who describe themselves as {lower}, among members with the same total."
        )
    plain = next(i for i in results["A"].items if i.item == "N2")
    assert plain.reading == "N2 is answered alike in every grouping by members with the same total."


def test_criterion_states_lordif_defaults_and_the_matching_variable(results):
    criterion = results["A"].criterion
    assert (
        f"p <= {ALPHA:g}" in criterion and "scale's score" in criterion and "minCell" in criterion
    )


def test_collapse_merges_a_sparse_category_into_the_one_below_as_lordif_does():
    # Worked by hand: category 3 has 2 answers in grouping "b" (< 5), so it joins category 2;
    # category 1 is sufficient in both groupings and stays first.
    answers = pd.Series([1] * 6 + [2] * 6 + [3] * 6 + [1] * 5 + [2] * 5 + [3] * 2)
    grouping = pd.Series(["a"] * 18 + ["b"] * 12)
    recoded = collapse_categories(answers, grouping, 5)
    assert recoded.tolist() == [1] * 6 + [2] * 12 + [1] * 5 + [2] * 7
    # Sparse categories below the first sufficient one join each other, not it: lordif's
    # collapse maps cumsum(sufficient) = (0, 0, 1, 2) to (1, 1, 2, 3).
    answers = pd.Series([0] * 2 + [1] * 2 + [2] * 6 + [3] * 6)
    recoded = collapse_categories(answers, pd.Series(["a"] * 16), 5)
    assert recoded.tolist() == [1] * 4 + [2] * 6 + [3] * 6


def test_one_grouping_only_gives_notes_not_numbers():
    items = pd.DataFrame({"q1": [1, 2, 3, 4, 5] * 4, "q2": [2, 3, 4, 5, 1] * 4})
    result = item_dif(items, pd.Series(["English"] * 20))
    assert "Every member is in one grouping" in result.notes[0]
    assert all(i.chi2_uniform is None and not i.flagged for i in result.items)
    assert "only one grouping" in result.items[0].note


def test_an_item_nobody_answered_in_one_language_is_named_not_tested():
    items = pd.DataFrame({"q1": [1, 2, 3, 4, 5] * 4, "q2": [2, 3, 4, 5, 1] * 2 + [None] * 10})
    language = pd.Series(["English"] * 10 + ["Spanish"] * 10)
    total = items["q1"] * 2
    result = item_dif(items, language, total=total, who=lambda v: f"in {v}")
    q2 = result.items[1]
    assert q2.chi2_uniform is None and not q2.flagged
    assert q2.reading == "q2: no answers in Spanish"


def test_too_few_answers_per_category_is_said():
    items = pd.DataFrame({"q1": [1, 2, 3, 1, 2, 3, 1, 2], "q2": [1, 1, 2, 2, 3, 3, 1, 2]})
    result = item_dif(items, pd.Series(["a", "b"] * 4))
    assert result.items[0].note.startswith("not tested: fewer than two answer categories")


def test_purification_matches_the_same_loop_in_r(reference_dir):
    # R 4.2.2 + rms 6.5.0, lordif's collapse/runolr per item, each pass matching on the
    # unflagged items plus the studied item (union(anchors, item)), until the flagged set
    # repeats: case C (E1-E5 by age band) settles after 5 passes on anchors E2, E4 with
    #   E1 chi2_uniform 13.889383 chi2_nonuniform 2.807611 p_overall 0.002213
    #   E3 chi2_uniform 22.315640 chi2_nonuniform 0.439488 p_overall 0.000142
    #   E5 chi2_uniform 75.091851 chi2_nonuniform 4.444328 p_overall 0.000000
    bfi = pd.read_csv(reference_dir / "psych_bfi.csv")
    result = item_dif(*_case(bfi, "C"), purify=True)
    assert (result.iterations, result.anchors) == (5, ["E2", "E4"])
    expected = {
        "E1": (13.889383, 2.807611),
        "E3": (22.315640, 0.439488),
        "E5": (75.091851, 4.444328),
    }
    for item in result.items:
        if item.item in expected:
            assert (item.chi2_uniform, item.chi2_nonuniform) == pytest.approx(
                expected[item.item], abs=2e-5
            )
    assert [i.item for i in result.items if i.flagged] == ["E1", "E3", "E5"]
    assert "purification" in result.criterion
