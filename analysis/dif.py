"""Differential item functioning: whether an item measures the same in every grouping.

Ordinal logistic regression DIF (Swaminathan & Rogers 1990; Zumbo 1999; Choi, Gibbons & Crane
2011, the R package lordif). For each item, three proportional-odds (cumulative logit) models
of the item's answer are compared:

1. ``answer ~ total``                    (the matching variable alone)
2. ``answer ~ total + grouping``          (uniform DIF: one grouping answers higher at every level)
3. ``answer ~ total * grouping``          (non-uniform DIF: the difference changes with the level)

The likelihood-ratio chi-squares are 1 vs 2 (uniform, df = groupings - 1), 2 vs 3 (non-uniform,
df = groupings - 1) and 1 vs 3 (both, df = 2 (groupings - 1)), with the changes in McFadden,
Nagelkerke and Cox-Snell pseudo R-squared and the relative change in the total's coefficient
from model 1 to 2 (lordif's ``beta12``). These are the statistics of lordif's ``runolr``, and an
item is flagged by lordif's default rule: any of the three p-values at or below alpha = 0.01.

Two choices differ from lordif and are stated in every result (``criterion``):

* The matching variable is the scale's score (Zumbo 1999), not lordif's IRT theta from a
  graded response model. A therapy group's few dozen members cannot calibrate an IRT model;
  the score is what the scale reports. Purification is lordif's: items flagged in one pass
  leave the matching score of the next (`item_dif(..., purify=True)`).
* Sparse answer categories are merged as lordif's ``collapse`` merges them (a category with fewer
  than ``min_cell`` answers in any grouping joins the category below it), so the models are
  fitted on categories every grouping has used (see `collapse_categories`).

>>> result = item_dif(items, grouping, purify=True)    # doctest: +SKIP
>>> [i.item for i in result.items if i.flagged]       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

#: lordif's defaults: flag when any likelihood-ratio p-value is at or below this.
ALPHA = 0.01
#: lordif's default minCell: fewer answers than this in a category in any grouping merge it.
MIN_CELL = 5


@dataclass
class ItemDif:
    """The DIF statistics of one item (lordif's ``runolr`` quantities, unrounded)."""

    item: str
    n: int
    categories: int
    chi2_uniform: float | None = None
    df_uniform: int | None = None
    p_uniform: float | None = None
    chi2_nonuniform: float | None = None
    df_nonuniform: int | None = None
    p_nonuniform: float | None = None
    chi2_overall: float | None = None
    df_overall: int | None = None
    p_overall: float | None = None
    #: Change in McFadden's pseudo R-squared from model 1 to model 3 (lordif's pseudo13).
    delta_r2: float | None = None
    delta_r2_uniform: float | None = None
    delta_r2_nonuniform: float | None = None
    delta_r2_nagelkerke: float | None = None
    delta_r2_cox_snell: float | None = None
    #: |b_total(model 2) - b_total(model 1)| / |b_total(model 1)| (lordif's beta12).
    beta_change: float | None = None
    flagged: bool = False
    #: The grouping that answers highest and lowest at the same total (from model 2).
    higher: str | None = None
    lower: str | None = None
    reading: str = ""
    note: str | None = None

    def to_dict(self) -> dict:
        """Plain dict of every field (JSON-ready: floats or None)."""
        return asdict(self)


@dataclass
class DifResult:
    """The DIF table of a set of items by one grouping."""

    groupings: list[str]
    reference: str
    items: list[ItemDif] = field(default_factory=list)
    alpha: float = ALPHA
    min_cell: int = MIN_CELL
    notes: list[str] = field(default_factory=list)
    #: Passes of the models (more than one with purification).
    iterations: int = 0
    #: The items whose score matched members in the last pass.
    anchors: list[str] = field(default_factory=list)
    purified: bool = False

    @property
    def criterion(self) -> str:
        """The flagging rule and matching variable, in words."""
        purified = (
            ", recomputed without the flagged items until the same items are flagged twice "
            "(purification, as lordif does)"
            if self.purified
            else ""
        )
        return (
            f"An item is flagged when any of the three likelihood-ratio tests (uniform, "
            f"non-uniform, both) has p <= {self.alpha:g} (lordif's default criterion "
            f"'Chisqr', alpha = {self.alpha:g}). Members are matched on the scale's score "
            f"(Zumbo 1999), not on lordif's IRT theta{purified}; answer categories with fewer "
            f"than {self.min_cell} answers in a grouping are merged with the category below, "
            f"as lordif's minCell = {self.min_cell} does."
        )


def collapse_categories(answers: pd.Series, grouping: pd.Series, min_cell: int) -> pd.Series:
    """Answers recoded 1..m after merging sparse categories as lordif's ``collapse`` does.

    A category is kept when every grouping has at least `min_cell` answers in it; a category
    that is not joins the kept category below it. Sparse categories below the first kept one
    join each other but stay apart from it (lordif adds 1 to a cumulative count starting at 0).
    Raises ValueError when fewer than two categories are left.
    """
    table = pd.crosstab(grouping, answers)
    original = sorted(table.columns)
    sufficient = (table[original] >= min_cell).all(axis=0).astype(int).to_numpy()
    modified = np.cumsum(sufficient)
    if modified[0] == 0:
        modified = modified + 1
    if modified.max() < 2:
        raise ValueError(
            f"fewer than two answer categories have {min_cell} or more answers in every grouping"
        )
    return answers.map(dict(zip(original, modified.tolist(), strict=True)))


def _fit(answers: np.ndarray, exog: np.ndarray) -> tuple[float, np.ndarray]:
    """Log-likelihood and slopes of a proportional-odds logit model, fitted by maximum likelihood.

    P(answer <= k) = logistic(threshold_k - exog @ slopes), as MASS::polr, rms::lrm (with the
    sign of the slopes turned) and statsmodels' OrderedModel fit it. Thresholds are kept in
    order by fitting the first and the logs of the gaps; the gradient is exact (BFGS).
    """
    levels, y = np.unique(answers, return_inverse=True)
    k, p = len(levels) - 1, exog.shape[1]
    scale = exog.std(axis=0)
    scale[scale == 0] = 1.0
    x = (exog - exog.mean(axis=0)) / scale
    cumulative = np.cumsum(np.bincount(y, minlength=k + 1))[:-1] / len(y)
    start_thresholds = np.log(cumulative / (1 - cumulative))
    start = np.concatenate(
        [[start_thresholds[0]], np.log(np.maximum(np.diff(start_thresholds), 1e-3)), np.zeros(p)]
    )

    def unpack(params):
        thresholds = np.cumsum(np.concatenate([[params[0]], np.exp(params[1:k])]))
        return thresholds, params[k:]

    def objective(params):
        thresholds, slopes = unpack(params)
        eta = x @ slopes
        upper = np.append(thresholds, np.inf)[y] - eta
        lower = np.insert(thresholds, 0, -np.inf)[y] - eta
        f_up, f_low = special.expit(upper), special.expit(lower)
        prob = np.maximum(f_up - f_low, 1e-300)
        d_up, d_low = f_up * (1 - f_up), f_low * (1 - f_low)
        # d log prob / d threshold_j: +d_up/prob where j is the upper cut, -d_low/prob lower.
        grad_thresholds = np.bincount(y, weights=d_up / prob, minlength=k + 1)[:k]
        grad_thresholds -= np.bincount(y, weights=d_low / prob, minlength=k + 1)[1:]
        grad_slopes = -((d_up - d_low) / prob) @ x
        # Chain rule to (first threshold, log gaps): threshold_j = first + sum of gaps <= j.
        gaps = np.exp(params[1:k])
        tail = np.cumsum(grad_thresholds[::-1])[::-1]
        grad = np.concatenate([[tail[0]], tail[1:] * gaps, grad_slopes])
        return -np.sum(np.log(prob)), -grad

    fit = optimize.minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000}
    )
    _, slopes = unpack(fit.x)
    return float(-fit.fun), slopes / scale


