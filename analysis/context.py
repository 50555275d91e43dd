"""Outcomes by grouping: scores, pre/post change and session trend of each self-description.

Pure statistics for `cli.py context` (issue 14): a scored table with each administration's
grouping in, per-grouping results and differences from a reference grouping out.

Members answer more than once (every session), so a grouping's answers are not independent.
Every interval here treats the member as the unit: the standard error of a mean is clustered
by member (CR1, the sandwich estimator with the G/(G-1) correction) and the t quantile has
members - 1 degrees of freedom. When each member answered once this is exactly the ordinary
t interval (R's ``t.test``), and a difference of two groupings is then exactly Welch's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

LEVEL = 0.95


@dataclass
class MeanCI:
    """A mean with its member-clustered standard error and t interval."""

    n: int
    members: int
    mean: float | None
    sd: float | None
    se: float | None
    df: int | None
    ci_low: float | None
    ci_high: float | None


def clustered_mean(values: pd.Series, members: pd.Series, level: float = LEVEL) -> MeanCI:
    """Mean of `values` with a standard error clustered by `members` (CR1) and a t interval.

    With one value per member the interval equals ``t.test(values)$conf.int``. Fewer than
    two members: the mean alone (no interval: there is no spread between members to use).
    """
    frame = pd.DataFrame({"y": values, "m": members}).dropna()
    n, g = len(frame), int(frame["m"].nunique())
    if n == 0:
        return MeanCI(0, 0, None, None, None, None, None, None)
    mean = float(frame["y"].mean())
    sd = float(frame["y"].std(ddof=1)) if n > 1 else None
    if g < 2:
        return MeanCI(n, g, mean, sd, None, None, None, None)
    sums = (frame["y"] - mean).groupby(frame["m"]).sum().to_numpy()
    se = float(np.sqrt(np.sum(sums**2) * g / (g - 1)) / n)
    half = float(stats.t.ppf(0.5 + level / 2, g - 1)) * se
    return MeanCI(n, g, mean, sd, se, g - 1, mean - half, mean + half)


@dataclass
class Difference:
    """One grouping's mean minus the reference grouping's, with a Welch-type interval."""

    value: str
    reference: str
    difference: float
    se: float
    df: float
    ci_low: float
    ci_high: float


def mean_difference(
    value: str, a: MeanCI, reference: str, b: MeanCI, level: float = LEVEL
) -> Difference | None:
    """`a` minus `b`: SE from both clustered SEs, Welch-Satterthwaite df on member df.

    With one value per member this is ``t.test(a, b)`` (Welch). None when either mean has no
    standard error (fewer than two members).
    """
    if a.se is None or b.se is None or a.mean is None or b.mean is None:
        return None
    se = float(np.sqrt(a.se**2 + b.se**2))
    if se == 0:
        return None
    df = se**4 / (a.se**4 / a.df + b.se**4 / b.df)
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    diff = a.mean - b.mean
    return Difference(value, reference, diff, se, float(df), diff - half, diff + half)


@dataclass
class PairedChange:
    """Mean post - pre change of the members of one grouping who answered both."""

    n: int
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None


def paired_change(pre: pd.Series, post: pd.Series, level: float = LEVEL) -> PairedChange:
    """Mean of post - pre with a t interval (``t.test(post, pre, paired = TRUE)``)."""
    change = (post - pre).dropna()
    n = len(change)
    if n == 0:
        return PairedChange(0, None, None, None)
    mean = float(change.mean())
    if n < 2:
        return PairedChange(n, mean, None, None)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(change.std(ddof=1)) / np.sqrt(n)
    return PairedChange(n, mean, mean - half, mean + half)


@dataclass
class Slope:
    """Change per session of one grouping (or its difference from the reference)."""

    value: str
    slope: float
    se: float
    df: int
    ci_low: float
    ci_high: float


def _clustered_fit(frame: pd.DataFrame, formula: str):
    model = smf.ols(formula, data=frame)
    return model.fit(
        cov_type="cluster", cov_kwds={"groups": frame["member"].astype("category").cat.codes}
    )


def session_slopes(
    frame: pd.DataFrame, reference: str, level: float = LEVEL
) -> tuple[dict[str, Slope], dict[str, Slope]]:
    """Per-grouping slope on session, and each grouping's slope minus the reference's.

    `frame` has ``member``, ``grouping``, ``session`` (a number) and ``score``. One least-
    squares line per grouping (``score ~ session``) and one model with the interaction
    (``score ~ session * grouping``), each with standard errors clustered by member as R's
    ``sandwich::vcovCL(type = "HC1")`` and t on members - 1 df (``lmtest::coeftest``).
    Groupings with fewer than two members or one session are left out.
    """
    frame = frame.dropna(subset=["score", "session"]).copy()
    frame["session"] = frame["session"].astype(float)
    level_q = 0.5 + level / 2
    slopes: dict[str, Slope] = {}
    usable = []
    for value, rows in frame.groupby("grouping", sort=True):
        g = int(rows["member"].nunique())
        if g < 2 or rows["session"].nunique() < 2:
            continue
        usable.append(value)
        fit = _clustered_fit(rows, "score ~ session")
        se = float(fit.bse["session"])
        half = float(stats.t.ppf(level_q, g - 1)) * se
        b = float(fit.params["session"])
        slopes[value] = Slope(value, b, se, g - 1, b - half, b + half)
    differences: dict[str, Slope] = {}
    if reference not in usable or len(usable) < 2:
        return slopes, differences
    both = frame[frame["grouping"].isin(usable)].copy()
    others = [v for v in usable if v != reference]
    for k, value in enumerate(others):
        both[f"g{k}"] = (both["grouping"] == value).astype(float)
    terms = " + ".join(f"g{k} + session:g{k}" for k in range(len(others)))
    fit = _clustered_fit(both, f"score ~ session + {terms}")
    g = int(both["member"].nunique())
    for k, value in enumerate(others):
        name = f"session:g{k}"
        se = float(fit.bse[name])
        half = float(stats.t.ppf(level_q, g - 1)) * se
        b = float(fit.params[name])
        differences[value] = Slope(value, b, se, g - 1, b - half, b + half)
    return slopes, differences


def grouping_rates(
    members: pd.DataFrame,
    marks: pd.DataFrame,
    timepoints: pd.DataFrame,
    alerts: pd.DataFrame,
) -> pd.DataFrame:
    """Attendance, dropout, disconnection alerts and reconnection per grouping of members.

    Parameters
    ----------
    members
        ``member`` and ``grouping``: every member counted, once.
    marks
        Attendance marks: ``member``, ``present`` (bool).
    timepoints
        ``member`` and ``timepoint`` of each administration: a member with a ``pre`` and no
        ``post`` dropped out.
    alerts
        Member disconnection records (analysis.repairs): ``member``, ``status``.

    Returns
    -------
    pandas.DataFrame
        One row per grouping: ``members``; ``attendance`` (present marks / marks) and
        ``marks``; ``started`` (members with a pre) and ``dropout`` (share of them without
        a post); ``alerted`` (share of members with an alert) and ``alerts``;
        ``reconnected`` (share of decided alerts whose member reconnected) and ``decided``.
        A share with nothing to divide is NaN.

    Examples
    --------
    >>> members = pd.DataFrame({"member": ["A", "B", "C"], "grouping": ["x", "x", "y"]})
    >>> marks = pd.DataFrame({"member": ["A", "A", "B", "C"],
    ...                       "present": [True, False, True, True]})
    >>> points = pd.DataFrame({"member": ["A", "B", "B"], "timepoint": ["pre", "pre", "post"]})
    >>> alerts = pd.DataFrame({"member": ["A"], "status": ["reconnected"]})
    >>> rates = grouping_rates(members, marks, points, alerts).set_index("grouping")
    >>> float(rates.loc["x", "attendance"]), float(rates.loc["x", "dropout"])
    (0.6666666666666666, 0.5)
    """
    from analysis.repairs import OUTCOMES

    label = {str(m): g for m, g in zip(members["member"], members["grouping"], strict=True)}
    rows = []
    points = timepoints.assign(timepoint=timepoints["timepoint"].astype(str).str.lower())
    pre = set(points.loc[points["timepoint"] == "pre", "member"].astype(str))
    post = set(points.loc[points["timepoint"] == "post", "member"].astype(str))
    for grouping in sorted(set(label.values())):
        who = {m for m, g in label.items() if g == grouping}
        own_marks = marks[marks["member"].astype(str).isin(who)]
        started = who & pre
        own_alerts = alerts[alerts["member"].astype(str).isin(who)]
        decided = own_alerts[own_alerts["status"].isin(OUTCOMES)]
        alerted = set(own_alerts["member"].astype(str))
        reconnected = int((decided["status"] == "reconnected").sum())
        rows.append(
            {
                "grouping": grouping,
                "members": len(who),
                "marks": len(own_marks),
                "attendance": _share(int(own_marks["present"].astype(bool).sum()), len(own_marks)),
                "started": len(started),
                "dropout": _share(len(started - post), len(started)),
                "alerts": len(own_alerts),
                "alerted": _share(len(alerted), len(who)),
                "decided": len(decided),
                "reconnected": _share(reconnected, len(decided)),
            }
        )
    return pd.DataFrame(rows)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")
