"""Pre/post change of one scale: complete pairs, paired t, Wilcoxon, paired effect sizes.

Change is always ``post - pre``. Inputs are scored tables (one row per administration, as
``measures.score`` writes them); results are a dataclass with a tidy ``pairs`` table, and every
figure that cannot be computed is ``nan`` with the reason in ``problems`` rather than a
made-up number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.words import CountedText

__all__ = [
    "ChangeInputError",
    "PairedChange",
    "d_z_confidence_interval",
    "normalise_timepoint",
    "paired_change",
    "paired_scores",
]


class ChangeInputError(ValueError):
    """A scored table that cannot be paired (missing columns, duplicate administrations)."""


def normalise_timepoint(value: object) -> str | None:
    """A timepoint label as text, with numbers written plainly.

    Spreadsheets store timepoint ``1`` as ``1``, ``1.0`` or ``"1"``; all of them mean the
    same timepoint, so whole numbers lose their ``.0`` and text is stripped.

    Parameters
    ----------
    value
        A timepoint as read from a file or typed by a user.

    Returns
    -------
    str or None
        ``None`` for a missing value.

    Examples
    --------
    >>> normalise_timepoint(1.0), normalise_timepoint(" 4 "), normalise_timepoint("pre")
    ('1', '4', 'pre')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number.is_integer():
        return str(int(number))
    return text


@dataclass
class PairedChange:
    """Pre/post change of one scale (see :func:`paired_change` for every field's formula)."""

    scale: str
    pre: str
    post: str
    n_pairs: int
    n_missing_pre: int
    n_missing_post: int
    mean_pre: float
    sd_pre: float
    mean_post: float
    sd_post: float
    mean_change: float
    sd_change: float
    r_pre_post: float
    t: float
    df: float
    p: float
    wilcoxon_p: float
    d_z: float
    d_z_ci: tuple[float, float]
    d_av: float
    g_av: float
    d_rm: float
    pairs: pd.DataFrame
    problems: list[str] = field(default_factory=list)


def paired_scores(
    scores: pd.DataFrame, scale: str, pre: object, post: object
) -> tuple[pd.DataFrame, int, int]:
    """Pair each member's score at `pre` with their score at `post`.

    Parameters
    ----------
    scores
        Either long in timepoints (columns ``member``, ``timepoint`` and `scale`; one row per
        administration, as ``measures.score`` returns) or already wide (columns ``member``,
        ``pre`` and ``post``, in which case `scale` is only a label).
    scale
        The scale column.
    pre, post
        Timepoint labels; ``1``, ``1.0`` and ``"1"`` are the same timepoint.

    Returns
    -------
    pairs : pandas.DataFrame
        Columns ``member`` (and ``group`` when present), ``pre``, ``post``, ``change``
        (post - pre), one row per member with both scores, in order of first appearance.
    n_missing_pre, n_missing_post : int
        Members left out for lacking a pre score (but having a post score), and the reverse.

    Raises
    ------
    ChangeInputError
        When columns are missing, `pre` equals `post`, or a member has two administrations
        at the same timepoint (which one counts is the user's decision, not ours).
    """
    if "member" not in scores.columns:
        raise ChangeInputError("the scored table has no 'member' column")
    pre_label, post_label = normalise_timepoint(pre), normalise_timepoint(post)
    if pre_label == post_label:
        raise ChangeInputError(
            f"pre and post are the same timepoint ('{pre_label}'); choose two different ones"
        )
    has_group = "group" in scores.columns
    if "timepoint" in scores.columns:
        if scale not in scores.columns:
            raise ChangeInputError(
                f"the scored table has no scale '{scale}'; its columns are "
                + ", ".join(map(str, scores.columns))
            )
        frame = scores.assign(
            member=scores["member"].map(lambda v: None if v is None else str(v).strip()),
            timepoint=scores["timepoint"].map(normalise_timepoint),
            score=pd.to_numeric(scores[scale], errors="coerce").astype(float),
        )
        known = sorted({t for t in frame["timepoint"] if t is not None})
        for label, role in ((pre_label, "pre"), (post_label, "post")):
            if label not in known:
                raise ChangeInputError(
                    f"timepoint '{label}' (the {role} timepoint) does not occur in the data; "
                    f"its timepoints are {', '.join(known) or 'none'}"
                )
        frame = frame[frame["timepoint"].isin([pre_label, post_label])]
        duplicated = frame[frame.duplicated(["member", "timepoint"], keep=False)]
        if not duplicated.empty:
            shown = ", ".join(
                f"member {m} at timepoint {t}"
                for m, t in duplicated[["member", "timepoint"]].drop_duplicates().head(5).values
            )
            raise ChangeInputError(
                f"{shown}: more than one administration of the same member at the same "
                "timepoint; keep one of them (or give the others a different timepoint)"
            )
        members = list(dict.fromkeys(frame["member"]))
        # Each member has at most one score per timepoint (checked above).
        at = {
            label: frame.loc[frame["timepoint"] == label].set_index("member")["score"]
            for label in (pre_label, post_label)
        }
        wide = pd.DataFrame(
            {
                "member": members,
                "pre": at[pre_label].reindex(members).to_numpy(),
                "post": at[post_label].reindex(members).to_numpy(),
            }
        )
        if has_group:
            groups = frame.groupby("member", sort=False)["group"].first()
            wide.insert(1, "group", wide["member"].map(groups))
    else:
        missing = [c for c in ("pre", "post") if c not in scores.columns]
        if missing:
            raise ChangeInputError(
                "the table needs a 'timepoint' column, or 'pre' and 'post' score columns"
            )
        columns = ["member", "group", "pre", "post"] if has_group else ["member", "pre", "post"]
        wide = scores[columns].copy()
        wide["pre"] = pd.to_numeric(wide["pre"], errors="coerce").astype(float)
        wide["post"] = pd.to_numeric(wide["post"], errors="coerce").astype(float)
    has_pre, has_post = wide["pre"].notna(), wide["post"].notna()
    n_missing_pre = int((~has_pre & has_post).sum())
    n_missing_post = int((has_pre & ~has_post).sum())
    pairs = wide[has_pre & has_post].reset_index(drop=True)
    pairs["change"] = pairs["post"] - pairs["pre"]
    return pairs, n_missing_pre, n_missing_post