def _null_loglik(answers: np.ndarray) -> float:
    """Log-likelihood of the thresholds-only model: the answers' own proportions."""
    _, counts = np.unique(answers, return_counts=True)
    return float(np.sum(counts * np.log(counts / counts.sum())))


def described_as(value: str) -> str:
    """The words for a grouping of self-descriptions: 'by members who describe themselves as …'."""
    return f"by members who describe themselves as {value}"


def _reading(item: str, result: ItemDif, who: Callable[[str], str] = described_as) -> str:
    if result.note:
        return f"{item}: {result.note}"
    if not result.flagged:
        return f"{item} is answered alike in every grouping by members with the same total."
    parts = []
    if (
        result.p_uniform is not None
        and result.p_uniform <= ALPHA
        or (result.p_overall is not None and result.p_overall <= ALPHA)
    ):
        parts.append(
            f"{item} is answered higher {who(result.higher)} than {who(result.lower)}, "
            f"among members with the same total"
        )
    if result.p_nonuniform is not None and result.p_nonuniform <= ALPHA:
        parts.append(f"{item}'s link with the total differs between groupings")
    return "; ".join(parts) + "."


def one_item_dif(
    item: str,
    answers: pd.Series,
    total: pd.Series,
    grouping: pd.Series,
    *,
    alpha: float = ALPHA,
    min_cell: int = MIN_CELL,
    who: Callable[[str], str] = described_as,
) -> ItemDif:
    """The three models and their comparisons for one item (rows with all three values).

    `answers` are the item's answers, `total` the matching score and `grouping` each row's
    grouping label; all three share an index; `who(value)` words a grouping in the reading
    ("by members who describe themselves as …", "in Spanish"). An item that cannot be tested
    (one grouping left, a grouping with no answers, too few categories) gets a `note` saying
    why and no statistics: nothing is made up.
    """
    rows = pd.DataFrame({"y": answers, "total": total, "g": grouping}).dropna()
    result = ItemDif(item=item, n=len(rows), categories=int(rows["y"].nunique()))
    present = sorted(rows["g"].unique())
    missing = sorted(set(grouping.dropna().unique()) - set(present))
    if missing:
        result.note = f"no answers {who(missing[0])}"
    elif len(present) < 2:
        result.note = "only one grouping answered it, so there is nothing to compare"
    if result.note:
        result.reading = _reading(item, result, who)
        return result
    try:
        y = collapse_categories(rows["y"], rows["g"], min_cell).to_numpy()
    except ValueError as error:
        result.note = f"not tested: {error}"
        result.reading = _reading(item, result, who)
        return result
    result.categories = int(len(np.unique(y)))
    x = rows["total"].to_numpy(dtype=float)
    dummies = pd.get_dummies(rows["g"], dtype=float)[present[1:]].to_numpy()
    interaction = dummies * x[:, None]
    ll0 = _null_loglik(y)
    ll1, b1 = _fit(y, x[:, None])
    ll2, b2 = _fit(y, np.column_stack([x, dummies]))
    ll3, _ = _fit(y, np.column_stack([x, dummies, interaction]))
    d0, d1, d2, d3 = (-2 * v for v in (ll0, ll1, ll2, ll3))
    df = len(present) - 1
    result.chi2_uniform, result.df_uniform = max(d1 - d2, 0.0), df
    result.chi2_nonuniform, result.df_nonuniform = max(d2 - d3, 0.0), df
    result.chi2_overall, result.df_overall = max(d1 - d3, 0.0), 2 * df
    result.p_uniform = float(stats.chi2.sf(result.chi2_uniform, df))
    result.p_nonuniform = float(stats.chi2.sf(result.chi2_nonuniform, df))
    result.p_overall = float(stats.chi2.sf(result.chi2_overall, 2 * df))
    n = len(rows)
    mcfadden = [1 - d / d0 for d in (d1, d2, d3)]
    cox_snell = [1 - np.exp((d - d0) / n) for d in (d1, d2, d3)]
    nagelkerke = [c / (1 - np.exp(-d0 / n)) for c in cox_snell]
    result.delta_r2 = float(mcfadden[2] - mcfadden[0])
    result.delta_r2_uniform = float(mcfadden[1] - mcfadden[0])
    result.delta_r2_nonuniform = float(mcfadden[2] - mcfadden[1])
    result.delta_r2_nagelkerke = float(nagelkerke[2] - nagelkerke[0])
    result.delta_r2_cox_snell = float(cox_snell[2] - cox_snell[0])
    result.beta_change = float(abs((b2[0] - b1[0]) / b1[0])) if b1[0] != 0 else None
    effects = dict(zip(present, [0.0, *b2[1:].tolist()], strict=True))
    result.higher = max(effects, key=effects.get)
    result.lower = min(effects, key=effects.get)
    result.flagged = min(result.p_uniform, result.p_nonuniform, result.p_overall) <= alpha
    result.reading = _reading(item, result, who)
    return result


