"""The Social Relations Model for round-robin ratings: is mutuality mutual.

When every member of a group rates their connection with every other member, Kenny's Social
Relations Model splits the ratings into how a member tends to see others (the perceiver
effect), how a member tends to be seen (the target effect) and the unique relationship of two
people; the relationship covariance (dyadic reciprocity) says how mutual the connections are.

Method, as the R package TripleR (Schönbrodt, Back & Schmukle 2012) computes it for one
round-robin group:

- effects (Warner, Kenny & Stoto 1979; Kenny 1994): with row means ``M_i.``, column means
  ``M_.j`` and the grand mean ``M..`` of the off-diagonal ratings of an n-member group,
  ``a_i = (n-1)²/(n(n-2)) M_i. + (n-1)/(n(n-2)) M_.i − (n-1)/(n-2) M..`` (perceiver),
  ``b_j`` the same with rows and columns exchanged (target), ``g_ij = x_ij − a_i − b_j − M..``
  (relationship);
- mean squares ``A = Σa²/(n-1)``, ``B = Σb²/(n-1)``, ``C = Σab/(n-1)``; of the symmetric
  relationship parts ``e_ij = (g_ij + g_ji)/2``, ``D = Σe²/((n-1)(n-2)/2 − 1)``; of the
  antisymmetric ``d_ij = g_ij − g_ji``, ``E = (Σd²/2)/((n-1)(n-2))`` (sums over the whole
  matrix, both triangles);
- relationship variance ``(D+E)/2``, relationship covariance ``(D−E)/2``, and the perceiver
  and target variances and their covariance corrected for the relationship part;
- standard errors of Lashley & Bond (1997) and Bond & Lashley (1996), t = estimate / SE
  with n − 1 df, variances tested one-sided and the perceiver-target covariance two-sided
  (the relationship covariance one-sided, as TripleR does);
- effect reliabilities ``σ²_a / (σ²_a + σ²_g (n-1)/(n(n-2)) + σ_gg' /(n(n-2)))``.

The latent version takes two indicators of one construct (two ratings of the same pairs),
separates the stable part from error variance, and takes its standard errors from the
bivariate Lashley & Bond formulas, as TripleR's ``RR(a / b ~ perceiver * target)``.

Self ratings (the diagonal) never enter the components.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

#: The components, in TripleR's order and with TripleR's names.
COMPONENTS = (
    "perceiver variance",
    "target variance",
    "relationship variance",
    "error variance",
    "perceiver-target covariance",
    "relationship covariance",
)
#: The smallest group the model can be estimated in.
MIN_MEMBERS = 4


class RoundRobinError(ValueError):
    """Ratings the Social Relations Model cannot use, said in words."""


@dataclass(frozen=True)
class Component:
    """One variance or covariance component: estimate, standardized value, SE, t and p."""

    component: str
    estimate: float | None
    standardized: float | None
    se: float | None
    t: float | None
    p: float | None

    def to_dict(self) -> dict:
        """The component as ``roundrobin --json`` prints it (None for what is not defined)."""
        return {
            "component": self.component,
            "estimate": _plain(self.estimate),
            "standardized": _plain(self.standardized),
            "se": _plain(self.se),
            "t": _plain(self.t),
            "p": _plain(self.p),
        }


@dataclass
class SrmResult:
    """The Social Relations Model of one round-robin group (or several, combined)."""

    members: int
    groups: int
    components: list[Component]
    reliability: dict[str, float | None]
    #: One row per member: ``member``, ``perceiver``, ``target`` (effects, centred at 0).
    effects: pd.DataFrame
    #: One row per ordered pair: ``perceiver``, ``target``, ``relationship``.
    relationships: pd.DataFrame
    excluded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Squared Lashley & Bond standard errors (perceiver, target, relationship variance,
    #: perceiver-target and relationship covariance) before any is withheld: what combining
    #: several groups weights, as TripleR does.
    squared_se: list[float] = field(default_factory=list)
    #: For several groups: each group's own result.
    by_group: dict[str, SrmResult] = field(default_factory=dict)

    def component(self, name: str) -> Component:
        """The component called `name` (one of `COMPONENTS`)."""
        return next(c for c in self.components if c.component == name)


def _plain(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class _Parts:
    """The estimates of one group before they are worded."""

    n: int
    saa: float
    sbb: float
    scc: float
    sab: float
    sccs: float
    a: np.ndarray
    b: np.ndarray
    g: np.ndarray
    e: np.ndarray
    d: np.ndarray


def _check(matrix: pd.DataFrame, missing: bool = False) -> np.ndarray:
    if matrix.shape[0] != matrix.shape[1] or list(matrix.index) != list(matrix.columns):
        raise RoundRobinError("a round-robin matrix has the same members as rows and columns")
    n = matrix.shape[0]
    if n < MIN_MEMBERS:
        raise RoundRobinError(
            f"the Social Relations Model needs at least {MIN_MEMBERS} members rating each "
            f"other; this group has {n}"
        )
    x = matrix.to_numpy(dtype=float).copy()
    np.fill_diagonal(x, np.nan)  # self ratings never enter the components
    gaps = [
        (matrix.index[i], matrix.columns[j])
        for i, j in zip(*np.where(np.isnan(x)), strict=True)
        if i != j
    ]
    if gaps and not missing:
        perceiver, target = gaps[0]
        raise RoundRobinError(
            f"{len(gaps)} rating(s) are missing (e.g. {perceiver} of {target}); a group "
            "needs every member's rating of every other member"
        )
    return x


def _quick_effects(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    n = x.shape[0]
    rows, cols, grand = np.nanmean(x, axis=1), np.nanmean(x, axis=0), float(np.nanmean(x))
    k1, k2, k3 = (n - 1) ** 2 / (n * (n - 2)), (n - 1) / (n * (n - 2)), (n - 1) / (n - 2)
    return k1 * rows + k2 * cols - k3 * grand, k1 * cols + k2 * rows - k3 * grand, grand


def impute_missing(x: np.ndarray, max_iterations: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """`x` with its missing off-diagonal ratings filled in, and where they were.

    Each missing rating is replaced by the grand mean plus its perceiver's and target's
    effects, re-estimated until the filled values settle (TripleR's ``na.rm = TRUE``
    imputation, as its documentation describes it). Only the person effects use the filled
    values: a missing pair keeps no relationship effect.
    """
    gaps = np.isnan(x)
    np.fill_diagonal(gaps, False)
    filled = x.copy()
    if not gaps.any():
        return filled, gaps
    filled[gaps] = np.nanmean(x)
    for _ in range(max_iterations):
        a, b, grand = _quick_effects(filled)
        guess = (a[:, None] + b[None, :] + grand)[gaps]
        change = float(np.max(np.abs(guess - filled[gaps])))
        filled[gaps] = guess
        if change < 1e-10:
            break
    return filled, gaps


def usable_members(matrix: pd.DataFrame, min_data: int = 1) -> tuple[pd.DataFrame, list[str]]:
    """The members who both rate and are rated, and those left out, as TripleR keeps them.

    A member who gave fewer than `min_data` ratings, or received fewer, is left out, again
    and again until everyone left has enough (TripleR's ``minData``, default 1): a member
    who rated nobody, or whom nobody rated, cannot have a perceiver or a target effect.
    """
    x = matrix.to_numpy(dtype=float).copy()
    np.fill_diagonal(x, np.nan)
    keep = list(range(len(matrix)))
    left_out: list[str] = []
    while keep:
        sub = ~np.isnan(x[np.ix_(keep, keep)])
        given, received = sub.sum(axis=1), sub.sum(axis=0)
        bad = [k for i, k in enumerate(keep) if given[i] < min_data or received[i] < min_data]
        if not bad:
            break
        left_out += [str(matrix.index[k]) for k in bad]
        keep = [k for k in keep if k not in bad]
    return matrix.iloc[keep, keep], left_out


def _parts(x: np.ndarray) -> _Parts:
    n = x.shape[0]
    filled, gaps = impute_missing(x)
    a, b, grand = _quick_effects(filled)
    g = filled - a[:, None] - b[None, :] - grand
    g[gaps] = np.nan  # a missing pair has no relationship effect
    e = (g + g.T) / 2
    d = g - g.T
    big_a = float(np.sum(a**2) / (n - 1))
    big_b = float(np.sum(b**2) / (n - 1))
    big_c = float(np.sum(a * b) / (n - 1))
    big_d = float(np.nansum(e**2) / ((n - 1) * (n - 2) / 2 - 1))
    big_e = float((np.nansum(d**2) / 2) / ((n - 1) * (n - 2)))
    scc = (big_d + big_e) / 2
    sccs = (big_d - big_e) / 2
    q = n * (n - 2)
    return _Parts(
        n=n,
        saa=big_a - scc * (n - 1) / q - sccs / q,
        sbb=big_b - scc * (n - 1) / q - sccs / q,
        scc=scc,
        sab=big_c - sccs * (n - 1) / q - scc / q,
        sccs=sccs,
        a=a,
        b=b,
        g=g,
        e=e,
        d=d,
    )


def _univariate_se2(p: _Parts) -> list[float]:
    """Squared Lashley & Bond (1997) standard errors: saa, sbb, scc, sab, sccs."""
    n, saa, sbb, scc, sab, sccs = p.n, p.saa, p.sbb, p.scc, p.sab, p.sccs
    w = (n**2 - 3 * n + 6) * (n**2 - 3 * n + 4)
    big = w * (n + 1) * n**2 * (n - 2) ** 2
    shared = (
        2 * (n**6 - 7 * n**5 + 28 * n**4 - 66 * n**3 + 102 * n**2 - 84 * n + 32) * scc**2 / big
        + 2 * (n**3 - n**2 - 2 * n + 16) * (n**2 - 2 * n + 2) * sccs**2 / big
        + 4 * (n**5 - 5 * n**4 + 20 * n**3 - 42 * n**2 + 60 * n - 32) * scc * sccs / big
    )

    def variance(s: float) -> float:
        return (
            2 * s**2 / (n + 1) + shared + 4 * s * ((n - 1) * scc + sccs) / ((n + 1) * n * (n - 2))
        )

    relationship = (2 * (n**2 - 3 * n + 5) * (scc**2 + sccs**2)) / w + 4 * scc * sccs / w
    covariance = (
        (n - 3) * sab**2 / ((n + 1) * (n - 2))
        + (n**6 - 5 * n**5 + 19 * n**4 - 45 * n**3 + 90 * n**2 - 96 * n + 64) * scc**2 / big
        + (n**6 - 7 * n**5 + 31 * n**4 - 83 * n**3 + 150 * n**2 - 144 * n + 64) * sccs**2 / big
        + (n - 1) * saa * sbb / ((n + 1) * (n - 2))
        + (n - 1) * (saa + sbb) * ((n - 1) * scc + sccs) / ((n + 1) * n * (n - 2) ** 2)
        + 2 * (n - 3) * sab * (scc + (n - 1) * sccs) / ((n + 1) * n * (n - 2) ** 2)
        + 4 * (n**5 - 5 * n**4 + 20 * n**3 - 42 * n**2 + 60 * n - 32) * scc * sccs / big
    )
    return [variance(saa), variance(sbb), relationship, covariance, relationship]


def _t_and_p(estimate: float, se: float | None, df: int, two_sided: bool):
    if se is None or not math.isfinite(se) or se <= 0:
        return None, None
    t = estimate / se
    p = float(stats.t.sf(abs(t), df))
    return t, min(1.0, 2 * p) if two_sided else p


def _clamp(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return max(-1.0, min(1.0, value))


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom > 0 else None


def srm_group(matrix: pd.DataFrame, missing: bool = False) -> SrmResult:
    """The Social Relations Model of one round-robin group.

    `matrix` has the members as rows (perceivers) and columns (targets), rating ``x_ij`` in
    row i, column j; the diagonal (self ratings) is ignored. Missing ratings are refused
    (RoundRobinError naming one) unless `missing`, when they are imputed for the person
    effects (`impute_missing`). RoundRobinError for fewer than 4 members.
    """
    p = _parts(_check(matrix, missing))
    n = p.n
    se2 = _univariate_se2(p)
    positive = [v for v in (p.saa, p.sbb, p.scc) if v >= 0]
    total = sum(positive)
    estimates = [p.saa, p.sbb, p.scc, p.sab, p.sccs]
    standardized = [
        p.saa / total if p.saa >= 0 and total > 0 else None,
        p.sbb / total if p.sbb >= 0 and total > 0 else None,
        p.scc / total if p.scc >= 0 and total > 0 else None,
        p.sab / math.sqrt(p.saa * p.sbb) if p.saa > 0 and p.sbb > 0 else None,
        p.sccs / p.scc if p.scc > 0 else None,
    ]
    ses = [math.sqrt(v) if v >= 0 else None for v in se2]
    # A variance that is not positive has no test; nor a covariance of one.
    for index, variance in enumerate((p.saa, p.sbb, p.scc)):
        if variance <= 0:
            ses[index] = None
    if p.saa <= 0 or p.sbb <= 0:
        ses[3] = None
    if p.scc <= 0:
        ses[4] = None
    names = [COMPONENTS[0], COMPONENTS[1], COMPONENTS[2], COMPONENTS[4], COMPONENTS[5]]
    components = []
    for name, estimate, std, se in zip(names, estimates, standardized, ses, strict=True):
        t, pv = _t_and_p(estimate, se, n - 1, two_sided=name == COMPONENTS[4])
        components.append(Component(name, estimate, _clamp(std), se, t, pv))
    components.insert(3, Component(COMPONENTS[3], None, None, None, None, None))
    q = n * (n - 2)
    noise = p.scc * (n - 1) / q + p.sccs / q
    reliability = {
        "perceiver": _ratio(p.saa, p.saa + noise) if p.saa >= 0 else None,
        "target": _ratio(p.sbb, p.sbb + noise) if p.sbb >= 0 else None,
        "relationship": None,
    }
    return SrmResult(
        members=n,
        groups=1,
        components=components,
        reliability=reliability,
        effects=_effects(matrix.index, p.a, p.b),
        relationships=_relationships(matrix.index, p.g),
        squared_se=se2,
    )


def srm_groups(matrices: dict[str, pd.DataFrame], missing: bool = True) -> SrmResult:
    """The Social Relations Model of several round-robin groups, as TripleR combines them.

    Each group's components are estimated on its own (`srm_group`); the combined estimate
    is their mean weighted by group size − 1, its standard error
    ``sqrt(Σ w² SE²) / Σ w`` (Lashley & Bond within each group), t with Σ(n − 1) df,
    variances tested one-sided and both covariances two-sided. Effects keep their group.
    """
    if not matrices:
        raise RoundRobinError("no group has at least 4 members rating each other")
    results = {name: srm_group(m, missing=missing) for name, m in matrices.items()}
    weights = {name: r.members - 1 for name, r in results.items()}
    total = sum(weights.values())
    order = [COMPONENTS[0], COMPONENTS[1], COMPONENTS[2], COMPONENTS[4], COMPONENTS[5]]
    mean, se = {}, {}
    for position, name in enumerate(order):
        mean[name] = (
            sum(weights[g] * r.component(name).estimate for g, r in results.items()) / total
        )
        spread = sum(weights[g] ** 2 * r.squared_se[position] for g, r in results.items())
        se[name] = math.sqrt(spread) / total if spread >= 0 else None
    saa, sbb, scc = mean[order[0]], mean[order[1]], mean[order[2]]
    positive = sum(v for v in (saa, sbb, scc) if v >= 0)
    standardized = {
        order[0]: _ratio(saa, positive) if saa >= 0 else None,
        order[1]: _ratio(sbb, positive) if sbb >= 0 else None,
        order[2]: _ratio(scc, positive) if scc >= 0 else None,
        order[3]: mean[order[3]] / math.sqrt(saa * sbb) if saa > 0 and sbb > 0 else None,
        order[4]: mean[order[4]] / scc if scc > 0 else None,
    }
    components = []
    for name in order:
        usable = name in order[3:] or mean[name] >= 0
        if name == order[3] and (saa < 0 or sbb < 0):
            usable = False
        t, p = _t_and_p(mean[name], se[name] if usable else None, total, name in order[3:])
        components.append(
            Component(
                name, mean[name], _clamp(standardized[name]), se[name] if usable else None, t, p
            )
        )
    components.insert(3, Component(COMPONENTS[3], None, None, None, None, None))
    n = sum(r.members for r in results.values()) / len(results)
    sccs = mean[order[4]]
    q = n * (n - 2)
    noise = scc * (n - 1) / q + sccs / q
    effects = pd.concat([r.effects.assign(group=g) for g, r in results.items()], ignore_index=True)
    relationships = pd.concat(
        [r.relationships.assign(group=g) for g, r in results.items()], ignore_index=True
    )
    return SrmResult(
        members=sum(r.members for r in results.values()),
        groups=len(results),
        components=components,
        reliability={
            "perceiver": _clamp(_ratio(saa, saa + noise)) if saa >= 0 else None,
            "target": _clamp(_ratio(sbb, sbb + noise)) if sbb >= 0 else None,
            "relationship": None,
        },
        effects=effects,
        relationships=relationships,
        by_group=results,
    )


def _effects(members, a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"member": list(members), "perceiver": a, "target": b})


def _relationships(members, g: np.ndarray) -> pd.DataFrame:
    codes = list(members)
    rows = [
        {"perceiver": codes[i], "target": codes[j], "relationship": float(g[i, j])}
        for i in range(len(codes))
        for j in range(len(codes))
        if i != j
    ]
    return pd.DataFrame(rows, columns=["perceiver", "target", "relationship"])


def _bivariate_se2(v1: list[float], v2: list[float], saf, sag, sbg, sbf, sch, schs, n):
    """Squared bivariate Lashley & Bond standard errors: saf, sbg, sag, sbf, sch, schs.

    `v1`, `v2` are each indicator's (saa, sbb, scc, sab, sccs); the relationship terms use
    the fourth entry where TripleR 1.5 uses its fifth estimate (the perceiver-target
    covariance), so that its printed standard errors are reproduced.
    """
    c1 = (
        n**11
        - 14 * n**10
        + 89 * n**9
        - 342 * n**8
        + 872 * n**7
        - 1505 * n**6
        + 1698 * n**5
        - 1063 * n**4
        + 116 * n**3
        + 292 * n**2
        - 224 * n
        + 64
    )
    c2 = (
        n**10
        - 12 * n**9
        + 66 * n**8
        - 227 * n**7
        + 534 * n**6
        - 857 * n**5
        + 883 * n**4
        - 416 * n**3
        - 148 * n**2
        + 224 * n
        - 64
    )
    c3 = (
        n**10
        - 11 * n**9
        + 48 * n**8
        - 93 * n**7
        - 2 * n**6
        + 388 * n**5
        - 763 * n**4
        + 572 * n**3
        + 4 * n**2
        - 224 * n
        + 64
    )
    c4 = (
        n**11
        - 16 * n**10
        + 117 * n**9
        - 520 * n**8
        + 1540 * n**7
        - 3083 * n**6
        + 3970 * n**5
        - 2689 * n**4
        - 4 * n**3
        + 1212 * n**2
        - 544 * n
        - 64
    )
    c5 = (
        n**10
        - 11 * n**9
        + 42 * n**8
        - 33 * n**7
        - 258 * n**6
        + 976 * n**5
        - 1453 * n**4
        + 788 * n**3
        + 348 * n**2
        - 544 * n
        - 64
    )
    c6 = 2 * (
        n**10
        - 14 * n**9
        + 92 * n**8
        - 383 * n**7
        + 1074 * n**6
        - 1963 * n**5
        + 2101 * n**4
        - 752 * n**3
        - 780 * n**2
        + 544 * n
        + 64
    )
    c7 = (n - 3) * n * (n**6 - 9 * n**5 + 35 * n**4 - 75 * n**3 + 76 * n**2 - 12 * n - 48)
    rel1, rel2 = v1[2], v2[2]
    x1, x2 = v1[3], v2[3]  # TripleR's fifth estimate: see the docstring
    tail = (c1 * rel1 * rel2 + c2 * (rel1 * x2 + x1 * rel2) + c3 * x1 * x2) / (
        (n - 2) ** 3 * n**2 * (n + 1) * c7
    )

    def person(s1, s2, cov, own, other):
        return (
            ((n - 1) * s1 * s2 + (n - 3) * cov**2) / ((n - 2) * (n + 1))
            + (
                (n - 1) ** 2 * (s1 * rel2 + rel1 * s2)
                + (n - 1) * (s1 * x2 + x1 * s2)
                + 2 * (n - 3) * cov * ((n - 1) * own + other)
            )
            / ((n - 2) ** 2 * n * (n + 1))
            + tail
            + (c4 * own**2 + c5 * other**2 + c6 * sch * schs) / ((n - 2) ** 3 * n**2 * (n + 1) * c7)
        )

    relationship = (
        (n**6 - 9 * n**5 + 32 * n**4 - 57 * n**3 + 43 * n**2 + 6 * n - 8) * (rel1 * rel2 + x1 * x2)
        + 2 * (n**4 - 6 * n**3 + 3 * n**2 + 18 * n - 8) * sch * schs
    ) / c7 + (
        (n**4 - 6 * n**3 + 11 * n**2 - 6 * n + 8) * (rel1 * x2 + x1 * rel2)
        + (n**6 - 9 * n**5 + 28 * n**4 - 33 * n**3 - 9 * n**2 + 54 * n + 8) * (sch**2 + schs**2)
    ) / c7
    return [
        person(v1[0], v2[0], saf, sch, schs),
        person(v1[1], v2[1], sbg, sch, schs),
        person(v1[0], v2[1], sag, schs, sch),
        person(v1[1], v2[0], sbf, schs, sch),
        relationship,
        relationship,
    ]


def srm_latent(first: pd.DataFrame, second: pd.DataFrame) -> SrmResult:
    """The latent Social Relations Model of one construct measured by two indicators.

    `first` and `second` are two complete round-robin matrices of the same members (two
    ratings of each pair). The stable perceiver, target and relationship variances are the
    indicators' cross-covariances; what the two indicators do not share is error variance.
    """
    if list(first.index) != list(second.index):
        raise RoundRobinError("the two indicators must rate the same members")
    p1, p2 = _parts(_check(first)), _parts(_check(second))
    n = p1.n
    saf = float(np.sum(p1.a * p2.a) / (n - 1))
    sag = float(np.sum(p1.a * p2.b) / (n - 1))
    sbf = float(np.sum(p1.b * p2.a) / (n - 1))
    sbg = float(np.sum(p1.b * p2.b) / (n - 1))
    e_cross = float(np.nansum(p1.e * p2.e) / ((n - 1) * (n - 2) / 2 - 1))
    f_cross = float((np.nansum(p1.d * p2.d) / 2) / ((n - 1) * (n - 2)))
    sch, schs = (e_cross + f_cross) / 2, (e_cross - f_cross) / 2
    q = n * (n - 2)
    saf -= sch * (n - 1) / q + schs / q
    sag -= schs * (n - 1) / q + sch / q
    sbf -= schs * (n - 1) / q + sch / q
    sbg -= sch * (n - 1) / q + schs / q
    v1 = [p1.saa, p1.sbb, p1.scc, p1.sab, p1.sccs]
    v2 = [p2.saa, p2.sbb, p2.scc, p2.sab, p2.sccs]
    se2 = _bivariate_se2(v1, v2, saf, sag, sbg, sbf, sch, schs, n)
    se = {
        k: math.sqrt(v) if v >= 0 else None
        for k, v in zip(["af", "bg", "ag", "bf", "ch", "chs"], se2, strict=True)
    }
    unstable = {
        "perceiver": (p1.saa + p2.saa) / 2 - saf,
        "target": (p1.sbb + p2.sbb) / 2 - sbg,
        "relationship": (p1.scc + p2.scc) / 2 - sch,
    }
    stable = max(saf, 0) + max(sbg, 0) + max(sch, 0)
    error = sum(max(v, 0) for v in unstable.values())
    whole = stable + error
    pt_cov = (sag + sbf) / 2
    pt_se = math.sqrt((se2[2] + se2[3]) / 2) if se2[2] + se2[3] >= 0 else None
    rows = [
        (COMPONENTS[0], saf, _ratio(max(saf, 0), whole), se["af"] if saf >= 0 else None, False),
        (COMPONENTS[1], sbg, _ratio(max(sbg, 0), whole), se["bg"] if sbg >= 0 else None, False),
        (COMPONENTS[2], sch, _ratio(max(sch, 0), whole), se["ch"] if sch >= 0 else None, False),
        (COMPONENTS[3], error, _ratio(error, whole), None, False),
        (
            COMPONENTS[4],
            pt_cov,
            pt_cov / math.sqrt(saf * sbg) if saf > 0 and sbg > 0 else None,
            pt_se,
            True,
        ),
        (COMPONENTS[5], schs, schs / max(sch, 0) if sch > 0 else None, se["chs"], False),
    ]
    components = []
    for name, estimate, std, s, two_sided in rows:
        t, pv = _t_and_p(estimate, s, n - 1, two_sided) if name != COMPONENTS[3] else (None, None)
        components.append(Component(name, estimate, _clamp(std), s, t, pv))
    unstable_cov = (p1.sccs + p2.sccs) / 2 - schs
    r = 2  # two indicators
    noise = (sch + unstable["relationship"] / r) * (n - 1) / q + (schs + unstable_cov / r) / q
    reliability = {
        "perceiver": _ratio(saf, saf + unstable["perceiver"] / r + noise) if saf >= 0 else None,
        "target": _ratio(sbg, sbg + unstable["target"] / r + noise) if sbg >= 0 else None,
        "relationship": _ratio(sch, sch + unstable["relationship"] / r) if sch >= 0 else None,
    }
    return SrmResult(
        members=n,
        groups=1,
        components=components,
        reliability=reliability,
        effects=_effects(first.index, (p1.a + p2.a) / 2, (p1.b + p2.b) / 2),
        relationships=_relationships(first.index, (p1.g + p2.g) / 2),
    )


def round_robin_matrix(
    long: pd.DataFrame, value: str, perceiver: str = "perceiver", target: str = "target"
) -> pd.DataFrame:
    """The square perceiver × target matrix of one group's long ratings (members sorted)."""
    members = sorted(set(long[perceiver].astype(str)) | set(long[target].astype(str)))
    wide = long.assign(_p=long[perceiver].astype(str), _t=long[target].astype(str)).pivot_table(
        index="_p", columns="_t", values=value, aggfunc="first"
    )
    return wide.reindex(index=members, columns=members).rename_axis(index=None, columns=None)
