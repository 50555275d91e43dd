"""Members nested in groups: how much of a scale's spread lies between groups.

Therapy groups are clusters: members of one group share a facilitator, a room and each other,
so their scores are not independent. This module measures that dependence at one timepoint
(ICC(1) by REML and by one-way ANOVA, ICC(2), the design effect) and describes each group
(n, mean, SD, 95% CI of the mean).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

#: Variance ratios below this count as "estimated at zero" (a fit on the boundary).
BOUNDARY = 1e-6


class GroupDataError(ValueError):
    """Scores that cannot be analysed by group at all (no such column, for example)."""


@dataclass
class GroupStructure:
    """ICC(1), ICC(2), design effect and group means of one scale at one timepoint.

    Numbers that cannot be computed are ``nan``; ``notes`` says why, in plain words.
    ``groups`` has one row per group: ``group``, ``n``, ``mean``, ``sd``, ``ci_low``,
    ``ci_high``.
    """

    scale: str
    n_members: int
    n_observations: int
    n_groups: int
    mean_group_size: float
    icc1_reml: float
    icc1_anova: float
    icc2: float
    design_effect: float
    var_between: float
    var_within: float
    ms_between: float
    ms_within: float
    f: float
    df_between: int
    df_within: int
    p: float
    groups: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """Mean, SD and t-based confidence interval of a sample.

    Parameters
    ----------
    values
        Observed values (no missing values).
    confidence
        Confidence level of the interval.

    Returns
    -------
    tuple
        ``(mean, sd, ci_low, ci_high)``; SD and CI are ``nan`` for fewer than two values.

    Notes
    -----
    ``mean ± t(1 - (1 - confidence)/2, n - 1) · sd / sqrt(n)`` with the sample SD (n − 1).

    Examples
    --------
    >>> [round(v, 3) for v in mean_ci(np.array([1.0, 2.0, 3.0]))]  # 2 ± 4.303 · 1 / sqrt(3)
    [2.0, 1.0, -0.484, 4.484]
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return (math.nan, math.nan, math.nan, math.nan)
    mean = float(np.mean(values))
    if n < 2:
        return (mean, math.nan, math.nan, math.nan)
    sd = float(np.std(values, ddof=1))
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return (mean, sd, mean - half, mean + half)


def sort_labels(labels) -> list:
    """Group or session labels in natural order: numbers numerically, then text.

    Parameters
    ----------
    labels
        Any iterable of labels (numbers, or text such as ``"2"``, ``"10"``, ``"PR-A"``).

    Returns
    -------
    list
        Labels that read as numbers first, by value (``"2"`` before ``"10"``), then the
        others in text order.

    Examples
    --------
    >>> sort_labels(["PR-B", "10", "2", "PR-A"])
    ['2', '10', 'PR-A', 'PR-B']
    """
    return sorted(labels, key=lambda v: (0, float(v), "") if _is_number(v) else (1, 0.0, str(v)))


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def group_means(
    scores: pd.DataFrame, scale: str, group_col: str = "group", confidence: float = 0.95
) -> pd.DataFrame:
    """Per-group n, mean, SD and t-based confidence interval of the mean.

    Parameters
    ----------
    scores
        One row per administration, with `scale` and `group_col` columns.
    scale
        Scale column to summarise.
    group_col
        Column naming each member's group.
    confidence
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``, one row per group in
        natural label order. Rows with a missing score or group are not counted.

    Notes
    -----
    CI: ``mean ± t(.975, n − 1) · sd / sqrt(n)``; a group of one member has no SD or CI.
    """
    data = scores[[group_col, scale]].dropna()
    values = pd.to_numeric(data[scale], errors="coerce")
    rows = []
    for label in sort_labels(data[group_col].unique()):
        in_group = values[data[group_col] == label].to_numpy(dtype=float)
        mean, sd, low, high = mean_ci(in_group, confidence)
        rows.append(
            {"group": label, "n": len(in_group), "mean": mean, "sd": sd}
            | {"ci_low": low, "ci_high": high}
        )
    return pd.DataFrame(rows, columns=["group", "n", "mean", "sd", "ci_low", "ci_high"])


def _reml_variances(y: np.ndarray, labels: np.ndarray) -> tuple[float, float, list[str]]:
    """Between- and within-group variance of a random-intercept model fitted by REML."""
    import statsmodels.api as sm

    from analysis.mixed import fit_reml

    # The ICC does not depend on the unit of the scale; standardising first keeps the
    # optimiser away from the huge or tiny variances some scales have (Dyestuff: ~2000).
    unit = float(np.std(y))
    z = (y - y.mean()) / unit
    fitted = fit_reml(sm.MixedLM(z, np.ones((len(y), 1)), groups=labels))
    if fitted.result is None or not fitted.converged:
        detail = "; ".join(fitted.problems[:3])
        return (
            math.nan,
            math.nan,
            [f"The REML model did not converge, so ICC(1) by REML is not given ({detail})."],
        )
    between = float(np.asarray(fitted.result.cov_re)[0, 0]) * unit**2
    within = float(fitted.result.scale) * unit**2
    notes: list[str] = []
    if between < BOUNDARY * within:
        between = 0.0
        notes.append(
            "REML estimates the between-group variance at zero (a boundary fit): members of "
            "one group are no more alike than members of different groups, so ICC(1) by REML "
            "is 0."
        )
    return (between, within, notes)


