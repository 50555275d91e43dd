"""Internal consistency of a scale: Cronbach's alpha, lambda-6, omega, and item statistics.

Every number follows R's ``psych`` package (Revelle), so an evaluator can check Mutuality
against ``psych::alpha`` and ``psych::omega``:

- alpha, standardized alpha, Guttman's lambda-6, mean inter-item r, item-rest r and alpha if
  deleted come from the item covariance matrix ``C`` (pairwise-complete by default, as
  ``psych::alpha(x)``; complete cases with ``missing="listwise"``) and ``R = cov2cor(C)``;
- omega comes from a minimum-residual (minres) factor analysis of the item correlation
  matrix, as ``psych::omega`` computes it (`analysis.omega.omega_coefficients`).

Omega hierarchical, and how it compares with ``psych::omega``: for a scale that contains three
or more of the instrument's other scales, Mutuality runs exactly psych's exploratory
procedure, ``psych::omega(items, nfactors = <number of contained scales>)``: minres factoring
of the item correlations, oblimin rotation, a one-factor minres analysis of the factor
correlations, Schmid-Leiman orthogonalisation. The subscales fix only *how many* group
factors there are; items are not forced onto their subscale's factor (that would be a
confirmatory bifactor model, ``psych::omegaSem``, which needs an SEM fitter and is not done).
Two small differences from psych: the oblimin rotation starts from the unrotated minres
loadings (psych starts from their varimax rotation; both seek the same criterion minimum), and
a scale with fewer than two items per group factor falls back to the one-factor omega total
with a note, where psych would still attempt the fit.

A result that cannot be computed (too few respondents, a single item, no variance, all
answers missing) is ``None`` with a sentence in ``notes`` saying why; nothing is made up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pingouin
from scipy import stats

from analysis.omega import omega_coefficients, squared_multiple_correlations
from analysis.timepoints import ordered_timepoints
from measures.schema import Instrument
from measures.scoring import ScoringError, keyed_items, refused_answers

Missing = Literal["pairwise", "listwise"]

#: Alpha below this is flagged (Nunnally's conventional minimum for group research).
ALPHA_FLAG_BELOW = 0.70
#: Fewer respondents than this are flagged: alpha's sampling error is then large.
FEW_RESPONDENTS = 30


@dataclass
class ItemReliability:
    """Statistics of one item within its scale.

    Attributes
    ----------
    item : str
        Item id.
    n : int
        Respondents who answered the item (listwise: respondents used for the scale).
    mean, sd : float or None
        Mean and standard deviation (n - 1 denominator) of the reverse-keyed answers.
    item_rest_r : float or None
        Correlation of the item with the sum of the other items (psych ``r.drop``).
    alpha_if_deleted : float or None
        Raw alpha of the scale without this item (psych ``alpha.drop$raw_alpha``).
    """

    item: str
    n: int
    mean: float | None
    sd: float | None
    item_rest_r: float | None
    alpha_if_deleted: float | None


@dataclass
class ScaleReliability:
    """Reliability of one scale at one timepoint.

    The first fields are the ``reliability --json`` contract (ARCHITECTURE.md); ``flags``
    are warnings a facilitator can act on, ``notes`` say what could not be computed and why.
    """

    scale: str
    timepoint: str | None
    n: int
    k: int
    alpha: float | None = None
    alpha_ci: tuple[float, float] | None = None
    alpha_standardized: float | None = None
    lambda6: float | None = None
    omega_total: float | None = None
    omega_hierarchical: float | None = None
    mean_inter_item_r: float | None = None
    items: list[ItemReliability] = field(default_factory=list)
    missing: Missing = "pairwise"
    alpha_ci_bootstrap: tuple[float, float] | None = None
    omega_model: str | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain dict in the JSON contract's key order (plus missing, flags and notes)."""
        data = asdict(self)
        data["alpha_ci"] = list(self.alpha_ci) if self.alpha_ci else [None, None]
        if self.alpha_ci_bootstrap is not None:
            data["alpha_ci_bootstrap"] = list(self.alpha_ci_bootstrap)
        return data


# Formulas on a covariance / correlation matrix --------------------------------------------


