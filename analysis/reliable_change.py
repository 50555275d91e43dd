"""Reliable change and clinical significance, with every method of R's clinicalsignificance.

Methods (``rci_method`` in ``clinicalsignificance::cs_distribution`` / ``cs_combined``, v2):
``jt`` Jacobson-Truax, ``gln`` Gulliksen-Lord-Novick, ``hll`` Hsu-Linn-Lord, ``en``
Edwards-Nunnally, ``nk`` Nunnally-Kotsch, ``ha`` Hageman-Arrindell and ``hlm`` (empirical
Bayes slopes of a multilevel model, three or more timepoints). The formulas follow the
package's source so that counts agree with its printed results; each function's Notes give them.

Direction: ``higher_is="better"`` is the package's ``better_is = "higher"`` (direction +1),
``"worse"`` its ``better_is = "lower"`` (direction -1). Categories per member: recovered,
improved, unchanged, deteriorated, harmed (recovered and harmed only with a cutoff).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.change import normalise_timepoint
from analysis.growth import fit_growth
from analysis.trend import session_number
from analysis.words import CountedText
from measures.schema import Instrument
from measures.scoring import keyed_items

__all__ = [
    "CATEGORIES",
    "METHODS",
    "METHOD_NAMES",
    "Cutoff",
    "ReliableChange",
    "ReliableChangeError",
    "category_counts",
    "clinical_cutoff",
    "hlm_input",
    "reliability_for_change",
    "reliable_change",
    "reliable_change_hlm",
    "sample_reliability",
]

#: Every reliable change method, in the package's order.
METHODS = ("jt", "gln", "hll", "en", "nk", "ha", "hlm")
#: The methods' names as users read them, on the page, in the reports and in the CLI's text.
METHOD_NAMES = {
    "jt": "Jacobson-Truax",
    "gln": "Gulliksen-Lord-Novick",
    "hll": "Hsu-Linn-Lord",
    "en": "Edwards-Nunnally",
    "nk": "Nunnally-Kotsch",
    "ha": "Hageman-Arrindell",
    "hlm": "Multilevel (HLM) slopes",
}
#: Why the HLM method has nothing to fit when no administration carries a number.
HLM_NO_TIME = (
    "the HLM method needs numbered sessions: a session column, or timepoints such as 1, 2, 3 "
    "or session-3 (pre and post alone are not enough)"
)
#: Categories, best first.
CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "harmed")


class ReliableChangeError(ValueError):
    """Arguments that make no sense together (unknown method, cutoff b without norms, ...)."""


@dataclass
class Cutoff:
    """A clinical cutoff between the clinical and the functional population.

    ``type`` is ``"a"``, ``"b"``, ``"c"`` (Jacobson & Truax 1991), ``"number"`` (given by the
    user) or, for the Hageman-Arrindell method, ``"a_true"``, ``"b_true"``, ``"c_true"``.
    """

    type: str
    value: float
    m_clinical: float | None = None
    sd_clinical: float | None = None
    m_functional: float | None = None
    sd_functional: float | None = None


@dataclass
class ReliableChange:
    """Per-member reliable change categories of one method.

    ``members`` has columns ``member`` (``group`` when present), ``pre``, ``post``,
    ``change``, ``rci`` and ``category`` (None when the method could not be computed).
    ``counts`` maps each category in play to its count; ``groups`` the same per group.
    ``details`` holds the method's constants (s_diff, se_prediction, r_dd, ...).
    ``problem`` says why nothing could be computed, else None.
    """

    method: str
    reliability: float | None
    critical_value: float
    cutoff: Cutoff | None
    members: pd.DataFrame
    counts: dict[str, int] | None
    groups: dict[str, dict[str, int]] = field(default_factory=dict)
    details: dict[str, float] = field(default_factory=dict)
    problem: str | None = None


def _direction(higher_is: str) -> int:
    if higher_is not in ("better", "worse"):
        raise ReliableChangeError(f"higher_is must be 'better' or 'worse', not {higher_is!r}")
    return 1 if higher_is == "better" else -1


def clinical_cutoff(
    cutoff: str | float,
    *,
    m_clinical: float,
    sd_clinical: float,
    higher_is: str,
    m_functional: float | None = None,
    sd_functional: float | None = None,
) -> Cutoff:
    """The Jacobson-Truax cutoff between the clinical and the functional population.

    Parameters
    ----------
    cutoff
        ``"a"``, ``"b"``, ``"c"`` or a number (used as it is).
    m_clinical, sd_clinical
        Mean and SD of the clinical population; clinicalsignificance uses the sample's
        pre scores.
    higher_is
        ``"better"`` or ``"worse"``.
    m_functional, sd_functional
        Mean and SD of a functional (non-clinical) population; needed for b and c.

    Returns
    -------
    Cutoff

    Notes
    -----
    With direction :math:`k = +1` when higher is better, else -1:
    a: :math:`M_c + 2 k s_c`; b: :math:`M_f - 2 k s_c` (the package uses the clinical SD here);
    c: :math:`(s_c M_f + s_f M_c) / (s_c + s_f)`.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to
    defining meaningful change in psychotherapy research. *J Consult Clin Psychol*, 59, 12-19.

    Examples
    --------
    >>> round(clinical_cutoff("a", m_clinical=35.475, sd_clinical=8.1586,
    ...                       higher_is="worse").value, 2)
    19.16
    """
    direction = _direction(higher_is)
    kind = str(cutoff).strip().lower()
    if kind not in ("a", "b", "c"):
        try:
            value = float(kind)
        except ValueError:
            raise ReliableChangeError(
                f"cutoff must be a, b, c or a number, not {cutoff!r}"
            ) from None
        return Cutoff("number", value, m_clinical, sd_clinical, m_functional, sd_functional)
    if kind in ("b", "c") and (m_functional is None or sd_functional is None):
        raise ReliableChangeError(
            f"cutoff {kind} needs the mean and SD of a functional population: give them, "
            "or use an instrument whose norms have them"
        )
    if kind == "a":
        value = m_clinical + direction * 2 * sd_clinical
    elif kind == "b":
        value = m_functional - direction * 2 * sd_clinical
    else:
        value = (sd_clinical * m_functional + sd_functional * m_clinical) / (
            sd_clinical + sd_functional
        )
    return Cutoff(kind, float(value), m_clinical, sd_clinical, m_functional, sd_functional)


def sample_reliability(items: pd.DataFrame) -> float:
    r"""Cronbach's alpha of the sample's own item answers (pairwise covariances).

    Parameters
    ----------
    items
        One row per administration, one column per (reverse-keyed) item.

    Returns
    -------
    float
        Alpha, or ``nan`` with fewer than two items or three complete answers.

    Notes
    -----
    :math:`\alpha = \frac{k}{k-1}(1 - \sum s_i^2 / s_X^2)` (pingouin.cronbach_alpha, which
    matches ``psych::alpha`` raw_alpha).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16, 297-334.
    """
    import pingouin

    usable = items.dropna(axis=1, how="all")
    if usable.shape[1] < 2 or len(usable.dropna()) < 3:
        return math.nan
    alpha, _ = pingouin.cronbach_alpha(data=usable.astype(float))
    return float(alpha)


def reliability_for_change(
    instrument: Instrument, scale: str, wide: pd.DataFrame, pre: object = None
) -> tuple[float | None, str | None]:
    r"""The reliability a reliable change index of `scale` uses, and where it comes from.

    Parameters
    ----------
    instrument
        The instrument definition; its ``norms`` may hold a published reliability.
    scale
        Scale id.
    wide
        Item answers, one row per administration (``ResponseTable.wide()``), with a
        ``timepoint`` column.
    pre
        The pre timepoint label (compared after `analysis.change.normalise_timepoint`);
        ``None`` for change that has no pre timepoint (session-to-session alerts): the
        sample's alpha is then taken over every administration.

    Returns
    -------
    tuple
        ``(reliability, source)``: the published value and ``"norms"``; else Cronbach's alpha
        of this sample's reverse-keyed items at `pre` and ``"sample_alpha_pre"`` (over every
        administration and ``"sample_alpha"`` when `pre` is ``None``) when it lies strictly
        between 0 and 1; else ``(None, None)`` (a single item, too few members, or an alpha
        outside (0, 1)).

    Notes
    -----
    The standard error of measurement is :math:`SE = SD_{pre}\sqrt{1 - r_{xx}}`, so
    :math:`r_{xx}` must lie in (0, 1). A published test-retest or internal-consistency value
    is preferred; the sample's own alpha (:func:`sample_reliability`) is the fallback.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to
    defining meaningful change in psychotherapy research. *Journal of Consulting and Clinical
    Psychology*, 59, 12-19.
    """
    norm = instrument.norms.get(scale)
    if norm is not None and norm.reliability is not None:
        return norm.reliability, "norms"
    if pre is None:
        rows, source = wide, "sample_alpha"
    else:
        labels = wide["timepoint"].map(normalise_timepoint)
        rows, source = wide[labels == normalise_timepoint(pre)], "sample_alpha_pre"
    alpha = sample_reliability(keyed_items(rows, instrument, instrument.scale(scale).items))
    if math.isfinite(alpha) and 0 < alpha < 1:
        return alpha, source
    return None, None


def _time_number(label: object) -> float:
    """A session or timepoint label as a number: numeric, else ``session-3`` style, else nan."""
    number = pd.to_numeric(pd.Series([normalise_timepoint(label)]), errors="coerce").iloc[0]
    return float(number) if pd.notna(number) else session_number(label)


def hlm_input(scores: pd.DataFrame, scale: str) -> pd.DataFrame:
    """The long table :func:`reliable_change_hlm` fits, from scored administrations.

    The one rule the CLI, the app and the report share, so a file gives the same HLM result
    everywhere. Each administration's ``time`` is

    1. its ``session`` when the file has a session column and the value is a number (``3``,
       ``"3"``) or carries one (``"session-3"``; :func:`analysis.trend.session_number`);
    2. else its ``timepoint``, read the same way (``2``, ``"2.0"``, ``"session-2"``);
    3. else, for a timepoint labelled ``pre`` or ``post`` (any case) in a file where other
       administrations are numbered, one session before the first numbered session (``pre``)
       or one after the last (``post``): a pre questionnaire precedes session 1, a post one
       follows the last session;
    4. else ``nan`` (the administration is left out of the fit).

    Parameters
    ----------
    scores
        Scored administrations (``measures.score``): ``member``, ``timepoint``, the `scale`
        column, optionally ``session`` and ``group``.
    scale
        Scale id (a column of `scores`).

    Returns
    -------
    pandas.DataFrame
        Columns ``member``, ``time`` (float, ``nan`` where no rule gives a number),
        ``score`` and ``group`` when `scores` has one; one row per administration.

    Examples
    --------
    >>> scores = pd.DataFrame(
    ...     {"member": ["A"] * 4, "timepoint": ["pre", "session-2", "session-3", "post"],
    ...      "wellbeing": [1.0, 2.0, 3.0, 4.0]}
    ... )
    >>> hlm_input(scores, "wellbeing")["time"].tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    time = pd.Series(math.nan, index=scores.index, dtype=float)
    if "session" in scores.columns:
        time = scores["session"].map(_time_number).astype(float)
    if "timepoint" in scores.columns:
        labels = scores["timepoint"]
        time = time.fillna(labels.map(_time_number).astype(float))
        if time.notna().any():
            word = labels.map(lambda label: (normalise_timepoint(label) or "").lower())
            first, last = time.min(), time.max()
            time = time.mask(time.isna() & (word == "pre"), first - 1)
            time = time.mask(time.isna() & (word == "post"), last + 1)
    frame = pd.DataFrame({"member": scores["member"], "time": time, "score": scores[scale]})
    if "group" in scores.columns:
        frame["group"] = scores["group"]
    return frame