def d_z_confidence_interval(t: float, n: int, level: float = 0.95) -> tuple[float, float]:
    r"""Confidence interval of d_z by inverting the noncentral t distribution.

    Parameters
    ----------
    t
        The paired t statistic, ``mean(change) / (sd(change) / sqrt(n))``.
    n
        Number of pairs (df = n - 1).
    level
        Confidence level.

    Returns
    -------
    tuple of float
        ``(lower, upper)``; ``(nan, nan)`` when t is not finite or n < 2.

    Notes
    -----
    Find the noncentrality parameters :math:`\lambda_L, \lambda_U` for which the observed
    t is the upper and lower :math:`(1 - level)/2` quantile of :math:`t_{n-1}(\lambda)`:
    :math:`P(T \le t \mid \lambda_L) = 1 - \alpha/2` and
    :math:`P(T \le t \mid \lambda_U) = \alpha/2`; then :math:`d_z = \lambda / \sqrt{n}`.
    This is the interval of ``effectsize::cohens_d(..., paired = TRUE)`` and
    ``MOTE::d_dep_t_diff``.

    References
    ----------
    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and the
    evaluation of statistical models. In *What if there were no significance tests?*

    Examples
    --------
    >>> lo, hi = d_z_confidence_interval(4.743, 10)
    >>> round(lo, 2), round(hi, 2)
    (0.56, 2.4)
    """
    if n < 2 or not math.isfinite(t):
        return (math.nan, math.nan)
    if t < 0:
        # scipy's noncentral t loses accuracy far in the left tail; use the symmetry
        # P(T <= t | ncp) = P(T >= -t | -ncp) and mirror the interval of -t.
        lower, upper = d_z_confidence_interval(-t, n, level)
        return (-upper, -lower)
    df = n - 1
    alpha = 1 - level

    def solve(target: float) -> float:
        def gap(ncp: float) -> float:
            probability = stats.nct.cdf(t, df, ncp)
            if not math.isfinite(probability):
                # far tails where scipy returns nan: the probability is 1 or 0 there
                probability = 1.0 if ncp < t else 0.0
            return probability - target

        lo, hi = t - 10.0, t + 10.0
        while gap(lo) < 0:
            lo -= 10.0
        while gap(hi) > 0:
            hi += 10.0
        return optimize.brentq(gap, lo, hi, xtol=1e-12)

    return (solve(1 - alpha / 2) / math.sqrt(n), solve(alpha / 2) / math.sqrt(n))