def item_dif(
    items: pd.DataFrame,
    grouping: pd.Series,
    *,
    total: pd.Series | None = None,
    matching: Callable[[list[str]], pd.Series] | None = None,
    purify: bool = False,
    max_iterations: int = 10,
    alpha: float = ALPHA,
    min_cell: int = MIN_CELL,
    who: Callable[[str], str] = described_as,
) -> DifResult:
    """DIF of every item column of `items` by `grouping` (same index, one row per answer set).

    The matching score is `total` when given; else `matching(anchor_items)` when given; else
    the sum of the anchor items over rows that answered every one (rows without a score are
    not used). With `purify`, as lordif does, items flagged in one pass leave the matching
    score of the next (`matching` of the unflagged items and the studied item) until the
    same items are flagged twice in a row (at most `max_iterations` passes). Groupings are
    compared in sorted order; the first is the reference of the dummies (the tests do not
    depend on it).
    """
    grouping = grouping.astype(object).where(grouping.notna(), None)
    if matching is None:

        def matching(anchors: list[str]) -> pd.Series:
            return items[anchors].sum(axis=1, min_count=len(anchors))

    labels = sorted(grouping.dropna().unique())
    result = DifResult(
        groupings=labels, reference=labels[0] if labels else "", alpha=alpha, min_cell=min_cell
    )
    if len(labels) < 2:
        result.notes.append(
            "Every member is in one grouping, so no item can be compared between groupings."
        )
    anchors = list(items.columns)
    flagged: set[str] | None = None
    for _ in range(max_iterations if purify and total is None else 1):
        passed = []
        for item in items.columns:
            # The studied item is always part of its own matching score (Zumbo 1999).
            own = anchors if item in anchors else [*anchors, item]
            score = total if total is not None else matching(own)
            passed.append(
                one_item_dif(
                    item, items[item], score, grouping, alpha=alpha, min_cell=min_cell, who=who
                )
            )
        result.items, result.iterations = passed, result.iterations + 1
        now = {i.item for i in passed if i.flagged}
        if now == flagged:
            break
        if len(now) >= len(items.columns) - 1:
            result.notes.append(
                "Purification stopped: it would leave fewer than two items to match members on."
            )
            break
        flagged, anchors = now, [c for c in items.columns if c not in now]
    else:
        if purify and total is None and max_iterations > 1:
            result.notes.append(
                f"Purification did not settle in {max_iterations} passes (the flagged items "
                f"kept changing); the last pass is shown."
            )
    result.anchors = anchors if total is None else []
    result.purified = purify and total is None
    if result.purified and len(result.anchors) < len(items.columns):
        result.notes.append(
            f"Matched on the items not flagged ({', '.join(result.anchors) or 'none'}) after "
            f"{result.iterations} passes (purification, as lordif does)."
        )
    if len(labels) >= 2 and all(i.note and i.note.startswith("not tested") for i in result.items):
        result.notes.append(
            f"No item could be tested: some groupings are so small that fewer than two answer "
            f"categories have {min_cell} answers in every grouping. Compare groupings with "
            f"more members each, or lower the minimum number of answers per category."
        )
    unmatched = int(score.isna().sum())
    if unmatched:
        result.notes.append(
            f"{unmatched} answer set(s) without a matching score (items skipped) are not used."
        )
    return result