def category_counts(categories: pd.Series, with_cutoff: bool) -> dict[str, int]:
    """Counts of each category in play (all five with a cutoff, else the middle three)."""
    names = CATEGORIES if with_cutoff else CATEGORIES[1:4]
    return {name: int((categories == name).sum()) for name in names}


def _categorise(
    rci: np.ndarray, direction: int, critical: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    improved = direction * rci > critical
    deteriorated = direction * rci < -critical
    return improved, ~improved & ~deteriorated, deteriorated


def _label(improved, unchanged, deteriorated, recovered=None, harmed=None) -> list[str]:
    labels = []
    for i in range(len(improved)):
        if recovered is not None and recovered[i]:
            labels.append("recovered")
        elif harmed is not None and harmed[i]:
            labels.append("harmed")
        elif improved[i]:
            labels.append("improved")
        elif deteriorated[i]:
            labels.append("deteriorated")
        else:
            labels.append("unchanged")
    return labels


def _finish(result: ReliableChange, with_cutoff: bool) -> ReliableChange:
    members = result.members
    result.counts = category_counts(members["category"], with_cutoff)
    if "group" in members.columns and len(members):
        # Counts per group in one pass (a state-wide program has hundreds of groups).
        names = CATEGORIES if with_cutoff else CATEGORIES[1:4]
        codes = pd.Categorical(members["category"].astype(object), categories=names).codes
        groups, labels = pd.factorize(members["group"], sort=True, use_na_sentinel=False)
        table = np.zeros((len(labels), len(names)), dtype=np.int64)
        counted = codes >= 0
        np.add.at(table, (groups[counted], codes[counted]), 1)
        for label, row in zip(labels, table, strict=True):
            result.groups[str(label)] = {name: int(n) for name, n in zip(names, row, strict=True)}
    return result


def _empty(method, reliability, critical, pairs, problem) -> ReliableChange:
    members = pairs.copy()
    members["rci"] = np.nan
    members["category"] = None
    return ReliableChange(method, reliability, critical, None, members, None, problem=problem)


def reliable_change(
    pairs: pd.DataFrame,
    *,
    method: str = "jt",
    reliability: float | None,
    higher_is: str,
    reliability_post: float | None = None,
    cutoff: str | float | None = None,
    functional_mean: float | None = None,
    functional_sd: float | None = None,
    significance_level: float = 0.05,
) -> ReliableChange:
    r"""Reliable change index and category of every member, for a two-timepoint method.

    Parameters
    ----------
    pairs
        Complete pairs: columns ``member`` (optional ``group``), ``pre``, ``post`` (as
        ``analysis.change.paired_scores`` returns them).
    method
        ``"jt"``, ``"gln"``, ``"hll"``, ``"en"``, ``"nk"`` or ``"ha"`` (for ``"hlm"`` use
        :func:`reliable_change_hlm`).
    reliability
        The instrument's reliability :math:`r_{xx}` (0 < r < 1). ``None`` gives a result whose
        ``problem`` says it is missing.
    higher_is
        ``"better"`` or ``"worse"``.
    reliability_post
        NK only: reliability at post; defaults to `reliability` as in the package.
    cutoff
        ``None`` (no clinical significance), ``"a"``, ``"b"``, ``"c"`` or a number.
    functional_mean, functional_sd
        Functional population for cutoffs b and c.
    significance_level
        Two-sided for every method but HA, whose criterion is one-sided
        (critical value :math:`z_{1-\alpha}` = 1.645 at .05; else :math:`z_{1-\alpha/2}`).

    Returns
    -------
    ReliableChange

    Notes
    -----
    With :math:`M_1, s_1` the mean and SD of pre, :math:`M_2, s_2` of post,
    :math:`r_{xx}` the reliability, direction k (+1 higher is better),
    :math:`SE = s_1\sqrt{1 - r_{xx}}` and :math:`SE_{pred} = s_1 \sqrt{1 - r_{xx}^2}`:

    - JT: :math:`RCI = (X_2 - X_1) / \sqrt{2 SE^2}`;
    - GLN: :math:`RCI = [(X_2 - M_1) - r_{xx}(X_1 - M_1)] / SE_{pred}`;
    - HLL: :math:`RCI = [(X_2 - M_2) - r_{xx}(X_1 - M_1)] / SE_{pred}`;
    - EN: :math:`RCI = [X_2 - (r_{xx}(X_1 - M_1) + M_1)] / SE`;
    - NK: :math:`RCI = [X_2 - (r_{xx}(X_1 - M_1) + M_1)] /
      \sqrt{r_{xx}^2 s_1^2 (1 - r_{xx}) + s_1^2 (1 - r_{post})}`;
    - HA: :math:`r_{xx,i} = (s_i^2 - SE^2)/s_i^2`, :math:`r_{12}` the pre-post correlation,
      :math:`r_{dd} = (s_1^2 r_{xx,1} + s_2^2 r_{xx,2} - 2 s_1 s_2 r_{12}) /
      (s_1^2 + s_2^2 - 2 s_1 s_2 r_{12})` and
      :math:`RCI = [(X_2 - X_1) r_{dd} + (M_2 - M_1)(1 - r_{dd})] /
      (\sqrt{r_{dd}} \sqrt{2 SE^2})`.

    Improved when :math:`k \cdot RCI` exceeds the critical value, deteriorated when it is
    below its negative. With a cutoff C (:func:`clinical_cutoff`, clinical population = the
    sample's pre scores): clinical at pre when :math:`k X_1 < k C`, functional at post when
    :math:`k X_2 > k C`; recovered = improved, clinical at pre and functional at post;
    harmed = deteriorated, not clinical at pre and not functional at post.
    HA uses its own "true score" cutoffs (a: :math:`M_1 + 2 k s_1 \sqrt{r_{xx,1}}`; b:
    :math:`M_f - 2 k s_1 \sqrt{r_{xx,1}}`; c: :math:`(s_1\sqrt{r_{xx,1}} M_f +
    s_f \sqrt{r_{xx,f}} M_1) / (s_1\sqrt{r_{xx,1}} + s_f\sqrt{r_{xx,f}})`) and an
    individual criterion :math:`CS = (M_2 + (X_2 - M_2) r_{xx,2} - C) / (\sqrt{r_{xx,2}} SE)`:
    recovered = improved, clinical at pre and :math:`k \cdot CS` above the critical value;
    the package counts no member of HA as harmed, and neither does this function.

    References
    ----------
    Jacobson & Truax (1991), J Consult Clin Psychol 59:12-19. Hsu, L. M. (1989), Behav Assess
    11:459-467; Hsu (1995), J Consult Clin Psychol 63:141-144. Speer, D. C. (1992), J Consult
    Clin Psychol 60:402-408. Nunnally & Kotsch (1983), Br J Clin Psychol 22:83-93. Hageman &
    Arrindell (1999), Behav Res Ther 37:1169-1193. Claus, B. clinicalsignificance (R package).

    Examples
    --------
    >>> pairs = pd.DataFrame({"member": ["a", "b"], "pre": [30.0, 20.0], "post": [10.0, 21.0]})
    >>> result = reliable_change(pairs, reliability=0.8, higher_is="worse")
    >>> result.members["category"].tolist()
    ['improved', 'unchanged']
    """
    method = method.lower()
    if method not in METHODS:
        raise ReliableChangeError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if method == "hlm":
        raise ReliableChangeError("use reliable_change_hlm for the HLM method")
    direction = _direction(higher_is)
    critical = float(
        stats.norm.ppf(1 - significance_level)
        if method == "ha"
        else stats.norm.ppf(1 - significance_level / 2)
    )
    pairs = pairs.reset_index(drop=True)
    if "change" not in pairs.columns:
        pairs = pairs.assign(change=pairs["post"] - pairs["pre"])
    if reliability is None or not math.isfinite(reliability):
        return _empty(
            method,
            None,
            critical,
            pairs,
            "no reliability: the instrument has no published reliability for this scale and "
            "none was given; give the scale's reliability (or item answers, so that the "
            "sample's alpha can be used)",
        )
    if not 0 < reliability < 1:
        raise ReliableChangeError(f"reliability must be between 0 and 1, not {reliability:g}")
    if len(pairs) < 2:
        return _empty(
            method,
            reliability,
            critical,
            pairs,
            f"{len(pairs)} complete pair(s): the pre-score SD needs at least 2",
        )
    x, y = pairs["pre"].to_numpy(float), pairs["post"].to_numpy(float)
    m_pre, sd_pre = x.mean(), x.std(ddof=1)
    m_post, sd_post = y.mean(), y.std(ddof=1)
    if sd_pre == 0:
        return _empty(
            method,
            reliability,
            critical,
            pairs,
            "every member has the same pre score, so the standard error of measurement "
            "(SD_pre * sqrt(1 - r)) is zero and no change can be judged",
        )
    se = sd_pre * math.sqrt(1 - reliability)
    details: dict[str, float] = {"m_pre": m_pre, "sd_pre": sd_pre, "se_measurement": se}
    if method == "jt":
        s_diff = math.sqrt(2 * se**2)
        rci = (y - x) / s_diff
        details["s_diff"] = s_diff
    elif method in ("gln", "hll"):
        se_prediction = sd_pre * math.sqrt(1 - reliability**2)
        centre_post = m_pre if method == "gln" else m_post
        rci = ((y - centre_post) - reliability * (x - m_pre)) / se_prediction
        details["se_prediction"] = se_prediction
        if method == "hll":
            details["m_post"] = m_post
    elif method == "en":
        rci = (y - (reliability * (x - m_pre) + m_pre)) / se
    elif method == "nk":
        r_post = reliability if reliability_post is None else reliability_post
        if not 0 < r_post < 1:
            raise ReliableChangeError(f"reliability_post must be in (0, 1), not {r_post:g}")
        denominator = math.sqrt(
            reliability**2 * sd_pre**2 * (1 - reliability) + sd_pre**2 * (1 - r_post)
        )
        rci = (y - (reliability * (x - m_pre) + m_pre)) / denominator
        details.update(reliability_post=r_post, denominator=denominator)
    else:  # ha
        if sd_post == 0:
            return _empty(
                method,
                reliability,
                critical,
                pairs,
                "every member has the same post score, so the Hageman-Arrindell reliability "
                "of the difference cannot be computed",
            )
        r_xx_1 = (sd_pre**2 - se**2) / sd_pre**2
        r_xx_2 = (sd_post**2 - se**2) / sd_post**2
        r_12 = float(np.corrcoef(x, y)[0, 1])
        r_dd = (sd_pre**2 * r_xx_1 + sd_post**2 * r_xx_2 - 2 * sd_pre * sd_post * r_12) / (
            sd_pre**2 + sd_post**2 - 2 * sd_pre * sd_post * r_12
        )
        details.update(m_post=m_post, sd_post=sd_post, r_dd=r_dd, r_xx_post=r_xx_2)
        if not r_dd > 0:
            return _empty(
                method,
                reliability,
                critical,
                pairs,
                f"the reliability of the difference score r_dd is {r_dd:.3f} (not positive): "
                "the Hageman-Arrindell RCI is undefined for these data",
            )
        rci = ((y - x) * r_dd + (m_post - m_pre) * (1 - r_dd)) / (
            math.sqrt(r_dd) * math.sqrt(2 * se**2)
        )
    improved, unchanged, deteriorated = _categorise(rci, direction, critical)
    members = pairs.copy()
    members["rci"] = rci
    recovered = harmed = None
    chosen: Cutoff | None = None
    if cutoff is not None:
        if method == "ha":
            chosen = _ha_cutoff(cutoff, x, se, direction, higher_is, functional_mean, functional_sd)
            # Functional at post by the individual true-score criterion CS (see Notes).
            cs = (m_post + (y - m_post) * r_xx_2 - chosen.value) / (math.sqrt(r_xx_2) * se)
            functional_post = direction * cs > critical
        else:
            chosen = clinical_cutoff(
                cutoff,
                m_clinical=m_pre,
                sd_clinical=sd_pre,
                higher_is=higher_is,
                m_functional=functional_mean,
                sd_functional=functional_sd,
            )
            functional_post = direction * y > direction * chosen.value
        clinical_pre = direction * x < direction * chosen.value
        recovered = clinical_pre & functional_post & improved
        harmed = (
            np.zeros(len(x), dtype=bool)  # the package counts no member of HA as harmed
            if method == "ha"
            else ~clinical_pre & ~functional_post & deteriorated
        )
    members["category"] = _label(improved, unchanged, deteriorated, recovered, harmed)
    result = ReliableChange(
        method,
        reliability,
        critical,
        chosen,
        members,
        None,
        details={k: float(v) for k, v in details.items()},
    )
    return _finish(result, with_cutoff=chosen is not None)


def _ha_cutoff(cutoff, x, se, direction, higher_is, functional_mean, functional_sd) -> Cutoff:
    """Hageman-Arrindell true-score cutoff for pre scores `x` (see reliable_change, Notes)."""
    kind = str(cutoff).strip().lower()
    m_pre, sd_pre = x.mean(), x.std(ddof=1)
    r_clinical = (sd_pre**2 - se**2) / sd_pre**2
    if kind in ("a", "b", "c"):
        if kind in ("b", "c") and (functional_mean is None or functional_sd is None):
            raise ReliableChangeError(
                f"cutoff {kind} needs the mean and SD of a functional population: give them, "
                "or use an instrument whose norms have them"
            )
        if kind == "a":
            value = m_pre + direction * 2 * sd_pre * math.sqrt(r_clinical)
        elif kind == "b":
            value = functional_mean - direction * 2 * sd_pre * math.sqrt(r_clinical)
        else:
            r_functional = (functional_sd**2 - se**2) / functional_sd**2
            if r_functional <= 0:
                raise ReliableChangeError(
                    "the functional SD is smaller than the standard error of measurement, so "
                    "the Hageman-Arrindell cutoff c is undefined; use cutoff a or b"
                )
            a, b = sd_pre * math.sqrt(r_clinical), functional_sd * math.sqrt(r_functional)
            value = (a * functional_mean + b * m_pre) / (a + b)
        return Cutoff(f"{kind}_true", float(value), m_pre, sd_pre, functional_mean, functional_sd)
    return clinical_cutoff(cutoff, m_clinical=m_pre, sd_clinical=sd_pre, higher_is=higher_is)


def reliable_change_hlm(
    scores: pd.DataFrame,
    *,
    higher_is: str,
    cutoff: str | float | None = None,
    functional_mean: float | None = None,
    functional_sd: float | None = None,
    significance_level: float = 0.05,
) -> ReliableChange:
    r"""Reliable change from each member's empirical Bayes slope (HLM method).

    Parameters
    ----------
    scores
        Long scores: columns ``member``, ``time`` (numeric), ``score`` and optional
        ``group`` (build it with :func:`hlm_input`); members with fewer than three
        non-missing scores are left out.
    higher_is
        ``"better"`` or ``"worse"``.
    cutoff, functional_mean, functional_sd
        As in :func:`reliable_change`; the member's first and last observed scores are the
        pre and post scores judged against the cutoff.
    significance_level
        Two-sided; critical value :math:`z_{1-\alpha/2}`.

    Returns
    -------
    ReliableChange
        ``rci`` is the member's slope deviation divided by its conditional SD;
        ``details`` holds the fixed slope.

    Notes
    -----
    Fits :math:`y_{ij} = \beta_0 + \beta_1 t_{ij} + u_{0i} + u_{1i} t_{ij} + e_{ij}` by REML
    (``lme4::lmer(outcome ~ time + (time | id), REML = TRUE)``; here exact REML from
    per-member sums, ``analysis.growth.fit_growth``, the same optimum as statsmodels MixedLM) and
    takes :math:`RCI_i = \hat u_{1i} / SD(\hat u_{1i} \mid y)`, the empirical Bayes slope
    deviation over its conditional SD (``lme4::ranef(condVar = TRUE)``), as
    clinicalsignificance does. The slope is a member's deviation from the average slope,
    so "improved" means improving reliably faster than the average member.

    References
    ----------
    Raudenbush, S. W., & Bryk, A. S. (2002). *Hierarchical Linear Models* (2nd ed.). Sage.
    """
    direction = _direction(higher_is)
    critical = float(stats.norm.ppf(1 - significance_level / 2))
    no_time = scores["time"].isna().all()
    data = scores.dropna(subset=["time", "score"]).copy()
    data["member"] = data["member"].astype(str)
    data = data.sort_values(["member", "time"], kind="stable")
    counts = data.groupby("member", sort=False)["score"].size()
    keep = counts[counts >= 3].index
    data = data[data["member"].isin(keep)]
    first = data.groupby("member", sort=False).agg(
        pre=("score", "first"), post=("score", "last"), n=("score", "size")
    )
    pairs = first.reset_index()[["member", "pre", "post"]]
    if "group" in data.columns:
        pairs.insert(1, "group", pairs["member"].map(data.groupby("member")["group"].first()))
    pairs["change"] = pairs["post"] - pairs["pre"]
    if no_time:
        return _empty("hlm", None, critical, pairs, HLM_NO_TIME)
    if data["time"].nunique() < 3 or len(keep) < 3:
        return _empty(
            "hlm",
            None,
            critical,
            pairs,
            CountedText(
                "the HLM method needs three or more numbered timepoints and at least three "
                "members with three or more scores ({qualify} qualify)",
                qualify=len(keep),
            ),
        )
    try:
        fit = fit_growth(data["member"], data["time"], data["score"])
    except (np.linalg.LinAlgError, ValueError) as error:
        return _empty(
            "hlm", None, critical, pairs, f"the multilevel model could not be fitted: {error}"
        )
    effects = fit.member_effects().reindex(pairs["member"])
    members = pairs.copy()
    sd = np.sqrt(effects["var_slope"].to_numpy(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        rci = np.where(sd > 0, effects["slope"].to_numpy(float) / sd, math.nan)
    rci = np.asarray(rci)
    if not np.isfinite(rci).all():
        return _empty(
            "hlm",
            None,
            critical,
            pairs,
            "the multilevel model found no variance between members' slopes, so no member's "
            "slope can be told apart from the average",
        )
    improved, unchanged, deteriorated = _categorise(rci, direction, critical)
    members["rci"] = rci
    recovered = harmed = None
    chosen = None
    if cutoff is not None:
        x, y = members["pre"].to_numpy(float), members["post"].to_numpy(float)
        chosen = clinical_cutoff(
            cutoff,
            m_clinical=float(x.mean()),
            sd_clinical=float(x.std(ddof=1)),
            higher_is=higher_is,
            m_functional=functional_mean,
            sd_functional=functional_sd,
        )
        clinical_pre = direction * x < direction * chosen.value
        functional_post = direction * y > direction * chosen.value
        recovered = clinical_pre & functional_post & improved
        harmed = ~clinical_pre & ~functional_post & deteriorated
    members["category"] = _label(improved, unchanged, deteriorated, recovered, harmed)
    details = {"fixed_slope": float(fit.fixed["time"]), "n_observations": float(len(data))}
    result = ReliableChange("hlm", None, critical, chosen, members, None, details=details)
    if not fit.converged:
        result.problem = (
            "the multilevel model reported convergence trouble; treat the HLM categories "
            "with caution"
        )
    return _finish(result, with_cutoff=chosen is not None)