def alpha_from_covariance(cov: np.ndarray) -> float:
    """Cronbach's (raw) alpha from an item covariance matrix.

    Parameters
    ----------
    cov : numpy.ndarray
        k x k item covariance matrix, k >= 2.

    Returns
    -------
    float
        alpha = k / (k - 1) * (1 - tr(C) / sum(C)).

    Notes
    -----
    With a correlation matrix this gives standardized alpha, psych's ``std.alpha``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297-334.

    Examples
    --------
    >>> round(alpha_from_covariance(np.array([[1.0, 0.5], [0.5, 1.0]])), 3)
    0.667
    """
    k = cov.shape[0]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's confidence interval for Cronbach's alpha.

    Parameters
    ----------
    alpha : float
        Sample alpha.
    n : int
        Respondents.
    k : int
        Items.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        (lower, upper) with lower = 1 - (1 - alpha) F_{1-a/2}(n - 1, (n - 1)(k - 1)) and
        upper = 1 - (1 - alpha) F_{a/2}(n - 1, (n - 1)(k - 1)), as ``psych::alpha.ci``.

    References
    ----------
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. Applied Psychological Measurement, 11, 93-103.

    Examples
    --------
    >>> [round(x, 2) for x in feldt_interval(0.70, 100, 5)]
    [0.6, 0.78]
    """
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(lower), float(upper)


def guttman_lambda6(corr: np.ndarray) -> float:
    """Guttman's lambda-6 from a correlation matrix (psych ``G6(smc)``).

    Parameters
    ----------
    corr : numpy.ndarray
        k x k correlation matrix.

    Returns
    -------
    float
        lambda6 = 1 - (k - sum(smc)) / sum(R), each item's error variance estimated by
        1 - its squared multiple correlation with the other items.

    References
    ----------
    Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika, 10,
    255-282.
    """
    k = corr.shape[0]
    return float(1 - (k - squared_multiple_correlations(corr).sum()) / corr.sum())


def mean_inter_item_correlation(corr: np.ndarray) -> float:
    """Mean of the off-diagonal correlations, (sum(R) - k) / (k (k - 1)) (psych ``average_r``)."""
    k = corr.shape[0]
    return float((corr.sum() - k) / (k * (k - 1)))


def item_rest_correlations(cov: np.ndarray) -> np.ndarray:
    """Correlation of each item with the sum of the other items (psych ``r.drop``).

    Parameters
    ----------
    cov : numpy.ndarray
        k x k item covariance matrix.

    Returns
    -------
    numpy.ndarray
        r_i = (sum_j C_ij - C_ii) / sqrt(C_ii * sum_{j,l != i} C_jl).
    """
    k = cov.shape[0]
    out = np.empty(k)
    for i in range(k):
        rest = np.delete(np.delete(cov, i, axis=0), i, axis=1).sum()
        # A rest score with no positive variance (items pulling against each other) has
        # no correlation to report: NaN, never a made-up number.
        denominator = cov[i, i] * rest
        out[i] = (cov[:, i].sum() - cov[i, i]) / np.sqrt(denominator) if denominator > 0 else np.nan
    return out


def _covariance_to_correlation(cov: np.ndarray) -> np.ndarray:
    scale = 1 / np.sqrt(np.diag(cov))
    corr = cov * np.outer(scale, scale)
    np.fill_diagonal(corr, 1.0)
    return corr


# One scale --------------------------------------------------------------------------------


def _finite_or_none(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)


def _bootstrap_alpha(
    items: pd.DataFrame, missing: Missing, repetitions: int, seed: int | None
) -> tuple[float, float] | None:
    rng = np.random.default_rng(seed)
    values = items.to_numpy()
    estimates = []
    for _ in range(repetitions):
        sample = pd.DataFrame(values[rng.integers(0, len(values), len(values))])
        if missing == "listwise":
            sample = sample.dropna()
        cov = sample.cov().to_numpy()
        if len(sample) > 1 and np.all(np.isfinite(cov)) and np.all(np.diag(cov) > 0):
            estimates.append(alpha_from_covariance(cov))
    if len(estimates) < repetitions / 2:
        return None
    low, high = np.percentile(estimates, [2.5, 97.5])
    return float(low), float(high)


def scale_reliability(
    items: pd.DataFrame,
    *,
    scale: str = "scale",
    timepoint: str | None = None,
    missing: Missing = "pairwise",
    group_factors: int = 1,
    bootstrap: int = 0,
    seed: int | None = None,
) -> ScaleReliability:
    """Reliability of one scale from its (reverse-keyed) item answers.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one numeric column per item, already reverse-keyed
        (``measures.scoring.keyed_items``); NaN for a skipped item.
    scale, timepoint : str
        Labels carried into the result.
    missing : {"pairwise", "listwise"}
        ``pairwise`` (psych's default): every statistic from the pairwise-complete
        covariance matrix, every respondent who answered at least one item counted in n.
        ``listwise``: only respondents who answered every item.
    group_factors : int
        1: omega_total from a one-factor model and no omega_hierarchical. 3 or more:
        omega_total and omega_hierarchical from a Schmid-Leiman bifactor solution with this
        many group factors (:func:`omega_coefficients`).
    bootstrap : int
        If > 0, also a percentile bootstrap 95% CI of alpha from this many resamples of
        respondents (``alpha_ci_bootstrap``).
    seed : int, optional
        Seed for the bootstrap.

    Returns
    -------
    ScaleReliability

    Notes
    -----
    With C the item covariance matrix and R = cov2cor(C), exactly as ``psych::alpha``:
    alpha = k/(k-1) (1 - tr C / sum C); standardized alpha the same on R; lambda-6 =
    1 - (k - sum smc) / sum R; mean inter-item r = (sum R - k) / (k(k-1)); item-rest r
    (psych ``r.drop``) and alpha if deleted from C without the item. The Feldt CI uses n
    respondents and k items. Omega uses the pairwise (or listwise) correlation matrix, as
    ``psych::omega`` on raw data. Items nobody varied on are left out of every statistic
    (psych deletes them too), and a note says so.

    References
    ----------
    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality
    Research (functions alpha, omega). Cronbach (1951); Feldt et al. (1987); Guttman (1945);
    McDonald (1999).

    Examples
    --------
    >>> answers = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})
    >>> round(scale_reliability(answers).alpha, 2)
    0.95
    """
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', not {missing!r}")
    data = items.apply(pd.to_numeric, errors="coerce").astype(float)
    answered_any = data.notna().any(axis=1)
    data = data.dropna() if missing == "listwise" else data[answered_any]
    k = data.shape[1]
    result = ScaleReliability(scale=scale, timepoint=timepoint, n=len(data), k=k, missing=missing)
    for column in data.columns:
        values = data[column].dropna()
        result.items.append(
            ItemReliability(
                item=str(column),
                n=len(values),
                mean=_finite_or_none(values.mean()) if len(values) else None,
                sd=_finite_or_none(values.std()) if len(values) > 1 else None,
                item_rest_r=None,
                alpha_if_deleted=None,
            )
        )
    _check_and_compute(result, data, group_factors, bootstrap, seed)
    _add_flags(result)
    return result


def _check_and_compute(
    result: ScaleReliability,
    data: pd.DataFrame,
    group_factors: int,
    bootstrap: int,
    seed: int | None,
) -> None:
    notes = result.notes
    where = f"{result.scale}" + (f" at {result.timepoint}" if result.timepoint else "")
    if result.k < 2:
        notes.append(
            f"{where}: a single item has no internal consistency; alpha, lambda-6, omega and "
            "item-rest correlations need two or more items."
        )
        return
    if result.n < 2:
        if result.missing == "listwise":
            why = "fewer than two respondents answered every item"
        elif result.n == 0:
            why = "no answers at all"
        else:
            why = "only one respondent answered"
        notes.append(
            f"{where}: reliability needs answers from at least two respondents ({why}); "
            "nothing was computed."
        )
        return
    sds = {item.item: item.sd for item in result.items}
    constant = [name for name, sd in sds.items() if sd is not None and sd == 0]
    unanswered = [item.item for item in result.items if item.n < 2]
    if unanswered:
        notes.append(
            f"{where}: item(s) {', '.join(unanswered)} were answered by fewer than two "
            "respondents, so their covariances cannot be estimated; nothing was computed."
        )
        return
    if constant:
        notes.append(
            f"{where}: everyone gave the same answer to {', '.join(constant)} (no variance), "
            "so it tells nothing about consistency and was left out of alpha, lambda-6 and "
            "omega (as psych::alpha does)."
        )
    used = data.drop(columns=constant)
    k = used.shape[1]
    if k < 2:
        notes.append(
            f"{where}: fewer than two items vary, so internal consistency cannot be computed."
        )
        return
    cov = used.cov().to_numpy()
    if not np.all(np.isfinite(cov)):
        notes.append(
            f"{where}: some pairs of items were never answered by the same two or more "
            "respondents, so their covariance is unknown; use more complete data."
        )
        return
    if result.missing == "listwise":
        alpha = alpha_from_covariance(cov)
    else:
        # pingouin's pairwise alpha is psych's raw_alpha: both use the pairwise covariance.
        alpha, _ = pingouin.cronbach_alpha(used, nan_policy="pairwise")
    corr = _covariance_to_correlation(cov)
    result.alpha = _finite_or_none(alpha)
    result.alpha_ci = feldt_interval(alpha, result.n, k) if result.n > 1 else None
    result.alpha_standardized = _finite_or_none(alpha_from_covariance(corr))
    result.lambda6 = _finite_or_none(guttman_lambda6(corr))
    result.mean_inter_item_r = _finite_or_none(mean_inter_item_correlation(corr))
    rest = item_rest_correlations(cov)
    by_name = {item.item: item for item in result.items}
    for index, name in enumerate(used.columns):
        by_name[name].item_rest_r = _finite_or_none(rest[index])
        if k > 2:
            reduced = np.delete(np.delete(cov, index, axis=0), index, axis=1)
            by_name[name].alpha_if_deleted = _finite_or_none(alpha_from_covariance(reduced))
    if k == 2:
        notes.append(
            f"{where}: with two items, alpha if an item is deleted is not defined (one item "
            "would be left)."
        )
    _add_omega(result, used, k, group_factors)
    if bootstrap > 0:
        result.alpha_ci_bootstrap = _bootstrap_alpha(used, result.missing, bootstrap, seed)


def _add_omega(result: ScaleReliability, used: pd.DataFrame, k: int, group_factors: int) -> None:
    where = f"{result.scale}" + (f" at {result.timepoint}" if result.timepoint else "")
    # psych::omega on raw data uses cor(x, use = "pairwise"), not cov2cor of the covariance.
    corr = used.corr().to_numpy()
    if not np.all(np.isfinite(corr)):
        result.notes.append(f"{where}: omega not computed: some item correlations are unknown.")
        return
    if k < 3:
        result.notes.append(
            f"{where}: omega needs a factor model, which three or more items are needed to "
            "identify; not computed."
        )
        return
    if group_factors >= 3 and k < 2 * group_factors:
        result.notes.append(
            f"{where}: a bifactor model with {group_factors} group factors needs at least "
            f"{2 * group_factors} items; omega total is from a one-factor model instead and "
            "omega hierarchical is not computed."
        )
        group_factors = 1
    try:
        omega = omega_coefficients(corr, group_factors)
    except (np.linalg.LinAlgError, ValueError) as error:
        result.notes.append(f"{where}: omega could not be computed ({error}).")
        return
    if not omega.converged:
        result.notes.append(
            f"{where}: the factor analysis behind omega did not converge; omega not reported."
        )
        return
    result.omega_total = _finite_or_none(omega.omega_total)
    if group_factors >= 3:
        result.omega_hierarchical = _finite_or_none(omega.omega_hierarchical)
        result.omega_model = (
            f"Schmid-Leiman bifactor, {group_factors} group factors (minres, oblimin)"
        )
    else:
        result.omega_model = "one factor (minres)"


def _add_flags(result: ScaleReliability) -> None:
    where = f"{result.scale}" + (f" at {result.timepoint}" if result.timepoint else "")
    if result.n < FEW_RESPONDENTS:
        result.flags.append(
            f"{where}: only {result.n} respondent(s); with fewer than {FEW_RESPONDENTS} the "
            "reliability estimates are rough (see how wide the confidence interval is)."
        )
    if result.alpha is not None and result.alpha < ALPHA_FLAG_BELOW:
        result.flags.append(
            f"{where}: alpha is {result.alpha:.2f}, below {ALPHA_FLAG_BELOW:.2f}: the items do "
            "not hang together well enough for the scale score to be trusted on its own."
        )
    for item in result.items:
        if item.item_rest_r is not None and item.item_rest_r < 0:
            result.flags.append(
                f"{where}: item {item.item} runs against the rest of the scale (item-rest "
                f"r = {item.item_rest_r:.2f}); likely a reverse-key mistake - check whether it "
                "should be reverse-scored."
            )


# Every scale and timepoint of an instrument -----------------------------------------------


def reliability_table(
    wide: pd.DataFrame,
    instrument: Instrument,
    scale: str | None = None,
    timepoint: str | None = None,
    missing: Missing = "pairwise",
) -> list[ScaleReliability]:
    """Reliability of each scale at each timepoint of a wide response table.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per administration: ``member``, ``timepoint`` and one column per item id
        (``ingest.ResponseTable.wide()``); answers as given, reverse keying applied here.
    instrument : Instrument
        The instrument definition: scales, reverse-keyed items, response scale.
    scale : str, optional
        Only this scale id.
    timepoint : str, optional
        Only this timepoint.
    missing : {"pairwise", "listwise"}
        Missing-data handling (see :func:`scale_reliability`).

    Returns
    -------
    list of ScaleReliability
        One per scale and timepoint, scales in instrument order, timepoints in program
        order (:func:`analysis.timepoints.ordered_timepoints`; ties in order of first
        appearance). A scale containing three or more of the instrument's other scales
        (``Instrument.subscales_of``) gets omega hierarchical from a Schmid-Leiman solution
        with one group factor per contained scale.

    Raises
    ------
    ValueError
        For an unknown scale or timepoint (the message lists the valid ones).
    ScoringError
        When an answer is not on the instrument's response scale (text, out of range): it
        would otherwise be silently dropped from the statistics.
    """
    refused = refused_answers(wide, instrument)
    if refused:
        raise ScoringError(instrument, refused)
    scales = [instrument.scale(scale)] if scale else list(instrument.scales)
    # Each administration's timepoint label (in order of first appearance), read once.
    if "timepoint" in wide.columns:
        codes, uniques = pd.factorize(wide["timepoint"])
        names = [str(v) for v in uniques]
    else:
        codes, names = np.zeros(len(wide), dtype=np.intp), ["all"]
    rows_at: dict[str, np.ndarray] = {}
    for code, name in enumerate(names):
        rows_at[name] = np.union1d(rows_at.get(name, []), np.flatnonzero(codes == code)).astype(
            np.intp
        )
    # In program order (analysis.timepoints), as every list of timepoints is.
    timepoints = ordered_timepoints(list(rows_at))
    if timepoint is not None:
        if str(timepoint) not in timepoints:
            raise ValueError(
                f"no answers at timepoint '{timepoint}'; the timepoints in the data are "
                + (", ".join(timepoints) or "(none)")
            )
        timepoints = [str(timepoint)]
    results = []
    for each in scales:
        group_factors = len(instrument.subscales_of(each.id))
        keyed = keyed_items(wide, instrument, each.items)
        for label in timepoints:
            results.append(
                scale_reliability(
                    keyed.iloc[rows_at[label]],
                    scale=each.id,
                    timepoint=label,
                    missing=missing,
                    group_factors=group_factors if group_factors >= 3 else 1,
                )
            )
    return results


def reliability_frames(results: list[ScaleReliability]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy tables of reliability results: one row per scale x timepoint, one per item.

    Parameters
    ----------
    results : list of ScaleReliability

    Returns
    -------
    scales : pandas.DataFrame
        Columns scale, timepoint, n, k, alpha, alpha_ci_low, alpha_ci_high,
        alpha_standardized, lambda6, omega_total, omega_hierarchical, mean_inter_item_r,
        flags, notes (the last two joined by newlines).
    items : pandas.DataFrame
        Columns scale, timepoint, item, n, mean, sd, item_rest_r, alpha_if_deleted.
    """
    scale_rows, item_rows = [], []
    for r in results:
        low, high = r.alpha_ci if r.alpha_ci else (None, None)
        scale_rows.append(
            {
                "scale": r.scale,
                "timepoint": r.timepoint,
                "n": r.n,
                "k": r.k,
                "alpha": r.alpha,
                "alpha_ci_low": low,
                "alpha_ci_high": high,
                "alpha_standardized": r.alpha_standardized,
                "lambda6": r.lambda6,
                "omega_total": r.omega_total,
                "omega_hierarchical": r.omega_hierarchical,
                "mean_inter_item_r": r.mean_inter_item_r,
                "flags": "\n".join(r.flags),
                "notes": "\n".join(r.notes),
            }
        )
        for item in r.items:
            item_rows.append({"scale": r.scale, "timepoint": r.timepoint, **asdict(item)})
    return pd.DataFrame(scale_rows), pd.DataFrame(item_rows)
