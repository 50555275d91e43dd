"""Trend of a scale over sessions: a mixed model of score on session number.

Members answer a check-in at each session. The question a facilitator or evaluator asks is
"does the score rise (or fall) from session to session, on average, and how much do members
differ in where they start and how fast they change?". ``session_trend`` answers it with a
linear mixed model: random intercept and slope per member, a variance component for the group
when there are two or more groups, fitted by REML.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.groups import sort_labels
from analysis.growth import GrowthFit, fit_growth
from analysis.mixed import MixedFit

#: A timepoint label that carries a session number: "3", "3.0", "session-3", "s3", "week 3".
SESSION_LABEL = re.compile(r"^\s*(?:[A-Za-z]+[\s_-]*)?(\d+(?:\.\d+)?)\s*$")

#: Random-effect SDs smaller than this fraction of the residual SD count as zero (boundary).
BOUNDARY = 1e-3


class TrendDataError(ValueError):
    """Scores that cannot be put on a session axis (no session number, no such scale)."""


@dataclass
class TrendResult:
    """Mixed-model trend of one scale over sessions.

    Numbers that cannot be computed are ``nan``; ``notes`` says why in plain words.
    ``sessions`` has one row per session: ``session``, ``n``, ``mean``, ``sd``, ``ci_low``,
    ``ci_high``. ``group_slopes`` has one row per group (two or more groups only):
    ``group``, ``n_members``, ``n_observations``, ``slope``, ``slope_se``, ``ci_low``,
    ``ci_high``, ``p``.
    """

    scale: str
    n_members: int
    n_groups: int
    n_observations: int
    model: str
    converged: bool
    intercept: float
    intercept_se: float
    slope: float
    slope_se: float
    slope_ci: tuple[float, float]
    slope_p: float
    sd_intercept_member: float
    sd_slope_member: float
    corr_intercept_slope_member: float
    sd_group: float
    sd_residual: float
    sessions: pd.DataFrame
    group_slopes: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def session_number(label: object) -> float:
    """The session number a session or timepoint label carries, or ``nan``.

    Parameters
    ----------
    label
        A number (3), or text such as ``"3"``, ``"session-3"``, ``"Session 3"``, ``"s3"``.

    Returns
    -------
    float
        The number, or ``nan`` for labels such as ``"pre"`` that carry none.

    Examples
    --------
    >>> session_number("session-3"), session_number(4), session_number("pre")
    (3.0, 4.0, nan)
    """
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return math.nan
    if isinstance(label, int | float | np.integer | np.floating):
        return float(label)
    match = SESSION_LABEL.match(str(label))
    return float(match.group(1)) if match else math.nan


def _session_numbers_of(labels: pd.Series) -> pd.Series:
    """`session_number` of every label, worked out once per distinct label."""
    codes, uniques = pd.factorize(labels)
    numbers = np.array([*(session_number(label) for label in uniques), math.nan], dtype=float)
    return pd.Series(numbers[codes], index=labels.index, name=labels.name)


def session_numbers_found(scores: pd.DataFrame) -> pd.Series:
    """Session number of every administration where it has one, else ``nan``.

    The one rule for session numbers: the ``session`` column, else a number the timepoint
    carries (`session_number`: ``session-3``, ``3``, ``s3``); ``pre`` and ``post`` carry none.

    Examples
    --------
    >>> frame = pd.DataFrame({"timepoint": ["pre", "session-2", "3"], "session": [None, None, 7]})
    >>> session_numbers_found(frame).tolist()
    [nan, 2.0, 7.0]
    """
    numbers = pd.Series(math.nan, index=scores.index, dtype=float)
    if "session" in scores.columns:
        numbers = _session_numbers_of(scores["session"])
    if "timepoint" in scores.columns:
        numbers = numbers.fillna(_session_numbers_of(scores["timepoint"]))
    return numbers


def session_numbers(scores: pd.DataFrame) -> pd.Series:
    """Session number of every administration: the ``session`` column, else the timepoint.

    Parameters
    ----------
    scores
        Scored administrations with ``session`` and/or ``timepoint`` columns.

    Returns
    -------
    pandas.Series
        Float session numbers aligned with `scores` (`session_numbers_found`).

    Raises
    ------
    TrendDataError
        When an administration has neither a session number nor a timepoint that carries one
        (``pre``, ``post``); the message lists the first few and says what to do.
    """
    numbers = session_numbers_found(scores)
    missing = numbers.isna()
    if missing.any():
        shown = scores.loc[missing].head(5)
        examples = ", ".join(
            f"member {row.get('member', '?')} timepoint {row.get('timepoint', '?')!r}"
            for _, row in shown.iterrows()
        )
        raise TrendDataError(
            f"{int(missing.sum())} administration(s) have no session number ({examples}). "
            "A trend needs the session number of every answer: add a `session` column "
            "(1, 2, 3, ...) or name the timepoints session-1, session-2, ..."
        )
    return numbers


def session_means(
    scores: pd.DataFrame,
    scale: str,
    session_col: str = "session",
    confidence: float = 0.95,
    by: str | None = None,
) -> pd.DataFrame:
    """Per-session n, mean, SD and t-based confidence interval of the mean.

    Parameters
    ----------
    scores
        One row per administration with `scale` and a numeric `session_col`.
    scale
        Scale column.
    session_col
        Column with the session number.
    confidence
        Confidence level.
    by
        Optional column (for example ``group``): one row per value of it and session,
        computed in one pass however many groups there are.

    Returns
    -------
    pandas.DataFrame
        ``session``, ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high`` in session order (after
        `by`, sorted, when given).

    Notes
    -----
    ``mean ± t(1 - (1 - confidence)/2, n − 1) · sd / sqrt(n)`` with the sample SD (n − 1), as
    `analysis.groups.mean_ci`; a session with one answer has no SD or CI.
    """
    columns = ["session", "n", "mean", "sd", "ci_low", "ci_high"]
    keys = [session_col] if by is None else [by, session_col]
    data = scores[[*keys, scale]].dropna(subset=[session_col, scale])
    if by is not None:
        columns = [by, *columns]
    if data.empty:
        return pd.DataFrame(columns=columns)
    values = data[scale].astype(float)
    summary = values.groupby([data[k] for k in keys], sort=False).agg(["count", "mean", "std"])
    summary = summary.reset_index()
    summary.columns = [*keys, "n", "mean", "sd"]
    rank = {
        label: position for position, label in enumerate(sort_labels(data[session_col].unique()))
    }
    summary = summary.assign(_rank=summary[session_col].map(rank))
    summary = summary.sort_values(["_rank"] if by is None else [by, "_rank"], kind="stable")
    n = summary["n"].to_numpy(dtype=float)
    sd = np.where(n >= 2, summary["sd"].to_numpy(dtype=float), np.nan)
    with np.errstate(invalid="ignore"):
        t = stats.t.ppf(1 - (1 - confidence) / 2, np.where(n >= 2, n - 1, np.nan))
    half = t * sd / np.sqrt(n)
    mean = summary["mean"].to_numpy(dtype=float)
    numbers = summary[session_col].astype(float)
    result = pd.DataFrame(
        {
            "session": [int(v) if float(v).is_integer() else float(v) for v in numbers],
            "n": summary["n"].astype(int).to_numpy(),
            "mean": mean,
            "sd": sd,
            "ci_low": mean - half,
            "ci_high": mean + half,
        }
    )
    if by is not None:
        result.insert(0, by, summary[by].to_numpy())
    return result.reset_index(drop=True)


@dataclass
class _Spec:
    """One candidate random-effects structure."""

    description: str
    member_slope: bool
    group_component: bool


def _fit(data: pd.DataFrame, spec: _Spec) -> MixedFit:
    """Fit one candidate structure by exact REML (``analysis.growth.fit_growth``).

    Without groups the member intercept and slope are correlated (``(session | member)``);
    nested in groups they are independent variance components, the model statsmodels'
    ``MixedLM`` with ``vc_formula`` fits (``(1 | group) + (1 | group:member) +
    (0 + session | group:member)``).
    """
    try:
        fit = fit_growth(
            data["member"],
            data["session"],
            data["score"],
            data["group"],
            member_slope=spec.member_slope,
            correlated=not spec.group_component,
            group_intercept=spec.group_component,
        )
    except (np.linalg.LinAlgError, ValueError) as error:
        return MixedFit(result=None, converged=False, problems=[str(error)])
    return MixedFit(result=fit, converged=fit.converged, problems=fit.problems)


def _random_parts(fit: GrowthFit, spec: _Spec) -> dict[str, float]:
    """SDs of the random effects of a fit, by name."""
    parts = {
        "sd_intercept_member": math.sqrt(max(fit.member_cov[0, 0], 0.0)),
        "sd_slope_member": math.nan,
        "corr": math.nan,
        "sd_group": math.sqrt(max(fit.group_var, 0.0)) if spec.group_component else math.nan,
    }
    if spec.member_slope:
        parts["sd_slope_member"] = math.sqrt(max(fit.member_cov[1, 1], 0.0))
        denominator = math.sqrt(max(fit.member_cov[0, 0] * fit.member_cov[1, 1], 0.0))
        if not spec.group_component and denominator > 0:
            parts["corr"] = fit.member_cov[0, 1] / denominator
    return parts


def _singular(parts: dict[str, float], spec: _Spec, sd_residual: float, span: float) -> str:
    """Why a fit is singular (lme4's sense), or '' when it is not."""
    if spec.member_slope:
        # Compare the slope SD over the whole session span with the residual SD.
        if parts["sd_slope_member"] * max(span, 1.0) < BOUNDARY * sd_residual:
            return "members' slopes were estimated not to differ at all (variance 0)"
        if math.isfinite(parts["corr"]) and abs(parts["corr"]) > 0.999:
            return (
                "members' starting points and slopes came out perfectly correlated "
                f"(r = {parts['corr']:.3f}), a sign the data cannot separate them"
            )
    if parts["sd_intercept_member"] < BOUNDARY * sd_residual:
        return "members were estimated not to differ in their average score (variance 0)"
    return ""


def _group_slopes(data: pd.DataFrame, member_slope: bool, notes: list[str]) -> pd.DataFrame:
    """Each group's own fixed slope from one model with a group × session interaction."""
    columns = ["group", "n_members", "n_observations", "slope", "slope_se", "ci_low", "ci_high"]
    columns.append("p")
    try:
        fit = fit_growth(
            data["member"],
            data["session"],
            data["score"],
            data["group"],
            member_slope=member_slope,
            fixed_per_group=True,
        )
    except (np.linalg.LinAlgError, ValueError):
        fit = None
    if fit is None or not fit.converged:
        notes.append(
            "Per-group slopes could not be estimated: the model with a slope for each group "
            "did not converge."
        )
        return pd.DataFrame(columns=columns)
    z = stats.norm.ppf(0.975)
    # Members and observations of every group in one pass (hundreds of groups).
    sizes = data.groupby("group", sort=False).agg(
        n_members=("member", "nunique"), n_observations=("member", "size")
    )
    rows = []
    for label in sort_labels(data["group"].unique()):
        name = f"{label}:time"
        slope, se = float(fit.fixed[name]), float(fit.fixed_se[name])
        rows.append(
            {
                "group": label,
                "n_members": int(sizes.at[label, "n_members"]),
                "n_observations": int(sizes.at[label, "n_observations"]),
                "slope": slope,
                "slope_se": se,
                "ci_low": slope - z * se,
                "ci_high": slope + z * se,
                "p": float(2 * stats.norm.sf(abs(slope / se))) if se > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def session_trend(
    scores: pd.DataFrame,
    scale: str,
    *,
    member_col: str = "member",
    group_col: str = "group",
) -> TrendResult:
    """Mixed model of a scale score on session number, members nested in groups.

    Parameters
    ----------
    scores
        Scored administrations (output of ``measures.score``): one row per member and
        session, with `scale`, `member_col`, optionally `group_col`, and a ``session`` column
        or timepoints that carry a session number (``3``, ``session-3``).
    scale
        Scale id (a column of `scores`).
    member_col, group_col
        Columns with the member code and the group.

    Returns
    -------
    TrendResult
        Fixed intercept and slope (per session) with SE, 95% CI and p; SDs of the random
        effects and the residual; per-session means; per-group slopes; ``notes``.

    Raises
    ------
    TrendDataError
        When `scale` is not a column or an administration has no session number.

    Notes
    -----
    One group (or no group column): ``lme4::lmer(score ~ session + (session | member))``,

    ``y_ti = (γ0 + u0_i) + (γ1 + u1_i) · session_ti + e_ti``, with
    ``(u0_i, u1_i) ~ N(0, [[τ0², τ01], [τ01, τ1²]])`` and ``e_ti ~ N(0, σ²)``.

    Two or more groups: a random intercept ``v_g ~ N(0, τ_g²)`` per group is added, with
    members nested in groups. statsmodels expresses nesting through variance components,
    which are independent, so this model is
    ``lmer(score ~ session + (1 | group) + (1 | group:member) + (0 + session | group:member))``:
    the member intercept–slope correlation is not estimated (``corr`` is ``nan``).

    Fitting and fall-back, reported in ``notes`` instead of printed warnings: the model is
    fitted by exact REML (``analysis.growth.fit_growth``, from per-member sums, so 20,000
    members take well under a second; the estimates are statsmodels' and lme4's). If it does not
    converge, or is singular (slope variance 0, or intercept and slope perfectly correlated),
    the random slope is dropped and the random-intercept model is reported instead
    (``sd_slope_member`` is then ``nan``). A random slope is not attempted when there are not
    more observations than member random effects (lme4's own check: ``n_obs > 2 ·
    n_members``), i.e. when members have two or fewer sessions each on average.

    The intercept is the expected score at session 0 (one step before session 1). The CI and
    p of the slope are Wald (normal) values as statsmodels computes them; lme4 prints no p.
    With few members they are optimistic: read them with the number of members in mind.

    Per-group slopes come from one model with a fixed slope for each group
    (``score ~ 0 + group + group:session``) and the same member random effects, rather than
    from separate fits per group: small groups borrow the estimate of the member variance
    from the others, and all slopes share one scale.

    References
    ----------
    Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
    models using lme4. *Journal of Statistical Software*, 67(1). (sleepstudy example.)

    Singer, J. D., & Willett, J. B. (2003). *Applied longitudinal data analysis*. Oxford
    University Press, ch. 3–4.

    Raudenbush, S. W., & Bryk, A. S. (2002). *Hierarchical linear models* (2nd ed.), ch. 6, 8.
    """
    if scale not in scores.columns:
        raise TrendDataError(
            f"no column named {scale!r}; the columns are {', '.join(map(str, scores))}. "
            "Pick one of the instrument's scales."
        )
    if member_col not in scores.columns:
        raise TrendDataError(f"no column named {member_col!r} with the member codes.")
    notes: list[str] = []
    data = pd.DataFrame(
        {
            "member": scores[member_col].astype(str),
            "score": pd.to_numeric(scores[scale], errors="coerce"),
            "session": session_numbers(scores),
        }
    )
    has_groups = group_col in scores.columns and scores[group_col].notna().any()
    if has_groups:
        data["group"] = scores[group_col].map(lambda v: None if pd.isna(v) else str(v))
        no_group = int((data["group"].isna() & data["score"].notna()).sum())
        if no_group:
            notes.append(f"{no_group} scored administration(s) have no group; not counted.")
    else:
        data["group"] = "all"
        notes.append("No group column: all members are treated as one group.")
    unscored = int(data["score"].isna().sum())
    if unscored:
        notes.append(
            f"{unscored} administration(s) have no {scale} score (too many skipped items or "
            "no answers) and are not counted."
        )
    data = data.dropna(subset=["score", "group"]).reset_index(drop=True)
    n_obs, n_members = len(data), int(data["member"].nunique())
    n_groups = int(data["group"].nunique())
    nan = math.nan
    result = TrendResult(
        scale=scale,
        n_members=n_members,
        n_groups=n_groups,
        n_observations=n_obs,
        model="none",
        converged=False,
        intercept=nan,
        intercept_se=nan,
        slope=nan,
        slope_se=nan,
        slope_ci=(nan, nan),
        slope_p=nan,
        sd_intercept_member=nan,
        sd_slope_member=nan,
        corr_intercept_slope_member=nan,
        sd_group=nan,
        sd_residual=nan,
        sessions=session_means(data, "score"),
        group_slopes=pd.DataFrame(),
        notes=notes,
    )
    n_sessions = int(data["session"].nunique())
    reason = ""
    if n_obs == 0:
        reason = f"there are no {scale} scores at all"
    elif n_sessions < 2:
        reason = "all scores come from one session; a trend needs at least two sessions"
    elif n_members < 2:
        reason = "there is only one member; the model compares members"
    elif n_obs <= n_members:
        reason = "each member has a single score; the model needs repeated scores"
    elif np.ptp(data["score"].to_numpy(dtype=float)) == 0:
        reason = f"every score is the same ({data['score'].iloc[0]:g}), so there is no trend"
    if reason:
        notes.append(f"No trend model: {reason}. Session means are still shown.")
        return result

    # Scores standardised for the optimiser; every estimate is scaled back below.
    unit = float(data["score"].std(ddof=0))
    centre = float(data["score"].mean())
    fit_data = data.assign(score=(data["score"] - centre) / unit)
    nested = n_groups >= 2
    candidates = []
    if n_obs > 2 * n_members:
        candidates.append(_Spec("random intercept and slope per member", True, nested))
    else:
        notes.append(
            "Members have two or fewer sessions each on average: too few to estimate how "
            "much their slopes differ, so the model has a random intercept per member only."
        )
    candidates.append(_Spec("random intercept per member", False, nested))
    span = float(data["session"].max() - data["session"].min())
    chosen = None
    for spec in candidates:
        fitted = _fit(fit_data, spec)
        is_last = spec is candidates[-1]
        if fitted.result is None or not fitted.converged:
            if is_last:
                detail = "; ".join(fitted.problems[:3])
                notes.append(f"The {spec.description} model did not converge ({detail}).")
                if fitted.result is None:
                    return result
                chosen = (spec, fitted)
            else:
                notes.append(
                    f"The model with a {spec.description} did not converge; the random slope "
                    "was dropped and a random-intercept model is reported instead."
                )
            continue
        parts = _random_parts(fitted.result, spec)
        why = _singular(parts, spec, math.sqrt(fitted.result.residual_var), span)
        if why and not is_last:
            notes.append(
                f"The model with a {spec.description} is singular: {why}. The random slope "
                "was dropped and a random-intercept model is reported instead."
            )
            continue
        if why:
            notes.append(f"The {spec.description} model is singular: {why}.")
        chosen = (spec, fitted)
        break
    if chosen is None:
        return result
    spec, fitted = chosen
    fit = fitted.result
    parts = _random_parts(fit, spec)
    if spec.group_component:
        spec_text = spec.description + " and per group"
        if parts["sd_group"] < BOUNDARY * math.sqrt(fit.residual_var):
            notes.append("Groups were estimated not to differ in their average (variance 0).")
    else:
        spec_text = spec.description
    z = stats.norm.ppf(0.975)
    slope = float(fit.fixed["time"]) * unit
    slope_se = float(fit.fixed_se["time"]) * unit
    result.model = spec_text
    result.converged = fitted.converged
    result.intercept = float(fit.fixed["Intercept"]) * unit + centre
    result.intercept_se = float(fit.fixed_se["Intercept"]) * unit
    result.slope, result.slope_se = slope, slope_se
    result.slope_ci = (slope - z * slope_se, slope + z * slope_se)
    result.slope_p = float(2 * stats.norm.sf(abs(slope / slope_se))) if slope_se > 0 else nan
    result.sd_intercept_member = parts["sd_intercept_member"] * unit
    result.sd_slope_member = parts["sd_slope_member"] * unit
    result.corr_intercept_slope_member = parts["corr"]
    result.sd_group = parts["sd_group"] * unit
    result.sd_residual = math.sqrt(float(fit.residual_var)) * unit
    if nested:
        slopes = _group_slopes(fit_data, spec.member_slope, notes)
        for column in ("slope", "slope_se", "ci_low", "ci_high"):
            slopes[column] = slopes[column].astype(float) * unit
        result.group_slopes = slopes
    return result