def _nan_result(scale, pre, post, pairs, n_missing_pre, n_missing_post, problems):
    nan = math.nan
    return PairedChange(
        scale=scale,
        pre=pre,
        post=post,
        n_pairs=len(pairs),
        n_missing_pre=n_missing_pre,
        n_missing_post=n_missing_post,
        mean_pre=float(pairs["pre"].mean()) if len(pairs) else nan,
        sd_pre=nan,
        mean_post=float(pairs["post"].mean()) if len(pairs) else nan,
        sd_post=nan,
        mean_change=float(pairs["change"].mean()) if len(pairs) else nan,
        sd_change=nan,
        r_pre_post=nan,
        t=nan,
        df=nan,
        p=nan,
        wilcoxon_p=nan,
        d_z=nan,
        d_z_ci=(nan, nan),
        d_av=nan,
        g_av=nan,
        d_rm=nan,
        pairs=pairs,
        problems=problems,
    )


def paired_change(
    scores: pd.DataFrame, scale: str, pre: object, post: object, level: float = 0.95
) -> PairedChange:
    r"""Pre/post change of a scale with paired tests and effect sizes.

    Parameters
    ----------
    scores
        Scored administrations (see :func:`paired_scores` for the two accepted layouts).
    scale
        Scale id (the score column).
    pre, post
        Timepoint labels; change is ``post - pre``.
    level
        Confidence level of the d_z interval.

    Returns
    -------
    PairedChange
        ``n_pairs`` complete pairs; ``n_missing_pre`` / ``n_missing_post`` members lost to a
        missing score; means and SDs (n - 1) of pre, post and change; ``r_pre_post``
        (Pearson); paired ``t``, ``df``, two-sided ``p``; ``wilcoxon_p``; ``d_z`` with its
        noncentral-t CI ``d_z_ci``; ``d_av``, ``g_av``, ``d_rm``; the ``pairs`` table; and
        ``problems``: why any figure is ``nan``.

    Notes
    -----
    With :math:`D = post - pre`, :math:`\bar D`, :math:`s_D` and n pairs:

    - :math:`t = \bar D / (s_D / \sqrt n)`, df = n - 1 (``stats::t.test(paired = TRUE)``);
    - :math:`d_z = \bar D / s_D = t / \sqrt n`, CI by :func:`d_z_confidence_interval`;
    - :math:`d_{av} = \bar D / ((s_{pre} + s_{post}) / 2)` (Lakens 2013, formula 10; note
      ``effectsize::repeated_measures_d(method = "av")`` divides by
      :math:`\sqrt{(s_{pre}^2 + s_{post}^2)/2}` instead);
    - :math:`g_{av} = d_{av} \cdot (1 - 3 / (4(n_1 + n_2) - 9))` with
      :math:`n_1 = n_2 = n`, Hedges' correction as Lakens (2013, formula 4) applies it;
    - :math:`d_{rm} = d_z \sqrt{2(1 - r)}` (Lakens 2013, formula 9);
    - Wilcoxon signed-rank test on D, zero differences dropped, exact p when n < 50 without
      ties or zero differences, else the normal approximation with continuity correction
      (``stats::wilcox.test(paired = TRUE)``).

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
    science: a practical primer for t-tests and ANOVAs. *Frontiers in Psychology*, 4, 863.

    Examples
    --------
    >>> scores = pd.DataFrame({"member": list("abcdabcd"), "timepoint": ["pre"] * 4 + ["post"] * 4,
    ...                        "total": [10, 12, 9, 14, 7, 10, 8, 9]})
    >>> result = paired_change(scores, "total", "pre", "post")
    >>> result.n_pairs, round(result.mean_change, 2)
    (4, -2.75)
    """
    pairs, n_missing_pre, n_missing_post = paired_scores(scores, scale, pre, post)
    pre_label, post_label = normalise_timepoint(pre), normalise_timepoint(post)
    n = len(pairs)
    # The counts stay fields of the message (analysis.words.CountedText), so a reader who
    # may not see small counts gets them hidden on the numbers, not by re-reading words.
    lost = f" ({{missing_pre}} had no {pre_label} score and {{missing_post}} no {post_label} score)"
    counts = {"missing_pre": n_missing_pre, "missing_post": n_missing_post}
    if n == 0:
        return _nan_result(
            scale,
            pre_label,
            post_label,
            pairs,
            n_missing_pre,
            n_missing_post,
            [
                CountedText(
                    f"no member has both a {pre_label} and a {post_label} score{lost}", **counts
                )
            ],
        )
    if n < 2:
        return _nan_result(
            scale,
            pre_label,
            post_label,
            pairs,
            n_missing_pre,
            n_missing_post,
            [
                CountedText(
                    "only {pairs} has both scores" + lost + "; at least 2 pairs are needed for "
                    "standard deviations, the t test and effect sizes",
                    pairs=n,
                    **counts,
                )
            ],
        )
    problems: list[str] = []
    x, y, d = (pairs[c].to_numpy(float) for c in ("pre", "post", "change"))
    mean_pre, mean_post, mean_d = x.mean(), y.mean(), d.mean()
    sd_pre, sd_post, sd_d = x.std(ddof=1), y.std(ddof=1), d.std(ddof=1)
    if sd_pre > 0 and sd_post > 0:
        r = float(np.corrcoef(x, y)[0, 1])
    else:
        r = math.nan
        problems.append(
            "every member has the same score at one timepoint, so the pre-post correlation "
            "and d_rm cannot be computed"
        )
    df = n - 1
    if sd_d > 0:
        t = mean_d / (sd_d / math.sqrt(n))
        p = float(2 * stats.t.sf(abs(t), df))
        d_z = mean_d / sd_d
        d_z_ci = d_z_confidence_interval(t, n, level)
        d_rm = d_z * math.sqrt(2 * (1 - r)) if math.isfinite(r) else math.nan
    else:
        t = p = d_z = d_rm = math.nan
        d_z_ci = (math.nan, math.nan)
        problems.append(
            f"every member changed by exactly {mean_d:g}, so the change has no variance: "
            "the t test, its p value, d_z and d_rm are undefined"
        )
    mean_sd = (sd_pre + sd_post) / 2
    if mean_sd > 0:
        d_av = mean_d / mean_sd
        g_av = d_av * (1 - 3 / (4 * (2 * n) - 9))
    else:
        d_av = g_av = math.nan
        problems.append("pre and post scores have no variance, so d_av and g_av are undefined")
    wilcoxon_p = _wilcoxon_p(d)
    if not math.isfinite(wilcoxon_p):
        problems.append("no member's score changed, so the Wilcoxon test has nothing to rank")
    return PairedChange(
        scale=scale,
        pre=pre_label,
        post=post_label,
        n_pairs=n,
        n_missing_pre=n_missing_pre,
        n_missing_post=n_missing_post,
        mean_pre=float(mean_pre),
        sd_pre=float(sd_pre),
        mean_post=float(mean_post),
        sd_post=float(sd_post),
        mean_change=float(mean_d),
        sd_change=float(sd_d),
        r_pre_post=r,
        t=float(t),
        df=float(df),
        p=p,
        wilcoxon_p=wilcoxon_p,
        d_z=float(d_z),
        d_z_ci=(float(d_z_ci[0]), float(d_z_ci[1])),
        d_av=float(d_av),
        g_av=float(g_av),
        d_rm=float(d_rm),
        pairs=pairs,
        problems=problems,
    )


def _wilcoxon_p(change: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p as R's wilcox.test computes it (see paired_change)."""
    nonzero = change[change != 0]
    if len(nonzero) == 0:
        return math.nan
    ties = len(np.unique(np.abs(nonzero))) < len(nonzero)
    zeros = len(nonzero) < len(change)
    method = "exact" if len(nonzero) < 50 and not ties and not zeros else "approx"
    result = stats.wilcoxon(nonzero, zero_method="wilcox", correction=True, method=method)
    return float(result.pvalue)