def group_structure(
    scores: pd.DataFrame, scale: str, group_col: str = "group", member_col: str = "member"
) -> GroupStructure:
    """How alike members of the same group are: ICC(1), ICC(2), design effect, group means.

    Parameters
    ----------
    scores
        Scored administrations at one timepoint (output of ``measures.score``, filtered to a
        timepoint): one row per member, with `scale`, `group_col` and `member_col` columns.
    scale
        Scale id (column of `scores`).
    group_col
        Column naming each member's group.
    member_col
        Column with the member code (used to count members).

    Returns
    -------
    GroupStructure
        Numbers that cannot be computed are ``nan`` and ``notes`` says why.

    Raises
    ------
    GroupDataError
        When `scale` or `group_col` is not a column of `scores`.

    Notes
    -----
    With ``J`` groups, ``n_j`` members in group ``j``, ``N = Σ n_j`` and mean group size
    ``k = N / J``, the one-way ANOVA gives ``MSB = Σ n_j (ȳ_j − ȳ)² / (J − 1)`` and
    ``MSW = Σ_j Σ_i (y_ij − ȳ_j)² / (N − J)``. Following Bliese (2000) and R's
    ``multilevel::ICC1`` / ``ICC2``:

    - ``icc1_anova = (MSB − MSW) / (MSB + (k − 1) · MSW)``, with ``k = N / J`` as in
      ``multilevel::ICC1`` (not the Snedecor–Cochran ``n0``);
    - ``icc2 = (MSB − MSW) / MSB``, the reliability of the group means.

    ``icc1_reml = τ² / (τ² + σ²)`` from the random-intercept model
    ``y_ij = γ + u_j + e_ij``, ``u_j ~ N(0, τ²)``, ``e_ij ~ N(0, σ²)`` fitted by REML
    (statsmodels ``MixedLM``, as ``lme4::lmer(y ~ 1 + (1 | group))``).

    ``design_effect = 1 + (k − 1) · icc1_reml`` (Kish, 1965): how much clustering inflates
    the variance of a mean compared with a simple random sample of the same size.

    When the two ICC(1) estimators differ: with equal group sizes and a positive ANOVA
    estimate they are the same number (lme4 Dyestuff: .4185 both ways). With unequal group
    sizes the ANOVA estimator, which plugs in the average group size, no longer equals the
    REML estimate, which weights each group by its own size; with small or very unequal groups
    the difference can reach the second decimal. When groups differ less than chance would
    make them (MSB < MSW) the ANOVA estimate is negative while REML stops at 0.

    Which one Mutuality shows: ``icc1_reml``, and the design effect uses it. REML is
    defined for unbalanced groups and cannot go below 0. ``icc1_anova`` is reported beside
    it so that results can be compared with studies that used Bliese's ANOVA formula; it is
    **not truncated**: a negative value is informative (no group-level similarity) and
    truncating it at 0 would bias averages over many groups. ``notes`` says so when it is
    negative.

    Nothing is made up for data that cannot support it: a single group, one member per
    group (no within-group spread), or scores that are all the same leave the ICCs ``nan``
    with the reason in ``notes``; group means are still given.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability:
    implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski (Eds.),
    *Multilevel theory, research, and methods in organizations* (pp. 349–381). Jossey-Bass.

    Raudenbush, S. W., & Bryk, A. S. (2002). *Hierarchical linear models* (2nd ed.), ch. 4.

    Kish, L. (1965). *Survey sampling*. Wiley.

    Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
    models using lme4. *Journal of Statistical Software*, 67(1).

    Examples
    --------
    >>> scores = pd.DataFrame(
    ...     {"member": list("abcdef"), "group": list("AABBCC"), "total": [1, 2, 5, 6, 9, 9]}
    ... )
    >>> result = group_structure(scores, "total")
    >>> round(result.icc1_anova, 3), round(result.icc2, 3)
    (0.977, 0.988)
    """
    for column in (scale, group_col):
        if column not in scores.columns:
            raise GroupDataError(
                f"no column named {column!r}; the columns are {', '.join(map(str, scores))}. "
                + (
                    "Add a `group` column naming each member's group."
                    if column == group_col
                    else "Pick one of the instrument's scales."
                )
            )
    notes: list[str] = []
    data = scores.copy()
    data[scale] = pd.to_numeric(data[scale], errors="coerce")
    unscored = int(data[scale].isna().sum())
    if unscored:
        notes.append(
            f"{unscored} administration(s) have no {scale} score (too many skipped items or "
            "no answers) and are not counted."
        )
    no_group = int((data[scale].notna() & data[group_col].isna()).sum())
    if no_group:
        notes.append(f"{no_group} scored administration(s) have no group and are not counted.")
    data = data.dropna(subset=[scale, group_col])
    groups = group_means(data, scale, group_col)
    n_obs = len(data)
    n_members = int(data[member_col].nunique()) if member_col in data else n_obs
    n_groups = len(groups)
    nan = math.nan
    result = GroupStructure(
        scale=scale,
        n_members=n_members,
        n_observations=n_obs,
        n_groups=n_groups,
        mean_group_size=n_obs / n_groups if n_groups else nan,
        icc1_reml=nan,
        icc1_anova=nan,
        icc2=nan,
        design_effect=nan,
        var_between=nan,
        var_within=nan,
        ms_between=nan,
        ms_within=nan,
        f=nan,
        df_between=max(n_groups - 1, 0),
        df_within=max(n_obs - n_groups, 0),
        p=nan,
        groups=groups,
        notes=notes,
    )
    if n_obs == 0:
        notes.append(f"No {scale} scores at all: nothing can be computed.")
        return result
    if n_groups < 2:
        notes.append(
            "Only one group: ICC(1), ICC(2) and the design effect compare groups, so they "
            "need at least two."
        )
        return result
    if n_obs == n_groups:
        notes.append(
            "Every group has a single scored member: the spread within groups cannot be "
            "estimated, so ICC(1), ICC(2) and the design effect cannot be computed."
        )
        return result
    y = data[scale].to_numpy(dtype=float)
    labels = data[group_col].astype(str).to_numpy()
    if np.ptp(y) == 0:
        notes.append(
            f"Every {scale} score is the same ({y[0]:g}): with no spread at all there is "
            "nothing to divide between and within groups, so the ICCs cannot be computed."
        )
        return result

    k = n_obs / n_groups
    grand = y.mean()
    sizes = groups["n"].to_numpy(dtype=float)
    means = groups["mean"].to_numpy(dtype=float)
    ss_between = float(np.sum(sizes * (means - grand) ** 2))
    group_of = pd.Series(labels)
    within_dev = y - group_of.map(dict(zip(groups["group"].astype(str), means, strict=True)))
    ss_within = float(np.sum(within_dev.to_numpy(dtype=float) ** 2))
    msb = ss_between / (n_groups - 1)
    msw = ss_within / (n_obs - n_groups)
    result.ms_between, result.ms_within = msb, msw
    if msw > 0:
        result.f = msb / msw
        result.p = float(stats.f.sf(result.f, n_groups - 1, n_obs - n_groups))
        result.icc1_anova = (msb - msw) / (msb + (k - 1) * msw)
        if result.icc1_anova < 0:
            notes.append(
                "ICC(1) by ANOVA is negative: the groups differ less than chance alone would "
                "make them. It is shown as computed (not set to 0); read it as no group-level "
                "similarity."
            )
    else:
        notes.append(
            "Members of each group all have the same score (no spread within groups): "
            "ICC(1) by ANOVA is undefined."
        )
    if msb > 0:
        result.icc2 = (msb - msw) / msb
    else:
        notes.append("All group means are equal: ICC(2) is undefined.")

    if msw > 0:
        between, within, reml_notes = _reml_variances(y, labels)
        notes.extend(reml_notes)
        result.var_between, result.var_within = between, within
        if math.isfinite(between) and math.isfinite(within):
            result.icc1_reml = between / (between + within)
            result.design_effect = 1 + (k - 1) * result.icc1_reml
    else:
        notes.append("ICC(1) by REML needs spread within groups, so it is not given.")
    if sizes.min() != sizes.max():
        notes.append(group_sizes_note(int(sizes.min()), int(sizes.max())))
    return result


def group_sizes_note(smallest: int | None = None, largest: int | None = None) -> str:
    """The note of a group structure whose groups differ in size, with or without the sizes.

    A result fit to publish leaves the sizes out when a group's size is hidden
    (``services.published.groups``): "Group sizes differ: ..." instead of "(3 to 8 members)".

    >>> group_sizes_note(3, 8)[:36]
    'Group sizes differ (3 to 8 members):'
    """
    sizes = "" if smallest is None or largest is None else f" ({smallest} to {largest} members)"
    return (
        f"Group sizes differ{sizes}: ICC(1) by REML and by ANOVA are different estimators "
        "here; Mutuality reports the REML value as the ICC(1)."
    )
